// SHA-1 as FIPS 180-4 defines it, for one use: the subject hash OpenSSL names the files of a hashed
// certificate directory by (X509_NAME_hash_ex, the first four bytes of the SHA-1 of the name's canonical
// encoding), so that finding a self-issued certificate in /etc/ssl/certs needs neither OpenSSL's
// initialisation nor its digest fetching. Not for anything a signature or a pin depends on.
// Tests/PinHashTests/SubjectHashTests.swift compares it with `openssl dgst -sha1` and the subject hash
// with `openssl x509 -subject_hash`.

#include "CPinhashSHA256.h"

#include <string.h>

static inline uint32_t rotate_left(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t state[5], const uint8_t block[64]) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++) {
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | (uint32_t)block[4 * i + 3];
    }
    for (int i = 16; i < 80; i++) w[i] = rotate_left(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        const uint32_t t = rotate_left(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotate_left(b, 30);
        b = a;
        a = t;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
}

void pinhash_sha1(const uint8_t *bytes, size_t count, uint8_t digest[20]) {
    uint32_t state[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    const size_t whole = count / 64;
    for (size_t i = 0; i < whole; i++) sha1_block(state, bytes + 64 * i);
    // The padding: the rest, 0x80, zeros, and the length in bits, big-endian, in one or two blocks.
    uint8_t tail[128] = {0};
    const size_t rest = count % 64;
    if (rest > 0) memcpy(tail, bytes + 64 * whole, rest);
    tail[rest] = 0x80;
    const size_t tail_length = rest < 56 ? 64 : 128;
    const uint64_t bits = (uint64_t)count * 8;
    for (int i = 0; i < 8; i++) tail[tail_length - 1 - i] = (uint8_t)(bits >> (8 * i));
    sha1_block(state, tail);
    if (tail_length == 128) sha1_block(state, tail + 64);
    for (int i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t)(state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)state[i];
    }
}
