#ifndef CGGUFKERNELS_H
#define CGGUFKERNELS_H

// Hot kernels of the GGUF runtime. Every function here has a portable scalar
// implementation; the AVX2/FMA/F16C variants are chosen once at run time and
// give bit-identical results (the scalar code reproduces the SIMD lane order).

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// GGML tensor type numbers, as stored in GGUF tensor infos.
enum {
    CGGUF_TYPE_F32 = 0,
    CGGUF_TYPE_F16 = 1,
    CGGUF_TYPE_Q4_0 = 2,
    CGGUF_TYPE_Q4_1 = 3,
    CGGUF_TYPE_Q5_0 = 6,
    CGGUF_TYPE_Q5_1 = 7,
    CGGUF_TYPE_Q8_0 = 8,
    CGGUF_TYPE_Q8_1 = 9,
    CGGUF_TYPE_Q4_K = 12,
    CGGUF_TYPE_Q5_K = 13,
    CGGUF_TYPE_Q6_K = 14,
    CGGUF_TYPE_Q8_K = 15,
    CGGUF_TYPE_BF16 = 30,
};

/// Weights in a layout of Parley's own (not GGUF types), made by cgguf_pack for kernels that
/// read several rows at once: Q4_0, Q4_1, Q5_0, Q5_1 or Q8_0 rows interleaved in groups of 8. A
/// packed matrix takes as many bytes as its source, and row r's group starts (r / 8) * 8 *
/// row_bytes in. Its geometry (block and row sizes, activation type) is its source type's.
enum {
    CGGUF_TYPE_Q4_0_X8 = 0x100 | CGGUF_TYPE_Q4_0,
    CGGUF_TYPE_Q4_1_X8 = 0x100 | CGGUF_TYPE_Q4_1,
    CGGUF_TYPE_Q5_0_X8 = 0x100 | CGGUF_TYPE_Q5_0,
    CGGUF_TYPE_Q5_1_X8 = 0x100 | CGGUF_TYPE_Q5_1,
    CGGUF_TYPE_Q8_0_X8 = 0x100 | CGGUF_TYPE_Q8_0,
    CGGUF_PACK_GROUP_ROWS = 8,
};

/// Kernel levels: 0 = portable scalar, 1 = AVX2+FMA+F16C.
int cgguf_kernel_level(void);
/// Forces a level (clamped to what the CPU supports); returns the level now in use.
/// The initial level is the best the CPU supports unless the environment variable
/// GGUF_KERNELS=scalar asks for the portable path.
int cgguf_set_kernel_level(int level);
/// The best level this CPU supports.
int cgguf_best_kernel_level(void);
/// Within level 1, whether the prompt-processing tiles and the packed weights' kernels
/// use AVX-512 VNNI (one instruction for the byte dot products, 32 registers) where
/// the CPU has it. Same
/// results either way; on by default unless GGUF_KERNELS=avx2. Returns the new state
/// (0 where the CPU lacks VNNI).
int cgguf_set_vnni(int enabled);

float cgguf_fp16_to_fp32(uint16_t h);
/// Round-to-nearest-even, as the F16C instruction does.
uint16_t cgguf_fp32_to_fp16(float f);
float cgguf_bf16_to_fp32(uint16_t h);

/// Bytes one row of `n` elements of `type` occupies; 0 for an unknown type or a
/// count that is not a multiple of the type's block size.
size_t cgguf_row_size(int type, int64_t n);
/// Elements per block of `type` (0 if unknown).
int cgguf_block_size(int type);
/// Bytes per block of `type` (0 if unknown).
int cgguf_type_size(int type);

/// Dequantises `n` elements of a row of `type`. Returns 0 on success, -1 if unsupported.
int cgguf_dequantize_row(int type, const void *src, float *dst, int64_t n);

/// Quantises `k` floats (k a multiple of 32) to Q8_0 / Q8_1 blocks.
void cgguf_quantize_q8_0(const float *x, void *y, int64_t k);
void cgguf_quantize_q8_1(const float *x, void *y, int64_t k);
/// Quantises `k` floats (k a multiple of 256) to Q8_K blocks (float scale -max/127 of
/// the signed value of largest magnitude, 256 int8, 16 int16 sums of 16), as llama.cpp.
void cgguf_quantize_q8_k(const float *x, void *y, int64_t k);

/// Dot products of one weight row against one quantised activation row (n elements).
float cgguf_dot_q4_0_q8_0(int64_t n, const void *x, const void *y);
float cgguf_dot_q4_1_q8_1(int64_t n, const void *x, const void *y);
float cgguf_dot_q8_0_q8_0(int64_t n, const void *x, const void *y);
float cgguf_dot_q5_0_q8_0(int64_t n, const void *x, const void *y);
float cgguf_dot_q5_1_q8_1(int64_t n, const void *x, const void *y);
float cgguf_dot_q4_k_q8_k(int64_t n, const void *x, const void *y);
float cgguf_dot_q5_k_q8_k(int64_t n, const void *x, const void *y);
float cgguf_dot_q6_k_q8_k(int64_t n, const void *x, const void *y);
float cgguf_dot_f32(int64_t n, const float *x, const float *y);

