// The 2-row x 4-token tile kernels, written once and compiled once per instruction set:
// kernels.c includes this file twice, first for AVX2 and then for AVX-512 VNNI, defining
//   TILE_TARGET  the function attribute that enables the instruction set,
//   TILE_DOT     the u8 x s8 block dot (32 products summed into eight int32 lanes, as floats),
//   TILE_SUFFIX  the suffix of the kernels' names (tile_q4_1_q8_1_avx2, ..._vnni).
// Both dots give the same integer sums, so both sets give the same bits.
// Not a header: no include guard, on purpose.

#define TILE_CAT(a, b) a##_##b
#define TILE_EXPAND(a, b) TILE_CAT(a, b)
#define TILE_NAME(base) TILE_EXPAND(base, TILE_SUFFIX)

/// Q4_1 (q5 = 0) and Q5_1 (q5 = 1) weights against Q8_1 activations. Block ib of row r and
/// of token t are addressed from the row's and token's start at every step, as the byte-offset
/// form was: the compiler then keeps the same pointers and registers (same machine code).
TILE_TARGET static inline __attribute__((always_inline)) void TILE_NAME(tile_x_q8_1)(
    int q5, int64_t n, const void *x, size_t xs, const void *y, size_t ystride, size_t so, float *out, int64_t os) {
    __m256 acc[2][4];
    __m128 summs[2] = {_mm_setzero_ps(), _mm_setzero_ps()};
    for (int r = 0; r < 2; r++) for (int t = 0; t < 4; t++) acc[r][t] = _mm256_setzero_ps();
    const float *ys[4];
    for (int t = 0; t < 4; t++) ys[t] = (const float *)bytes_after(y, (size_t)t * ystride + so);
    for (int64_t ib = 0; ib < n / 32; ib++) {
        const __m128 sy = _mm_setr_ps(ys[0][2 * ib + 1], ys[1][2 * ib + 1], ys[2][2 * ib + 1], ys[3][2 * ib + 1]);
        float dx[2];
        __m256i qx[2];
        for (int r = 0; r < 2; r++) {
            // One of the two is the block (q5 is a constant once inlined).
            const void *row = bytes_after(x, (size_t)r * xs);
            const block_q4_1 *b4 = block_at(block_q4_1, row, ib);
            const block_q5_1 *b5 = block_at(block_q5_1, row, ib);
            const __m128 f = half_pair_avx2(q5 ? &b5->d : &b4->d); // d, m
            summs[r] = _mm_fmadd_ps(_mm_broadcastss_ps(_mm_movehdup_ps(f)), sy, summs[r]);
            dx[r] = _mm_cvtss_f32(f);
            qx[r] = q5 ? _mm256_or_si256(nibbles_avx2(b5->qs), cgguf_bits_to_16s_avx2(b5->qh)) : nibbles_avx2(b4->qs);
        }
        for (int t = 0; t < 4; t++) {
            const __m256i qy = load_i8x32(block_at(block_q8_1, bytes_after(y, (size_t)t * ystride), ib)->qs);
            const float dy = ys[t][2 * ib];
            acc[0][t] = _mm256_fmadd_ps(_mm256_set1_ps(dx[0] * dy), TILE_DOT(qx[0], qy), acc[0][t]);
            acc[1][t] = _mm256_fmadd_ps(_mm256_set1_ps(dx[1] * dy), TILE_DOT(qx[1], qy), acc[1][t]);
        }
    }
    tile_store((const __m256 (*)[4])acc, summs, out, os);
}

TILE_TARGET static void TILE_NAME(tile_q4_1_q8_1)(int64_t n, const void *x, size_t xs, const void *y,
                                                 size_t ystride, size_t so, float *out, int64_t os) {
    TILE_NAME(tile_x_q8_1)(0, n, x, xs, y, ystride, so, out, os);
}

