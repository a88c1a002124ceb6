// Layer operations of the llama forward pass: matrix products over the pool,
// RMSNorm, RoPE, SwiGLU and attention over the F16 KV cache.

#define _GNU_SOURCE
#include "cggufkernels.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// ------------------------------------------------------------------- matmul

static float dot_f16(int64_t n, const uint16_t *x, const uint16_t *y, int lanes);
static inline float reduce_add_16(const float *v);

/// `lanes` floats summed as llama.cpp's build for that vector width sums one vector: the
/// 16 of _mm512_reduce_add_ps, or the 8 of the AVX2 movehl sum.
static inline float reduce_lanes(const float *v, int lanes) {
    return lanes == 16 ? reduce_add_16(v) : cgguf_hsum8(v);
}

/// Four accumulators of `lanes` lanes reduced as ggml's GGML_F32_VEC_REDUCE: pairwise to one
/// vector, then its lanes (16: _mm512_reduce_add_ps; 8: two hadds).
static inline float reduce_four_vectors(float acc[4][16], int lanes) {
    float v[16];
    for (int l = 0; l < lanes; l++) v[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l]);
    return lanes == 16 ? reduce_add_16(v) : cgguf_hsum8_hadd(v);
}

// F32 and F16 weights as llama.cpp multiplies them (F16 with activations rounded to F16):
// one token through ggml_vec_dot (four accumulators of `lanes` lanes over steps of 4 * lanes,
// reduced pairwise, the rest added one product at a time), two or more through llamafile's
// tinyBLAS (one accumulator of `lanes` lanes over the whole row, then its horizontal sum).
// `lanes` is 16 or 8, the vector width of the llama.cpp build followed (cgguf_pool_order);
// each caller passes a constant, so these inline into loops of fixed width. fmaf is exact, so
// the FMA-compiled copies give the same bits.
static inline __attribute__((always_inline)) float dot_tinyblas_body(int64_t n, const float *a, const float *b, int lanes) {
    float c[16] = {0};
    for (int64_t i = 0; i < n; i++) c[i % lanes] = fmaf(a[i], b[i], c[i % lanes]);
    return reduce_lanes(c, lanes);
}

static inline __attribute__((always_inline)) float dot_vec_f32_body(int64_t n, const float *x, const float *y, int lanes) {
    const int64_t step = 4 * lanes;
    const int64_t np = n - n % step;
    float acc[4][16];
    memset(acc, 0, sizeof acc);
    for (int64_t i = 0; i < np; i += step) {
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < lanes; l++) acc[j][l] = fmaf(x[i + lanes * j + l], y[i + lanes * j + l], acc[j][l]);
        }
    }
    float sum = reduce_four_vectors(acc, lanes);
    for (int64_t i = np; i < n; i++) {
        const float p = x[i] * y[i]; // rounded, then added: llama.cpp's build does not fuse these
        sum = sum + p;
    }
    return sum;
}

typedef float (*float_dot)(int64_t n, const float *x, const float *y);

static float dot_tinyblas16(int64_t n, const float *a, const float *b) { return dot_tinyblas_body(n, a, b, 16); }
static float dot_tinyblas8(int64_t n, const float *a, const float *b) { return dot_tinyblas_body(n, a, b, 8); }
static float dot_vec_f32_16(int64_t n, const float *x, const float *y) { return dot_vec_f32_body(n, x, y, 16); }
static float dot_vec_f32_8(int64_t n, const float *x, const float *y) { return dot_vec_f32_body(n, x, y, 8); }
#if CGGUF_X86
CGGUF_AVX2 static float dot_tinyblas16_fma(int64_t n, const float *a, const float *b) { return dot_tinyblas_body(n, a, b, 16); }
CGGUF_AVX2 static float dot_tinyblas8_fma(int64_t n, const float *a, const float *b) { return dot_tinyblas_body(n, a, b, 8); }
CGGUF_AVX2 static float dot_vec_f32_16_fma(int64_t n, const float *x, const float *y) { return dot_vec_f32_body(n, x, y, 16); }
CGGUF_AVX2 static float dot_vec_f32_8_fma(int64_t n, const float *x, const float *y) { return dot_vec_f32_body(n, x, y, 8); }
#endif

struct matmul_job {
    int wtype;
    const uint8_t *w;
    size_t row_bytes;
    int64_t rows, cols;
    const float *x;          // F32 activations (dequantise path)
    const uint8_t *xq;       // quantised activations
    size_t xq_row_bytes;     // stride of one token's blocks + decoded scales
    size_t xq_scales_offset; // where the decoded scales start within it
    int64_t n_tokens;
    float *out;
    int64_t out_stride;
    cgguf_row_dot dot;
    cgguf_row_dot tail_dot; // for tokens from tail_start on (llama.cpp's last n % 4 of a Q4_K batch)
    int64_t tail_start;
    cgguf_tile_dot tile;    // NULL: rows one at a time
    cgguf_rows4_dot rows4;  // one token, four rows per call; NULL: rows one at a time
    struct cgguf_group8 group8; // packed weights (group8.dot != NULL): eight rows per call
    int order;              // CGGUF_ORDER_*, for F32 and F16 weights
};

/// Thread ith's share of `rows`, starting on a multiple of `align` (the rows of a packed group
/// stay on one thread).
static void row_range_aligned(int64_t rows, int64_t align, int ith, int nth, int64_t *r0, int64_t *r1) {
    int64_t per = (rows + nth - 1) / nth;
    per = (per + align - 1) / align * align;
    *r0 = per * ith;
    *r1 = *r0 + per;
    if (*r0 > rows) *r0 = rows;
    if (*r1 > rows) *r1 = rows;
}

static void row_range(int64_t rows, int ith, int nth, int64_t *r0, int64_t *r1) {
    row_range_aligned(rows, 1, ith, nth, r0, r1);
}

