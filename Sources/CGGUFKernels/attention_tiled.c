// llama.cpp's F32 attention path (batches of 64 queries or more) on AVX2, blocked so
// that it runs at vector speed without changing a single bit of the result.
//
// The scalar reference (attend_f32_body in ops.c) computes each score as one
// sequential chain of fused multiply-adds over the head dimension: a chain of 64
// dependent operations per key, which leaves the core mostly idle. Here a key tile
// is converted once to F32 with the keys in the vector lanes, so eight keys advance
// their chains together, each lane repeating exactly the scalar chain of its key.
// One tile serves every query of a block of tokens and of every head sharing the
// KV head. The softmax (llama.cpp's approximate exp and sum order) and the weighted
// sum of V (a chain per output element, in key order) are vectorised the same way:
// across independent chains, never reassociating one.

#define _GNU_SOURCE
#include "cggufkernels.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>

#if CGGUF_X86

enum {
    /// Keys per softmax tile: llama.cpp's tile, fixed by the numerics.
    TILE = 64,
    /// Tokens whose queries share one converted key tile.
    BLOCK = 16,
};

struct tiled_job {
    const float *q;
    const uint16_t *k, *v;
    int64_t kv_stride, first_pos, n_tokens, n_heads, n_kv_heads, head_dim, blocks;
    float scale;
    int order;
    float *out;
};

CGGUF_AVX2 static inline void transpose8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
    r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
    r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
    r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
    r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
    r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
    r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
    r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

/// Keys ic ..< ic + len of KV head kvh as F32, transposed: kt[d * TILE + j]. Lanes
/// past len are zero (their scores are masked anyway).
CGGUF_AVX2 static void load_keys(const struct tiled_job *job, int64_t kvh, int64_t ic, int64_t len, float *kt) {
    const int64_t hd = job->head_dim;
    for (int64_t j0 = 0; j0 < TILE; j0 += 8) {
        for (int64_t d0 = 0; d0 < hd; d0 += 8) {
            __m256 r[8];
            for (int i = 0; i < 8; i++) {
                const uint16_t *src = job->k + (ic + j0 + i) * job->kv_stride + kvh * hd + d0;
                r[i] = j0 + i < len ? _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)src)) : _mm256_setzero_ps();
            }
            transpose8(r);
            for (int i = 0; i < 8; i++) _mm256_storeu_ps(kt + (d0 + i) * TILE + j0, r[i]);
        }
    }
}

/// Values ic ..< ic + len of KV head kvh as F32, row by row: vf[j * hd + d].
CGGUF_AVX2 static void load_values(const struct tiled_job *job, int64_t kvh, int64_t ic, int64_t len, float *vf) {
    const int64_t hd = job->head_dim;
    for (int64_t j = 0; j < len; j++) {
        const uint16_t *src = job->v + (ic + j) * job->kv_stride + kvh * hd;
        for (int64_t d = 0; d < hd; d += 8) {
            _mm256_storeu_ps(vf + j * hd + d, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + d))));
        }
    }
}

/// _mm512_reduce_add_ps's order over the 16 lanes lo ++ hi (as reduce_add_16 in ops.c): the
/// halves, then the AVX2 sum of the eight.
CGGUF_AVX2 static inline float reduce_add_16_avx2(__m256 lo, __m256 hi) {
    return cgguf_hsum8_avx2(_mm256_add_ps(lo, hi));
}

/// The softmax step of one query against one tile of `tile` keys: its raw scores s[v] (keys 8v ...
/// 8v+7 of the tile) scaled and masked, the online-softmax update of its running max M and sum S
/// (acc rescaled when the max grows), and the keys' weights.
CGGUF_AVX2 static inline __attribute__((always_inline)) void tile_weights(
    __m256 s[8], int64_t hd, float scale, int64_t tile, int order, float *M, float *S, float *acc, float weights[TILE]) {
    const __m256 sc = _mm256_set1_ps(scale);
    const __m256 minus_inf = _mm256_set1_ps(-INFINITY);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i limit = _mm256_set1_epi32((int)tile);
    __m256 mx = minus_inf;
    for (int v = 0; v < 8; v++) {
        const __m256i index = _mm256_add_epi32(lane, _mm256_set1_epi32(8 * v));
        const __m256 valid = _mm256_castsi256_ps(_mm256_cmpgt_epi32(limit, index));
        s[v] = _mm256_blendv_ps(minus_inf, _mm256_mul_ps(s[v], sc), valid);
        mx = _mm256_max_ps(mx, s[v]);
    }
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    const float tile_max = _mm_cvtss_f32(m4);

    const float mnew = fmaxf(*M, tile_max);
    if (mnew > *M) {
        const float ms = expf(*M - mnew);
        const __m256 m = _mm256_set1_ps(ms);
        for (int64_t d = 0; d < hd; d += 8) _mm256_storeu_ps(acc + d, _mm256_mul_ps(_mm256_loadu_ps(acc + d), m));
        *S *= ms;
    }
    *M = mnew;
    const __m256 mv = _mm256_set1_ps(mnew);
    double sum = 0.0;
    if (order == CGGUF_ORDER_AVX512) {
        for (int g = 0; g < 8; g += 2) {
            const __m256 e0 = cgguf_approx_exp8_avx2(_mm256_sub_ps(s[g], mv));
            const __m256 e1 = cgguf_approx_exp8_avx2(_mm256_sub_ps(s[g + 1], mv));
            _mm256_storeu_ps(weights + 8 * g, e0);
            _mm256_storeu_ps(weights + 8 * g + 8, e1);
            sum += (double)reduce_add_16_avx2(e0, e1);
        }
    } else {
        // The AVX2 build: its own exp form, each vector of 8 summed on its own.
        for (int g = 0; g < 8; g++) {
            const __m256 e = cgguf_approx_exp8_avx2build(_mm256_sub_ps(s[g], mv));
            _mm256_storeu_ps(weights + 8 * g, e);
            sum += (double)cgguf_hsum8_avx2(e);
        }
    }
    *S = (float)((double)*S + sum);
}

