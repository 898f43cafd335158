// SHA-256 as FIPS 180-4 defines it, for pins: pinhash hashes public keys, so nothing here needs to be
// constant-time. It is here rather than OpenSSL's so that a run that pins a certificate or a plain key
// need not load libcrypto at all (README, "Speed"). Tests/PinHashTests/SHA256Tests.swift compares both
// paths with `openssl dgst -sha256` for every length up to 1,100 bytes and for large random inputs.

#include "CPinhashSHA256.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define PINHASH_SHA_EXTENSIONS 1
#endif

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint32_t initial_state[8] = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

typedef void (*block_function)(uint32_t state[8], const uint8_t *blocks, size_t count);

static inline uint32_t rotate_right(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_big_endian(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static void portable_blocks(uint32_t state[8], const uint8_t *blocks, size_t count) {
    for (; count > 0; count--, blocks += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++) w[t] = load_big_endian(blocks + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotate_right(w[t - 15], 7) ^ rotate_right(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotate_right(w[t - 2], 17) ^ rotate_right(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t s1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
            uint32_t choice = (e & f) ^ (~e & g);
            uint32_t t1 = h + s1 + choice + round_constants[t] + w[t];
            uint32_t s0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
            uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            uint32_t t2 = s0 + majority;
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a;
        state[1] += b;
        state[2] += c;
        state[3] += d;
        state[4] += e;
        state[5] += f;
        state[6] += g;
        state[7] += h;
    }
}

#ifdef PINHASH_SHA_EXTENSIONS
// Four rounds a step with SHA256RNDS2 (two rounds each), the message schedule with SHA256MSG1/MSG2, as
// Intel's SHA extensions reference describes: the state is kept as ABEF and CDGH.
__attribute__((target("sha,sse4.1,ssse3"))) static void extension_blocks(
    uint32_t state[8], const uint8_t *blocks, size_t count) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (; count > 0; count--, blocks += 64) {
        const __m128i abef_before = abef;
        const __m128i cdgh_before = cdgh;
        __m128i message[4];
        for (int i = 0; i < 4; i++) {
            message[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * i)), byte_swap);
        }
        for (int step = 0; step < 16; step++) {
            __m128i words = message[step & 3];
            __m128i input = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)&round_constants[4 * step]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, input);
            if (step >= 3 && step <= 14) {
                // The next step's words: add W[t-7] (the top word of this step and the three below it),
                // then finish with sigma1 of the last two.
                __m128i previous = message[(step + 3) & 3];
                __m128i shifted = _mm_alignr_epi8(words, previous, 4);
                __m128i next = _mm_add_epi32(message[(step + 1) & 3], shifted);
                message[(step + 1) & 3] = _mm_sha256msg2_epu32(next, words);
            }
            input = _mm_shuffle_epi32(input, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, input);
            if (step >= 1 && step <= 12) {
                // sigma0 for the words three steps ahead.
                message[(step + 3) & 3] = _mm_sha256msg1_epu32(message[(step + 3) & 3], words);
            }
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

static int processor_has_sha_extensions(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    const int sha = (ebx >> 29) & 1;
    return ssse3 && sse41 && sha;
}
#endif

// Chosen once; a race between threads that both choose writes the same value.
static block_function chosen_blocks(void) {
    static block_function chosen = NULL;
    block_function blocks = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (blocks == NULL) {
        blocks = portable_blocks;
#ifdef PINHASH_SHA_EXTENSIONS
        if (processor_has_sha_extensions()) blocks = extension_blocks;
#endif
        __atomic_store_n(&chosen, blocks, __ATOMIC_RELAXED);
    }
    return blocks;
}

static void hash(block_function blocks, const uint8_t *bytes, size_t count, uint8_t digest[32]) {
    uint32_t state[8];
    memcpy(state, initial_state, sizeof state);
    const size_t whole = count / 64;
    if (whole > 0) blocks(state, bytes, whole);
    // The padding: the rest of the input, 0x80, zeros, and the length in bits, big-endian, in the last
    // eight bytes of one or two blocks.
    uint8_t tail[128] = {0};
    const size_t rest = count % 64;
    memcpy(tail, bytes + 64 * whole, rest);
    tail[rest] = 0x80;
    const size_t tail_length = rest < 56 ? 64 : 128;
    const uint64_t bits = (uint64_t)count * 8;
    for (int i = 0; i < 8; i++) tail[tail_length - 1 - i] = (uint8_t)(bits >> (8 * i));
    blocks(state, tail, tail_length / 64);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)state[i];
    }
}

void pinhash_sha256(const uint8_t *bytes, size_t count, uint8_t digest[32]) {
    hash(chosen_blocks(), bytes, count, digest);
}

void pinhash_sha256_portable(const uint8_t *bytes, size_t count, uint8_t digest[32]) {
    hash(portable_blocks, bytes, count, digest);
}

int pinhash_sha256_uses_sha_extensions(void) { return chosen_blocks() != portable_blocks; }