TILE_TARGET static void TILE_NAME(tile_q5_1_q8_1)(int64_t n, const void *x, size_t xs, const void *y,
                                                 size_t ystride, size_t so, float *out, int64_t os) {
    TILE_NAME(tile_x_q8_1)(1, n, x, xs, y, ystride, so, out, os);
}

/// Q4_0 (kind 0: nibbles - 8), Q8_0 (kind 1: the bytes) and Q5_0 (kind 2: (nibbles | fifth
/// bits) - 16) weights against Q8_0 activations, blocks addressed as in tile_x_q8_1.
TILE_TARGET static inline __attribute__((always_inline)) void TILE_NAME(tile_x_q8_0)(
    int kind, int64_t n, const void *x, size_t xs, const void *y, size_t ystride, size_t so, float *out, int64_t os) {
    __m256 acc[2][4];
    for (int r = 0; r < 2; r++) for (int t = 0; t < 4; t++) acc[r][t] = _mm256_setzero_ps();
    const float *ys[4];
    for (int t = 0; t < 4; t++) ys[t] = (const float *)bytes_after(y, (size_t)t * ystride + so);
    for (int64_t ib = 0; ib < n / 32; ib++) {
        float dx[2];
        __m256i qx[2];
        for (int r = 0; r < 2; r++) {
            const void *row = bytes_after(x, (size_t)r * xs);
            if (kind == 1) {
                const block_q8_0 *b = block_at(block_q8_0, row, ib);
                dx[r] = half_avx2(b->d);
                qx[r] = load_i8x32(b->qs);
            } else if (kind == 2) {
                const block_q5_0 *b = block_at(block_q5_0, row, ib);
                dx[r] = half_avx2(b->d);
                qx[r] = _mm256_sub_epi8(_mm256_or_si256(nibbles_avx2(b->qs), cgguf_bits_to_16s_avx2(b->qh)), _mm256_set1_epi8(16));
            } else {
                const block_q4_0 *b = block_at(block_q4_0, row, ib);
                dx[r] = half_avx2(b->d);
                qx[r] = _mm256_sub_epi8(nibbles_avx2(b->qs), _mm256_set1_epi8(8));
            }
        }
        const __m256i ax0 = _mm256_sign_epi8(qx[0], qx[0]), ax1 = _mm256_sign_epi8(qx[1], qx[1]);
        for (int t = 0; t < 4; t++) {
            const __m256i qy = load_i8x32(block_at(block_q8_0, bytes_after(y, (size_t)t * ystride), ib)->qs);
            const float dy = ys[t][ib];
            acc[0][t] = _mm256_fmadd_ps(_mm256_set1_ps(dx[0] * dy), TILE_DOT(ax0, _mm256_sign_epi8(qy, qx[0])), acc[0][t]);
            acc[1][t] = _mm256_fmadd_ps(_mm256_set1_ps(dx[1] * dy), TILE_DOT(ax1, _mm256_sign_epi8(qy, qx[1])), acc[1][t]);
        }
    }
    tile_store((const __m256 (*)[4])acc, NULL, out, os);
}

TILE_TARGET static void TILE_NAME(tile_q4_0_q8_0)(int64_t n, const void *x, size_t xs, const void *y,
                                                 size_t ystride, size_t so, float *out, int64_t os) {
    TILE_NAME(tile_x_q8_0)(0, n, x, xs, y, ystride, so, out, os);
}

TILE_TARGET static void TILE_NAME(tile_q5_0_q8_0)(int64_t n, const void *x, size_t xs, const void *y,
                                                 size_t ystride, size_t so, float *out, int64_t os) {
    TILE_NAME(tile_x_q8_0)(2, n, x, xs, y, ystride, so, out, os);
}

TILE_TARGET static void TILE_NAME(tile_q8_0_q8_0)(int64_t n, const void *x, size_t xs, const void *y,
                                                 size_t ystride, size_t so, float *out, int64_t os) {
    TILE_NAME(tile_x_q8_0)(1, n, x, xs, y, ystride, so, out, os);
}

#undef TILE_NAME
#undef TILE_EXPAND
#undef TILE_CAT
