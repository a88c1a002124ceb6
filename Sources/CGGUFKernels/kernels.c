// Hot kernels of the GGUF runtime: conversions, (de)quantisation, dot products.
//
// Numerics follow llama.cpp's CPU backend on x86 so that greedy output matches it:
// activations are quantised with round-to-nearest-even and 127/max as multiplier,
// block dot products accumulate in eight float lanes with fused multiply-add and
// are reduced in the same pairwise order. The scalar path reproduces those lanes,
// which makes it bit-identical to the AVX2 path.

#define _GNU_SOURCE
#include "cggufkernels.h"
#include "internal.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

// ------------------------------------------------------------------ dispatch

/// What GGUF_KERNELS asks for, read once: 0 = scalar, 1 = AVX2 without VNNI, 2 = no limit.
static int env_kernel_cap(void) {
    static atomic_int cap = -1;
    int c = atomic_load_explicit(&cap, memory_order_relaxed);
    if (c < 0) {
        const char *env = getenv("GGUF_KERNELS");
        c = env == NULL ? 2 : strcmp(env, "scalar") == 0 ? 0 : strcmp(env, "avx2") == 0 ? 1 : 2;
        atomic_store_explicit(&cap, c, memory_order_relaxed);
    }
    return c;
}

static atomic_int g_level = -1;

int cgguf_best_kernel_level(void) {
#if CGGUF_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
        return 1;
    }
#endif
    return 0;
}

int cgguf_kernel_level(void) {
    int level = atomic_load_explicit(&g_level, memory_order_relaxed);
    if (level >= 0) return level;
    level = cgguf_best_kernel_level();
    if (env_kernel_cap() == 0) level = 0;
    atomic_store_explicit(&g_level, level, memory_order_relaxed);
    return level;
}

int cgguf_set_kernel_level(int level) {
    int best = cgguf_best_kernel_level();
    if (level < 0) level = 0;
    if (level > best) level = best;
    atomic_store_explicit(&g_level, level, memory_order_relaxed);
    return level;
}

#if CGGUF_X86
/// Lane i of the result: the sum of the eight int32 lanes of a[i] (exact).
CGGUF_AVX2 static inline __m256i reduce8x8_epi32(const __m256i a[8]) {
    const __m256i a01 = _mm256_hadd_epi32(a[0], a[1]), a23 = _mm256_hadd_epi32(a[2], a[3]);
    const __m256i a45 = _mm256_hadd_epi32(a[4], a[5]), a67 = _mm256_hadd_epi32(a[6], a[7]);
    const __m256i b0 = _mm256_hadd_epi32(a01, a23), b1 = _mm256_hadd_epi32(a45, a67);
    return _mm256_add_epi32(_mm256_permute2x128_si256(b0, b1, 0x20), _mm256_permute2x128_si256(b0, b1, 0x31));
}

#endif

// --------------------------------------------------------------- conversions

float cgguf_fp16_to_fp32(uint16_t h) { return cgguf_half_to_float(h); }

uint16_t cgguf_fp32_to_fp16(float f) { return cgguf_float_to_half(f); }

