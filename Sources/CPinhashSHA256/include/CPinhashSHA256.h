#ifndef CPINHASH_SHA256_H
#define CPINHASH_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256 (FIPS 180-4) of `count` bytes at `bytes` into `digest` (32 bytes). The x86-64 SHA extensions
/// are used when the processor has them, else portable C; both give the same digest.
void pinhash_sha256(const uint8_t *bytes, size_t count, uint8_t digest[32]);

/// The same with the portable C rounds whatever the processor has (for the tests, which compare both
/// with openssl dgst).
void pinhash_sha256_portable(const uint8_t *bytes, size_t count, uint8_t digest[32]);

/// Whether pinhash_sha256 uses the SHA extensions on this processor.
int pinhash_sha256_uses_sha_extensions(void);

/// SHA-1 of `count` bytes at `bytes` into `digest` (20 bytes), portable C: only for the subject hash of
/// a hashed certificate directory's file names, never for a pin or a signature.
void pinhash_sha1(const uint8_t *bytes, size_t count, uint8_t digest[20]);

#endif