/// The activation type a weight type is multiplied with (Q8_0, Q8_1, Q8_K or F32).
int cgguf_activation_type(int weight_type);

// ---------------------------------------------------------------- thread pool

typedef struct cgguf_pool cgguf_pool;
/// A persistent pool of `threads` workers (the caller counts as one); workers spin
/// briefly after each job, then sleep. Returns NULL on failure.
cgguf_pool *cgguf_pool_create(int threads);
void cgguf_pool_destroy(cgguf_pool *pool);
int cgguf_pool_threads(const cgguf_pool *pool);

/// Which llama.cpp build's floating-point order a pool's jobs follow. llama.cpp's x86 code sums
/// softmax weights, F16/F32 dot products and tinyBLAS rows in 16-lane vectors, and uses one form
/// of its exp approximation, where it is built for AVX-512; in 8-lane vectors, with another exp
/// form, where it is built for AVX2 only. The two disagree in the last bits, and the rounding of
/// activations to 8 bits turns that into visibly different logits (mean KLD about 3e-3 on the
/// default model), so agreeing with llama.cpp means choosing which build to agree with.
enum { CGGUF_ORDER_AVX512 = 16, CGGUF_ORDER_AVX2 = 8 };
/// Sets the order of `pool` (CGGUF_ORDER_AVX512, the default, or CGGUF_ORDER_AVX2; anything
/// else is ignored); returns the order in use. Set it before running jobs on the pool.
int cgguf_pool_set_order(cgguf_pool *pool, int order);
int cgguf_pool_order(const cgguf_pool *pool);
/// The order llama.cpp built for this CPU (GGML_NATIVE) follows: CGGUF_ORDER_AVX512 where the
/// CPU has AVX-512 F and DQ, else CGGUF_ORDER_AVX2.
int cgguf_host_order(void);

/// The packed type the kernels prefer for a `rows` x `cols` matrix of `wtype`, or -1 when they
/// read that matrix as it is. Every kernel level has kernels for every packed type.
int cgguf_packed_type(int wtype, int64_t rows, int64_t cols);
/// Writes the packed form of `rows` rows of `cols` elements of `wtype` (each `row_bytes` apart) to
/// `dst`, which must hold rows * row_bytes bytes. Returns 0, or -1 (nothing written) when
/// cgguf_packed_type gives -1 or row_bytes is shorter than a row.
int cgguf_pack(int wtype, const void *src, size_t row_bytes, int64_t rows, int64_t cols, void *dst);
/// Dequantises row `row` of a packed matrix (`packed_type`, rows of `row_bytes` before packing) of
/// `cols` elements: the values cgguf_dequantize_row gives the row before packing. Returns 0, or
/// -1 for a type that is not packed or a bad shape.
int cgguf_dequantize_packed_row(int packed_type, const void *x, size_t row_bytes, int64_t row, int64_t cols, float *dst);
/// cgguf_pack on the threads of `pool` (NULL: the caller's alone); the same bytes.
int cgguf_pack_on(cgguf_pool *pool, int wtype, const void *src, size_t row_bytes, int64_t rows, int64_t cols, void *dst);

/// out[t * out_stride + r] = row r of W . x[t], for r < rows, t < n_tokens.
/// W is `rows` rows of `cols` elements of `wtype`, each `row_bytes` apart.
/// `scratch` must hold cgguf_matmul_scratch_size(wtype, cols, n_tokens) bytes.
/// Returns 0, or -1 for an unsupported type.
int cgguf_matmul(cgguf_pool *pool, int wtype, const void *w, size_t row_bytes,
                 int64_t rows, int64_t cols, const float *x, int64_t n_tokens,
                 float *out, int64_t out_stride, void *scratch);
size_t cgguf_matmul_scratch_size(int wtype, int64_t cols, int64_t n_tokens);

/// One product of cgguf_matmul_parts: out[t * out_stride + r] = row r of W . x[t].
struct cgguf_matmul_part {
    int wtype;
    const void *w;
    size_t row_bytes;
    int64_t rows;
    float *out;
    int64_t out_stride;
};

/// The products of up to four matrices of `cols` columns with the same activations (a layer's
/// Q, K and V; its gate and up): the activations prepared once and all rows in one pass of the
/// pool, each row's result the bits cgguf_matmul gives it. Parts whose kernels read different
/// forms of the activations are run one after the other. `scratch` must hold the largest
/// cgguf_matmul_scratch_size of the parts. Returns 0, or -1 for an unsupported type or count.
int cgguf_matmul_parts(cgguf_pool *pool, const struct cgguf_matmul_part *parts, int count, int64_t cols,
                       const float *x, int64_t n_tokens, void *scratch);

// ----------------------------------------------------------------- layer ops