float cgguf_bf16_to_fp32(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline float fp16(cgguf_half h) { return cgguf_half_to_float(h); }

// ------------------------------------------------------------ type geometry

/// A packed type's geometry is that of the type it was made from.
static int geometry_type(int type) {
    const int base = cgguf_packed_base_type(type);
    return base >= 0 ? base : type;
}

int cgguf_block_size(int type) {
    switch (geometry_type(type)) {
        case CGGUF_TYPE_F32: case CGGUF_TYPE_F16: case CGGUF_TYPE_BF16: return 1;
        case CGGUF_TYPE_Q4_0: case CGGUF_TYPE_Q4_1: case CGGUF_TYPE_Q5_0: case CGGUF_TYPE_Q5_1:
        case CGGUF_TYPE_Q8_0: case CGGUF_TYPE_Q8_1: return 32;
        case CGGUF_TYPE_Q4_K: case CGGUF_TYPE_Q5_K: case CGGUF_TYPE_Q6_K: case CGGUF_TYPE_Q8_K: return 256;
        default: return 0;
    }
}

int cgguf_type_size(int type) {
    switch (geometry_type(type)) {
        case CGGUF_TYPE_F32: return 4;
        case CGGUF_TYPE_F16: case CGGUF_TYPE_BF16: return 2;
        case CGGUF_TYPE_Q4_0: return 18;
        case CGGUF_TYPE_Q4_1: return 20;
        case CGGUF_TYPE_Q5_0: return 22;
        case CGGUF_TYPE_Q5_1: return 24;
        case CGGUF_TYPE_Q8_0: return 34;
        case CGGUF_TYPE_Q8_1: return 36;
        case CGGUF_TYPE_Q4_K: return 144;
        case CGGUF_TYPE_Q5_K: return 176;
        case CGGUF_TYPE_Q6_K: return 210;
        case CGGUF_TYPE_Q8_K: return 292;
        default: return 0;
    }
}

size_t cgguf_row_size(int type, int64_t n) {
    int bs = cgguf_block_size(type);
    if (bs == 0 || n < 0 || n % bs != 0) return 0;
    return (size_t)(n / bs) * (size_t)cgguf_type_size(type);
}

int cgguf_activation_type(int weight_type) {
    switch (geometry_type(weight_type)) {
        case CGGUF_TYPE_Q4_0: case CGGUF_TYPE_Q5_0: case CGGUF_TYPE_Q8_0: return CGGUF_TYPE_Q8_0;
        case CGGUF_TYPE_Q4_1: case CGGUF_TYPE_Q5_1: return CGGUF_TYPE_Q8_1;
        case CGGUF_TYPE_Q4_K: case CGGUF_TYPE_Q5_K: case CGGUF_TYPE_Q6_K: return CGGUF_TYPE_Q8_K;
        default: return CGGUF_TYPE_F32;
    }
}

// ----------------------------------------------------------- dequantisation

static void get_scale_min_k4(int j, const uint8_t *q, uint8_t *d, uint8_t *m) {
    if (j < 4) {
        *d = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *d = (uint8_t)((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        *m = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

static inline uint32_t load_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

int cgguf_dequantize_row(int type, const void *src, float *y, int64_t n) {
    int bs = cgguf_block_size(type);
    if (bs == 0 || n % bs != 0) return -1;
    int64_t nb = n / bs;
    switch (type) {
        case CGGUF_TYPE_F32:
            memcpy(y, src, (size_t)n * 4);
            return 0;
        case CGGUF_TYPE_F16: {
            const cgguf_half *h = src;
            for (int64_t i = 0; i < n; i++) y[i] = fp16(h[i]);
            return 0;
        }
        case CGGUF_TYPE_BF16: {
            const uint16_t *h = src;
            for (int64_t i = 0; i < n; i++) y[i] = cgguf_bf16_to_fp32(h[i]);
            return 0;
        }
        case CGGUF_TYPE_Q4_0: {
            const block_q4_0 *b = src;
            for (int64_t i = 0; i < nb; i++, b++, y += 32) {
                const float d = fp16(b->d);
                for (int j = 0; j < 16; j++) {
                    y[j] = (float)((b->qs[j] & 0xF) - 8) * d;
                    y[j + 16] = (float)((b->qs[j] >> 4) - 8) * d;
                }
            }
            return 0;
        }
        case CGGUF_TYPE_Q4_1: {
            const block_q4_1 *b = src;
            for (int64_t i = 0; i < nb; i++, b++, y += 32) {
                const float d = fp16(b->d), m = fp16(b->m);
                for (int j = 0; j < 16; j++) {
                    y[j] = (float)(b->qs[j] & 0xF) * d + m;
                    y[j + 16] = (float)(b->qs[j] >> 4) * d + m;
                }
            }
            return 0;
        }
        case CGGUF_TYPE_Q5_0: {
            const block_q5_0 *b = src;
            for (int64_t i = 0; i < nb; i++, b++, y += 32) {
                const float d = fp16(b->d);
                const uint32_t qh = load_u32(b->qh);
                for (int j = 0; j < 16; j++) {
                    y[j] = (float)((int)((b->qs[j] & 0xF) | (((qh >> j) & 1) << 4)) - 16) * d;
                    y[j + 16] = (float)((int)((b->qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) - 16) * d;
                }
            }
            return 0;
        }
        case CGGUF_TYPE_Q5_1: {
            const block_q5_1 *b = src;
            for (int64_t i = 0; i < nb; i++, b++, y += 32) {
                const float d = fp16(b->d), m = fp16(b->m);
                const uint32_t qh = load_u32(b->qh);
                for (int j = 0; j < 16; j++) {
                    y[j] = (float)((b->qs[j] & 0xF) | (((qh >> j) & 1) << 4)) * d + m;
                    y[j + 16] = (float)((b->qs[j] >> 4) | (((qh >> (j + 16)) & 1) << 4)) * d + m;
                }
            }
            return 0;
        }
        case CGGUF_TYPE_Q8_0: {
            const block_q8_0 *b = src;
            for (int64_t i = 0; i < nb; i++, b++, y += 32) {
                const float d = fp16(b->d);
                for (int j = 0; j < 32; j++) y[j] = (float)b->qs[j] * d;
            }
            return 0;
        }
        case CGGUF_TYPE_Q8_1: {
            const block_q8_1 *b = src;
            for (int64_t i = 0; i < nb; i++, b++, y += 32) {
                const float d = fp16(b->d);
                for (int j = 0; j < 32; j++) y[j] = (float)b->qs[j] * d;
            }
            return 0;
        }
        case CGGUF_TYPE_Q4_K: {
            const block_q4_K *b = src;
            for (int64_t i = 0; i < nb; i++, b++) {
                const float d = fp16(b->d), dmin = fp16(b->dmin);
                const uint8_t *q = b->qs;
                int is = 0;
                for (int j = 0; j < 256; j += 64) {
                    uint8_t sc, m;
                    get_scale_min_k4(is, b->scales, &sc, &m);
                    float d1 = d * sc, m1 = dmin * m;
                    get_scale_min_k4(is + 1, b->scales, &sc, &m);
                    float d2 = d * sc, m2 = dmin * m;
                    for (int l = 0; l < 32; l++) *y++ = d1 * (q[l] & 0xF) - m1;
                    for (int l = 0; l < 32; l++) *y++ = d2 * (q[l] >> 4) - m2;
                    q += 32;
                    is += 2;
                }
            }
            return 0;
        }
        case CGGUF_TYPE_Q5_K: {
            const block_q5_K *b = src;
            for (int64_t i = 0; i < nb; i++, b++) {
                const float d = fp16(b->d), dmin = fp16(b->dmin);
                const uint8_t *qh = b->qh;
                const uint8_t *ql = b->qs;
                int is = 0;
                uint8_t u1 = 1, u2 = 2;
                for (int j = 0; j < 256; j += 64) {
                    uint8_t sc, m;
                    get_scale_min_k4(is, b->scales, &sc, &m);
                    float d1 = d * sc, m1 = dmin * m;
                    get_scale_min_k4(is + 1, b->scales, &sc, &m);
                    float d2 = d * sc, m2 = dmin * m;
                    for (int l = 0; l < 32; l++) *y++ = d1 * ((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
                    for (int l = 0; l < 32; l++) *y++ = d2 * ((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
                    ql += 32;
                    is += 2;
                    u1 = (uint8_t)(u1 << 2);
                    u2 = (uint8_t)(u2 << 2);
                }
            }
            return 0;
        }
        case CGGUF_TYPE_Q6_K: {
            const block_q6_K *b = src;
            for (int64_t i = 0; i < nb; i++, b++) {
                const uint8_t *ql = b->ql;
                const uint8_t *qh = b->qh;
                const int8_t *sc = b->scales;
                const float d = fp16(b->d);
                for (int n128 = 0; n128 < 256; n128 += 128) {
                    for (int l = 0; l < 32; l++) {
                        int is = l / 16;
                        int8_t q1 = (int8_t)((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                        int8_t q2 = (int8_t)((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                        int8_t q3 = (int8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                        int8_t q4 = (int8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                        y[l] = d * sc[is] * q1;
                        y[l + 32] = d * sc[is + 2] * q2;
                        y[l + 64] = d * sc[is + 4] * q3;
                        y[l + 96] = d * sc[is + 6] * q4;
                    }
                    y += 128;
                    ql += 64;
                    qh += 32;
                    sc += 8;
                }
            }
            return 0;
        }
        default:
            return -1;
    }
}

// ------------------------------------------------ activation quantisation

// One block of 32: multiplier 127/max, round to nearest even (as _mm256_round_ps
// with _MM_ROUND_NEAREST does), scale max/127 stored as F16.
static float quantize_block(const float *x, int8_t *q, int *sum) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++) {
        float a = fabsf(x[j]);
        if (a > amax) amax = a;
    }
    const float d = amax / 127.f;
    const float id = amax != 0.0f ? 127.f / amax : 0.0f;
    int s = 0;
    for (int j = 0; j < 32; j++) {
        int v = (int)nearbyintf(x[j] * id);
        q[j] = (int8_t)v;
        s += v;
    }
    *sum = s;
    return d;
}

#if CGGUF_X86
// quantize_block on eight lanes: the maximum does not depend on order, x * id is the
// same single rounding, _mm256_round_ps to nearest even is nearbyintf in the default
// rounding mode, and the integer sum is exact.
CGGUF_AVX2 static float quantize_block_avx2(const float *x, int8_t *q, int *sum) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 v[4];
    __m256 amax = _mm256_setzero_ps();
    for (int i = 0; i < 4; i++) {
        v[i] = _mm256_loadu_ps(x + 8 * i);
        amax = _mm256_max_ps(amax, _mm256_andnot_ps(sign, v[i]));
    }
    __m128 m = _mm_max_ps(_mm256_extractf128_ps(amax, 1), _mm256_castps256_ps128(amax));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    const float max_scalar = _mm_cvtss_f32(m);
    const float d = max_scalar / 127.f;
    const __m256 id = _mm256_set1_ps(max_scalar != 0.0f ? 127.f / max_scalar : 0.0f);
    __m256i n[4];
    for (int i = 0; i < 4; i++) {
        n[i] = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v[i], id), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
    __m256i total = _mm256_add_epi32(_mm256_add_epi32(n[0], n[1]), _mm256_add_epi32(n[2], n[3]));
    __m128i t = _mm_add_epi32(_mm256_extracti128_si256(total, 1), _mm256_castsi256_si128(total));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0x4E));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, 0xB1));
    *sum = _mm_cvtsi128_si32(t);
    const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(n[0], n[1]), _mm256_packs_epi32(n[2], n[3]));
    _mm256_storeu_si256((__m256i *)q, _mm256_permutevar8x32_epi32(p, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
    return d;
}
#endif

static float quantize_block_best(const float *x, int8_t *q, int *sum) {
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) return quantize_block_avx2(x, q, sum);
#endif
    return quantize_block(x, q, sum);
}

void cgguf_quantize_q8_0(const float *x, void *vy, int64_t k) {
    block_q8_0 *y = vy;
    for (int64_t i = 0; i < k / 32; i++, x += 32, y++) {
        int sum;
        const float d = quantize_block_best(x, y->qs, &sum);
        y->d = cgguf_fp32_to_fp16(d);
    }
}

void cgguf_quantize_q8_1(const float *x, void *vy, int64_t k) {
    block_q8_1 *y = vy;
    for (int64_t i = 0; i < k / 32; i++, x += 32, y++) {
        int sum;
        const float d = quantize_block_best(x, y->qs, &sum);
        y->d = cgguf_fp32_to_fp16(d);
        y->s = cgguf_fp32_to_fp16(d * (float)sum);
    }
}

// One Q8_K block of 256 per llama.cpp's reference: the signed value of largest
// magnitude maps to -127 (ties of magnitude keep the first), round to nearest even,
// clamp at 127, scale 1/iscale as float, and int16 sums of each 16 values.
static void quantize_q8_k_block(const float *x, block_q8_K *y) {
    float max = 0.0f, amax = 0.0f;
    for (int j = 0; j < 256; j++) {
        const float a = fabsf(x[j]);
        if (a > amax) {
            amax = a;
            max = x[j];
        }
    }
    if (amax == 0.0f) {
        memset(y, 0, sizeof *y);
        return;
    }
    const float iscale = -127.f / max;
    for (int j = 0; j < 256; j++) {
        const int v = (int)nearbyintf(iscale * x[j]);
        y->qs[j] = (int8_t)(v < 127 ? v : 127);
    }
    for (int g = 0; g < 16; g++) {
        int sum = 0;
        for (int j = 0; j < 16; j++) sum += y->qs[16 * g + j];
        y->bsums[g] = (int16_t)sum;
    }
    y->d = 1.0f / iscale;
}

#if CGGUF_X86
/// quantize_q8_k_block on eight lanes: the same maximum (max_ps with the running maximum
/// second skips NaN as the scalar comparison does), the first element of that magnitude, the
/// same single rounding of iscale * x, nearest even, the clamp, and exact integer sums. A block
/// whose maximum is not finite takes the scalar code.
CGGUF_AVX2 static void quantize_q8_k_block_avx2(const float *x, block_q8_K *y) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 vmax = _mm256_setzero_ps();
    for (int j = 0; j < 256; j += 8) vmax = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)), vmax);
    __m128 m = _mm_max_ps(_mm256_extractf128_ps(vmax, 1), _mm256_castps256_ps128(vmax));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    const float amax = _mm_cvtss_f32(m);
    if (amax == 0.0f || !isfinite(amax)) {
        quantize_q8_k_block(x, y);
        return;
    }
    float max = 0.0f;
    const __m256 target = _mm256_set1_ps(amax);
    for (int j = 0; j < 256; j += 8) {
        const int hit = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)), target, _CMP_EQ_OQ));
        if (hit) {
            max = x[j + __builtin_ctz((unsigned)hit)];
            break;
        }
    }
    const float iscale = -127.f / max;
    const __m256 vs = _mm256_set1_ps(iscale);
    const __m256i top = _mm256_set1_epi32(127);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    __m256i sums[16];
    for (int j = 0; j < 256; j += 32) {
        __m256i n[4];
        for (int i = 0; i < 4; i++) {
            const __m256 v = _mm256_round_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(x + j + 8 * i)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            n[i] = _mm256_min_epi32(_mm256_cvtps_epi32(v), top);
        }
        sums[j / 16] = _mm256_add_epi32(n[0], n[1]);
        sums[j / 16 + 1] = _mm256_add_epi32(n[2], n[3]);
        const __m256i p = _mm256_packs_epi16(_mm256_packs_epi32(n[0], n[1]), _mm256_packs_epi32(n[2], n[3]));
        _mm256_storeu_si256((__m256i *)(y->qs + j), _mm256_permutevar8x32_epi32(p, order));
    }
    int32_t s32[16];
    _mm256_storeu_si256((__m256i *)s32, reduce8x8_epi32(sums));
    _mm256_storeu_si256((__m256i *)(s32 + 8), reduce8x8_epi32(sums + 8));
    for (int g = 0; g < 16; g++) y->bsums[g] = (int16_t)s32[g];
    y->d = 1.0f / iscale;
}
#endif

void cgguf_quantize_q8_k(const float *x, void *vy, int64_t k) {
    block_q8_K *y = vy;
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) {
        for (int64_t i = 0; i < k / 256; i++) quantize_q8_k_block_avx2(x + 256 * i, y + i);
        return;
    }
#endif
    for (int64_t i = 0; i < k / 256; i++) quantize_q8_k_block(x + 256 * i, y + i);
}

// ----------------------------------------------------------- dot products

// Pairwise reduction of eight lanes in the order of llama.cpp's hsum_float_8.
static inline float hsum8(const float a[8]) {
    float t0 = a[4] + a[0], t1 = a[5] + a[1], t2 = a[6] + a[2], t3 = a[7] + a[3];
    return (t0 + t2) + (t1 + t3);
}

// Lane k of a 32-element block holds the integer sum of elements 4k ... 4k+3.
static float dot_q4_0_q8_0_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q4_0 *x = vx;
    const block_q8_0 *y = vy;
    float acc[8] = {0};
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const float d = fp16(x->d) * ys[ib];
        for (int k = 0; k < 8; k++) {
            int s = 0;
            for (int e = 4 * k; e < 4 * k + 4; e++) {
                int q = e < 16 ? (x->qs[e] & 0xF) : (x->qs[e - 16] >> 4);
                s += (q - 8) * y->qs[e];
            }
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    return hsum8(acc);
}

static float dot_q4_1_q8_1_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q4_1 *x = vx;
    const block_q8_1 *y = vy;
    float acc[8] = {0};
    float summs = 0.0f;
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const float d0 = fp16(x->d), d1 = ys[2 * ib];
        summs = fmaf(fp16(x->m), ys[2 * ib + 1], summs);
        const float d = d0 * d1;
        for (int k = 0; k < 8; k++) {
            int s = 0;
            for (int e = 4 * k; e < 4 * k + 4; e++) {
                int q = e < 16 ? (x->qs[e] & 0xF) : (x->qs[e - 16] >> 4);
                s += q * y->qs[e];
            }
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    return hsum8(acc) + summs;
}

static float dot_q8_0_q8_0_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q8_0 *x = vx;
    const block_q8_0 *y = vy;
    float acc[8] = {0};
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const float d = fp16(x->d) * ys[ib];
        for (int k = 0; k < 8; k++) {
            int s = 0;
            for (int e = 4 * k; e < 4 * k + 4; e++) s += x->qs[e] * y->qs[e];
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    return hsum8(acc);
}