/// Rows (in this thread's range) in chunks that stay in L1 while every group of four
/// tokens passes over them; two rows by four tokens per kernel call; the leftover
/// row and tokens through the row kernel (same bits either way).
static void matmul_tiled(const struct matmul_job *job, int64_t r0, int64_t r1) {
    enum { CHUNK_ROWS = 16 };
    const int64_t tokens_tiled = job->n_tokens - job->n_tokens % CGGUF_TILE_TOKENS;
    for (int64_t c0 = r0; c0 < r1; c0 += CHUNK_ROWS) {
        const int64_t c1 = c0 + CHUNK_ROWS < r1 ? c0 + CHUNK_ROWS : r1;
        const int64_t pairs_end = c0 + (c1 - c0) / CGGUF_TILE_ROWS * CGGUF_TILE_ROWS;
        for (int64_t t = 0; t < tokens_tiled; t += CGGUF_TILE_TOKENS) {
            const uint8_t *xq = job->xq + (size_t)t * job->xq_row_bytes;
            for (int64_t r = c0; r < pairs_end; r += CGGUF_TILE_ROWS) {
                job->tile(job->cols, job->w + (size_t)r * job->row_bytes, job->row_bytes, xq, job->xq_row_bytes,
                          job->xq_scales_offset, job->out + t * job->out_stride + r, job->out_stride);
            }
        }
        for (int64_t r = c0; r < c1; r++) {
            const uint8_t *row = job->w + (size_t)r * job->row_bytes;
            for (int64_t t = r < pairs_end ? tokens_tiled : 0; t < job->n_tokens; t++) {
                const uint8_t *xq = job->xq + (size_t)t * job->xq_row_bytes;
                const cgguf_row_dot dot = t < job->tail_start ? job->dot : job->tail_dot;
                job->out[t * job->out_stride + r] = dot(job->cols, row, xq, (const float *)(xq + job->xq_scales_offset));
            }
        }
    }
}

/// Packed weights: each group of eight rows (r0 and r1 are multiples of 8) times every token, the
/// group's blocks staying in L1 while the tokens pass over them; for a batch, widened once first.
static void matmul_groups(const struct matmul_job *job, int64_t r0, int64_t r1) {
    const int widen = job->n_tokens > 1 && job->group8.widen != NULL;
    uint8_t *wide = NULL;
    if (widen) {
        wide = malloc((size_t)(job->cols / 32) * job->group8.wide_block_bytes);
        if (wide == NULL) abort();
    }
    const cgguf_group8_dot dot = widen ? job->group8.wide_dot : job->group8.dot;
    for (int64_t g = r0; g < r1; g += CGGUF_PACK_GROUP_ROWS) {
        const uint8_t *w = job->w + (size_t)g * job->row_bytes;
        if (widen) {
            job->group8.widen(job->cols, w, wide);
            w = wide;
        }
        for (int64_t t = 0; t < job->n_tokens; t++) {
            const uint8_t *xq = job->xq + (size_t)t * job->xq_row_bytes;
            dot(job->cols, w, xq, (const float *)(xq + job->xq_scales_offset), job->out + t * job->out_stride + g);
        }
    }
    free(wide);
}

/// F16 activations rounded once per product: the halves, then their F32 values.
static size_t float_activation_bytes(int wtype, int64_t cols, int64_t n_tokens) {
    return wtype == CGGUF_TYPE_F16 ? (size_t)(cols * n_tokens) * (2 + 4) : 0;
}

static void matmul_float_rows(const struct matmul_job *job, int64_t r0, int64_t r1) {
    const int f16 = job->wtype == CGGUF_TYPE_F16;
    const int batch = job->n_tokens >= 2;
    const int64_t cols = job->cols;
    const uint16_t *xh = (const uint16_t *)job->xq;
    const float *xf = f16 ? (const float *)(job->xq + (size_t)(cols * job->n_tokens) * 2) : job->x;
    float *row = malloc((size_t)cols * sizeof(float));
    if (row == NULL) abort();
    const int wide = job->order == CGGUF_ORDER_AVX512;
#if CGGUF_X86
    const int fma = cgguf_kernel_level() >= 1;
    const float_dot tiny = fma ? (wide ? dot_tinyblas16_fma : dot_tinyblas8_fma) : (wide ? dot_tinyblas16 : dot_tinyblas8);
    const float_dot vec = fma ? (wide ? dot_vec_f32_16_fma : dot_vec_f32_8_fma) : (wide ? dot_vec_f32_16 : dot_vec_f32_8);
#else
    const float_dot tiny = wide ? dot_tinyblas16 : dot_tinyblas8;
    const float_dot vec = wide ? dot_vec_f32_16 : dot_vec_f32_8;
#endif
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *w = job->w + (size_t)r * job->row_bytes;
        const float *wf = (const float *)w;
        if (f16 && batch) {
            for (int64_t i = 0; i < cols; i++) row[i] = cgguf_half_to_float(((const uint16_t *)w)[i]);
            wf = row;
        }
        for (int64_t t = 0; t < job->n_tokens; t++) {
            float value;
            if (batch) {
                value = tiny(cols, wf, xf + t * cols);
            } else if (f16) {
                value = dot_f16(cols, (const uint16_t *)w, xh + t * cols, job->order);
            } else {
                value = vec(cols, wf, xf + t * cols);
            }
            job->out[t * job->out_stride + r] = value;
        }
    }
    free(row);
}