/// acc[d] += weights[j] * value j's element d, key after key, for d in d0 ..< hd (each a
/// multiple of 8): the part of a head a 64-wide slice does not cover.
CGGUF_AVX2 static inline void accumulate_rest(const float *weights, const float *vf, int64_t hd, int64_t d0,
                                              int64_t tile, float *acc) {
    const int nv = (int)((hd - d0) / 8);
    __m256 a[8];
    for (int v = 0; v < nv; v++) a[v] = _mm256_loadu_ps(acc + d0 + 8 * v);
    for (int64_t j = 0; j < tile; j++) {
        const __m256 w = _mm256_set1_ps(weights[j]);
        const float *row = vf + j * hd + d0;
        for (int v = 0; v < nv; v++) a[v] = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 8 * v), a[v]);
    }
    for (int v = 0; v < nv; v++) _mm256_storeu_ps(acc + d0 + 8 * v, a[v]);
}

/// One query against one tile of `tile` keys (the first `tile` lanes of kt / rows of
/// vf): the online-softmax update of its running max M, sum S and accumulator acc.
CGGUF_AVX2 static void attend_tile(const float *q, int64_t hd, float scale, const float *kt, const float *vf,
                                   int64_t tile, int order, float *M, float *S, float *acc) {
    __m256 s[8];
    for (int v = 0; v < 8; v++) s[v] = _mm256_setzero_ps();
    for (int64_t d = 0; d < hd; d++) {
        const __m256 qd = _mm256_broadcast_ss(q + d);
        const float *row = kt + d * TILE;
        for (int v = 0; v < 8; v++) s[v] = _mm256_fmadd_ps(qd, _mm256_loadu_ps(row + 8 * v), s[v]);
    }
    float weights[TILE];
    tile_weights(s, hd, scale, tile, order, M, S, acc, weights);

    int64_t d0 = 0;
    for (; hd - d0 >= 64; d0 += 64) {
        // A whole 64-wide slice: the constant bounds let the eight accumulators live in
        // registers (with a run-time count they went through the stack on every key, and
        // this loop took half of the attention's time). Same operations, same order.
        __m256 a0 = _mm256_loadu_ps(acc + d0), a1 = _mm256_loadu_ps(acc + d0 + 8);
        __m256 a2 = _mm256_loadu_ps(acc + d0 + 16), a3 = _mm256_loadu_ps(acc + d0 + 24);
        __m256 a4 = _mm256_loadu_ps(acc + d0 + 32), a5 = _mm256_loadu_ps(acc + d0 + 40);
        __m256 a6 = _mm256_loadu_ps(acc + d0 + 48), a7 = _mm256_loadu_ps(acc + d0 + 56);
        for (int64_t j = 0; j < tile; j++) {
            const __m256 w = _mm256_set1_ps(weights[j]);
            const float *row = vf + j * hd + d0;
            a0 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row), a0);
            a1 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 8), a1);
            a2 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 16), a2);
            a3 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 24), a3);
            a4 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 32), a4);
            a5 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 40), a5);
            a6 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 48), a6);
            a7 = _mm256_fmadd_ps(w, _mm256_loadu_ps(row + 56), a7);
        }
        _mm256_storeu_ps(acc + d0, a0);
        _mm256_storeu_ps(acc + d0 + 8, a1);
        _mm256_storeu_ps(acc + d0 + 16, a2);
        _mm256_storeu_ps(acc + d0 + 24, a3);
        _mm256_storeu_ps(acc + d0 + 32, a4);
        _mm256_storeu_ps(acc + d0 + 40, a5);
        _mm256_storeu_ps(acc + d0 + 48, a6);
        _mm256_storeu_ps(acc + d0 + 56, a7);
    }
    if (d0 < hd) accumulate_rest(weights, vf, hd, d0, tile, acc);
}

