#ifndef CPINHASH_DELAY_LOAD_H
#define CPINHASH_DELAY_LOAD_H

/* Libraries only some runs use (libcrypto, libssl, libyaml, Expat, libplist) are loaded by the first call
 * into them, not by the dynamic loader at start-up, which every run of pinhash paid for (README, "Loaded
 * on first use"). Each library's file (Crypto.c, YAML.c, Expat.c, Plist.c here; LibSSL.c in
 * CPinhashLibSSLDelayLoad, which only PinHashLive depends on) lists its soname and the functions pinhash
 * calls, and defines each as a forwarder to the library's own. Nothing imports this module
 * (.ci/check-boundaries): it only defines C functions; this header is public for CPinhashLibSSLDelayLoad.
 * Package.swift defines PINHASH_DELAY_LOAD on Linux only; elsewhere the libraries are linked as usual and
 * these files compile to nothing. */

#ifdef PINHASH_DELAY_LOAD

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* sysexits.h's EX_UNAVAILABLE: a library a command needs is missing or lacks a function (README, "Exit
 * status"). */
#define PINHASH_EXIT_LIBRARY_UNAVAILABLE 69

/* A library loaded on first use: its soname, what it is needed for (named in the error), and the names of
 * its functions with the slots their addresses go to, in the same order. */
struct pinhash_delay_loaded_library {
    const char *soname;
    const char *purpose;
    const char *const *names;
    void **slots;
    size_t count;
};

/* Opens the library (RTLD_NOW | RTLD_LOCAL) and fills every slot; returns NULL, or if it cannot, the line
 * to write. Called once per library, under pthread_once. */
__attribute__((visibility("hidden"))) const char *pinhash_delay_load(
    const struct pinhash_delay_loaded_library *library);

/* Writes that line to stderr and exits with PINHASH_EXIT_LIBRARY_UNAVAILABLE. Called once pthread_once has
 * returned, not from inside it: ThreadSanitizer fails a process that ends there ("main thread finished
 * with ignores enabled", status 66). */
__attribute__((visibility("hidden"), noreturn)) void pinhash_delay_load_failed(const char *line);

#define PINHASH_STRINGIFY(x) #x
#define PINHASH_STRING(x) PINHASH_STRINGIFY(x)

/* The library in the binary's .note.dlopen, as systemd's "dlopen() Metadata for ELF Files" defines it
 * (owner FDO, type 0x407c0c0a, a JSON array): what ldd shows for a linked library, packaging tools
 * (Packaging/make-deb, systemd's package-notes) read here. */
#define PINHASH_DLOPEN_NOTE_JSON(feature, soname, purpose)                                                   \
    "[{\"soname\":[\"" soname "\"],\"feature\":\"" feature "\",\"description\":\"" purpose                   \
    "\",\"priority\":\"required\"}]"
#define PINHASH_DLOPEN_NOTE(json)                                                                            \
    __attribute__((used, section(".note.dlopen"), aligned(4))) static const struct {                         \
        uint32_t name_size, description_size, type;                                                          \
        char name[4];                                                                                        \
        char description[(sizeof(json) + 3) / 4 * 4];                                                       \
    } pinhash_dlopen_note = {4, sizeof(json), 0x407c0c0a, "FDO", json};

/* A library's functions are listed as FUNCTIONS(F, V): F(type, name, (parameters), (arguments)) for one
 * that returns a value, V(name, (parameters), (arguments)) for one that returns void. The library's real
 * header is included first, so each forwarder's definition must match its declaration there (a mismatch
 * is a compile error), and each is called through a pointer of the declared type. The forwarders are
 * hidden: the executable exports its symbols, and a visible SSL_free would take the place of libssl's
 * own in libssl's internal calls. */
#define PINHASH_INDEX(type, name, parameters, arguments) pinhash_index_##name,
#define PINHASH_INDEX_VOID(name, parameters, arguments) pinhash_index_##name,
#define PINHASH_NAME(type, name, parameters, arguments) #name,
#define PINHASH_NAME_VOID(name, parameters, arguments) #name,
#define PINHASH_FORWARDER(type, name, parameters, arguments)                                                 \
    __attribute__((visibility("hidden"))) type name parameters {                                             \
        return ((__typeof__(&name))loaded()[pinhash_index_##name]) arguments;                                \
    }
#define PINHASH_FORWARDER_VOID(name, parameters, arguments)                                                  \
    __attribute__((visibility("hidden"))) void name parameters {                                             \
        ((__typeof__(&name))loaded()[pinhash_index_##name]) arguments;                                       \
    }

/* One library: its note, its table, the loader run once, and a forwarder for each function. */
#define PINHASH_DELAY_LOADED_LIBRARY(feature, soname, purpose, FUNCTIONS)                                    \
    PINHASH_DLOPEN_NOTE(PINHASH_DLOPEN_NOTE_JSON(feature, soname, purpose))                                  \
    enum { FUNCTIONS(PINHASH_INDEX, PINHASH_INDEX_VOID) pinhash_function_count };                            \
    static const char *const names[pinhash_function_count] = {FUNCTIONS(PINHASH_NAME, PINHASH_NAME_VOID)};   \
    static void *slots[pinhash_function_count];                                                              \
    static pthread_once_t once = PTHREAD_ONCE_INIT;                                                          \
    static const char *failure;                                                                              \
    static void load(void) {                                                                                 \
        static const struct pinhash_delay_loaded_library library = {                                        \
            soname, purpose, names, slots, pinhash_function_count};                                          \
        failure = pinhash_delay_load(&library);                                                              \
    }                                                                                                        \
    static void *const *loaded(void) {                                                                       \
        pthread_once(&once, load);                                                                           \
        if (failure != NULL) pinhash_delay_load_failed(failure);                                             \
        return slots;                                                                                        \
    }                                                                                                        \
    FUNCTIONS(PINHASH_FORWARDER, PINHASH_FORWARDER_VOID)

#endif
#endif
