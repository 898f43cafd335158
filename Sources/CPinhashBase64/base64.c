// Whole PEM lines of base64, 32 characters at a time with AVX2: the method of Wojciech Muła and Daniel
// Lemire ("Faster Base64 Encoding and Decoding Using AVX2 Instructions", ACM TWEB 2018): each character's
// high and low nibbles index two 16-entry tables whose AND is zero exactly for the 64 characters of the
// alphabet; a third table, indexed by the high nibble ('/' apart), gives what to add to the character
// to get its six bits; two multiply-adds pack four sixes into three bytes. Written here from the paper.

#include "CPinhashBase64.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

__attribute__((target("avx2"))) static size_t avx2_lines(
    const uint8_t *text, size_t length, uint8_t *out, size_t capacity, size_t *written)
{
    // Bit i of lut_low[n] is set when a character with low nibble n is invalid for high-nibble class i;
    // lut_high[h] is the class bit of high nibble h (0x10 for nibbles with no valid character).
    const __m256i lut_low = _mm256_setr_epi8(
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A,
        0x15, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x13, 0x1A, 0x1B, 0x1B, 0x1B, 0x1A);
    const __m256i lut_high = _mm256_setr_epi8(
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
        0x10, 0x10, 0x01, 0x02, 0x04, 0x08, 0x04, 0x08, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10);
    // What to add: '+' (0x2B) +19 = 62, '/' (index 1 once adjusted) +16 = 63, digits +4, 'A'-'Z' -65,
    // 'a'-'z' -71.
    const __m256i lut_roll = _mm256_setr_epi8(
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 16, 19, 4, -65, -65, -71, -71, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i slash = _mm256_set1_epi8(0x2F);
    const __m256i pack_pairs = _mm256_set1_epi32(0x01400140);
    const __m256i pack_quads = _mm256_set1_epi32(0x00011000);
    const __m256i pack_bytes = _mm256_setr_epi8(
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
        2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i pack_lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 7, 7);

    size_t consumed = 0;
    size_t produced = 0;
    while (consumed + 65 <= length && text[consumed + 64] == '\n' && produced + 56 <= capacity) {
        __m256i halves[2];
        int valid = 1;
        for (int half = 0; half < 2; half++) {
            __m256i characters = _mm256_loadu_si256((const __m256i *)(text + consumed + 32 * half));
            __m256i high = _mm256_and_si256(_mm256_srli_epi32(characters, 4), nibble);
            __m256i low = _mm256_and_si256(characters, nibble);
            // A byte of 0x80 or more has a high nibble of 8 to F, class 0x10, which every low entry has.
            __m256i invalid = _mm256_and_si256(
                _mm256_shuffle_epi8(lut_low, low), _mm256_shuffle_epi8(lut_high, high));
            if (!_mm256_testz_si256(invalid, invalid)) {
                valid = 0;
                break;
            }
            __m256i is_slash = _mm256_cmpeq_epi8(characters, slash);
            __m256i roll = _mm256_shuffle_epi8(lut_roll, _mm256_add_epi8(is_slash, high));
            __m256i sixes = _mm256_add_epi8(characters, roll);
            __m256i pairs = _mm256_maddubs_epi16(sixes, pack_pairs);
            __m256i quads = _mm256_madd_epi16(pairs, pack_quads);
            halves[half] = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(quads, pack_bytes), pack_lanes);
        }
        if (!valid) break;
        _mm256_storeu_si256((__m256i *)(out + produced), halves[0]);
        _mm256_storeu_si256((__m256i *)(out + produced + 24), halves[1]);
        produced += 48;
        consumed += 65;
    }
    *written = produced;
    return consumed;
}

static int has_avx2(void)
{
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    // OSXSAVE and AVX, and the OS saving the YMM registers (XCR0 bits 1 and 2).
    if ((ecx & (1u << 27)) == 0 || (ecx & (1u << 28)) == 0) return 0;
    unsigned int xcr0_low, xcr0_high;
    __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
    if ((xcr0_low & 6) != 6) return 0;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return (ebx & (1u << 5)) != 0;
}

static int avx2_state = -1;

int pinhash_base64_uses_avx2(void)
{
    int state = __atomic_load_n(&avx2_state, __ATOMIC_RELAXED);
    if (state < 0) {
        state = has_avx2();
        __atomic_store_n(&avx2_state, state, __ATOMIC_RELAXED);
    }
    return state;
}

size_t pinhash_base64_decode_lines(
    const uint8_t *text, size_t length, uint8_t *out, size_t capacity, size_t *written)
{
    *written = 0;
    if (!pinhash_base64_uses_avx2()) return 0;
    return avx2_lines(text, length, out, capacity, written);
}

#else

int pinhash_base64_uses_avx2(void) { return 0; }

size_t pinhash_base64_decode_lines(
    const uint8_t *text, size_t length, uint8_t *out, size_t capacity, size_t *written)
{
    (void)text, (void)length, (void)out, (void)capacity;
    *written = 0;
    return 0;
}

#endif
