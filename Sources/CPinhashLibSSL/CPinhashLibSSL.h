#ifndef CPINHASH_LIBSSL_H
#define CPINHASH_LIBSSL_H

/* libssl, for the TLS client of PinHashLive only: the PinHash library (files, formats, headers) needs
 * nothing but libcrypto (CPinhashOpenSSL), so a program that only reads files does not link libssl. */
#include <openssl/ssl.h>

#endif
