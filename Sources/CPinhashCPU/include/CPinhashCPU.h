#ifndef CPINHASH_CPU_H
#define CPINHASH_CPU_H

/// The processor's hint that a thread is waiting in a loop (x86's PAUSE, Arm's YIELD): the loop runs
/// slower, and a hyperthread beside it, or a virtual processor sharing the core, gets the core's time.
/// Swift has no way to say it (the intrinsics' header functions do not import).
void pinhash_cpu_pause(void);

#endif