// A Q5 element: nibble e of the block plus bit e of qh as the fifth bit.
static inline int q5_element(const uint8_t *qs, uint32_t qh, int e) {
    const int nibble = e < 16 ? (qs[e] & 0xF) : (qs[e - 16] >> 4);
    return nibble | (int)(((qh >> e) & 1) << 4);
}

static float dot_q5_0_q8_0_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q5_0 *x = vx;
    const block_q8_0 *y = vy;
    float acc[8] = {0};
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const float d = fp16(x->d) * ys[ib];
        const uint32_t qh = load_u32(x->qh);
        for (int k = 0; k < 8; k++) {
            int s = 0;
            for (int e = 4 * k; e < 4 * k + 4; e++) s += (q5_element(x->qs, qh, e) - 16) * y->qs[e];
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    return hsum8(acc);
}

static float dot_q5_1_q8_1_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q5_1 *x = vx;
    const block_q8_1 *y = vy;
    float acc[8] = {0};
    float summs = 0.0f;
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const float d = fp16(x->d) * ys[2 * ib];
        summs = fmaf(fp16(x->m), ys[2 * ib + 1], summs);
        const uint32_t qh = load_u32(x->qh);
        for (int k = 0; k < 8; k++) {
            int s = 0;
            for (int e = 4 * k; e < 4 * k + 4; e++) s += q5_element(x->qs, qh, e) * y->qs[e];
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    return hsum8(acc) + summs;
}

// ----------------------------------------------------- k-quants against Q8_K
//
// llama.cpp's AVX2 k-quant dots keep, per super-block, eight int32 lanes: lane k
// collects bytes 4k ... 4k+3 of every 32-element chunk, each multiplied by its
// sub-block scale. Integer sums are exact, so any order gives the same lanes; the
// floats then follow llama.cpp: acc[k] = fma(d, lane[k], acc[k]), hsum8 at the end.

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "k4_scale_words: bytes of little-endian words");

// Scales (words 0-1) and mins (2-3), 6 bits each, of the eight 32-element sub-blocks of Q4_K /
// Q5_K, byte j of the eight get_scale_min_k4(j): four bytes per operation, as llama.cpp's
// kernels unpack them, instead of sixteen byte extractions per super-block.
static inline void k4_scale_words(const uint8_t packed[12], uint32_t w[4]) {
    uint32_t u[3];
    memcpy(u, packed, 12);
    const uint32_t low6 = 0x3f3f3f3f, low4 = 0x0f0f0f0f, low2 = 0x03030303;
    w[0] = u[0] & low6;
    w[1] = (u[2] & low4) | (((u[0] >> 6) & low2) << 4);
    w[2] = u[1] & low6;
    w[3] = ((u[2] >> 4) & low4) | (((u[1] >> 6) & low2) << 4);
}

static void k4_scales_mins(const uint8_t packed[12], uint8_t sc[8], uint8_t mn[8]) {
    uint32_t w[4];
    k4_scale_words(packed, w);
    memcpy(sc, w, 8);
    memcpy(mn, w + 2, 8);
}

// The mins term of Q4_K / Q5_K: four int32 lanes, lane k = mins of sub-blocks 2k and
// 2k+1 times the sums of their activations (as llama.cpp's madd of the hadd'ed bsums).
static void k4_min_lanes(const block_q8_K *y, const uint8_t mn[8], int32_t lanes[4]) {
    for (int k = 0; k < 4; k++) {
        const int s0 = y->bsums[4 * k] + y->bsums[4 * k + 1];
        const int s1 = y->bsums[4 * k + 2] + y->bsums[4 * k + 3];
        lanes[k] = mn[2 * k] * s0 + mn[2 * k + 1] * s1;
    }
}

// Unsigned 4/5/6-bit value of element e (0...255) of a super-block.
static inline int q4k_value(const void *vx, int e) {
    const block_q4_K *x = vx;
    const int chunk = e / 32, b = e % 32;
    const uint8_t byte = x->qs[(chunk / 2) * 32 + b];
    return chunk % 2 == 0 ? (byte & 0xF) : (byte >> 4);
}

static inline int q5k_value(const void *vx, int e) {
    const block_q5_K *x = vx;
    const int chunk = e / 32, b = e % 32;
    const uint8_t byte = x->qs[(chunk / 2) * 32 + b];
    const int low = chunk % 2 == 0 ? (byte & 0xF) : (byte >> 4);
    return low | (((x->qh[b] >> chunk) & 1) << 4);
}

static inline int q6k_value(const block_q6_K *x, int e) {
    const uint8_t *ql = x->ql + (e / 128) * 64;
    const uint8_t *qh = x->qh + (e / 128) * 32;
    const int sub = (e % 128) / 32, b = e % 32;
    const int low = sub == 0 ? (ql[b] & 0xF) : sub == 1 ? (ql[b + 32] & 0xF) : sub == 2 ? (ql[b] >> 4) : (ql[b + 32] >> 4);
    return low | (((qh[b] >> (2 * sub)) & 3) << 4);
}

static float dot_q4_k_q8_k_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    float acc[8] = {0}, acc_m[4] = {0};
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        const float yd = y->d;
        const float d = yd * fp16(x->d), dmin = -yd * fp16(x->dmin);
        uint8_t sc[8], mn[8];
        k4_scales_mins(x->scales, sc, mn);
        int32_t ml[4];
        k4_min_lanes(y, mn, ml);
        for (int k = 0; k < 4; k++) acc_m[k] = fmaf(dmin, (float)ml[k], acc_m[k]);
        for (int k = 0; k < 8; k++) {
            int32_t s = 0;
            for (int c = 0; c < 8; c++) {
                int t = 0;
                for (int e = 32 * c + 4 * k; e < 32 * c + 4 * k + 4; e++) t += q4k_value(x, e) * y->qs[e];
                s += sc[c] * t;
            }
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    const float m = (acc_m[0] + acc_m[2]) + (acc_m[1] + acc_m[3]);
    return hsum8(acc) + m;
}

// llama.cpp on x86 with AVX2 repacks Q4_K weights with a multiple of 8 rows into
// interleaved groups of 8 (ggml_gemv/gemm_q4_K_8x8_q8_K). Per row that computes one
// exact integer per super-block for the scaled products and one for the mins, and
// accumulates each with fma in block order: (sum of d*dy*i) - (sum of dmin*dy*m).
static inline int32_t q4k_block_mins(const block_q8_K *y, const uint8_t mn[8]) {
    int32_t m = 0;
    for (int c = 0; c < 8; c++) m += mn[c] * (y->bsums[2 * c] + y->bsums[2 * c + 1]);
    return m;
}

static float dot_q4_k_q8_k_rows8_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    float acc = 0.0f, acc_m = 0.0f;
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        const float yd = y->d;
        uint8_t sc[8], mn[8];
        k4_scales_mins(x->scales, sc, mn);
        int32_t s = 0;
        for (int c = 0; c < 8; c++) {
            int t = 0;
            for (int e = 32 * c; e < 32 * c + 32; e++) t += q4k_value(x, e) * y->qs[e];
            s += sc[c] * t;
        }
        acc = fmaf((float)s, fp16(x->d) * yd, acc);
        acc_m = fmaf((float)q4k_block_mins(y, mn), fp16(x->dmin) * yd, acc_m);
    }
    return acc - acc_m;
}

// The same repacked weights multiplied by 4 or more tokens at once (ggml_gemm_q4_K_8x8_q8_K, for
// the tokens of a batch but its last n % 4): one exact integer per 64-element pair of
// sub-blocks, accumulated with fma four times per super-block, the mins likewise.
static float dot_q4_k_q8_k_gemm_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    float acc = 0.0f, acc_m = 0.0f;
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        const float yd = y->d;
        const float dd = fp16(x->d) * yd, dm = fp16(x->dmin) * yd;
        uint8_t sc[8], mn[8];
        k4_scales_mins(x->scales, sc, mn);
        for (int j = 0; j < 4; j++) {
            int32_t s = 0, m = 0;
            for (int c = 2 * j; c < 2 * j + 2; c++) {
                int t = 0;
                for (int e = 32 * c; e < 32 * c + 32; e++) t += q4k_value(x, e) * y->qs[e];
                s += sc[c] * t;
                m += mn[c] * (y->bsums[2 * c] + y->bsums[2 * c + 1]);
            }
            acc = fmaf((float)s, dd, acc);
            acc_m = fmaf((float)m, dm, acc_m);
        }
    }
    return acc - acc_m;
}

static float dot_q5_k_q8_k_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q5_K *x = vx;
    const block_q8_K *y = vy;
    float acc[8] = {0};
    float summs = 0.0f;
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        const float yd = y->d;
        const float d = yd * fp16(x->d), dmin = -yd * fp16(x->dmin);
        uint8_t sc[8], mn[8];
        k4_scales_mins(x->scales, sc, mn);
        int32_t ml[4];
        k4_min_lanes(y, mn, ml);
        summs = fmaf(dmin, (float)((ml[0] + ml[1]) + (ml[2] + ml[3])), summs);
        for (int k = 0; k < 8; k++) {
            int32_t s = 0;
            for (int c = 0; c < 8; c++) {
                int t = 0;
                for (int e = 32 * c + 4 * k; e < 32 * c + 4 * k + 4; e++) t += q5k_value(x, e) * y->qs[e];
                s += sc[c] * t;
            }
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    return hsum8(acc) + summs;
}

static float dot_q6_k_q8_k_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    float acc[8] = {0};
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        const float d = y->d * fp16(x->d);
        const int8_t *sc = x->scales;
        for (int k = 0; k < 8; k++) {
            // The -32 offset of every value, folded in through the activation sums.
            int32_t s = -32 * (y->bsums[2 * k] * sc[2 * k] + y->bsums[2 * k + 1] * sc[2 * k + 1]);
            for (int c = 0; c < 8; c++) {
                int t = 0;
                for (int e = 32 * c + 4 * k; e < 32 * c + 4 * k + 4; e++) t += q6k_value(x, e) * y->qs[e];
                s += sc[2 * c + k / 4] * t; // lanes 0-3 are the chunk's first 16 values
            }
            acc[k] = fmaf(d, (float)s, acc[k]);
        }
    }
    return hsum8(acc);
}

// The tiled order of llama.cpp's batch product (see dot_q6_k_q8_k_tiled_avx2) on any CPU.
static int32_t k4_block_sum(const void *x, const int8_t *q8, const uint8_t sc[8], int (*value)(const void *, int)) {
    int32_t s = 0;
    for (int c = 0; c < 8; c++) {
        int t = 0;
        for (int e = 32 * c; e < 32 * c + 32; e++) t += value(x, e) * q8[e];
        s += sc[c] * t;
    }
    return s;
}