/// Rows r0 ..< r1 of one product, on the calling thread.
static void matmul_rows(const struct matmul_job *job, int64_t r0, int64_t r1) {
    if (r0 >= r1) return;
    if (job->group8.dot != NULL) {
        matmul_groups(job, r0, r1);
        return;
    }
    if (job->wtype == CGGUF_TYPE_F32 || job->wtype == CGGUF_TYPE_F16) {
        matmul_float_rows(job, r0, r1);
        return;
    }
    if (job->tile != NULL && job->n_tokens >= CGGUF_TILE_TOKENS) {
        matmul_tiled(job, r0, r1);
        return;
    }
    if (job->rows4 != NULL) {
        const uint8_t *xq = job->xq;
        const float *ys = (const float *)(xq + job->xq_scales_offset);
        int64_t r = r0;
        for (; r + 4 <= r1; r += 4) job->rows4(job->cols, job->w + (size_t)r * job->row_bytes, job->row_bytes, xq, ys, job->out + r);
        // One token is the batch's tail (tail_start is 0), as in the row loop below.
        for (; r < r1; r++) job->out[r] = job->tail_dot(job->cols, job->w + (size_t)r * job->row_bytes, xq, ys);
        return;
    }
    if (job->dot != NULL) {
        for (int64_t r = r0; r < r1; r++) {
            const uint8_t *row = job->w + (size_t)r * job->row_bytes;
            for (int64_t t = 0; t < job->n_tokens; t++) {
                const uint8_t *xq = job->xq + (size_t)t * job->xq_row_bytes;
                const cgguf_row_dot dot = t < job->tail_start ? job->dot : job->tail_dot;
                job->out[t * job->out_stride + r] = dot(job->cols, row, xq, (const float *)(xq + job->xq_scales_offset));
            }
        }
        return;
    }
    float *buffer = malloc((size_t)job->cols * sizeof(float));
    if (buffer == NULL) abort();
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *row = job->w + (size_t)r * job->row_bytes;
        cgguf_dequantize_row(job->wtype, row, buffer, job->cols);
        for (int64_t t = 0; t < job->n_tokens; t++) {
            job->out[t * job->out_stride + r] = cgguf_dot_f32(job->cols, buffer, job->x + t * job->cols);
        }
    }
    free(buffer);
}

static void matmul_task(void *raw, int ith, int nth) {
    const struct matmul_job *job = raw;
    int64_t r0, r1;
    row_range_aligned(job->rows, job->group8.dot != NULL ? CGGUF_PACK_GROUP_ROWS : 1, ith, nth, &r0, &r1);
    matmul_rows(job, r0, r1);
}

/// Several products with the same activations, their rows laid end to end and shared out as
/// one range: each thread takes its part of every product its range crosses.
struct matmul_parts_job {
    const struct matmul_job *jobs;
    int count;
    int64_t rows;
    int64_t align; // CGGUF_PACK_GROUP_ROWS when a part is packed (every part's rows then whole groups)
};

static void matmul_parts_task(void *raw, int ith, int nth) {
    const struct matmul_parts_job *parts = raw;
    int64_t r0, r1;
    row_range_aligned(parts->rows, parts->align, ith, nth, &r0, &r1);
    int64_t first = 0;
    for (int i = 0; i < parts->count && first < r1; i++) {
        const struct matmul_job *job = &parts->jobs[i];
        const int64_t lo = r0 > first ? r0 - first : 0;
        const int64_t hi = r1 - first < job->rows ? r1 - first : job->rows;
        matmul_rows(job, lo, hi);
        first += job->rows;
    }
}

// Per token: the quantised blocks (padded to 64 bytes), then two floats per block.
static size_t activation_stride(int at, int64_t cols, size_t *scales_offset) {
    const size_t blocks = (cgguf_row_size(at, cols) + 63) / 64 * 64;
    if (scales_offset) *scales_offset = blocks;
    return blocks + ((size_t)(cols / 32) * 2 * sizeof(float) + 63) / 64 * 64;
}

static void quantize_task(void *raw, int ith, int nth) {
    const struct matmul_job *job = raw;
    const int at = cgguf_activation_type(job->wtype);
    int64_t t0, t1;
    row_range(job->n_tokens, ith, nth, &t0, &t1);
    for (int64_t t = t0; t < t1; t++) {
        uint8_t *dst = (uint8_t *)job->xq + (size_t)t * job->xq_row_bytes;
        const float *src = job->x + t * job->cols;
        if (at == CGGUF_TYPE_Q8_K) {
            // The k-quant kernels read each block's float scale in place.
            cgguf_quantize_q8_k(src, dst, job->cols);
            continue;
        }
        if (at == CGGUF_TYPE_Q8_1) {
            cgguf_quantize_q8_1(src, dst, job->cols);
        } else {
            cgguf_quantize_q8_0(src, dst, job->cols);
        }
        cgguf_activation_scales(dst, job->cols / 32, at == CGGUF_TYPE_Q8_1, (float *)(dst + job->xq_scales_offset));
    }
}

size_t cgguf_matmul_scratch_size(int wtype, int64_t cols, int64_t n_tokens) {
    int at = cgguf_activation_type(wtype);
    if (at == CGGUF_TYPE_F32) return 16 + float_activation_bytes(wtype, cols, n_tokens);
    return activation_stride(at, cols, NULL) * (size_t)n_tokens + 64;
}

/// A product's job: its kernels chosen, its activations not yet prepared.
static struct matmul_job matmul_job_for(cgguf_pool *pool, int wtype, const void *w, size_t row_bytes, int64_t rows,
                                        int64_t cols, const float *x, int64_t n_tokens, float *out,
                                        int64_t out_stride, void *scratch) {
    struct matmul_job job = {
        .wtype = wtype, .w = w, .row_bytes = row_bytes, .rows = rows, .cols = cols,
        .x = x, .xq = scratch, .xq_row_bytes = 0, .n_tokens = n_tokens,
        .out = out, .out_stride = out_stride, .dot = cgguf_select_matrix_dot(wtype, rows, n_tokens, 0),
        .tail_dot = cgguf_select_matrix_dot(wtype, rows, n_tokens, n_tokens - 1),
        .tail_start = n_tokens - (n_tokens > 3 ? n_tokens % 4 : n_tokens), .tile = cgguf_select_tile_dot(wtype, rows, n_tokens),
        .rows4 = cgguf_select_rows4_dot(wtype, rows, n_tokens), .group8 = cgguf_select_group8(wtype),
        .order = cgguf_pool_order(pool),
    };
    if (job.dot != NULL || job.group8.dot != NULL) job.xq_row_bytes = activation_stride(cgguf_activation_type(wtype), cols, &job.xq_scales_offset);
    return job;
}

