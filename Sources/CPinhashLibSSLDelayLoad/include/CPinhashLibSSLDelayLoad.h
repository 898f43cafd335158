#ifndef CPINHASH_LIBSSL_DELAY_LOAD_H
#define CPINHASH_LIBSSL_DELAY_LOAD_H

/* No interface, and nothing imports this module (.ci/check-boundaries): on Linux the target defines the
 * libssl functions PinHashLive calls, which load libssl on first use (CPinhashDelayLoad.h). Its own target,
 * so that a program on PinHash alone carries no libssl forwarders and no note naming libssl. SwiftPM wants a
 * public header directory; this is it. */

#endif