/// Q4_K and Q5_K share d, dmin and scales at the start of the block; `block` is its size.
static float dot_k4_tiled_scalar(int64_t n, const uint8_t *x, const block_q8_K *y, size_t block, int (*value)(const void *, int)) {
    float acc = 0.0f;
    for (int64_t ib = 0; ib < n / 256; ib++, x += block, y++) {
        const block_q4_K *head = (const block_q4_K *)x; // d, dmin, scales: the same in block_q5_K
        uint8_t sc[8], mn[8];
        k4_scales_mins(head->scales, sc, mn);
        const int32_t s1 = k4_block_sum(x, y->qs, sc, value);
        const float r = fmaf(-fp16(head->dmin), (float)q4k_block_mins(y, mn), (float)s1 * fp16(head->d));
        acc = fmaf(r, y->d, acc);
    }
    return acc;
}

static float dot_q4_k_q8_k_tiled_scalar(int64_t n, const void *x, const void *y, const float *ys) {
    (void)ys;
    return dot_k4_tiled_scalar(n, x, y, sizeof(block_q4_K), q4k_value);
}

static float dot_q5_k_q8_k_tiled_scalar(int64_t n, const void *x, const void *y, const float *ys) {
    (void)ys;
    return dot_k4_tiled_scalar(n, x, y, sizeof(block_q5_K), q5k_value);
}

static float dot_q6_k_q8_k_tiled_scalar(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    float acc = 0.0f;
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        int32_t s1 = 0;
        for (int e = 0; e < 256; e++) s1 += x->scales[e / 16] * (q6k_value(x, e) - 32) * y->qs[e];
        acc = fmaf((float)s1 * fp16(x->d), y->d, acc);
    }
    return acc;
}

#if CGGUF_X86
CGGUF_AVX2 static inline float hsum8_avx2(__m256 x) {
    __m128 r = _mm_add_ps(_mm256_extractf128_ps(x, 1), _mm256_castps256_ps128(x));
    r = _mm_add_ps(r, _mm_movehl_ps(r, r));
    r = _mm_add_ss(r, _mm_movehdup_ps(r));
    return _mm_cvtss_f32(r);
}

/// The 16 bytes of nibbles as 32: low nibbles (elements 0-15), then high (16-31).
CGGUF_AVX2 static inline __m256i nibbles_avx2(const uint8_t qs[16]) {
    const __m128i t = _mm_loadu_si128((const __m128i *)qs);
    const __m256i b = _mm256_set_m128i(_mm_srli_epi16(t, 4), t);
    return _mm256_and_si256(_mm256_set1_epi8(0xF), b);
}

// Unsigned x signed bytes, summed in groups of four into eight int32 lanes.
CGGUF_AVX2 static inline __m256 dot_us8_avx2(__m256i ax, __m256i sy) {
    const __m256i dot = _mm256_maddubs_epi16(ax, sy);
    return _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_set1_epi16(1), dot));
}

CGGUF_AVX2 static inline __m256 dot_s8_avx2(__m256i x, __m256i y) {
    return dot_us8_avx2(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

CGGUF_AVX2 static inline float half_avx2(cgguf_half h) {
    return _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(h)));
}

/// d and m of a Q4_1 / Q5_1 block (adjacent halves) as the low two floats.
CGGUF_AVX2 static inline __m128 half_pair_avx2(const cgguf_half dm[2]) {
    int32_t v;
    memcpy(&v, dm, 4);
    return _mm_cvtph_ps(_mm_cvtsi32_si128(v));
}

CGGUF_AVX2 static inline __m256i load_i8x32(const int8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }

CGGUF_AVX2 static float dot_q4_0_q8_0_avx2(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q4_0 *x = vx;
    const block_q8_0 *y = vy;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m256 d = _mm256_set1_ps(half_avx2(x->d) * ys[ib]);
        const __m256i qx = _mm256_sub_epi8(nibbles_avx2(x->qs), _mm256_set1_epi8(8));
        acc = _mm256_fmadd_ps(d, dot_s8_avx2(qx, load_i8x32(y->qs)), acc);
    }
    return hsum8_avx2(acc);
}

CGGUF_AVX2 static float dot_q4_1_q8_1_avx2(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q4_1 *x = vx;
    const block_q8_1 *y = vy;
    __m256 acc = _mm256_setzero_ps();
    __m128 summs = _mm_setzero_ps();
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m128 f = half_pair_avx2(&x->d); // d, m
        summs = _mm_fmadd_ss(_mm_movehdup_ps(f), _mm_set_ss(ys[2 * ib + 1]), summs);
        const __m256 d = _mm256_set1_ps(_mm_cvtss_f32(f) * ys[2 * ib]);
        acc = _mm256_fmadd_ps(d, dot_us8_avx2(nibbles_avx2(x->qs), load_i8x32(y->qs)), acc);
    }
    return hsum8_avx2(acc) + _mm_cvtss_f32(summs);
}

// As rows4_q8_0_q8_0_avx2, for dot_q4_1_q8_1_avx2 (both its chains, per row, in its order).
CGGUF_AVX2 static void rows4_q4_1_q8_1_avx2(int64_t n, const void *vx, size_t xs, const void *vy, const float *ys,
                                            float *out) {
    const block_q4_1 *x = vx;
    const block_q8_1 *y = vy;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    __m128 summs[4] = {_mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps(), _mm_setzero_ps()};
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m256i qy = load_i8x32(y->qs);
        for (int k = 0; k < 4; k++) {
            const block_q4_1 *b = bytes_after(x, (size_t)k * xs);
            _mm_prefetch((const char *)b + 4 * xs, _MM_HINT_T0);
            const __m128 f = half_pair_avx2(&b->d); // d, m
            summs[k] = _mm_fmadd_ss(_mm_movehdup_ps(f), _mm_set_ss(ys[2 * ib + 1]), summs[k]);
            const __m256 d = _mm256_set1_ps(_mm_cvtss_f32(f) * ys[2 * ib]);
            acc[k] = _mm256_fmadd_ps(d, dot_us8_avx2(nibbles_avx2(b->qs), qy), acc[k]);
        }
    }
    for (int k = 0; k < 4; k++) out[k] = hsum8_avx2(acc[k]) + _mm_cvtss_f32(summs[k]);
}

CGGUF_AVX2 static float dot_q8_0_q8_0_avx2(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q8_0 *x = vx;
    const block_q8_0 *y = vy;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m256 d = _mm256_set1_ps(half_avx2(x->d) * ys[ib]);
        acc = _mm256_fmadd_ps(d, dot_s8_avx2(load_i8x32(x->qs), load_i8x32(y->qs)), acc);
    }
    return hsum8_avx2(acc);
}

// Four rows at once for one token (generation): four accumulator chains instead of one, each
// activation block loaded once for all of them, and the same place in the next four rows fetched
// ahead (without the prefetch the hardware's own left generation waiting on memory: 33 against
// 48 tokens/s on the Q8_0 file, one thread). Every row sums exactly as dot_q8_0_q8_0_avx2 does
// (same products, same order), so the results are its bits. A prefetch past the matrix's last
// row is harmless: it never faults. `x` walks row 0's blocks; row k's is k * xs bytes further.
CGGUF_AVX2 static void rows4_q8_0_q8_0_avx2(int64_t n, const void *vx, size_t xs, const void *vy, const float *ys,
                                            float *out) {
    const block_q8_0 *x = vx;
    const block_q8_0 *y = vy;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m256i qy = load_i8x32(y->qs);
        for (int k = 0; k < 4; k++) {
            const block_q8_0 *b = bytes_after(x, (size_t)k * xs);
            _mm_prefetch((const char *)b + 4 * xs, _MM_HINT_T0);
            const __m256 d = _mm256_set1_ps(half_avx2(b->d) * ys[ib]);
            acc[k] = _mm256_fmadd_ps(d, dot_s8_avx2(load_i8x32(b->qs), qy), acc[k]);
        }
    }
    for (int k = 0; k < 4; k++) out[k] = hsum8_avx2(acc[k]);
}

CGGUF_AVX2 static float dot_q5_0_q8_0_avx2(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q5_0 *x = vx;
    const block_q8_0 *y = vy;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m256 d = _mm256_set1_ps(half_avx2(x->d) * ys[ib]);
        const __m256i q = _mm256_or_si256(nibbles_avx2(x->qs), cgguf_bits_to_16s_avx2(x->qh));
        const __m256i qx = _mm256_sub_epi8(q, _mm256_set1_epi8(16));
        acc = _mm256_fmadd_ps(d, dot_s8_avx2(qx, load_i8x32(y->qs)), acc);
    }
    return hsum8_avx2(acc);
}

// As rows4_q8_0_q8_0_avx2, for dot_q5_0_q8_0_avx2.
CGGUF_AVX2 static void rows4_q5_0_q8_0_avx2(int64_t n, const void *vx, size_t xs, const void *vy, const float *ys,
                                            float *out) {
    const block_q5_0 *x = vx;
    const block_q8_0 *y = vy;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m256i qy = load_i8x32(y->qs);
        for (int k = 0; k < 4; k++) {
            const block_q5_0 *b = bytes_after(x, (size_t)k * xs);
            _mm_prefetch((const char *)b + 4 * xs, _MM_HINT_T0);
            const __m256 d = _mm256_set1_ps(half_avx2(b->d) * ys[ib]);
            const __m256i q = _mm256_or_si256(nibbles_avx2(b->qs), cgguf_bits_to_16s_avx2(b->qh));
            const __m256i qx = _mm256_sub_epi8(q, _mm256_set1_epi8(16));
            acc[k] = _mm256_fmadd_ps(d, dot_s8_avx2(qx, qy), acc[k]);
        }
    }
    for (int k = 0; k < 4; k++) out[k] = hsum8_avx2(acc[k]);
}

CGGUF_AVX2 static float dot_q5_1_q8_1_avx2(int64_t n, const void *vx, const void *vy, const float *ys) {
    const block_q5_1 *x = vx;
    const block_q8_1 *y = vy;
    __m256 acc = _mm256_setzero_ps();
    __m128 summs = _mm_setzero_ps();
    for (int64_t ib = 0; ib < n / 32; ib++, x++, y++) {
        const __m128 f = half_pair_avx2(&x->d); // d, m
        summs = _mm_fmadd_ss(_mm_movehdup_ps(f), _mm_set_ss(ys[2 * ib + 1]), summs);
        const __m256 d = _mm256_set1_ps(_mm_cvtss_f32(f) * ys[2 * ib]);
        const __m256i qx = _mm256_or_si256(nibbles_avx2(x->qs), cgguf_bits_to_16s_avx2(x->qh));
        acc = _mm256_fmadd_ps(d, dot_us8_avx2(qx, load_i8x32(y->qs)), acc);
    }
    return hsum8_avx2(acc) + _mm_cvtss_f32(summs);
}

