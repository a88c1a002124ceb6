#ifndef CGGUF_INTERNAL_H
#define CGGUF_INTERNAL_H

#include <stdint.h>
#include <math.h>
#include <string.h>

#include "blocks.h"
#include "simd.h"

#if CGGUF_X86
/// Bit e of a 32-bit mask (the fifth bits of a Q5 block's 32 codes) as byte e: 16 where set, 0
/// elsewhere.
CGGUF_AVX2 static inline __m256i cgguf_bits_to_16s_avx2(const uint8_t qh[4]) {
    uint32_t bits;
    memcpy(&bits, qh, 4);
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),
        _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0));
    const __m256i select = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select), _mm256_set1_epi8(16));
}
#endif

/// Exact F16 -> F32 (inlined into the hot loops of every file).
static inline float cgguf_half_to_float(uint16_t h) {
    uint32_t sign = ((uint32_t)h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {
            // Subnormal: normalise.
            int e = -1;
            do { mant <<= 1; e++; } while ((mant & 0x400u) == 0);
            mant &= 0x3ffu;
            bits = sign | ((uint32_t)(112 - e) << 23) | (mant << 13);
        }
    } else if (exp == 0x1f) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/// Round-to-nearest-even, as F16C does.
static inline uint16_t cgguf_float_to_half(float f) {
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t absx = x & 0x7fffffffu;
    if (absx >= 0x7f800000u) {
        if (absx > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((absx >> 13) & 0x3ffu));
        return (uint16_t)(sign | 0x7c00u);
    }
    if (absx >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);
    if (absx < 0x38800000u) {
        if (absx < 0x33000000u) return (uint16_t)sign;
        uint32_t e = absx >> 23;
        uint32_t m = (absx & 0x7fffffu) | 0x800000u;
        uint32_t shift = 126u - e;
        uint32_t r = m >> shift;
        uint32_t rem = m & ((1u << shift) - 1u);
        uint32_t half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (r & 1u))) r++;
        return (uint16_t)(sign | r);
    }
    uint32_t h = (absx >> 13) - (112u << 10);
    uint32_t rem = absx & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h++;
    return (uint16_t)(sign | h);
}


// The exp approximation llama.cpp's vectorised SiLU and softmax use on x86 (a
// polynomial after range reduction, max error about 1.5 ulp), evaluated lane by lane
// with the same fused operations so results agree bit for bit.
static inline float cgguf_approx_expf(float x) {
    const float r = 0x1.8p23f;
    const float z = fmaf(x, 0x1.715476p+0f, r);
    const float n = z - r;
    const float b = fmaf(-n, 0x1.7f7d1cp-20f, fmaf(-n, 0x1.62e4p-1f, x));
    const float u = b * b;
    const float j = fmaf(fmaf(fmaf(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, fmaf(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                         u, fmaf(0x1.ffffecp-1f, b, 1.0f));
    if (fabsf(n) > 192.0f) return n <= 0.0f ? 0.0f : INFINITY;
    return ldexpf(j, (int)n);
}

#if CGGUF_X86
/// cgguf_approx_expf on eight lanes, bit for bit. The scaling by 2^n is one multiply
/// by a constructed power of two when every lane's n is a normal exponent (or out of
/// range altogether); lanes whose result would be subnormal fall back to the scalar
/// code, which rounds the same way but is rarely needed.
CGGUF_AVX2 static inline __m256 cgguf_approx_exp8_avx2(__m256 x) {
    const __m256 r = _mm256_set1_ps(0x1.8p23f);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), r);
    const __m256 n = _mm256_sub_ps(z, r);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f),
                                      _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 j = _mm256_fmadd_ps(
        _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), u,
                        _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f))),
        u, _mm256_fmadd_ps(_mm256_set1_ps(0x1.ffffecp-1f), b, _mm256_set1_ps(1.0f)));
    const __m256 abs_n = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), n);
    const __m256 huge = _mm256_cmp_ps(abs_n, _mm256_set1_ps(192.0f), _CMP_GT_OQ);
    const __m256 normal = _mm256_and_ps(_mm256_cmp_ps(n, _mm256_set1_ps(-126.0f), _CMP_GE_OQ),
                                        _mm256_cmp_ps(n, _mm256_set1_ps(127.0f), _CMP_LE_OQ));
    if (_mm256_movemask_ps(_mm256_or_ps(huge, normal)) != 0xff) {
        float lanes[8];
        _mm256_storeu_ps(lanes, x);
        for (int l = 0; l < 8; l++) lanes[l] = cgguf_approx_expf(lanes[l]);
        return _mm256_loadu_ps(lanes);
    }
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(_mm256_and_ps(n, normal)),
                                                         _mm256_set1_epi32(127)), 23);
    const __m256 scaled = _mm256_mul_ps(j, _mm256_castsi256_ps(e));
    const __m256 limit = _mm256_and_ps(_mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_GT_OQ), _mm256_set1_ps(INFINITY));
    return _mm256_blendv_ps(scaled, limit, huge);
}
#endif

