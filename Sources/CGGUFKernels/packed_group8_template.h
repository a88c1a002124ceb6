// The packed kernels' products (group8_<suffix>), written once and compiled once per instruction
// set: packed.c includes this file twice, first for AVX2 and then for AVX-512 VNNI, defining
//   PACKED_TARGET  the function attribute that enables the instruction set,
//   PACKED_SUM4    each int32 lane's sum of its four u8 x s8 products (codes, activations),
//   PACKED_SUFFIX  the suffix of the kernels' names (group8_avx2, group8_vnni),
// and for VNNI PACKED_SUM4_FLIPPED (correction, activations + 128, signed codes), which reads the
// flipped wide form.
// Both sums are exact (no int16 pair can saturate: codes are at most 31, or 128 after the sign
// trick, activations within +-127), so both sets give the same bits.
// Not a header: no include guard, on purpose.

#define PACKED_CAT(a, b) a##_##b
#define PACKED_EXPAND(a, b) PACKED_CAT(a, b)
#define PACKED_NAME(base) PACKED_EXPAND(base, PACKED_SUFFIX)

// Codes `w` (a code per byte, lane r = row r's four) times the four activations `yk` (in every
// lane) as the row kernels multiply them: unsigned codes directly, signed ones as |w| times the
// activation with w's sign. Then acc += d * sum.
PACKED_TARGET static inline __m256 PACKED_NAME(chunk)(__m256i w, int32_t yk, int mins, __m256 d, __m256 acc) {
    const __m256i y = _mm256_set1_epi32(yk);
    const __m256i s = mins ? PACKED_SUM4(w, y) : PACKED_SUM4(_mm256_sign_epi8(w, w), _mm256_sign_epi8(y, w));
    return _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(s), acc);
}

// Lanes are rows: a[k] holds every row's float sum of codes 4k ... 4k+3 (the row kernel's lane k).
// `l` is a constant at each call, so each form compiles to its own straight-line loop (inlined
// always: called out of line, the forms' branches ran in the loop, 2.6x the time). Blocks read
// from memory are fetched `ahead` blocks ahead (0 for a group widened into L1): one token's product
// of the 49152 x 576 output matrix took 0.84x the time with 4 than with the hardware's prefetch
// alone, those in cache the same.
PACKED_TARGET static inline __attribute__((always_inline)) void PACKED_NAME(group8)(
    struct layout l, size_t ahead, int64_t n, const uint8_t *x, const uint8_t *y, const float *ys, float *out) {
    const size_t block_bytes = layout_bytes(l), y_bytes = l.mins ? 36 : 34;
    __m256 a[8], mins = _mm256_setzero_ps();
    for (int k = 0; k < 8; k++) a[k] = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < n / 32; ib++, x += block_bytes, y += y_bytes) {
        if (ahead) {
            for (size_t line = 0; line < block_bytes; line += 64) _mm_prefetch((const char *)x + ahead * block_bytes + line, _MM_HINT_T0);
        }
        const __m256 d = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)x)),
                                       _mm256_set1_ps(l.mins ? ys[2 * ib] : ys[ib]));
        if (l.mins) {
            mins = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 16))), _mm256_set1_ps(ys[2 * ib + 1]), mins);
        }
        int32_t yw[8];
        memcpy(yw, y + (l.mins ? 4 : 2), sizeof yw);
        if (l.wide) {
            const uint8_t *chunks = x + 16 + 16 * l.mins;
#ifdef PACKED_SUM4_FLIPPED
            if (l.flipped) {
                for (int k = 0; k < 8; k++) {
                    const __m256i s = PACKED_SUM4_FLIPPED(_mm256_loadu_si256((const __m256i *)(chunks + 256 + 32 * k)),
                                                          _mm256_set1_epi32(yw[k] ^ (int32_t)0x80808080u),
                                                          _mm256_loadu_si256((const __m256i *)(chunks + 32 * k)));
                    a[k] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(s), a[k]);
                }
                continue;
            }
#endif
            for (int k = 0; k < 8; k++) {
                a[k] = PACKED_NAME(chunk)(_mm256_loadu_si256((const __m256i *)(chunks + 32 * k)), yw[k], l.mins, d, a[k]);
            }
            continue;
        }
        for (int j = 0; j < 4; j++) {
            __m256i lo, hi;
            nibble_chunk_avx2(l, x, j, &lo, &hi);
            a[j] = PACKED_NAME(chunk)(lo, yw[j], l.mins, d, a[j]);
            a[4 + j] = PACKED_NAME(chunk)(hi, yw[4 + j], l.mins, d, a[4 + j]);
        }
    }
    const __m256 sums = sum_lanes_avx2(a);
    _mm256_storeu_ps(out, l.mins ? _mm256_add_ps(sums, mins) : sums);
}

#undef PACKED_NAME
#undef PACKED_EXPAND
#undef PACKED_CAT