// Unsigned weights x signed activations of one 32-element chunk, times an int16
// scale per half (the low lane's for bytes 0-15, the high lane's for 16-31), as eight int32 lanes.
CGGUF_AVX2 static inline __m256i chunk_dot_avx2(__m256i q, const int8_t *q8, __m256i scale) {
    return _mm256_madd_epi16(scale, _mm256_maddubs_epi16(q, load_i8x32(q8)));
}

// Signed bytes lo and hi of `scales` as chunk_dot_avx2's scale: a shuffle and a widening instead
// of two scalar broadcasts (the same int16 values).
CGGUF_AVX2 static inline __m256i scale_pair_avx2(__m128i scales, int lo, int hi) {
    const __m128i pick = _mm_set_epi64x((long long)(0x0101010101010101ULL * (uint64_t)hi),
                                        (long long)(0x0101010101010101ULL * (uint64_t)lo));
    return _mm256_cvtepi8_epi16(_mm_shuffle_epi8(scales, pick));
}

// The 6-bit scales (bytes 0-7) and mins (8-15) of a Q4_K / Q5_K super-block.
CGGUF_AVX2 static inline __m128i k4_scales_mins_avx2(const uint8_t packed[12]) {
    uint32_t w[4];
    k4_scale_words(packed, w);
    return _mm_set_epi32((int)w[3], (int)w[2], (int)w[1], (int)w[0]);
}

// Integer sums are exact: any order of the adds gives the same value.
CGGUF_AVX2 static inline int32_t hsum4_epi32_avx2(__m128i v) {
    v = _mm_add_epi32(v, _mm_unpackhi_epi64(v, v));
    v = _mm_add_epi32(v, _mm_shuffle_epi32(v, 1));
    return _mm_cvtsi128_si32(v);
}

// k4_min_lanes from the mins in bytes 8-15 of `scales_mins`: llama.cpp's madd of the mins with
// the hadd'ed activation sums (each pair sum fits 16 bits: 32 values of at most 128).
CGGUF_AVX2 static inline __m128i k4_min_lanes_avx2(const block_q8_K *y, __m128i scales_mins) {
    const __m128i sums = _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)y->bsums),
                                        _mm_loadu_si128((const __m128i *)(y->bsums + 8)));
    return _mm_madd_epi16(_mm_cvtepu8_epi16(_mm_unpackhi_epi64(scales_mins, scales_mins)), sums);
}

// The scaled products of one Q4_K super-block as eight int32 lanes (mins left out).
CGGUF_AVX2 static inline __m256i q4k_lanes_avx2(const block_q4_K *x, const int8_t *q8, __m128i sc) {
    const __m256i m4 = _mm256_set1_epi8(0xF);
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        const __m256i lo = _mm256_and_si256(bits, m4);
        const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
        sumi = _mm256_add_epi32(sumi, chunk_dot_avx2(lo, q8 + 64 * j, scale_pair_avx2(sc, 2 * j, 2 * j)));
        sumi = _mm256_add_epi32(sumi, chunk_dot_avx2(hi, q8 + 64 * j + 32, scale_pair_avx2(sc, 2 * j + 1, 2 * j + 1)));
    }
    return sumi;
}

CGGUF_AVX2 static inline int32_t hsum_epi32_avx2(__m256i v) {
    return hsum4_epi32_avx2(_mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1)));
}

// ------------------------------------------------ k-quant rows against one token
//
// A k-quant row kernel adds each super-block into a few float chains (its step) and reduces them
// at the end (its finish). The four-row kernels run the same steps on four rows' chains, so each
// row gets the row kernel's operations in the row kernel's order: its bits, by construction.

/// The float chains of one k-quant row; each order uses the ones it needs.
struct k_chains {
    __m256 acc;    // llama.cpp's eight vec_dot lanes
    __m128 acc_m;  // Q4_K's mins, four lanes
    float s, s_m;  // Q5_K's mins (s); the repacked Q4_K order's products and mins
};

/// One super-block of a row into its chains. The steps are always_inline: called four times in
/// k_rows4_avx2, they were otherwise left as calls, and four rows ran slower than one.
typedef void (*k_step)(const void *x, const block_q8_K *y, struct k_chains *c);
/// A row's result from its chains.
typedef float (*k_finish)(const struct k_chains *c);

// ggml_vec_dot_q4_K_q8_K: scaled products in eight lanes, mins in four.
CGGUF_AVX2 static inline __attribute__((always_inline)) void q4k_step_avx2(const void *vx, const block_q8_K *y, struct k_chains *c) {
    const block_q4_K *x = vx;
    const float yd = y->d;
    const float d = yd * half_avx2(x->d), dmin = -yd * half_avx2(x->dmin);
    const __m128i scmn = k4_scales_mins_avx2(x->scales);
    c->acc_m = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(k4_min_lanes_avx2(y, scmn)), c->acc_m);
    c->acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q4k_lanes_avx2(x, y->qs, scmn)), c->acc);
}

CGGUF_AVX2 static inline __attribute__((always_inline)) float q4k_finish_avx2(const struct k_chains *c) {
    __m128 m = _mm_add_ps(c->acc_m, _mm_movehl_ps(c->acc_m, c->acc_m));
    m = _mm_add_ss(m, _mm_movehdup_ps(m));
    return hsum8_avx2(c->acc) + _mm_cvtss_f32(m);
}

// The repacked one-token order (see dot_q4_k_q8_k_rows8_scalar): an integer per super-block.
CGGUF_AVX2 static inline __attribute__((always_inline)) void q4k_rows8_step_avx2(const void *vx, const block_q8_K *y, struct k_chains *c) {
    const block_q4_K *x = vx;
    const float yd = y->d;
    const __m128i scmn = k4_scales_mins_avx2(x->scales);
    const int32_t s = hsum_epi32_avx2(q4k_lanes_avx2(x, y->qs, scmn));
    c->s = fmaf((float)s, half_avx2(x->d) * yd, c->s);
    c->s_m = fmaf((float)hsum4_epi32_avx2(k4_min_lanes_avx2(y, scmn)), half_avx2(x->dmin) * yd, c->s_m);
}

CGGUF_AVX2 static inline __attribute__((always_inline)) float q4k_rows8_finish_avx2(const struct k_chains *c) { return c->s - c->s_m; }

// The scaled products of one Q5_K super-block as eight int32 lanes (mins left out).
CGGUF_AVX2 static inline __m256i q5k_lanes_avx2(const block_q5_K *x, const int8_t *q8, __m128i sc) {
    const __m256i m4 = _mm256_set1_epi8(0xF), one = _mm256_set1_epi8(1);
    const __m256i hbits = _mm256_loadu_si256((const __m256i *)x->qh);
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
        const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
        const __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j), one), 4);
        const __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits, 2 * j + 1), one), 4);
        const __m256i lo = _mm256_or_si256(_mm256_and_si256(bits, m4), h0);
        const __m256i hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(bits, 4), m4), h1);
        sumi = _mm256_add_epi32(sumi, chunk_dot_avx2(lo, q8 + 64 * j, scale_pair_avx2(sc, 2 * j, 2 * j)));
        sumi = _mm256_add_epi32(sumi, chunk_dot_avx2(hi, q8 + 64 * j + 32, scale_pair_avx2(sc, 2 * j + 1, 2 * j + 1)));
    }
    return sumi;
}

CGGUF_AVX2 static float dot_q4_k_q8_k_gemm_avx2(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    float acc = 0.0f, acc_m = 0.0f;
    const __m256i m4 = _mm256_set1_epi8(0xF);
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        const float yd = y->d;
        const float dd = half_avx2(x->d) * yd, dm = half_avx2(x->dmin) * yd;
        uint8_t sc[8], mn[8];
        k4_scales_mins(x->scales, sc, mn);
        for (int j = 0; j < 4; j++) {
            const __m256i bits = _mm256_loadu_si256((const __m256i *)(x->qs + 32 * j));
            const __m256i lo = _mm256_and_si256(bits, m4);
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
            const int32_t s = hsum_epi32_avx2(_mm256_add_epi32(chunk_dot_avx2(lo, y->qs + 64 * j, _mm256_set1_epi16(sc[2 * j])),
                                                               chunk_dot_avx2(hi, y->qs + 64 * j + 32, _mm256_set1_epi16(sc[2 * j + 1]))));
            const int32_t m = mn[2 * j] * (y->bsums[4 * j] + y->bsums[4 * j + 1]) +
                              mn[2 * j + 1] * (y->bsums[4 * j + 2] + y->bsums[4 * j + 3]);
            acc = fmaf((float)s, dd, acc);
            acc_m = fmaf((float)m, dm, acc_m);
        }
    }
    return acc - acc_m;
}

// ggml_vec_dot_q5_K_q8_K: products in eight lanes, the mins in one float.
CGGUF_AVX2 static inline __attribute__((always_inline)) void q5k_step_avx2(const void *vx, const block_q8_K *y, struct k_chains *c) {
    const block_q5_K *x = vx;
    const float yd = y->d;
    const float d = yd * half_avx2(x->d), dmin = -yd * half_avx2(x->dmin);
    const __m128i scmn = k4_scales_mins_avx2(x->scales);
    c->s = fmaf(dmin, (float)hsum4_epi32_avx2(k4_min_lanes_avx2(y, scmn)), c->s);
    c->acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q5k_lanes_avx2(x, y->qs, scmn)), c->acc);
}

CGGUF_AVX2 static inline __attribute__((always_inline)) float q5k_finish_avx2(const struct k_chains *c) { return hsum8_avx2(c->acc) + c->s; }

/// The four 32-element chunks of one 128-element half (j) of a Q6_K super-block as unsigned 6-bit bytes.
CGGUF_AVX2 static inline void q6k_unpack_avx2(const block_q6_K *x, int j, __m256i q[4]) {
    const __m256i m4 = _mm256_set1_epi8(0xF), m3 = _mm256_set1_epi8(3);
    const __m256i l0 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * j));
    const __m256i l1 = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * j + 32));
    const __m256i h = _mm256_loadu_si256((const __m256i *)(x->qh + 32 * j));
    q[0] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(h, m3), 4));
    q[1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), m3), 4));
    q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                           _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), m3), 4));
    q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                           _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), m3), 4));
}

/// Chunk c (0-7, 32 codes) of a Q6_K super-block as unsigned bytes 0-63: the codes
/// q6k_unpack_avx2 gives as q[c % 4] for half c / 4.
CGGUF_AVX2 static inline __m256i q6k_chunk_avx2(const block_q6_K *x, int c) {
    const int j = c / 4, l = c % 4;
    const __m256i m4 = _mm256_set1_epi8(0xF), m3 = _mm256_set1_epi8(3);
    const __m256i lq = _mm256_loadu_si256((const __m256i *)(x->ql + 64 * j + 32 * (l & 1)));
    const __m256i h = _mm256_loadu_si256((const __m256i *)(x->qh + 32 * j));
    const __m256i low = _mm256_and_si256(l >= 2 ? _mm256_srli_epi16(lq, 4) : lq, m4);
    return _mm256_or_si256(low, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2 * l), m3), 4));
}

