#define _GNU_SOURCE /* asprintf, program_invocation_short_name */
#include "CPinhashDelayLoad.h"

#ifdef PINHASH_DELAY_LOAD

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

/* The line `pinhash: cannot load libssl.so.3, needed for TLS connections: REASON`, with the loader's
 * reason (the file missing or damaged, or a function an older release lacks). */
static const char *failure(const struct pinhash_delay_loaded_library *library) {
    const char *reason = dlerror();
    char *line;
    if (asprintf(&line, "%s: cannot load %s, needed for %s: %s\n", program_invocation_short_name,
            library->soname, library->purpose, reason != NULL ? reason : "unknown reason") < 0) {
        return "pinhash: cannot load a library a command needs\n";
    }
    return line;
}

const char *pinhash_delay_load(const struct pinhash_delay_loaded_library *library) {
    /* RTLD_LOCAL: its symbols stay out of the global scope, so they cannot satisfy anyone else's lookups. */
    void *handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) return failure(library);
    for (size_t index = 0; index < library->count; index++) {
        void *address = dlsym(handle, library->names[index]);
        if (address == NULL) return failure(library); /* no function of these libraries is at address 0 */
        library->slots[index] = address;
    }
    return NULL;
}

/* _exit, not exit: no atexit handler (OpenSSL's clean-up) may run while other threads are still in
 * libcrypto, and the run is void, so what stdout's buffer holds is dropped. The first thread to get here
 * writes the line and ends the process; any other waits for that rather than end it first, unsaid. */
void pinhash_delay_load_failed(const char *line) {
    static atomic_flag reported = ATOMIC_FLAG_INIT;
    if (!atomic_flag_test_and_set(&reported)) {
        fputs(line, stderr);
        _exit(PINHASH_EXIT_LIBRARY_UNAVAILABLE);
    }
    for (;;) pause();
}

#endif