/// The activations in the form `job`'s kernels read: F16 for F16 weights, quantised blocks
/// for the integer kernels, nothing for F32 weights and the dequantise path.
static void matmul_prepare(cgguf_pool *pool, struct matmul_job *job) {
    const int64_t n = job->cols * job->n_tokens;
    if (job->wtype == CGGUF_TYPE_F16) {
        // Rounded to F16 as llama.cpp converts activations for F16 weights.
        uint16_t *xh = (uint16_t *)job->xq;
        float *xf = (float *)(job->xq + (size_t)n * 2);
        cgguf_store_f16(job->x, xh, n);
        for (int64_t i = 0; i < n; i++) xf[i] = cgguf_half_to_float(xh[i]);
    }
    if (job->xq_row_bytes != 0) {
        // A batch's activations are quantised on all threads; one token's on the caller
        // (waking the pool twice would cost more than the work).
        if (job->n_tokens >= 8) {
            cgguf_pool_run(pool, quantize_task, job);
        } else {
            quantize_task(job, 0, 1);
        }
    }
}

/// Whether cgguf_matmul can multiply a `rows` x `cols` matrix of `wtype`.
static int matmul_shape_ok(int wtype, int64_t rows, int64_t cols) {
    const int bs = cgguf_block_size(wtype);
    if (bs == 0 || cols % bs != 0) return 0;
    // A packed matrix is whole groups of eight rows.
    return cgguf_select_group8(wtype).dot == NULL || rows % CGGUF_PACK_GROUP_ROWS == 0;
}

int cgguf_matmul(cgguf_pool *pool, int wtype, const void *w, size_t row_bytes,
                 int64_t rows, int64_t cols, const float *x, int64_t n_tokens,
                 float *out, int64_t out_stride, void *scratch) {
    if (!matmul_shape_ok(wtype, rows, cols)) return -1;
    struct matmul_job job = matmul_job_for(pool, wtype, w, row_bytes, rows, cols, x, n_tokens, out, out_stride, scratch);
    matmul_prepare(pool, &job);
    cgguf_pool_run(pool, matmul_task, &job);
    return 0;
}

int cgguf_matmul_parts(cgguf_pool *pool, const struct cgguf_matmul_part *parts, int count, int64_t cols,
                       const float *x, int64_t n_tokens, void *scratch) {
    enum { MAX_PARTS = 4 };
    if (count < 1 || count > MAX_PARTS) return -1;
    // The activations are prepared once: every part must read the same form of them.
    const int at = cgguf_activation_type(parts[0].wtype);
    int shared = at != CGGUF_TYPE_F32, packed = 0, whole_groups = 1;
    for (int i = 0; i < count; i++) {
        const int wtype = parts[i].wtype;
        if (!matmul_shape_ok(wtype, parts[i].rows, cols)) return -1;
        const int group8 = cgguf_select_group8(wtype).dot != NULL;
        if (cgguf_activation_type(wtype) != at || (!group8 && cgguf_select_matrix_dot(wtype, parts[i].rows, n_tokens, 0) == NULL)) shared = 0;
        packed |= group8;
        whole_groups &= parts[i].rows % CGGUF_PACK_GROUP_ROWS == 0;
    }
    // A packed part's groups must start on a multiple of 8 of the shared range.
    if (packed && !whole_groups) shared = 0;
    if (!shared) {
        for (int i = 0; i < count; i++) {
            cgguf_matmul(pool, parts[i].wtype, parts[i].w, parts[i].row_bytes, parts[i].rows, cols, x, n_tokens,
                         parts[i].out, parts[i].out_stride, scratch);
        }
        return 0;
    }
    struct matmul_job jobs[MAX_PARTS];
    int64_t rows = 0;
    for (int i = 0; i < count; i++) {
        jobs[i] = matmul_job_for(pool, parts[i].wtype, parts[i].w, parts[i].row_bytes, parts[i].rows, cols, x, n_tokens,
                                 parts[i].out, parts[i].out_stride, scratch);
        rows += parts[i].rows;
    }
    matmul_prepare(pool, &jobs[0]);
    struct matmul_parts_job job = {.jobs = jobs, .count = count, .rows = rows, .align = packed ? CGGUF_PACK_GROUP_ROWS : 1};
    cgguf_pool_run(pool, matmul_parts_task, &job);
    return 0;
}

// ---------------------------------------------------------------- elementwise

void cgguf_rms_norm(const float *x, const float *w, float *y, int64_t n, float eps) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    const float mean = (float)(sum / (double)n);
    const float scale = 1.0f / sqrtf(mean + eps);
    for (int64_t i = 0; i < n; i++) y[i] = (x[i] * scale) * w[i];
}

#if CGGUF_X86
CGGUF_AVX2 static void swiglu_avx2(const float *gate, const float *up, float *out, int64_t n, int order) {
    const __m256 one = _mm256_set1_ps(1.0f);
    for (int64_t i = 0; i < n; i += 8) {
        const __m256 g = _mm256_loadu_ps(gate + i);
        const __m256 minus_g = _mm256_sub_ps(_mm256_setzero_ps(), g);
        const __m256 e = order == CGGUF_ORDER_AVX512 ? cgguf_approx_exp8_avx2(minus_g) : cgguf_approx_exp8_avx2build(minus_g);
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_div_ps(g, _mm256_add_ps(one, e)), _mm256_loadu_ps(up + i)));
    }
}
#endif