/// acc[v] += x * r[v] for the four 16-lane parts of a 64-wide row: one more step of four chains.
CGGUF_VNNI static inline __attribute__((always_inline)) void fma_row64(__m512 acc[4], __m512 x, const __m512 r[4]) {
    for (int v = 0; v < 4; v++) acc[v] = _mm512_fmadd_ps(x, r[v], acc[v]);
}

/// attend_tile for `nq` queries (1 ... 4) of one token at once, with 16 lanes, where the CPU has
/// AVX-512 (with VNNI, the level the other AVX-512 kernels take). Every lane runs the same chain of
/// fused multiply-adds as its 8-lane counterpart (a key's score over the head, an output element's
/// sum over the keys) and each query's softmax step is the 8-lane one, so the bits are the same.
/// Those chains wait on the multiply-add's latency: one query's four 16-lane chains took 0.92x the
/// time of its eight 8-lane ones, a token's three queries' chains interleaved 0.62x.
/// `nq` is a constant at each call (see attend_queries_avx512), so the accumulators stay in registers.
CGGUF_VNNI static inline __attribute__((always_inline)) void attend_group_avx512(
    int nq, const float *const q[4], int64_t hd, float scale, const float *kt, const float *vf, int64_t tile,
    int order, float *const M[4], float *const S[4], float *const acc[4]) {
    __m512 z[4][4];
    for (int i = 0; i < nq; i++) for (int v = 0; v < 4; v++) z[i][v] = _mm512_setzero_ps();
    for (int64_t d = 0; d < hd; d++) {
        const float *row = kt + d * TILE;
        const __m512 k[4] = {_mm512_loadu_ps(row), _mm512_loadu_ps(row + 16), _mm512_loadu_ps(row + 32),
                             _mm512_loadu_ps(row + 48)};
        for (int i = 0; i < nq; i++) fma_row64(z[i], _mm512_set1_ps(q[i][d]), k);
    }
    float weights[4][TILE];
    for (int i = 0; i < nq; i++) {
        __m256 s[8];
        for (int v = 0; v < 4; v++) {
            s[2 * v] = _mm512_castps512_ps256(z[i][v]);
            s[2 * v + 1] = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(z[i][v]), 1));
        }
        tile_weights(s, hd, scale, tile, order, M[i], S[i], acc[i], weights[i]);
    }

    int64_t d0 = 0;
    for (; hd - d0 >= 64; d0 += 64) {
        __m512 a[4][4];
        for (int i = 0; i < nq; i++) for (int v = 0; v < 4; v++) a[i][v] = _mm512_loadu_ps(acc[i] + d0 + 16 * v);
        for (int64_t j = 0; j < tile; j++) {
            const float *row = vf + j * hd + d0;
            const __m512 v[4] = {_mm512_loadu_ps(row), _mm512_loadu_ps(row + 16), _mm512_loadu_ps(row + 32),
                                 _mm512_loadu_ps(row + 48)};
            for (int i = 0; i < nq; i++) fma_row64(a[i], _mm512_set1_ps(weights[i][j]), v);
        }
        for (int i = 0; i < nq; i++) for (int v = 0; v < 4; v++) _mm512_storeu_ps(acc[i] + d0 + 16 * v, a[i][v]);
    }
    if (d0 < hd) {
        for (int i = 0; i < nq; i++) accumulate_rest(weights[i], vf, hd, d0, tile, acc[i]);
    }
}

/// attend_group_avx512 with `nq` made a constant.
CGGUF_VNNI static void attend_queries_avx512(int nq, const float *const q[4], int64_t hd, float scale, const float *kt,
                                             const float *vf, int64_t tile, int order, float *const M[4],
                                             float *const S[4], float *const acc[4]) {
    switch (nq) {
        case 1: attend_group_avx512(1, q, hd, scale, kt, vf, tile, order, M, S, acc); break;
        case 2: attend_group_avx512(2, q, hd, scale, kt, vf, tile, order, M, S, acc); break;
        case 3: attend_group_avx512(3, q, hd, scale, kt, vf, tile, order, M, S, acc); break;
        default: attend_group_avx512(4, q, hd, scale, kt, vf, tile, order, M, S, acc); break;
    }
}