/// The exp approximation of llama.cpp's AVX2-only build (its vectorised SiLU and softmax where
/// the CPU lacks AVX-512): the same polynomial as cgguf_approx_expf, but the leading 1 is left
/// out of it and added back when scaling, k + k*j with k = 2^n as one fused operation, and
/// large |n| take a two-factor scaling. It differs from the AVX-512 form in the last bit of
/// some results. Evaluated lane by lane with the same fused operations, bit for bit.
static inline float cgguf_approx_expf_avx2build(float x) {
    const float r = 0x1.8p23f;
    const float z = fmaf(x, 0x1.715476p+0f, r);
    const float n = z - r;
    const float b = fmaf(-n, 0x1.7f7d1cp-20f, fmaf(-n, 0x1.62e4p-1f, x));
    uint32_t bits;
    memcpy(&bits, &z, sizeof bits);
    const uint32_t e = bits << 23; // n's integer bits, moved into the exponent field
    const uint32_t k_bits = e + 0x3f800000u;
    float k;
    memcpy(&k, &k_bits, sizeof k);
    const float u = b * b;
    const float j = fmaf(fmaf(fmaf(0x1.0e4020p-7f, b, 0x1.573e2ep-5f), u, fmaf(0x1.555e66p-3f, b, 0x1.fffdb6p-2f)),
                         u, 0x1.ffffecp-1f * b);
    const float abs_n = fabsf(n);
    if (!(abs_n > 126.0f)) return fmaf(j, k, k);
    // 2^n split in two factors so that neither overflows nor loses bits to a subnormal.
    const uint32_t g = n <= 0.0f ? 0x82000000u : 0u;
    const uint32_t s1_bits = g + 0x7f000000u, s2_bits = e - g;
    float s1, s2;
    memcpy(&s1, &s1_bits, sizeof s1);
    memcpy(&s2, &s2_bits, sizeof s2);
    if (abs_n > 192.0f) return s1 * s1;
    return fmaf(s2, j, s2) * s1;
}

/// Eight floats summed as x86 code does with movehl: the halves, then lanes two apart, then
/// the pair (tinyBLAS's and the AVX2 softmax's horizontal sum).
static inline float cgguf_hsum8(const float *v) {
    float b[4];
    for (int i = 0; i < 4; i++) b[i] = v[i] + v[i + 4];
    return (b[0] + b[2]) + (b[1] + b[3]);
}

/// Eight floats summed as ggml's AVX reductions do with hadd: the halves, then neighbours.
static inline float cgguf_hsum8_hadd(const float *v) {
    float b[4];
    for (int i = 0; i < 4; i++) b[i] = v[i] + v[i + 4];
    return (b[0] + b[1]) + (b[2] + b[3]);
}