void cgguf_swiglu(const float *gate, const float *up, float *out, int64_t n) {
    cgguf_swiglu_ordered(gate, up, out, n, CGGUF_ORDER_AVX512);
}

void cgguf_swiglu_ordered(const float *gate, const float *up, float *out, int64_t n, int order) {
    // Whole vectors (of 16 or 8, as the build followed) take its exp approximation, the rest libm's expf.
    const int64_t lanes = order == CGGUF_ORDER_AVX512 ? 16 : 8;
    const int64_t vectorized = n - n % lanes;
    int64_t start = 0;
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) {
        swiglu_avx2(gate, up, out, vectorized, order);
        start = vectorized;
    }
#endif
    for (int64_t i = start; i < vectorized; i++) {
        const float g = gate[i];
        const float e = order == CGGUF_ORDER_AVX512 ? cgguf_approx_expf(0.0f - g) : cgguf_approx_expf_avx2build(0.0f - g);
        out[i] = (g / (1.0f + e)) * up[i];
    }
    for (int64_t i = vectorized; i < n; i++) {
        const float g = gate[i];
        out[i] = (g / (1.0f + expf(-g))) * up[i];
    }
}

void cgguf_add(float *x, const float *y, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] = y[i] + x[i];
}

#if CGGUF_X86
// F16C rounds to nearest even, as cgguf_float_to_half does.
CGGUF_AVX2 static int64_t store_f16_avx2(const float *x, uint16_t *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    return i;
}
#endif

void cgguf_store_f16(const float *x, uint16_t *dst, int64_t n) {
    int64_t i = 0;
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) i = store_f16_avx2(x, dst, n);
#endif
    for (; i < n; i++) dst[i] = cgguf_float_to_half(x[i]);
}

// ------------------------------------------------------------ per-token rows

/// Below this many tokens a batch's per-token steps run on the caller: the work (tens of
/// microseconds) is less than waking the pool costs on a busy machine.
enum { ROWS_ON_POOL = 64 };

struct rows_job {
    const float *x, *w, *up, *v;
    float *y, *q, *k;
    uint16_t *k_dst, *v_dst;
    const float *freq_factors;
    int64_t n, rows, n_heads, n_kv_heads, head_dim, n_dims, first_pos;
    float eps, freq_base, freq_scale;
    int neox, gelu, order;
};

static void rms_norm_task(void *raw, int ith, int nth) {
    const struct rows_job *job = raw;
    int64_t t0, t1;
    row_range(job->rows, ith, nth, &t0, &t1);
    for (int64_t t = t0; t < t1; t++) cgguf_rms_norm(job->x + t * job->n, job->w, job->y + t * job->n, job->n, job->eps);
}

void cgguf_rms_norm_rows(cgguf_pool *pool, const float *x, const float *w, float *y, int64_t n, int64_t rows, float eps) {
    struct rows_job job = {.x = x, .w = w, .y = y, .n = n, .rows = rows, .eps = eps};
    if (rows < ROWS_ON_POOL) {
        rms_norm_task(&job, 0, 1);
    } else {
        cgguf_pool_run(pool, rms_norm_task, &job);
    }
}

static void glu_task(void *raw, int ith, int nth) {
    const struct rows_job *job = raw;
    int64_t t0, t1;
    row_range(job->rows, ith, nth, &t0, &t1);
    for (int64_t t = t0; t < t1; t++) {
        const float *gate = job->x + t * job->n, *up = job->up + t * job->n;
        float *out = job->y + t * job->n;
        if (job->gelu) {
            cgguf_geglu(gate, up, out, job->n); // a table lookup: the same in every build
        } else {
            cgguf_swiglu_ordered(gate, up, out, job->n, job->order);
        }
    }
}

static void glu_rows(cgguf_pool *pool, const float *gate, const float *up, float *out, int64_t n, int64_t rows, int gelu) {
    struct rows_job job = {.x = gate, .up = up, .y = out, .n = n, .rows = rows, .gelu = gelu, .order = cgguf_pool_order(pool)};
    if (rows < ROWS_ON_POOL) {
        glu_task(&job, 0, 1);
    } else {
        cgguf_pool_run(pool, glu_task, &job);
    }
}

void cgguf_swiglu_rows(cgguf_pool *pool, const float *gate, const float *up, float *out, int64_t n, int64_t rows) {
    glu_rows(pool, gate, up, out, n, rows, 0);
}

void cgguf_geglu_rows(cgguf_pool *pool, const float *gate, const float *up, float *out, int64_t n, int64_t rows) {
    glu_rows(pool, gate, up, out, n, rows, 1);
}

static void rope_store_task(void *raw, int ith, int nth) {
    const struct rows_job *job = raw;
    const int64_t q_stride = job->n_heads * job->head_dim, kv_stride = job->n_kv_heads * job->head_dim;
    int64_t t0, t1;
    row_range(job->rows, ith, nth, &t0, &t1);
    for (int64_t t = t0; t < t1; t++) {
        const int64_t pos = job->first_pos + t;
        cgguf_rope_ext(job->q + t * q_stride, job->n_heads, job->head_dim, job->n_dims, pos, job->freq_base, job->freq_scale,
                       job->freq_factors, job->neox);
        cgguf_rope_ext(job->k + t * kv_stride, job->n_kv_heads, job->head_dim, job->n_dims, pos, job->freq_base,
                       job->freq_scale, job->freq_factors, job->neox);
        cgguf_store_f16(job->k + t * kv_stride, job->k_dst + t * kv_stride, kv_stride);
        cgguf_store_f16(job->v + t * kv_stride, job->v_dst + t * kv_stride, kv_stride);
    }
}