CGGUF_AVX2 static void tiled_task(void *raw, int ith, int nth) {
    const struct tiled_job *job = raw;
    const int64_t hd = job->head_dim;
    const int64_t group = job->n_heads / job->n_kv_heads;
    const int64_t queries = BLOCK * group;
    float *kt = malloc(sizeof(float) * (size_t)(2 * TILE * hd + queries * (hd + 2)));
    if (kt == NULL) abort();
    float *vf = kt + TILE * hd;
    float *acc = vf + TILE * hd;
    float *M = acc + queries * hd;
    float *S = M + queries;
    const int64_t items = job->n_kv_heads * job->blocks;
    const int wide = cgguf_use_vnni();
    for (int64_t item = ith; item < items; item += nth) {
        // The blocks with the most keys first, interleaved over the threads.
        const int64_t kvh = item % job->n_kv_heads;
        const int64_t t0 = (job->blocks - 1 - item / job->n_kv_heads) * BLOCK;
        const int64_t t1 = t0 + BLOCK < job->n_tokens ? t0 + BLOCK : job->n_tokens;
        for (int64_t i = 0; i < (t1 - t0) * group; i++) {
            M[i] = -INFINITY;
            S[i] = 0.0f;
            for (int64_t d = 0; d < hd; d++) acc[i * hd + d] = 0.0f;
        }
        const int64_t keys = job->first_pos + t1;
        for (int64_t ic = 0; ic < keys; ic += TILE) {
            const int64_t len = keys - ic < TILE ? keys - ic : TILE;
            load_keys(job, kvh, ic, len, kt);
            load_values(job, kvh, ic, len, vf);
            for (int64_t t = t0; t < t1; t++) {
                const int64_t n_kv = job->first_pos + t + 1;
                if (ic >= n_kv) continue;
                const int64_t tile = n_kv - ic < TILE ? n_kv - ic : TILE;
                if (wide) {
                    // The token's queries of this KV head, up to four at a time.
                    for (int64_t g0 = 0; g0 < group; g0 += 4) {
                        const int nq = group - g0 < 4 ? (int)(group - g0) : 4;
                        const float *q[4];
                        float *m[4], *sum[4], *a[4];
                        for (int k = 0; k < nq; k++) {
                            const int64_t i = (t - t0) * group + g0 + k;
                            q[k] = job->q + (t * job->n_heads + kvh * group + g0 + k) * hd;
                            m[k] = M + i;
                            sum[k] = S + i;
                            a[k] = acc + i * hd;
                        }
                        attend_queries_avx512(nq, q, hd, job->scale, kt, vf, tile, job->order, m, sum, a);
                    }
                    continue;
                }
                for (int64_t g = 0; g < group; g++) {
                    const int64_t h = kvh * group + g;
                    const int64_t i = (t - t0) * group + g;
                    attend_tile(job->q + (t * job->n_heads + h) * hd, hd, job->scale, kt, vf, tile, job->order,
                                M + i, S + i, acc + i * hd);
                }
            }
        }
        for (int64_t t = t0; t < t1; t++) {
            for (int64_t g = 0; g < group; g++) {
                const int64_t i = (t - t0) * group + g;
                const float inv = S[i] == 0.0f ? 0.0f : 1.0f / S[i];
                float *o = job->out + (t * job->n_heads + kvh * group + g) * hd;
                for (int64_t d = 0; d < hd; d++) o[d] = acc[i * hd + d] * inv;
            }
        }
    }
    free(kt);
}

int cgguf_attention_f32_tiled(struct cgguf_pool *pool, const float *q, const uint16_t *k_cache,
                              const uint16_t *v_cache, int64_t kv_stride, int64_t first_pos,
                              int64_t n_tokens, int64_t n_heads, int64_t n_kv_heads,
                              int64_t head_dim, float scale, int order, float *out) {
    if (cgguf_kernel_level() < 1 || head_dim % 8 != 0 || n_kv_heads <= 0 || n_heads % n_kv_heads != 0) return -1;
    struct tiled_job job = {
        .q = q, .k = k_cache, .v = v_cache, .kv_stride = kv_stride, .first_pos = first_pos,
        .n_tokens = n_tokens, .n_heads = n_heads, .n_kv_heads = n_kv_heads, .head_dim = head_dim,
        .blocks = (n_tokens + BLOCK - 1) / BLOCK, .scale = scale, .order = order, .out = out,
    };
    cgguf_pool_run(pool, tiled_task, &job);
    return 0;
}

#else

int cgguf_attention_f32_tiled(struct cgguf_pool *pool, const float *q, const uint16_t *k_cache,
                              const uint16_t *v_cache, int64_t kv_stride, int64_t first_pos,
                              int64_t n_tokens, int64_t n_heads, int64_t n_kv_heads,
                              int64_t head_dim, float scale, int order, float *out) {
    (void)pool; (void)q; (void)k_cache; (void)v_cache; (void)kv_stride; (void)first_pos;
    (void)n_tokens; (void)n_heads; (void)n_kv_heads; (void)head_dim; (void)scale; (void)order; (void)out;
    return -1;
}

#endif