// The products of one Q6_K super-block, -32 offset and scales included, as eight int32 lanes.
CGGUF_AVX2 static inline __m256i q6k_lanes_avx2(const block_q6_K *x, const block_q8_K *y) {
    const int8_t *sc = x->scales;
    const __m256i bsums = _mm256_loadu_si256((const __m256i *)y->bsums);
    const __m128i sc8 = _mm_loadu_si128((const __m128i *)sc);
    const __m256i sc16 = _mm256_cvtepi8_epi16(sc8);
    __m256i sumi = _mm256_slli_epi32(_mm256_madd_epi16(bsums, sc16), 5);
    sumi = _mm256_sub_epi32(_mm256_setzero_si256(), sumi);
    for (int j = 0; j < 2; j++) {
        __m256i q[4];
        q6k_unpack_avx2(x, j, q);
        for (int l = 0; l < 4; l++) {
            const int c = 4 * j + l;
            sumi = _mm256_add_epi32(sumi, chunk_dot_avx2(q[l], y->qs + 32 * c, scale_pair_avx2(sc8, 2 * c, 2 * c + 1)));
        }
    }
    return sumi;
}

// ggml_vec_dot_q6_K_q8_K: eight lanes.
CGGUF_AVX2 static inline __attribute__((always_inline)) void q6k_step_avx2(const void *vx, const block_q8_K *y, struct k_chains *c) {
    const block_q6_K *x = vx;
    const float d = y->d * half_avx2(x->d);
    c->acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(q6k_lanes_avx2(x, y)), c->acc);
}

CGGUF_AVX2 static inline __attribute__((always_inline)) float q6k_finish_avx2(const struct k_chains *c) { return hsum8_avx2(c->acc); }

CGGUF_AVX2 static inline __attribute__((always_inline)) struct k_chains k_chains_zero(void) {
    return (struct k_chains){_mm256_setzero_ps(), _mm_setzero_ps(), 0.0f, 0.0f};
}

/// One row: `block` is the weight block's size; step and finish are constants once inlined.
CGGUF_AVX2 static inline __attribute__((always_inline)) float k_row_avx2(int64_t n, const void *x, const void *vy, size_t block,
                                                                        k_step step, k_finish finish) {
    const block_q8_K *y = vy;
    struct k_chains c = k_chains_zero();
    for (int64_t ib = 0; ib < n / 256; ib++, x = bytes_after(x, block), y++) step(x, y, &c);
    return finish(&c);
}

// Four rows for one token, as rows4_q8_0_q8_0_avx2 does for the small blocks: four rows' chains,
// the activation block shared, and each row fetching its place in the next four rows ahead. A
// super-block spans several cache lines, so every line of it is fetched (from the block's start
// in steps of 64 bytes: with the next block's fetches, that covers every line it touches).
CGGUF_AVX2 static inline __attribute__((always_inline)) void k_rows4_avx2(int64_t n, const void *x, size_t xs, const void *vy,
                                                                         size_t block, k_step step, k_finish finish, float *out) {
    const block_q8_K *y = vy;
    struct k_chains c[4] = {k_chains_zero(), k_chains_zero(), k_chains_zero(), k_chains_zero()};
    for (int64_t ib = 0; ib < n / 256; ib++, x = bytes_after(x, block), y++) {
        for (int k = 0; k < 4; k++) {
            const void *b = bytes_after(x, (size_t)k * xs);
            for (size_t line = 0; line < block; line += 64) _mm_prefetch((const char *)b + 4 * xs + line, _MM_HINT_T0);
            step(b, y, &c[k]);
        }
    }
    for (int k = 0; k < 4; k++) out[k] = finish(&c[k]);
}

/// dot_<name>_avx2 (one row) and rows4_<name>_avx2 (four) of one k-quant order.
#define K_ROW_KERNELS(name, block_type, step, finish)                                                                  \
    CGGUF_AVX2 static float dot_##name##_avx2(int64_t n, const void *x, const void *y, const float *ys) {             \
        (void)ys;                                                                                                      \
        return k_row_avx2(n, x, y, sizeof(block_type), step, finish);                                                 \
    }                                                                                                                  \
    CGGUF_AVX2 static void rows4_##name##_avx2(int64_t n, const void *x, size_t xs, const void *y, const float *ys,   \
                                               float *out) {                                                           \
        (void)ys;                                                                                                      \
        k_rows4_avx2(n, x, xs, y, sizeof(block_type), step, finish, out);                                             \
    }

K_ROW_KERNELS(q4_k_q8_k, block_q4_K, q4k_step_avx2, q4k_finish_avx2)
K_ROW_KERNELS(q4_k_q8_k_rows8, block_q4_K, q4k_rows8_step_avx2, q4k_rows8_finish_avx2)
K_ROW_KERNELS(q5_k_q8_k, block_q5_K, q5k_step_avx2, q5k_finish_avx2)
K_ROW_KERNELS(q6_k_q8_k, block_q6_K, q6k_step_avx2, q6k_finish_avx2)

// llama.cpp's tiled k-quant matrix product (ggml-cpu/tiled, taken for batches of 8 tokens
// or more on weights it does not repack) sums each super-block exactly as one integer, then
// per block: r = d * s1 (- dmin * s2, fused), acc = fma(r, the activation's d, acc). Same
// integers as the row kernels, another float order: at 8-bit activations that order alone
// moved llama.cpp's own logits by a mean KLD of 0.005 on a Q6_K file.
// Q4_K and Q5_K share the layout of scales, mins and activations; only the codes differ (one
// of b4, b5 is the block: q5 is a constant once inlined).
CGGUF_AVX2 static inline __attribute__((always_inline)) float k4_tiled_avx2(int64_t n, const void *x, const block_q8_K *y, int q5) {
    const size_t block = q5 ? sizeof(block_q5_K) : sizeof(block_q4_K);
    float acc = 0.0f;
    for (int64_t ib = 0; ib < n / 256; ib++, x = bytes_after(x, block), y++) {
        const block_q4_K *b4 = x;
        const block_q5_K *b5 = x;
        const __m128i scmn = k4_scales_mins_avx2(q5 ? b5->scales : b4->scales);
        const int32_t s1 = hsum_epi32_avx2(q5 ? q5k_lanes_avx2(b5, y->qs, scmn) : q4k_lanes_avx2(b4, y->qs, scmn));
        const float r = fmaf(-half_avx2(q5 ? b5->dmin : b4->dmin), (float)hsum4_epi32_avx2(k4_min_lanes_avx2(y, scmn)),
                             (float)s1 * half_avx2(q5 ? b5->d : b4->d));
        acc = fmaf(r, y->d, acc);
    }
    return acc;
}

CGGUF_AVX2 static float dot_q4_k_q8_k_tiled_avx2(int64_t n, const void *x, const void *y, const float *ys) {
    (void)ys;
    return k4_tiled_avx2(n, x, y, 0);
}

CGGUF_AVX2 static float dot_q5_k_q8_k_tiled_avx2(int64_t n, const void *x, const void *y, const float *ys) {
    (void)ys;
    return k4_tiled_avx2(n, x, y, 1);
}

CGGUF_AVX2 static float dot_q6_k_q8_k_tiled_avx2(int64_t n, const void *vx, const void *vy, const float *ys) {
    (void)ys;
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    float acc = 0.0f;
    for (int64_t ib = 0; ib < n / 256; ib++, x++, y++) {
        acc = fmaf((float)hsum_epi32_avx2(q6k_lanes_avx2(x, y)) * half_avx2(x->d), y->d, acc);
    }
    return acc;
}

CGGUF_AVX2 static float dot_f32_avx2(int64_t n, const float *x, const float *y) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc);
    float lanes[8];
    _mm256_storeu_ps(lanes, acc);
    float s = hsum8(lanes);
    for (; i < n; i++) s = fmaf(x[i], y[i], s);
    return s;
}
// ------------------------------------------------- 2-row x 4-token tiles
//
// Prompt processing multiplies every weight row with many tokens. These kernels
// compute a tile of two rows by four tokens per pass: each weight block is unpacked
// once for four tokens and each activation block loaded once for two rows. Every one
// of the eight dot products keeps its own accumulators and adds its blocks in the
// same order, with the same operations, as the single-row kernel above: the results
// are the same bits.

/// summs NULL: the type has no min term (adding +0 would turn a -0 result into +0).
CGGUF_AVX2 static inline void tile_store(const __m256 acc[2][4], const __m128 *summs, float *out, int64_t os) {
    for (int r = 0; r < 2; r++) {
        float m[4];
        if (summs) _mm_storeu_ps(m, summs[r]);
        for (int t = 0; t < 4; t++) out[t * os + r] = summs ? hsum8_avx2(acc[r][t]) + m[t] : hsum8_avx2(acc[r][t]);
    }
}

// --------------------------------------------- k-quant tiles (2 rows x 4 tokens)
//
// The k-quant batch orders (llama.cpp's tiled kernel for 8 tokens or more, its repacked Q4_K
// gemm for groups of four) take one exact integer per super-block (or per 64 elements) for
// each row and token, then a few float operations on it. Here the integers of all eight
// products of a tile are summed in eight vector accumulators (any order: they are exact),
// reduced into one vector whose lane r * 4 + t is row r, token t, and the float steps run on
// those eight lanes at once, each lane doing what the row kernel does for its product.

/// Two floats spread as [a a a a b b b b] and four as [t0 t1 t2 t3 t0 t1 t2 t3].
CGGUF_AVX2 static inline __m256 rows_lanes(float a, float b) { return _mm256_set_m128(_mm_set1_ps(b), _mm_set1_ps(a)); }

CGGUF_AVX2 static inline void ktile_store(__m256 v, float *out, int64_t os) {
    float lanes[8];
    _mm256_storeu_ps(lanes, v);
    for (int r = 0; r < 2; r++) for (int t = 0; t < 4; t++) out[t * os + r] = lanes[4 * r + t];
}