void cgguf_rope_store_rows(cgguf_pool *pool, float *q, float *k, const float *v, int64_t n_heads, int64_t n_kv_heads,
                           int64_t head_dim, int64_t n_dims, int64_t first_pos, int64_t rows, float freq_base,
                           float freq_scale, const float *freq_factors, int neox, uint16_t *k_dst, uint16_t *v_dst) {
    struct rows_job job = {
        .q = q, .k = k, .v = v, .n_heads = n_heads, .n_kv_heads = n_kv_heads, .head_dim = head_dim, .n_dims = n_dims,
        .first_pos = first_pos, .rows = rows, .freq_base = freq_base, .freq_scale = freq_scale,
        .freq_factors = freq_factors, .neox = neox, .k_dst = k_dst, .v_dst = v_dst,
    };
    if (rows < ROWS_ON_POOL) {
        rope_store_task(&job, 0, 1);
    } else {
        cgguf_pool_run(pool, rope_store_task, &job);
    }
}

// ------------------------------------------------------------------ attention

// F16 . F16 dot in the lane order of llama.cpp's ggml_vec_dot_f16 for a build of `lanes`
// lanes (CGGUF_ORDER_*): four accumulators over steps of 4 * lanes, reduced pairwise and then
// across lanes, the rest added in double. Products of two halves are exact in F32, so plain
// multiply-add equals the fused form.
static float dot_f16(int64_t n, const uint16_t *x, const uint16_t *y, int lanes) {
    const int64_t step = 4 * lanes;
    const int64_t np = n - n % step;
    float acc[4][16];
    memset(acc, 0, sizeof acc);
    for (int64_t i = 0; i < np; i += step) {
        for (int j = 0; j < 4; j++) {
            for (int l = 0; l < lanes; l++) {
                const int64_t k = i + lanes * j + l;
                acc[j][l] += cgguf_half_to_float(x[k]) * cgguf_half_to_float(y[k]);
            }
        }
    }
    double sum = (double)reduce_four_vectors(acc, lanes);
    for (int64_t i = np; i < n; i++) sum += (double)(cgguf_half_to_float(x[i]) * cgguf_half_to_float(y[i]));
    return (float)sum;
}

struct attention_job {
    const float *q;
    const uint16_t *k, *v;
    int64_t kv_stride, first_pos, n_tokens, n_heads, n_kv_heads, head_dim;
    float scale;
    int precise;
    int64_t window;  // > 0: a query at position p sees keys p - window + 1 ... p
    float softcap;   // > 0: scores become softcap * tanh(score), the scale divided by it first
    int order;       // CGGUF_ORDER_*
    float *out;
};

/// The first key a query of token t may see.
static inline int64_t first_key(const struct attention_job *job, int64_t t) {
    const int64_t lo = job->first_pos + t - job->window + 1;
    return job->window > 0 && lo > 0 ? lo : 0;
}

/// The scaled (and soft-capped) score of a dot product, as llama.cpp's flash attention.
static inline float attention_score(const struct attention_job *job, float dot) {
    const float s = dot * job->scale;
    return job->softcap > 0.0f ? job->softcap * tanhf(s) : s;
}

// llama.cpp's one-query flash attention with an F16 V accumulator: the running
// sum of V is rounded to F16 after every step, as there.
static void attend_f16(const struct attention_job *job, int64_t t, int64_t h, uint16_t *qh, uint16_t *acc) {
    const int64_t hd = job->head_dim;
    const int64_t group = job->n_heads / job->n_kv_heads;
    const int64_t kvh = h / group;
    const float *q = job->q + (t * job->n_heads + h) * hd;
    for (int64_t d = 0; d < hd; d++) {
        qh[d] = cgguf_float_to_half(q[d]);
        acc[d] = 0;
    }
    float S = 0.0f, M = -INFINITY;
    const int64_t n_kv = job->first_pos + t + 1;
    // Keys outside a sliding window are masked, which llama.cpp's one-query path skips.
    for (int64_t ic = first_key(job, t); ic < n_kv; ic++) {
        const uint16_t *krow = job->k + ic * job->kv_stride + kvh * hd;
        const uint16_t *vrow = job->v + ic * job->kv_stride + kvh * hd;
        float s = attention_score(job, dot_f16(hd, krow, qh, job->order));
        float ms = 1.0f, vs = 1.0f;
        if (s > M) {
            const float old = M;
            M = s;
            ms = expf(old - M);
            for (int64_t d = 0; d < hd; d++) acc[d] = cgguf_float_to_half(cgguf_half_to_float(acc[d]) * ms);
        } else {
            vs = expf(s - M);
        }
        for (int64_t d = 0; d < hd; d++) {
            acc[d] = cgguf_float_to_half(fmaf(cgguf_half_to_float(vrow[d]), vs, cgguf_half_to_float(acc[d])));
        }
        S = fmaf(S, ms, vs);
    }
    const float inv = S == 0.0f ? 0.0f : 1.0f / S;
    float *o = job->out + (t * job->n_heads + h) * hd;
    for (int64_t d = 0; d < hd; d++) o[d] = cgguf_half_to_float(acc[d]) * inv;
}

#if CGGUF_X86
// The same computation with F16C conversions and 256-bit lanes; products of halves
// are exact, so fused and unfused accumulation agree and results are bit-identical.
CGGUF_AVX2 static float dot_f16_avx2(int64_t n, const uint16_t *x, const uint16_t *y) {
    __m256 acc[4][2];
    for (int j = 0; j < 4; j++) acc[j][0] = acc[j][1] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i += 64) {
        for (int j = 0; j < 4; j++) {
            for (int h = 0; h < 2; h++) {
                const int64_t k = i + 16 * j + 8 * h;
                const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + k)));
                const __m256 b = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + k)));
                acc[j][h] = _mm256_fmadd_ps(a, b, acc[j][h]);
            }
        }
    }
    __m256 v[2];
    for (int h = 0; h < 2; h++) {
        v[h] = _mm256_add_ps(_mm256_add_ps(acc[0][h], acc[2][h]), _mm256_add_ps(acc[1][h], acc[3][h]));
    }
    const __m256 w = _mm256_add_ps(v[1], v[0]);
    const __m128 z = _mm_add_ps(_mm256_extractf128_ps(w, 1), _mm256_castps256_ps128(w));
    const __m128 pairs = _mm_add_ps(z, _mm_movehl_ps(z, z));
    return _mm_cvtss_f32(_mm_add_ss(pairs, _mm_movehdup_ps(pairs)));
}