#if CGGUF_X86
/// cgguf_approx_expf_avx2build on eight lanes, bit for bit.
CGGUF_AVX2 static inline __m256 cgguf_approx_exp8_avx2build(__m256 x) {
    const __m256 r = _mm256_set1_ps(0x1.8p23f);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(0x1.715476p+0f), r);
    const __m256 n = _mm256_sub_ps(z, r);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.7f7d1cp-20f),
                                      _mm256_fnmadd_ps(n, _mm256_set1_ps(0x1.62e4p-1f), x));
    const __m256i e = _mm256_slli_epi32(_mm256_castps_si256(z), 23);
    const __m256 k = _mm256_castsi256_ps(_mm256_add_epi32(e, _mm256_set1_epi32(0x3f800000)));
    const __m256 abs_n = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), n);
    const __m256 big = _mm256_cmp_ps(abs_n, _mm256_set1_ps(126.0f), _CMP_GT_OQ);
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 j = _mm256_fmadd_ps(
        _mm256_fmadd_ps(_mm256_fmadd_ps(_mm256_set1_ps(0x1.0e4020p-7f), b, _mm256_set1_ps(0x1.573e2ep-5f)), u,
                        _mm256_fmadd_ps(_mm256_set1_ps(0x1.555e66p-3f), b, _mm256_set1_ps(0x1.fffdb6p-2f))),
        u, _mm256_mul_ps(_mm256_set1_ps(0x1.ffffecp-1f), b));
    const __m256 near = _mm256_fmadd_ps(j, k, k);
    if (!_mm256_movemask_ps(big)) return near;
    const __m256i g = _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_LE_OQ)),
                                       _mm256_set1_epi32((int)0x82000000u));
    const __m256 s1 = _mm256_castsi256_ps(_mm256_add_epi32(g, _mm256_set1_epi32(0x7f000000)));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_sub_epi32(e, g));
    const __m256 huge = _mm256_cmp_ps(abs_n, _mm256_set1_ps(192.0f), _CMP_GT_OQ);
    const __m256 far = _mm256_blendv_ps(_mm256_mul_ps(_mm256_fmadd_ps(s2, j, s2), s1), _mm256_mul_ps(s1, s1), huge);
    return _mm256_blendv_ps(near, far, big);
}

/// cgguf_hsum8 of one vector.
CGGUF_AVX2 static inline float cgguf_hsum8_avx2(__m256 v) {
    const __m128 b = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 c = _mm_add_ps(b, _mm_movehl_ps(b, b));
    return _mm_cvtss_f32(_mm_add_ss(c, _mm_movehdup_ps(c)));
}
#endif

/// A weight-row . quantised-activation dot product. `ys` holds the activation blocks'
/// scales as floats, decoded once per activation instead of once per row: d per
/// block for Q8_0, (d, s) pairs for Q8_1.
typedef float (*cgguf_row_dot)(int64_t n, const void *x, const void *y, const float *ys);

/// Decodes the F16 scales of `nb` Q8_0 (pairs = 0) or Q8_1 (pairs = 1) blocks.
void cgguf_activation_scales(const void *y, int64_t nb, int pairs, float *ys);

/// The integer dot kernel for a weight type at the current kernel level, or NULL
/// when the type goes through the dequantise-then-F32 path.
cgguf_row_dot cgguf_select_row_dot(int wtype);

/// The kernel for token `token` of `n_tokens` times the rows of a whole matrix of `rows` rows:
/// as cgguf_select_row_dot, except for Q4_K matrices with a multiple of 8 rows, which llama.cpp
/// on AVX2 machines repacks and multiplies in other float orders (one for groups of 4 tokens,
/// one for the rest), and for the other k-quants in batches of 8 tokens or more, which llama.cpp
/// multiplies in its tiled kernel's float order.
cgguf_row_dot cgguf_select_matrix_dot(int wtype, int64_t rows, int64_t n_tokens, int64_t token);