/// Per token of a Q8_K block: the sums of its eight 32-element sub-blocks as int16 pairs,
/// pair j = (sub-block 2j, 2j+1); out[j] holds pair j of tokens 0-3 (int32 lanes).
CGGUF_AVX2 static inline void k4_bsum_pairs(const block_q8_K *const yb[4], __m128i out[4]) {
    __m128i p[4];
    for (int t = 0; t < 4; t++) {
        const __m256i bs = _mm256_loadu_si256((const __m256i *)yb[t]->bsums);
        const __m256i h = _mm256_hadd_epi16(bs, bs); // per half: B0..B3 B0..B3 | B4..B7 B4..B7
        p[t] = _mm_unpacklo_epi64(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
    }
    const __m128i t01l = _mm_unpacklo_epi32(p[0], p[1]), t01h = _mm_unpackhi_epi32(p[0], p[1]);
    const __m128i t23l = _mm_unpacklo_epi32(p[2], p[3]), t23h = _mm_unpackhi_epi32(p[2], p[3]);
    out[0] = _mm_unpacklo_epi64(t01l, t23l);
    out[1] = _mm_unpackhi_epi64(t01l, t23l);
    out[2] = _mm_unpacklo_epi64(t01h, t23h);
    out[3] = _mm_unpackhi_epi64(t01h, t23h);
}

/// The activation scales of four tokens' Q8_K blocks as [t0 t1 t2 t3 t0 t1 t2 t3].
CGGUF_AVX2 static inline __m256 tokens_lanes(const block_q8_K *const yb[4]) {
    const __m128 d = _mm_setr_ps(yb[0]->d, yb[1]->d, yb[2]->d, yb[3]->d);
    return _mm256_set_m128(d, d);
}

/// Block `ib` of token t of a tile's activations (`ystride` bytes between tokens).
static inline const block_q8_K *tile_q8_k(const void *y, size_t ystride, int t, int64_t ib) {
    return block_at(block_q8_K, bytes_after(y, (size_t)t * ystride), ib);
}

/// Where the fields Q4_K and Q5_K share, and their codes, are in one super-block (qh NULL for
/// Q4_K). Pointers, not values: the scales are read where they are used, as the kernel is scheduled.
struct k4_view {
    const cgguf_half *d, *dmin;
    const uint8_t *scales, *qh, *qs;
};

static inline struct k4_view k4_view_of(const void *row, int q5, int64_t ib) {
    if (q5) {
        const block_q5_K *b = block_at(block_q5_K, row, ib);
        return (struct k4_view){&b->d, &b->dmin, b->scales, b->qh, b->qs};
    }
    const block_q4_K *b = block_at(block_q4_K, row, ib);
    return (struct k4_view){&b->d, &b->dmin, b->scales, NULL, b->qs};
}

/// Q4_K (q5 = 0) or Q5_K (q5 = 1) against Q8_K, 2 rows x 4 tokens.
/// gemm = 1: the repacked Q4_K batch order (an integer per 64 elements, scaled products and
/// mins accumulated apart, subtracted at the end); gemm = 0: the tiled order.
CGGUF_AVX2 static inline __attribute__((always_inline)) void tile_k4(int q5, int gemm, int64_t n, const void *x, size_t xs,
                                                                    const void *y, size_t ystride, float *out, int64_t os) {
    const __m256i m4 = _mm256_set1_epi8(0xF), one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps(), acc_m = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < n / 256; ib++) {
        const struct k4_view xb[2] = {k4_view_of(x, q5, ib), k4_view_of(bytes_after(x, xs), q5, ib)};
        const block_q8_K *yb[4];
        for (int t = 0; t < 4; t++) yb[t] = tile_q8_k(y, ystride, t, ib);
        uint8_t sc[2][8], mn[2][8];
        for (int r = 0; r < 2; r++) k4_scales_mins(xb[r].scales, sc[r], mn[r]);
        __m128i bpairs[4];
        k4_bsum_pairs(yb, bpairs);
        const __m256 yd = tokens_lanes(yb);
        const __m256 d = rows_lanes(half_avx2(*xb[0].d), half_avx2(*xb[1].d));
        const __m256 dmin = rows_lanes(half_avx2(*xb[0].dmin), half_avx2(*xb[1].dmin));
        __m256i hbits[2];
        if (q5) for (int r = 0; r < 2; r++) hbits[r] = _mm256_loadu_si256((const __m256i *)xb[r].qh);
        __m256i isum[8];
        __m256i m_all = _mm256_setzero_si256();
        for (int i = 0; i < 8; i++) isum[i] = _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            for (int r = 0; r < 2; r++) {
                const __m256i bits = _mm256_loadu_si256((const __m256i *)(xb[r].qs + 32 * j));
                __m256i lo = _mm256_and_si256(bits, m4);
                __m256i hi = _mm256_and_si256(_mm256_srli_epi16(bits, 4), m4);
                if (q5) {
                    lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits[r], 2 * j), one), 4));
                    hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hbits[r], 2 * j + 1), one), 4));
                }
                const __m256i slo = _mm256_set1_epi16((short)sc[r][2 * j]), shi = _mm256_set1_epi16((short)sc[r][2 * j + 1]);
                for (int t = 0; t < 4; t++) {
                    const int8_t *q8 = yb[t]->qs + 64 * j;
                    const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(lo, load_i8x32(q8)), slo);
                    const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(hi, load_i8x32(q8 + 32)), shi);
                    isum[4 * r + t] = _mm256_add_epi32(isum[4 * r + t], _mm256_add_epi32(p0, p1));
                }
            }
            // The mins of sub-blocks 2j, 2j+1: (mn[2j], mn[2j+1]) . (their activation sums).
            const __m256i mpair = _mm256_set_m128i(_mm_set1_epi32(mn[1][2 * j] | (mn[1][2 * j + 1] << 16)),
                                                   _mm_set1_epi32(mn[0][2 * j] | (mn[0][2 * j + 1] << 16)));
            const __m256i m = _mm256_madd_epi16(mpair, _mm256_set_m128i(bpairs[j], bpairs[j]));
            if (gemm) {
                const __m256i s = reduce8x8_epi32(isum);
                for (int i = 0; i < 8; i++) isum[i] = _mm256_setzero_si256();
                acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(d, yd), acc);
                acc_m = _mm256_fmadd_ps(_mm256_cvtepi32_ps(m), _mm256_mul_ps(dmin, yd), acc_m);
            } else {
                m_all = _mm256_add_epi32(m_all, m);
            }
        }
        if (!gemm) {
            const __m256i s_all = reduce8x8_epi32(isum);
            const __m256 r = _mm256_fnmadd_ps(dmin, _mm256_cvtepi32_ps(m_all), _mm256_mul_ps(_mm256_cvtepi32_ps(s_all), d));
            acc = _mm256_fmadd_ps(r, yd, acc);
        }
    }
    ktile_store(gemm ? _mm256_sub_ps(acc, acc_m) : acc, out, os);
}

CGGUF_AVX2 static void tile_q4_k_gemm_avx2(int64_t n, const void *x, size_t xs, const void *y, size_t ystride,
                                          size_t so, float *out, int64_t os) {
    (void)so;
    tile_k4(0, 1, n, x, xs, y, ystride, out, os);
}

CGGUF_AVX2 static void tile_q4_k_tiled_avx2(int64_t n, const void *x, size_t xs, const void *y, size_t ystride,
                                           size_t so, float *out, int64_t os) {
    (void)so;
    tile_k4(0, 0, n, x, xs, y, ystride, out, os);
}

CGGUF_AVX2 static void tile_q5_k_tiled_avx2(int64_t n, const void *x, size_t xs, const void *y, size_t ystride,
                                           size_t so, float *out, int64_t os) {
    (void)so;
    tile_k4(1, 0, n, x, xs, y, ystride, out, os);
}

/// Q6_K against Q8_K in the tiled order, 2 rows x 4 tokens: s1 (the -32 offset folded in
/// through the activation sums) as one integer per super-block, acc = fma(s1 * d, yd, acc).
CGGUF_AVX2 static void tile_q6_k_tiled_avx2(int64_t n, const void *x, size_t xs, const void *y, size_t ystride,
                                           size_t so, float *out, int64_t os) {
    (void)so;
    __m256 acc = _mm256_setzero_ps();
    for (int64_t ib = 0; ib < n / 256; ib++) {
        const block_q6_K *xb[2] = {block_at(block_q6_K, x, ib), block_at(block_q6_K, bytes_after(x, xs), ib)};
        const block_q8_K *yb[4];
        for (int t = 0; t < 4; t++) yb[t] = tile_q8_k(y, ystride, t, ib);
        __m256i isum[8];
        for (int r = 0; r < 2; r++) {
            const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)xb[r]->scales));
            for (int t = 0; t < 4; t++) {
                const __m256i bsums = _mm256_loadu_si256((const __m256i *)yb[t]->bsums);
                isum[4 * r + t] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(_mm256_madd_epi16(bsums, sc16), 5));
            }
        }
        // One 32-element chunk of both rows at a time: fewer codes held than a row's 128.
        for (int c = 0; c < 8; c++) {
            __m256i q[2], scale[2];
            for (int r = 0; r < 2; r++) {
                q[r] = q6k_chunk_avx2(xb[r], c);
                const int8_t *sc = xb[r]->scales;
                scale[r] = _mm256_set_m128i(_mm_set1_epi16(sc[2 * c + 1]), _mm_set1_epi16(sc[2 * c]));
            }
            for (int t = 0; t < 4; t++) {
                const __m256i qy = load_i8x32(yb[t]->qs + 32 * c);
                isum[t] = _mm256_add_epi32(isum[t], _mm256_madd_epi16(_mm256_maddubs_epi16(q[0], qy), scale[0]));
                isum[4 + t] = _mm256_add_epi32(isum[4 + t], _mm256_madd_epi16(_mm256_maddubs_epi16(q[1], qy), scale[1]));
            }
        }
        const __m256 s = _mm256_cvtepi32_ps(reduce8x8_epi32(isum));
        const __m256 d = rows_lanes(half_avx2(xb[0]->d), half_avx2(xb[1]->d));
        acc = _mm256_fmadd_ps(_mm256_mul_ps(s, d), tokens_lanes(yb), acc);
    }
    ktile_store(acc, out, os);
}

#define TILE_TARGET CGGUF_AVX2
#define TILE_DOT dot_us8_avx2
#define TILE_SUFFIX avx2
#include "tile_kernels_template.h"
#undef TILE_TARGET
#undef TILE_DOT
#undef TILE_SUFFIX

// The same tiles where the CPU has AVX-512 VNNI (with VL): vpdpbusd adds the four
// u8 x s8 products of each int32 lane in one instruction, the exact sum that
// maddubs + madd give here (no int16 pair can saturate: weights are at most 31, or
// 128 after the sign trick, activations within +-127); the 32 vector registers keep
// the eight accumulators and their operands out of memory.

CGGUF_VNNI static inline __m256 dot_us8_vnni(__m256i ax, __m256i sy) {
    return _mm256_cvtepi32_ps(_mm256_dpbusd_epi32(_mm256_setzero_si256(), ax, sy));
}

#define TILE_TARGET CGGUF_VNNI
#define TILE_DOT dot_us8_vnni
#define TILE_SUFFIX vnni
#include "tile_kernels_template.h"
#undef TILE_TARGET
#undef TILE_DOT
#undef TILE_SUFFIX

static int cpu_has_vnni(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vnni");
}

static atomic_int g_vnni = -1;