/// y = x / sqrt(mean(x^2) + eps) * w, with llama.cpp's order of operations.
void cgguf_rms_norm(const float *x, const float *w, float *y, int64_t n, float eps);
/// out = silu(gate) * up for one row, with llama.cpp x86 exp approximation on whole groups of 16.
void cgguf_swiglu(const float *gate, const float *up, float *out, int64_t n);
/// cgguf_swiglu in a given order (CGGUF_ORDER_AVX2: groups of 8 and that build's exp).
void cgguf_swiglu_ordered(const float *gate, const float *up, float *out, int64_t n, int order);
/// RoPE on each of `n_heads` heads of `head_dim` floats, with llama.cpp's general parameters:
/// for 2i < n_dims, angles pos * base^(-2i/n_dims) / freq_factors[i] times freq_scale (1 = none;
/// linear scaling is 1/factor; freq_factors, n_dims/2 of them, may be NULL: Llama 3's
/// rope_freqs.weight); `neox` rotates the pairs (i, i + n_dims/2) as NEOX-style models (Qwen,
/// Gemma, Phi-3) do, else neighbours (2i, 2i+1) as llama.
void cgguf_rope_ext(float *x, int64_t n_heads, int64_t head_dim, int64_t n_dims, int64_t pos,
                    float freq_base, float freq_scale, const float *freq_factors, int neox);
/// out = gelu(gate) * up (tanh GELU from llama.cpp's F16 table; 0 below -10, identity above 10).
void cgguf_geglu(const float *gate, const float *up, float *out, int64_t n);
/// x = tanh(x / cap) * cap: logit soft-capping.
void cgguf_softcap(float *x, int64_t n, float cap);
/// x *= s.
void cgguf_scale(float *x, int64_t n, float s);

/// x[i] = y[i] + x[i] (the residual connection).
void cgguf_add(float *x, const float *y, int64_t n);
/// Stores a float vector into the F16 KV cache.
void cgguf_store_f16(const float *x, uint16_t *dst, int64_t n);

/// The per-token steps of a batch spread over the pool, `rows` tokens each. Every token is
/// computed by the single-row function above, so the results are the same bits whatever the
/// number of threads; batches under 64 tokens run on the caller (waking the pool would cost more).
/// RMSNorm of rows of `n` floats, `n` apart.
void cgguf_rms_norm_rows(cgguf_pool *pool, const float *x, const float *w, float *y, int64_t n, int64_t rows, float eps);
/// out = silu(gate) * up for rows of `n` floats, `n` apart.
void cgguf_swiglu_rows(cgguf_pool *pool, const float *gate, const float *up, float *out, int64_t n, int64_t rows);
/// out = gelu(gate) * up (cgguf_geglu) for rows of `n` floats, `n` apart.
void cgguf_geglu_rows(cgguf_pool *pool, const float *gate, const float *up, float *out, int64_t n, int64_t rows);
/// For token t < rows at position first_pos + t: RoPE (cgguf_rope_ext) on its `n_heads` query
/// heads (q + t * n_heads * head_dim) and `n_kv_heads` key heads (k + t * kv_stride), then its
/// keys and values (v + t * kv_stride) stored as F16 at k_dst / v_dst + t * kv_stride.
void cgguf_rope_store_rows(cgguf_pool *pool, float *q, float *k, const float *v, int64_t n_heads, int64_t n_kv_heads,
                           int64_t head_dim, int64_t n_dims, int64_t first_pos, int64_t rows, float freq_base,
                           float freq_scale, const float *freq_factors, int neox, uint16_t *k_dst, uint16_t *v_dst);

/// Causal grouped-query attention for `n_tokens` queries at positions
/// first_pos ... first_pos + n_tokens - 1 over an F16 cache holding positions 0...
/// q: n_tokens x n_heads x head_dim; k/v cache rows: kv_stride halves per position.
/// out: n_tokens x n_heads x head_dim. `precise_f32` selects the F32 accumulation
/// (llama.cpp's tiled path for large batches) instead of the F16 one.
void cgguf_attention(cgguf_pool *pool, const float *q, const uint16_t *k_cache,
                     const uint16_t *v_cache, int64_t kv_stride, int64_t first_pos,
                     int64_t n_tokens, int64_t n_heads, int64_t n_kv_heads,
                     int64_t head_dim, float scale, int precise_f32, float *out);
/// The same with a sliding window (window > 0: a query at position p sees keys p - window + 1
/// ... p, as llama.cpp's standard SWA mask) and attention logit soft-capping (softcap > 0:
/// each score s * scale becomes softcap * tanh(s * scale / softcap)); 0 turns either off.
void cgguf_attention_ext(cgguf_pool *pool, const float *q, const uint16_t *k_cache,
                         const uint16_t *v_cache, int64_t kv_stride, int64_t first_pos,
                         int64_t n_tokens, int64_t n_heads, int64_t n_kv_heads,
                         int64_t head_dim, float scale, int precise_f32, int64_t window, float softcap,
                         float *out);

#ifdef __cplusplus
}
#endif

#endif