// The AVX2 build's order (steps of 32, hadd reduction) for head sizes a multiple of 32.
CGGUF_AVX2 static float dot_f16_avx2_8lanes(int64_t n, const uint16_t *x, const uint16_t *y) {
    __m256 acc[4];
    for (int j = 0; j < 4; j++) acc[j] = _mm256_setzero_ps();
    for (int64_t i = 0; i < n; i += 32) {
        for (int j = 0; j < 4; j++) {
            const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + i + 8 * j)));
            const __m256 b = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(y + i + 8 * j)));
            acc[j] = _mm256_fmadd_ps(a, b, acc[j]);
        }
    }
    const __m256 v = _mm256_add_ps(_mm256_add_ps(acc[0], acc[2]), _mm256_add_ps(acc[1], acc[3]));
    const __m128 t0 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 t1 = _mm_hadd_ps(t0, t0);
    return _mm_cvtss_f32(_mm_hadd_ps(t1, t1));
}

CGGUF_AVX2 static void attend_f16_avx2(const struct attention_job *job, int64_t t, int64_t h, uint16_t *qh, uint16_t *acc) {
    const int64_t hd = job->head_dim;
    const int64_t group = job->n_heads / job->n_kv_heads;
    const int64_t kvh = h / group;
    const float *q = job->q + (t * job->n_heads + h) * hd;
    for (int64_t d = 0; d < hd; d += 8) {
        _mm_storeu_si128((__m128i *)(qh + d), _mm256_cvtps_ph(_mm256_loadu_ps(q + d), _MM_FROUND_TO_NEAREST_INT));
        _mm_storeu_si128((__m128i *)(acc + d), _mm_setzero_si128());
    }
    float S = 0.0f, M = -INFINITY;
    const int64_t n_kv = job->first_pos + t + 1;
    for (int64_t ic = first_key(job, t); ic < n_kv; ic++) {
        const uint16_t *krow = job->k + ic * job->kv_stride + kvh * hd;
        const uint16_t *vrow = job->v + ic * job->kv_stride + kvh * hd;
        const float dot = job->order == CGGUF_ORDER_AVX512 ? dot_f16_avx2(hd, krow, qh) : dot_f16_avx2_8lanes(hd, krow, qh);
        float s = attention_score(job, dot);
        float ms = 1.0f, vs = 1.0f;
        if (s > M) {
            const float old = M;
            M = s;
            ms = expf(old - M);
            const __m256 m = _mm256_set1_ps(ms);
            for (int64_t d = 0; d < hd; d += 8) {
                const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(acc + d)));
                _mm_storeu_si128((__m128i *)(acc + d), _mm256_cvtps_ph(_mm256_mul_ps(a, m), _MM_FROUND_TO_NEAREST_INT));
            }
        } else {
            vs = expf(s - M);
        }
        const __m256 w = _mm256_set1_ps(vs);
        for (int64_t d = 0; d < hd; d += 8) {
            const __m256 a = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(acc + d)));
            const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(vrow + d)));
            _mm_storeu_si128((__m128i *)(acc + d), _mm256_cvtps_ph(_mm256_fmadd_ps(v, w, a), _MM_FROUND_TO_NEAREST_INT));
        }
        S = _mm_cvtss_f32(_mm_fmadd_ss(_mm_set_ss(S), _mm_set_ss(ms), _mm_set_ss(vs)));
    }
    const float inv = S == 0.0f ? 0.0f : 1.0f / S;
    float *o = job->out + (t * job->n_heads + h) * hd;
    const __m256 scale = _mm256_set1_ps(inv);
    for (int64_t d = 0; d < hd; d += 8) {
        _mm256_storeu_ps(o + d, _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(acc + d))), scale));
    }
}
#endif

/// _mm512_reduce_add_ps's order: halves, then quarters, then pairs.
static inline float reduce_add_16(const float *v) {
    float a[8], b[4];
    for (int i = 0; i < 8; i++) a[i] = v[i] + v[i + 8];
    for (int i = 0; i < 4; i++) b[i] = a[i] + a[i + 4];
    return (b[0] + b[2]) + (b[1] + b[3]);
}