int cgguf_use_vnni(void) {
    int v = atomic_load_explicit(&g_vnni, memory_order_relaxed);
    if (v < 0) {
        v = cpu_has_vnni() && env_kernel_cap() >= 2;
        atomic_store_explicit(&g_vnni, v, memory_order_relaxed);
    }
    return v;
}
#endif

static float dot_f32_scalar(int64_t n, const float *x, const float *y) {
    float acc[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (int k = 0; k < 8; k++) acc[k] = fmaf(x[i + k], y[i + k], acc[k]);
    }
    float s = hsum8(acc);
    for (; i < n; i++) s = fmaf(x[i], y[i], s);
    return s;
}

void cgguf_activation_scales(const void *y, int64_t nb, int pairs, float *ys) {
    if (pairs) {
        const block_q8_1 *b = y;
        for (int64_t ib = 0; ib < nb; ib++) {
            ys[2 * ib] = fp16(b[ib].d);
            ys[2 * ib + 1] = fp16(b[ib].s);
        }
    } else {
        const block_q8_0 *b = y;
        for (int64_t ib = 0; ib < nb; ib++) ys[ib] = fp16(b[ib].d);
    }
}

static float dot_with_scales(int wtype, int64_t n, const void *x, const void *y) {
    const int pairs = wtype == CGGUF_TYPE_Q4_1 || wtype == CGGUF_TYPE_Q5_1;
    float *ys = malloc((size_t)(n / 32 + 1) * 2 * sizeof(float));
    if (ys == NULL) abort();
    cgguf_activation_scales(y, n / 32, pairs, ys);
    const float r = cgguf_select_row_dot(wtype)(n, x, y, ys);
    free(ys);
    return r;
}

float cgguf_dot_q4_0_q8_0(int64_t n, const void *x, const void *y) { return dot_with_scales(CGGUF_TYPE_Q4_0, n, x, y); }
float cgguf_dot_q4_1_q8_1(int64_t n, const void *x, const void *y) { return dot_with_scales(CGGUF_TYPE_Q4_1, n, x, y); }
float cgguf_dot_q8_0_q8_0(int64_t n, const void *x, const void *y) { return dot_with_scales(CGGUF_TYPE_Q8_0, n, x, y); }
float cgguf_dot_q5_0_q8_0(int64_t n, const void *x, const void *y) { return dot_with_scales(CGGUF_TYPE_Q5_0, n, x, y); }
float cgguf_dot_q5_1_q8_1(int64_t n, const void *x, const void *y) { return dot_with_scales(CGGUF_TYPE_Q5_1, n, x, y); }
// The k-quant kernels read the Q8_K block's float scale directly.
float cgguf_dot_q4_k_q8_k(int64_t n, const void *x, const void *y) { return cgguf_select_row_dot(CGGUF_TYPE_Q4_K)(n, x, y, NULL); }
float cgguf_dot_q5_k_q8_k(int64_t n, const void *x, const void *y) { return cgguf_select_row_dot(CGGUF_TYPE_Q5_K)(n, x, y, NULL); }
float cgguf_dot_q6_k_q8_k(int64_t n, const void *x, const void *y) { return cgguf_select_row_dot(CGGUF_TYPE_Q6_K)(n, x, y, NULL); }

float cgguf_dot_f32(int64_t n, const float *x, const float *y) {
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) return dot_f32_avx2(n, x, y);
#endif
    return dot_f32_scalar(n, x, y);
}

// ------------------------------------------------------------ dispatch tables
//
// Every kernel of a weight type at one level. A NULL field means the level has none: the
// row kernel then does the products (or, with no row kernel, the dequantise-then-F32 path).

struct type_kernels {
    cgguf_row_dot row;         // the row kernel: one token, and any batch of the plain types
    cgguf_row_dot rows8;       // Q4_K, rows a multiple of 8: llama.cpp's repacked one-token order
    cgguf_row_dot gemm;        // the same matrices, tokens in groups of four: its repacked gemm order
    cgguf_row_dot tiled;       // k-quants in batches of 8 tokens or more: llama.cpp's tiled order
    cgguf_rows4_dot rows4;     // one token, four rows per call, each the row kernel's bits
    cgguf_rows4_dot rows4_rows8; // four rows in the rows8 order
    cgguf_tile_dot tile;       // 2 rows x 4 tokens in the row kernel's order
    cgguf_tile_dot tile_gemm;  // 2 x 4 in the gemm order
    cgguf_tile_dot tile_tiled; // 2 x 4 in the tiled order
};

enum { LEVEL_SCALAR, LEVEL_AVX2, LEVEL_VNNI, LEVEL_COUNT, TYPE_SLOTS = 16 };

#if CGGUF_X86
/// The two x86 levels differ only in the tiles of the 32-element types: `set` is avx2 or vnni (the
/// k-quant tiles have no VNNI form).
#define X86_KERNELS(set) { \
    [CGGUF_TYPE_Q4_0] = {.row = dot_q4_0_q8_0_avx2, .tile = tile_q4_0_q8_0_##set}, \
    [CGGUF_TYPE_Q4_1] = {.row = dot_q4_1_q8_1_avx2, .rows4 = rows4_q4_1_q8_1_avx2, .tile = tile_q4_1_q8_1_##set}, \
    [CGGUF_TYPE_Q5_0] = {.row = dot_q5_0_q8_0_avx2, .rows4 = rows4_q5_0_q8_0_avx2, .tile = tile_q5_0_q8_0_##set}, \
    [CGGUF_TYPE_Q5_1] = {.row = dot_q5_1_q8_1_avx2, .tile = tile_q5_1_q8_1_##set}, \
    [CGGUF_TYPE_Q8_0] = {.row = dot_q8_0_q8_0_avx2, .rows4 = rows4_q8_0_q8_0_avx2, .tile = tile_q8_0_q8_0_##set}, \
    [CGGUF_TYPE_Q4_K] = {.row = dot_q4_k_q8_k_avx2, .rows8 = dot_q4_k_q8_k_rows8_avx2, .gemm = dot_q4_k_q8_k_gemm_avx2, \
                         .tiled = dot_q4_k_q8_k_tiled_avx2, .rows4 = rows4_q4_k_q8_k_avx2, \
                         .rows4_rows8 = rows4_q4_k_q8_k_rows8_avx2, .tile_gemm = tile_q4_k_gemm_avx2, \
                         .tile_tiled = tile_q4_k_tiled_avx2}, \
    [CGGUF_TYPE_Q5_K] = {.row = dot_q5_k_q8_k_avx2, .tiled = dot_q5_k_q8_k_tiled_avx2, .rows4 = rows4_q5_k_q8_k_avx2, \
                         .tile_tiled = tile_q5_k_tiled_avx2}, \
    [CGGUF_TYPE_Q6_K] = {.row = dot_q6_k_q8_k_avx2, .tiled = dot_q6_k_q8_k_tiled_avx2, .rows4 = rows4_q6_k_q8_k_avx2, \
                         .tile_tiled = tile_q6_k_tiled_avx2}, \
}
#endif

static const struct type_kernels kernel_table[LEVEL_COUNT][TYPE_SLOTS] = {
    [LEVEL_SCALAR] = {
        [CGGUF_TYPE_Q4_0] = {.row = dot_q4_0_q8_0_scalar},
        [CGGUF_TYPE_Q4_1] = {.row = dot_q4_1_q8_1_scalar},
        [CGGUF_TYPE_Q5_0] = {.row = dot_q5_0_q8_0_scalar},
        [CGGUF_TYPE_Q5_1] = {.row = dot_q5_1_q8_1_scalar},
        [CGGUF_TYPE_Q8_0] = {.row = dot_q8_0_q8_0_scalar},
        [CGGUF_TYPE_Q4_K] = {.row = dot_q4_k_q8_k_scalar, .rows8 = dot_q4_k_q8_k_rows8_scalar,
                             .gemm = dot_q4_k_q8_k_gemm_scalar, .tiled = dot_q4_k_q8_k_tiled_scalar},
        [CGGUF_TYPE_Q5_K] = {.row = dot_q5_k_q8_k_scalar, .tiled = dot_q5_k_q8_k_tiled_scalar},
        [CGGUF_TYPE_Q6_K] = {.row = dot_q6_k_q8_k_scalar, .tiled = dot_q6_k_q8_k_tiled_scalar},
    },
#if CGGUF_X86
    [LEVEL_AVX2] = X86_KERNELS(avx2),
    [LEVEL_VNNI] = X86_KERNELS(vnni),
#endif
};

/// The kernels of `wtype` at the level in use, or NULL for a type without integer kernels.
static const struct type_kernels *kernels_for(int wtype) {
    if (wtype < 0 || wtype >= TYPE_SLOTS) return NULL;
    int level = LEVEL_SCALAR;
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) level = cgguf_use_vnni() ? LEVEL_VNNI : LEVEL_AVX2;
#endif
    const struct type_kernels *k = &kernel_table[level][wtype];
    return k->row != NULL ? k : NULL;
}

cgguf_row_dot cgguf_select_row_dot(int wtype) {
    const struct type_kernels *k = kernels_for(wtype);
    return k ? k->row : NULL;
}

cgguf_rows4_dot cgguf_select_rows4_dot(int wtype, int64_t rows, int64_t n_tokens) {
    const struct type_kernels *k = kernels_for(wtype);
    // Batches go through the tiles (or their row kernels); only generation waits on one chain.
    if (k == NULL || n_tokens != 1) return NULL;
    // The row order cgguf_select_matrix_dot gives one token.
    return k->rows8 != NULL && rows % 8 == 0 ? k->rows4_rows8 : k->rows4;
}

cgguf_row_dot cgguf_select_matrix_dot(int wtype, int64_t rows, int64_t n_tokens, int64_t token) {
    const struct type_kernels *k = kernels_for(wtype);
    if (k == NULL) return NULL;
    if (k->gemm != NULL && rows % 8 == 0) {
        const int gemm = n_tokens > 3 && token < n_tokens - n_tokens % 4;
        return gemm ? k->gemm : k->rows8;
    }
    if (k->tiled != NULL && n_tokens >= 8) return k->tiled;
    return k->row;
}

cgguf_tile_dot cgguf_select_tile_dot(int wtype, int64_t rows, int64_t n_tokens) {
    const struct type_kernels *k = kernels_for(wtype);
    if (k == NULL) return NULL;
    // The k-quants' batch orders: a tile covers exactly the tokens that take them.
    if (k->gemm != NULL && rows % 8 == 0) return n_tokens > 3 ? k->tile_gemm : NULL;
    if (k->tiled != NULL) return n_tokens >= 8 ? k->tile_tiled : NULL;
    return k->tile;
}

int cgguf_set_vnni(int enabled) {
#if CGGUF_X86
    const int v = enabled && cpu_has_vnni();
    atomic_store_explicit(&g_vnni, v, memory_order_relaxed);
    return v;
#else
    (void)enabled;
    return 0;
#endif
}