/// Four weight rows (`xs` bytes apart) times one quantised token: out[r] for r < 4, each exactly
/// the row kernel's result.
typedef void (*cgguf_rows4_dot)(int64_t n, const void *x, size_t xs, const void *y, const float *ys, float *out);

/// The four-row kernel for a weight type, matrix and batch at the current kernel level (for the
/// k-quants in the row order cgguf_select_matrix_dot gives), or NULL (then rows go one at a time).
cgguf_rows4_dot cgguf_select_rows4_dot(int wtype, int64_t rows, int64_t n_tokens);

/// Eight rows packed together (cgguf_pack) times one quantised token: out[r] for r < 8, each
/// exactly the bits the unpacked row's kernel gives.
typedef void (*cgguf_group8_dot)(int64_t n, const void *x, const void *y, const float *ys, float *out);

/// Writes the blocks of eight packed rows (`n` columns) in their wide form: every code in a byte.
typedef void (*cgguf_group8_widen)(int64_t n, const void *x, void *wide);

/// The kernels of a packed type. One token reads the packed blocks (`dot`); a batch's tokens read
/// each group widened once (`widen`, then `wide_dot` on blocks of `wide_block_bytes`), which gives
/// the same bits and leaves unpacking out of the per-token work. `widen` is NULL where the packed
/// form is wide already and read as it is (Q8_0 below the VNNI level): then `dot` serves every token.
struct cgguf_group8 {
    cgguf_group8_dot dot;
    cgguf_group8_widen widen;
    cgguf_group8_dot wide_dot;
    size_t wide_block_bytes;
};

#if CGGUF_X86
/// Whether the x86 kernels use AVX-512 VNNI's vpdpbusd (the CPU has it, the kernel level allows
/// it and cgguf_set_vnni has not turned it off): the same integer sums in fewer instructions.
int cgguf_use_vnni(void);
#endif

/// The kernels of a packed type at the current kernel level; all NULL for any other type.
struct cgguf_group8 cgguf_select_group8(int wtype);

/// The GGUF type a packed type (CGGUF_TYPE_*_X8) was made from, or -1 for any other type.
int cgguf_packed_base_type(int packed_type);

/// Two weight rows (`xs` bytes apart) times four quantised tokens (`ystride` bytes
/// apart, decoded scales at `so` within each) in one pass: out[t * os + r] for r < 2,
/// t < 4, each exactly the row kernel's result.
typedef void (*cgguf_tile_dot)(int64_t n, const void *x, size_t xs, const void *y, size_t ystride,
                               size_t so, float *out, int64_t os);
enum { CGGUF_TILE_ROWS = 2, CGGUF_TILE_TOKENS = 4 };

/// The tile kernel for a weight type at the current kernel level, or NULL (then the
/// row kernel does every product). For the k-quants it depends on the matrix and batch as
/// cgguf_select_matrix_dot does: a tile covers the tokens below the batch's tail_start
/// (all of them but a Q4_K repacked batch's last n % 4) in their batch order.
cgguf_tile_dot cgguf_select_tile_dot(int wtype, int64_t rows, int64_t n_tokens);

/// Runs fn(ctx, ith, nth) on every thread of the pool (ith 0 on the caller) and
/// returns when all are done. Calls are serialised per pool.
typedef void (*cgguf_task)(void *ctx, int ith, int nth);
struct cgguf_pool;
void cgguf_pool_run(struct cgguf_pool *pool, cgguf_task fn, void *ctx);

/// The F32 attention path on AVX2, blocked over key tiles and token blocks with the
/// same result bits as the per-query scalar path in the same order (CGGUF_ORDER_*). Returns -1 (having done nothing)
/// when the kernel level or shapes do not allow it.
int cgguf_attention_f32_tiled(struct cgguf_pool *pool, const float *q, const uint16_t *k_cache,
                              const uint16_t *v_cache, int64_t kv_stride, int64_t first_pos,
                              int64_t n_tokens, int64_t n_heads, int64_t n_kv_heads,
                              int64_t head_dim, float scale, int order, float *out);

#endif
