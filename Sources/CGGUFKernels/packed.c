// Weight matrices copied into the layouts the interleaved kernels read (cgguf_pack).
//
// Q4_1 in groups of eight rows (CGGUF_TYPE_Q4_1_X8): per block, the eight rows' d, then their m,
// then the 16 code bytes of every row as four 32-byte chunks, chunk j holding bytes 4j ... 4j+3 of
// rows 0 ... 7 in turn. One load then gives the low nibbles of codes 4j ... 4j+3 (and the high
// ones of 16+4j ...) of all eight rows, one int32 lane per row: exactly the lane of llama.cpp's
// row kernel that sums those four codes. The kernel keeps that lane's float sum for eight rows in
// one register, so each row gets the same products, the same fma order and the same final sum
// (hsum8, then the mins) as the row kernel, bit for bit; and what the row kernel spends per row
// (unpacking the block across lanes, converting and broadcasting its scales) is done once for
// eight. On the default model's shapes that made one-token products about 1.5x as fast.
#include <stdlib.h>

#include "cggufkernels.h"
#include "internal.h"

enum { GROUP_ROWS = CGGUF_PACK_GROUP_ROWS };

int cgguf_packed_type(int wtype, int64_t rows, int64_t cols) {
    if (wtype != CGGUF_TYPE_Q4_1 || rows <= 0 || rows % GROUP_ROWS != 0 || cols <= 0 || cols % 32 != 0) return -1;
    return CGGUF_TYPE_Q4_1_X8;
}

int cgguf_pack(int wtype, const void *src, size_t row_bytes, int64_t rows, int64_t cols, void *dst) {
    if (cgguf_packed_type(wtype, rows, cols) < 0 || row_bytes < cgguf_row_size(wtype, cols)) return -1;
    const int64_t nb = cols / 32;
    block_q4_1x8 *out = dst;
    for (int64_t g = 0; g < rows / GROUP_ROWS; g++) {
        for (int64_t ib = 0; ib < nb; ib++, out++) {
            for (int r = 0; r < GROUP_ROWS; r++) {
                const block_q4_1 *b = (const block_q4_1 *)((const uint8_t *)src + (size_t)(g * GROUP_ROWS + r) * row_bytes) + ib;
                out->d[r] = b->d;
                out->m[r] = b->m;
                for (int j = 0; j < 4; j++) memcpy(out->qs + 32 * j + 4 * r, b->qs + 4 * j, 4);
            }
        }
    }
    return 0;
}

// Code e (0 ... 31) of row r of a packed block.
static inline int q4_1x8_code(const block_q4_1x8 *b, int r, int e) {
    const int low = e < 16, i = low ? e : e - 16;
    const uint8_t byte = b->qs[32 * (i / 4) + 4 * r + i % 4];
    return low ? byte & 0xF : byte >> 4;
}

// The row kernel's order (dot_q4_1_q8_1_scalar), for each row of the group.
static void group8_q4_1_scalar(int64_t n, const void *vx, const void *vy, const float *ys, float *out) {
    for (int r = 0; r < GROUP_ROWS; r++) {
        const block_q4_1x8 *x = vx;
        const block_q8_1 *y = vy;
        float acc[8] = {0};
        float summs = 0.0f;
        for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
            summs = fmaf(cgguf_half_to_float(x->m[r]), ys[2 * ib + 1], summs);
            const float d = cgguf_half_to_float(x->d[r]) * ys[2 * ib];
            for (int k = 0; k < 8; k++) {
                int s = 0;
                for (int e = 4 * k; e < 4 * k + 4; e++) s += q4_1x8_code(x, r, e) * y->qs[e];
                acc[k] = fmaf(d, (float)s, acc[k]);
            }
        }
        const float t0 = acc[4] + acc[0], t1 = acc[5] + acc[1], t2 = acc[6] + acc[2], t3 = acc[7] + acc[3];
        out[r] = ((t0 + t2) + (t1 + t3)) + summs;
    }
}

#if CGGUF_X86
// Lanes are rows. Register a[k] holds every row's float sum of codes 4k ... 4k+3 (the row kernel's
// lane k); the sum at the end adds them in hsum8_avx2's order.
CGGUF_AVX2 static void group8_q4_1_avx2(int64_t n, const void *vx, const void *vy, const float *ys, float *out) {
    const block_q4_1x8 *x = vx;
    const block_q8_1 *y = vy;
    const __m256i low = _mm256_set1_epi8(0xF), ones = _mm256_set1_epi16(1);
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, mins = a0;
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m256 d = _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)x->d)), _mm256_set1_ps(ys[2 * ib]));
        mins = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)x->m)), _mm256_set1_ps(ys[2 * ib + 1]), mins);
        int32_t yw[8];
        memcpy(yw, y->qs, sizeof yw);
#define CGGUF_CHUNK(j, lo, hi)                                                                                          \
    {                                                                                                                   \
        const __m256i c = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * (j)));                                       \
        const __m256i cl = _mm256_and_si256(c, low), ch = _mm256_and_si256(_mm256_srli_epi16(c, 4), low);               \
        const __m256i sl = _mm256_madd_epi16(ones, _mm256_maddubs_epi16(cl, _mm256_set1_epi32(yw[j])));                \
        const __m256i sh = _mm256_madd_epi16(ones, _mm256_maddubs_epi16(ch, _mm256_set1_epi32(yw[4 + (j)])));          \
        lo = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sl), lo);                                                            \
        hi = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(sh), hi);                                                            \
    }
        CGGUF_CHUNK(0, a0, a4)
        CGGUF_CHUNK(1, a1, a5)
        CGGUF_CHUNK(2, a2, a6)
        CGGUF_CHUNK(3, a3, a7)
#undef CGGUF_CHUNK
    }
    const __m256 t0 = _mm256_add_ps(a4, a0), t1 = _mm256_add_ps(a5, a1), t2 = _mm256_add_ps(a6, a2), t3 = _mm256_add_ps(a7, a3);
    _mm256_storeu_ps(out, _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(t0, t2), _mm256_add_ps(t1, t3)), mins));
}
#endif

cgguf_group8_dot cgguf_select_group8_dot(int wtype) {
    if (wtype != CGGUF_TYPE_Q4_1_X8) return NULL;
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) return group8_q4_1_avx2;
#endif
    return group8_q4_1_scalar;
}
