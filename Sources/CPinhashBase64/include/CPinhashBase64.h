#ifndef CPINHASH_BASE64_H
#define CPINHASH_BASE64_H

#include <stddef.h>
#include <stdint.h>

/// Decodes whole PEM lines of base64 (64 characters of the standard alphabet and a line feed) from the
/// start of `text` (`length` bytes) into `out` (`capacity` bytes), 32 characters at a time with AVX2,
/// until the next line is not one: it is shorter, it ends otherwise, or a character of it is outside
/// the alphabet (white space, padding, anything else). Decodes only while `out` keeps 56 bytes of room
/// past what is written (a store writes 32 bytes for 24). Returns the characters consumed (a multiple
/// of 65) and sets `*written` to the bytes written; 0 on a processor without AVX2, where the caller
/// decodes everything itself.
size_t pinhash_base64_decode_lines(
    const uint8_t *text, size_t length, uint8_t *out, size_t capacity, size_t *written);

/// Whether pinhash_base64_decode_lines uses AVX2 on this processor.
int pinhash_base64_uses_avx2(void);

#endif