// llama.cpp's tiled path (batches of 64 queries or more): F32 throughout, online
// softmax over tiles of 64 keys. The tile's softmax uses llama.cpp's vectorised exp
// and its sum order, not libm's expf: a 1-ulp difference per weight is enough to
// change greedy output on long chat prompts.
static inline __attribute__((always_inline)) void attend_f32_body(const struct attention_job *job, int64_t t, int64_t h, float *acc, float *scores) {
    const int64_t hd = job->head_dim;
    const int64_t group = job->n_heads / job->n_kv_heads;
    const int64_t kvh = h / group;
    const float *q = job->q + (t * job->n_heads + h) * hd;
    for (int64_t d = 0; d < hd; d++) acc[d] = 0.0f;
    float S = 0.0f, M = -INFINITY;
    const int64_t n_kv = job->first_pos + t + 1;
    const int64_t lo = first_key(job, t);
    // Tiles stay aligned to key 0 as in llama.cpp; masked keys score -inf, and a tile with
    // nothing visible leaves the row untouched.
    for (int64_t ic = lo / 64 * 64; ic < n_kv; ic += 64) {
        const int64_t tile = n_kv - ic < 64 ? n_kv - ic : 64;
        float tile_max = -INFINITY;
        for (int64_t j = 0; j < tile; j++) {
            if (ic + j < lo) {
                scores[j] = -INFINITY;
                continue;
            }
            const uint16_t *krow = job->k + (ic + j) * job->kv_stride + kvh * hd;
            float s = 0.0f;
            for (int64_t d = 0; d < hd; d++) s = fmaf(q[d], cgguf_half_to_float(krow[d]), s);
            s = attention_score(job, s);
            scores[j] = s;
            if (s > tile_max) tile_max = s;
        }
        if (tile_max == -INFINITY) continue;
        const float mnew = fmaxf(M, tile_max);
        if (mnew > M) {
            const float ms = expf(M - mnew);
            for (int64_t d = 0; d < hd; d++) acc[d] *= ms;
            S *= ms;
        }
        M = mnew;
        // llama.cpp's ggml_vec_soft_max_f32: the vectorised exp of the build followed over
        // the whole 64-key tile (keys past the end count as -inf), each vector of 16 or 8
        // reduced across its lanes and summed in double.
        for (int64_t j = tile; j < 64; j++) scores[j] = -INFINITY;
        const int lanes = job->order;
        double sum = 0.0;
        for (int64_t g = 0; g < 64; g += lanes) {
            float e[16];
            for (int l = 0; l < lanes; l++) {
                const float x = scores[g + l] - mnew;
                e[l] = lanes == 16 ? cgguf_approx_expf(x) : cgguf_approx_expf_avx2build(x);
                scores[g + l] = e[l];
            }
            sum += (double)reduce_lanes(e, lanes);
        }
        S = (float)((double)S + sum);
        for (int64_t j = 0; j < tile; j++) {
            const uint16_t *vrow = job->v + (ic + j) * job->kv_stride + kvh * hd;
            for (int64_t d = 0; d < hd; d++) acc[d] = fmaf(scores[j], cgguf_half_to_float(vrow[d]), acc[d]);
        }
    }
    const float inv = S == 0.0f ? 0.0f : 1.0f / S;
    float *o = job->out + (t * job->n_heads + h) * hd;
    for (int64_t d = 0; d < hd; d++) o[d] = acc[d] * inv;
}

static void attend_f32(const struct attention_job *job, int64_t t, int64_t h, float *acc, float *scores) {
    attend_f32_body(job, t, h, acc, scores);
}

#if CGGUF_X86
// The same code compiled for FMA hardware: fmaf becomes one instruction instead of a
// library call; fmaf is exact either way, so results are identical.
CGGUF_AVX2 static void attend_f32_fma(const struct attention_job *job, int64_t t, int64_t h, float *acc, float *scores) {
    attend_f32_body(job, t, h, acc, scores);
}
#endif

static void attention_task(void *raw, int ith, int nth) {
    const struct attention_job *job = raw;
    const int64_t items = job->n_tokens * job->n_heads;
    int64_t i0, i1;
    row_range(items, ith, nth, &i0, &i1);
    if (i0 >= i1) return;
    void *scratch = malloc((size_t)job->head_dim * 8 + 64 * sizeof(float));
    if (scratch == NULL) abort();
#if CGGUF_X86
    const int fast = cgguf_kernel_level() >= 1 && job->head_dim % (4 * job->order) == 0;
#endif
    for (int64_t i = i0; i < i1; i++) {
        const int64_t t = i / job->n_heads, h = i % job->n_heads;
#if CGGUF_X86
        if (fast && !job->precise) {
            attend_f16_avx2(job, t, h, (uint16_t *)scratch, (uint16_t *)scratch + job->head_dim);
            continue;
        }
#endif
        if (job->precise) {
#if CGGUF_X86
            if (fast) {
                attend_f32_fma(job, t, h, (float *)scratch, (float *)scratch + job->head_dim);
                continue;
            }
#endif
            attend_f32(job, t, h, (float *)scratch, (float *)scratch + job->head_dim);
        } else {
            attend_f16(job, t, h, (uint16_t *)scratch, (uint16_t *)scratch + job->head_dim);
        }
    }
    free(scratch);
}

void cgguf_attention(cgguf_pool *pool, const float *q, const uint16_t *k_cache,
                     const uint16_t *v_cache, int64_t kv_stride, int64_t first_pos,
                     int64_t n_tokens, int64_t n_heads, int64_t n_kv_heads,
                     int64_t head_dim, float scale, int precise_f32, float *out) {
    cgguf_attention_ext(pool, q, k_cache, v_cache, kv_stride, first_pos, n_tokens, n_heads, n_kv_heads, head_dim,
                        scale, precise_f32, 0, 0.0f, out);
}

void cgguf_attention_ext(cgguf_pool *pool, const float *q, const uint16_t *k_cache,
                         const uint16_t *v_cache, int64_t kv_stride, int64_t first_pos,
                         int64_t n_tokens, int64_t n_heads, int64_t n_kv_heads,
                         int64_t head_dim, float scale, int precise_f32, int64_t window, float softcap,
                         float *out) {
    struct attention_job job = {
        .q = q, .k = k_cache, .v = v_cache, .kv_stride = kv_stride, .first_pos = first_pos,
        .n_tokens = n_tokens, .n_heads = n_heads, .n_kv_heads = n_kv_heads, .head_dim = head_dim,
        .scale = softcap > 0.0f ? scale / softcap : scale, .precise = precise_f32,
        .window = window > 0 ? window : 0, .softcap = softcap > 0.0f ? softcap : 0.0f,
        .order = cgguf_pool_order(pool), .out = out,
    };
    // The blocked AVX2 path knows neither windows nor soft-caps: those layers take the
    // per-query path, which gives the same numbers.
    if (precise_f32 && job.window == 0 && job.softcap == 0.0f &&
        cgguf_attention_f32_tiled(pool, q, k_cache, v_cache, kv_stride, first_pos, n_tokens,
                                  n_heads, n_kv_heads, head_dim, scale, job.order, out) == 0) {
        return;
    }
    cgguf_pool_run(pool, attention_task, &job);
}
