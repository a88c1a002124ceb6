// Weight matrices copied into the layouts the interleaved kernels read (cgguf_pack).
//
// Rows in groups of eight, block by block: per block the eight rows' scales, then their codes in
// 32-byte chunks that hold the same four codes of rows 0 ... 7 in turn. One load then gives those
// four codes of all eight rows, one int32 lane per row: exactly the lane of llama.cpp's row kernel
// that sums them. The kernels keep that lane's float sum for eight rows in one register, so each
// row gets the same products, the same fma order and the same final sum (hsum8, then any mins) as
// the row kernel, bit for bit; and what the row kernel spends per row (unpacking the block across
// lanes, converting and broadcasting its scales) is done once for eight.
//
// A packed block of eight rows, in order (each part present where the type has it):
//   d[8]     the rows' scales (F16)
//   m[8]     their mins (Q4_1, Q5_1)
//   qh[8]    the fifth bits (Q5_0, Q5_1) as 32-bit words: word 2j holds bit 4j+t of row r's qh at
//            bit 4r+t (the fifth bits of chunk j's low nibbles), word 2j+1 bit 16+4j+t (its high
//            nibbles')
//   chunks   Q4_0 to Q5_1: four of 32 bytes, chunk j holding code bytes 4j ... 4j+3 of each row,
//            so its low nibbles are codes 4j ... 4j+3 and its high ones 16+4j ... 19+4j;
//            Q8_0: eight, chunk k holding codes 4k ... 4k+3 of each row
// which is exactly as many bytes as the eight rows' blocks. On the default model's shapes this
// made one-token Q4_1 products about 1.6x as fast, Q8_0 1.25x.
#include <stdlib.h>

#include "cggufkernels.h"
#include "internal.h"

enum { GROUP_ROWS = CGGUF_PACK_GROUP_ROWS, FETCH_AHEAD = 4 };

/// What a block of a 32-element type holds besides its scale and 16 code bytes (none for Q8_0).
struct block_form {
    int mins;  // an F16 min after d; unsigned codes, activations Q8_1 (Q4_1, Q5_1)
    int fifth; // 4 bytes of fifth bits before the codes (Q5_0, Q5_1)
};

int cgguf_packed_base_type(int packed_type) {
    switch (packed_type) {
        case CGGUF_TYPE_Q4_0_X8: case CGGUF_TYPE_Q4_1_X8: case CGGUF_TYPE_Q5_0_X8: case CGGUF_TYPE_Q5_1_X8:
        case CGGUF_TYPE_Q8_0_X8: return packed_type & 0xFF;
        default: return -1;
    }
}

static struct block_form form_of(int wtype) {
    return (struct block_form){.mins = wtype == CGGUF_TYPE_Q4_1 || wtype == CGGUF_TYPE_Q5_1,
                               .fifth = wtype == CGGUF_TYPE_Q5_0 || wtype == CGGUF_TYPE_Q5_1};
}

int cgguf_packed_type(int wtype, int64_t rows, int64_t cols) {
    if (rows <= 0 || rows % GROUP_ROWS != 0 || cols <= 0 || cols % 32 != 0) return -1;
    switch (wtype) {
        case CGGUF_TYPE_Q4_0: case CGGUF_TYPE_Q4_1: case CGGUF_TYPE_Q5_0: case CGGUF_TYPE_Q5_1:
        case CGGUF_TYPE_Q8_0: return 0x100 | wtype;
        default: return -1;
    }
}

// The fifth bits of eight rows' blocks as the packed words.
static void pack_fifth_bits(const uint8_t *const qh[GROUP_ROWS], uint8_t out[32]) {
    uint32_t words[8] = {0};
    for (int r = 0; r < GROUP_ROWS; r++) {
        uint32_t bits;
        memcpy(&bits, qh[r], 4);
        for (int w = 0; w < 8; w++) {
            const int j = w / 2, h = w % 2;
            for (int t = 0; t < 4; t++) words[w] |= ((bits >> (16 * h + 4 * j + t)) & 1u) << (4 * r + t);
        }
    }
    memcpy(out, words, sizeof words);
}

// Block ib of eight rows (`row_bytes` apart, blocks of `block_bytes`) into one packed block.
static void pack_block(int wtype, const uint8_t *rows, size_t row_bytes, size_t block_bytes, int64_t ib, uint8_t *out) {
    const struct block_form f = form_of(wtype);
    const int q8 = wtype == CGGUF_TYPE_Q8_0;
    uint8_t *const m = out + 16, *const qh = m + 16 * f.mins, *const chunks = qh + 32 * f.fifth;
    const uint8_t *bits[GROUP_ROWS];
    for (int r = 0; r < GROUP_ROWS; r++) {
        const uint8_t *b = rows + (size_t)r * row_bytes + (size_t)ib * block_bytes;
        memcpy(out + 2 * r, b, 2);
        if (f.mins) memcpy(m + 2 * r, b + 2, 2);
        bits[r] = b + 2 + 2 * f.mins;
        const uint8_t *codes = bits[r] + 4 * f.fifth;
        for (int k = 0; k < (q8 ? 8 : 4); k++) memcpy(chunks + 32 * k + 4 * r, codes + 4 * k, 4);
    }
    if (f.fifth) pack_fifth_bits(bits, qh);
}

struct pack_job {
    int wtype;
    const uint8_t *src;
    size_t row_bytes;
    int64_t groups, blocks; // groups of eight rows, blocks per row
    uint8_t *dst;
};

// Thread ith's share of the groups.
static void pack_task(void *raw, int ith, int nth) {
    const struct pack_job *job = raw;
    const size_t block_bytes = (size_t)cgguf_type_size(job->wtype);
    const int64_t per = (job->groups + nth - 1) / nth, g0 = per * ith, g1 = g0 + per < job->groups ? g0 + per : job->groups;
    for (int64_t g = g0; g < g1; g++) {
        const uint8_t *group = job->src + (size_t)(g * GROUP_ROWS) * job->row_bytes;
        uint8_t *out = job->dst + (size_t)(g * job->blocks) * GROUP_ROWS * block_bytes;
        for (int64_t ib = 0; ib < job->blocks; ib++, out += GROUP_ROWS * block_bytes) {
            pack_block(job->wtype, group, job->row_bytes, block_bytes, ib, out);
        }
    }
}

int cgguf_pack_on(cgguf_pool *pool, int wtype, const void *src, size_t row_bytes, int64_t rows, int64_t cols, void *dst) {
    if (cgguf_packed_type(wtype, rows, cols) < 0 || row_bytes < cgguf_row_size(wtype, cols)) return -1;
    struct pack_job job = {.wtype = wtype, .src = src, .row_bytes = row_bytes, .groups = rows / GROUP_ROWS,
                           .blocks = cols / 32, .dst = dst};
    if (pool != NULL) {
        cgguf_pool_run(pool, pack_task, &job);
    } else {
        pack_task(&job, 0, 1);
    }
    return 0;
}

int cgguf_pack(int wtype, const void *src, size_t row_bytes, int64_t rows, int64_t cols, void *dst) {
    return cgguf_pack_on(NULL, wtype, src, row_bytes, rows, cols, dst);
}

int cgguf_dequantize_packed_row(int packed_type, const void *x, size_t row_bytes, int64_t row, int64_t cols, float *dst) {
    const int wtype = cgguf_packed_base_type(packed_type);
    if (wtype < 0 || row < 0 || cols <= 0 || cols % 32 != 0 || row_bytes < cgguf_row_size(wtype, cols)) return -1;
    // The row's blocks as the file had them (pack_block in reverse), then the GGUF type's own dequantisation.
    const struct block_form f = form_of(wtype);
    const int q8 = wtype == CGGUF_TYPE_Q8_0, r = (int)(row % GROUP_ROWS);
    const size_t block_bytes = (size_t)cgguf_type_size(wtype);
    const uint8_t *group = (const uint8_t *)x + (size_t)(row - r) * row_bytes;
    uint8_t *blocks = malloc(row_bytes);
    if (blocks == NULL) return -1;
    for (int64_t ib = 0; ib < cols / 32; ib++) {
        const uint8_t *in = group + (size_t)ib * GROUP_ROWS * block_bytes;
        const uint8_t *m = in + 16, *qh = m + 16 * f.mins, *chunks = qh + 32 * f.fifth;
        uint8_t *b = blocks + (size_t)ib * block_bytes;
        memcpy(b, in + 2 * r, 2);
        if (f.mins) memcpy(b + 2, m + 2 * r, 2);
        uint8_t *bits = b + 2 + 2 * f.mins, *codes = bits + 4 * f.fifth;
        if (f.fifth) {
            uint32_t fifth = 0;
            for (int w = 0; w < 8; w++) {
                uint32_t word;
                memcpy(&word, qh + 4 * w, 4);
                for (int t = 0; t < 4; t++) fifth |= ((word >> (4 * r + t)) & 1u) << (16 * (w % 2) + 4 * (w / 2) + t);
            }
            memcpy(bits, &fifth, 4);
        }
        for (int k = 0; k < (q8 ? 8 : 4); k++) memcpy(codes + 4 * k, chunks + 32 * k + 4 * r, 4);
    }
    const int status = cgguf_dequantize_row(wtype, blocks, dst, cols);
    free(blocks);
    return status;
}

// How a kernel reads a block of eight rows: the packed forms, and the wide ones a batch's tokens
// read instead (see cgguf_select_group8), with every code in a byte of its own.
struct layout {
    int wide;    // eight chunks of a code per byte (Q8_0's packed form, the wide forms); else four of nibbles
    int mins;    // m[8] after d[8]: unsigned codes, Q8_1 activations and the mins' sum
    int fifth;   // the fifth-bit words before the chunks (nibble forms only)
    int offset;  // subtracted from a nibble form's codes when it has no mins (8 or 16)
    int flipped; // a wide signed form for VNNI: after the codes, each chunk's -128 x (sum of each row's
                 // four codes) as eight int32, so the activations can be taken as unsigned (y + 128)
};

// Q8_0's packed form is WIDE_SIGNED; the others widen to WIDE_SIGNED (Q4_0, Q5_0) or WIDE_UNSIGNED.
// On the VNNI level a batch widens every signed form (Q8_0's too) to WIDE_FLIPPED instead.
static const struct layout PACKED_Q4_0 = {.offset = 8}, PACKED_Q4_1 = {.mins = 1},
                           PACKED_Q5_0 = {.fifth = 1, .offset = 16}, PACKED_Q5_1 = {.mins = 1, .fifth = 1},
                           WIDE_SIGNED = {.wide = 1}, WIDE_UNSIGNED = {.wide = 1, .mins = 1},
                           WIDE_FLIPPED = {.wide = 1, .flipped = 1};

static inline size_t layout_bytes(struct layout l) {
    return 16 + 16 * (size_t)l.mins + 32 * (size_t)l.fifth + (l.wide ? 256 : 128) + 256 * (size_t)l.flipped;
}

// The row kernels' last step: lane sums added as hsum8 (and hsum8_avx2) add them.
static inline float sum_lanes(const float a[8]) {
    const float t0 = a[4] + a[0], t1 = a[5] + a[1], t2 = a[6] + a[2], t3 = a[7] + a[3];
    return (t0 + t2) + (t1 + t3);
}

// Code e (0 ... 31) of row r of a block, as the row kernel multiplies it: the nibble forms' with
// the fifth bit and less the offset; the wide forms' as stored (signed unless the form has mins).
static inline int code_at(struct layout l, const uint8_t *block, int r, int e) {
    const uint8_t *qh = block + 16 + 16 * l.mins, *chunks = qh + 32 * l.fifth;
    if (l.wide) {
        const uint8_t byte = chunks[32 * (e / 4) + 4 * r + e % 4];
        return l.mins ? byte : (int8_t)byte;
    }
    const int high = e >= 16, i = high ? e - 16 : e, j = i / 4, t = i % 4;
    const uint8_t byte = chunks[32 * j + 4 * r + t];
    int code = high ? byte >> 4 : byte & 0xF;
    if (l.fifth) {
        uint32_t word;
        memcpy(&word, qh + 4 * (2 * j + high), 4);
        code |= (int)(((word >> (4 * r + t)) & 1u) << 4);
    }
    return code - l.offset;
}

// The scalar row kernels' order (dot_q4_0_q8_0_scalar ... dot_q8_0_q8_0_scalar), for each row.
static inline void group8_scalar(struct layout l, int64_t n, const uint8_t *x, const uint8_t *vy, const float *ys,
                                 float *out) {
    const size_t block_bytes = layout_bytes(l), y_bytes = l.mins ? 36 : 34;
    for (int r = 0; r < GROUP_ROWS; r++) {
        float acc[8] = {0};
        float summs = 0.0f;
        const uint8_t *block = x, *y = vy;
        for (int64_t ib = 0; ib < n / 32; ib++, block += block_bytes, y += y_bytes) {
            uint16_t h;
            memcpy(&h, block + 2 * r, 2);
            const float d = cgguf_half_to_float(h) * (l.mins ? ys[2 * ib] : ys[ib]);
            if (l.mins) {
                memcpy(&h, block + 16 + 2 * r, 2);
                summs = fmaf(cgguf_half_to_float(h), ys[2 * ib + 1], summs);
            }
            const int8_t *yq = (const int8_t *)(y + (l.mins ? 4 : 2));
            for (int k = 0; k < 8; k++) {
                int s = 0;
                for (int e = 4 * k; e < 4 * k + 4; e++) s += code_at(l, block, r, e) * yq[e];
                acc[k] = fmaf(d, (float)s, acc[k]);
            }
        }
        out[r] = l.mins ? sum_lanes(acc) + summs : sum_lanes(acc);
    }
}

// A nibble form's blocks in its wide form: the scales as they are, every code in a byte.
static inline void widen_scalar(struct layout l, int64_t n, const uint8_t *x, uint8_t *wide) {
    const size_t scales = 16 + 16 * (size_t)l.mins;
    for (int64_t ib = 0; ib < n / 32; ib++, x += layout_bytes(l), wide += scales + 256) {
        memcpy(wide, x, scales);
        for (int r = 0; r < GROUP_ROWS; r++) {
            for (int e = 0; e < 32; e++) wide[scales + 32 * (e / 4) + 4 * r + e % 4] = (uint8_t)code_at(l, x, r, e);
        }
    }
}

#if CGGUF_X86
// sum_lanes for eight rows at once: a[k] holds lane k of every row.
CGGUF_AVX2 static inline __m256 sum_lanes_avx2(const __m256 a[8]) {
    const __m256 t0 = _mm256_add_ps(a[4], a[0]), t1 = _mm256_add_ps(a[5], a[1]);
    const __m256 t2 = _mm256_add_ps(a[6], a[2]), t3 = _mm256_add_ps(a[7], a[3]);
    return _mm256_add_ps(_mm256_add_ps(t0, t2), _mm256_add_ps(t1, t3));
}

// Chunk j of a nibble form: the codes of its low nibbles (*lo: codes 4j ... 4j+3 of each row) and
// of its high ones (*hi: 16+4j ...), fifth bits in and offset out, a code per byte.
CGGUF_AVX2 static inline void nibble_chunk_avx2(struct layout l, const uint8_t *block, int j, __m256i *lo, __m256i *hi) {
    const uint8_t *qh = block + 16 + 16 * l.mins, *chunks = qh + 32 * l.fifth;
    const __m256i low = _mm256_set1_epi8(0xF);
    const __m256i c = _mm256_loadu_si256((const __m256i *)(chunks + 32 * j));
    *lo = _mm256_and_si256(c, low);
    *hi = _mm256_and_si256(_mm256_srli_epi16(c, 4), low);
    if (l.fifth) {
        *lo = _mm256_or_si256(*lo, cgguf_bits_to_16s_avx2(qh + 8 * j));
        *hi = _mm256_or_si256(*hi, cgguf_bits_to_16s_avx2(qh + 8 * j + 4));
    }
    if (l.offset) {
        *lo = _mm256_sub_epi8(*lo, _mm256_set1_epi8((char)l.offset));
        *hi = _mm256_sub_epi8(*hi, _mm256_set1_epi8((char)l.offset));
    }
}

// The products of every form, on AVX2 and on AVX-512 VNNI (vpdpbusd sums each lane's four
// products in one instruction: the same exact integers as maddubs then madd).
CGGUF_AVX2 static inline __m256i sum4_avx2(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_set1_epi16(1), _mm256_maddubs_epi16(u, s));
}
CGGUF_VNNI static inline __m256i sum4_vnni(__m256i u, __m256i s) {
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
}
// A flipped form's sum (VNNI only): signed codes `w` times the activations plus 128 (`u`, unsigned),
// started from the chunk's correction -128 x sum(w): exactly sum(w x y), without the two sign
// operations per chunk that signed codes otherwise need: three vector operations per chunk
// instead of five, and a batch's Q4_0, Q5_0 and Q8_0 products in 0.80x the time (kernels-ab.sh).
CGGUF_VNNI static inline __m256i sum4_flipped_vnni(__m256i correction, __m256i u, __m256i w) {
    return _mm256_dpbusd_epi32(correction, u, w);
}
#define PACKED_TARGET CGGUF_AVX2
#define PACKED_SUM4 sum4_avx2
#define PACKED_SUFFIX avx2
#include "packed_group8_template.h"
#undef PACKED_TARGET
#undef PACKED_SUM4
#undef PACKED_SUFFIX
#define PACKED_TARGET CGGUF_VNNI
#define PACKED_SUM4 sum4_vnni
#define PACKED_SUM4_FLIPPED sum4_flipped_vnni
#define PACKED_SUFFIX vnni
#include "packed_group8_template.h"
#undef PACKED_TARGET
#undef PACKED_SUM4
#undef PACKED_SUM4_FLIPPED
#undef PACKED_SUFFIX

// The flipped wide form of a signed packed form (Q4_0, Q5_0, or Q8_0's WIDE_SIGNED): the scales,
// the codes a byte each, then every chunk's correction -128 x (each row's sum of its four codes).
CGGUF_VNNI static inline void widen_flipped_vnni(struct layout l, int64_t n, const uint8_t *x, uint8_t *wide) {
    const __m256i by128 = _mm256_set1_epi8((char)0x80);
    for (int64_t ib = 0; ib < n / 32; ib++, x += layout_bytes(l), wide += layout_bytes(WIDE_FLIPPED)) {
        memcpy(wide, x, 16);
        __m256i codes[8];
        if (l.wide) {
            for (int k = 0; k < 8; k++) codes[k] = _mm256_loadu_si256((const __m256i *)(x + 16 + 32 * k));
        } else {
            for (int j = 0; j < 4; j++) nibble_chunk_avx2(l, x, j, &codes[j], &codes[4 + j]);
        }
        for (int k = 0; k < 8; k++) {
            _mm256_storeu_si256((__m256i *)(wide + 16 + 32 * k), codes[k]);
            const __m256i times128 = _mm256_dpbusd_epi32(_mm256_setzero_si256(), by128, codes[k]);
            _mm256_storeu_si256((__m256i *)(wide + 16 + 256 + 32 * k), _mm256_sub_epi32(_mm256_setzero_si256(), times128));
        }
    }
}

CGGUF_AVX2 static inline void widen_avx2(struct layout l, int64_t n, const uint8_t *x, uint8_t *wide) {
    const size_t scales = 16 + 16 * (size_t)l.mins;
    for (int64_t ib = 0; ib < n / 32; ib++, x += layout_bytes(l), wide += scales + 256) {
        memcpy(wide, x, scales);
        for (int j = 0; j < 4; j++) {
            __m256i lo, hi;
            nibble_chunk_avx2(l, x, j, &lo, &hi);
            _mm256_storeu_si256((__m256i *)(wide + scales + 32 * j), lo);
            _mm256_storeu_si256((__m256i *)(wide + scales + 32 * (4 + j)), hi);
        }
    }
}
#endif

// Every kernel of every form, by name: group8_<form>_<level>, widen_<form>_<level>. On the VNNI
// level the unsigned forms widen with the AVX2 code, the signed ones to their flipped form.
#define CGGUF_FORM(form, layout)                                                                              \
    static void group8_##form##_scalar(int64_t n, const void *x, const void *y, const float *ys, float *out) { \
        group8_scalar(layout, n, x, y, ys, out);                                                                \
    }                                                                                                         \
    static void widen_##form##_scalar(int64_t n, const void *x, void *wide) { widen_scalar(layout, n, x, wide); }
#define CGGUF_FORM_X86(form, layout)                                                                          \
    CGGUF_AVX2 static void group8_##form##_avx2(int64_t n, const void *x, const void *y, const float *ys, float *out) { \
        group8_avx2(layout, FETCH_AHEAD, n, x, y, ys, out);                                                     \
    }                                                                                                         \
    CGGUF_VNNI static void group8_##form##_vnni(int64_t n, const void *x, const void *y, const float *ys, float *out) { \
        group8_vnni(layout, FETCH_AHEAD, n, x, y, ys, out);                                                     \
    }                                                                                                         \
    CGGUF_AVX2 static void widen_##form##_avx2(int64_t n, const void *x, void *wide) { widen_avx2(layout, n, x, wide); }
#define CGGUF_FLIPPED_X86(form, layout)                                                                       \
    CGGUF_VNNI static void widen_##form##_vnni(int64_t n, const void *x, void *wide) { widen_flipped_vnni(layout, n, x, wide); }
#define CGGUF_FORMS(apply)                                                                                    \
    apply(q4_0, PACKED_Q4_0) apply(q4_1, PACKED_Q4_1) apply(q5_0, PACKED_Q5_0) apply(q5_1, PACKED_Q5_1)
CGGUF_FORMS(CGGUF_FORM)
#if CGGUF_X86
CGGUF_FORMS(CGGUF_FORM_X86)
CGGUF_FLIPPED_X86(q4_0, PACKED_Q4_0) CGGUF_FLIPPED_X86(q5_0, PACKED_Q5_0) CGGUF_FLIPPED_X86(q8_0, WIDE_SIGNED)
#endif

// The wide forms' products (Q8_0's packed form is one, read from memory); they have nothing to widen.
static void group8_wide_signed_scalar(int64_t n, const void *x, const void *y, const float *ys, float *out) {
    group8_scalar(WIDE_SIGNED, n, x, y, ys, out);
}
static void group8_wide_unsigned_scalar(int64_t n, const void *x, const void *y, const float *ys, float *out) {
    group8_scalar(WIDE_UNSIGNED, n, x, y, ys, out);
}
static void group8_q8_0_scalar(int64_t n, const void *x, const void *y, const float *ys, float *out) {
    group8_scalar(WIDE_SIGNED, n, x, y, ys, out);
}
#if CGGUF_X86
// The wide forms both x86 levels read; the signed batch form is WIDE_SIGNED on AVX2, WIDE_FLIPPED on VNNI.
#define CGGUF_WIDE_X86(level, target)                                                                          \
    target static void group8_wide_unsigned_##level(int64_t n, const void *x, const void *y, const float *ys, float *out) { \
        group8_##level(WIDE_UNSIGNED, 0, n, x, y, ys, out);                                                     \
    }                                                                                                         \
    target static void group8_q8_0_##level(int64_t n, const void *x, const void *y, const float *ys, float *out) { \
        group8_##level(WIDE_SIGNED, FETCH_AHEAD, n, x, y, ys, out);                                             \
    }
CGGUF_WIDE_X86(avx2, CGGUF_AVX2)
CGGUF_WIDE_X86(vnni, CGGUF_VNNI)
#undef CGGUF_WIDE_X86
CGGUF_AVX2 static void group8_wide_signed_avx2(int64_t n, const void *x, const void *y, const float *ys, float *out) {
    group8_avx2(WIDE_SIGNED, 0, n, x, y, ys, out);
}
CGGUF_VNNI static void group8_wide_flipped_vnni(int64_t n, const void *x, const void *y, const float *ys, float *out) {
    group8_vnni(WIDE_FLIPPED, 0, n, x, y, ys, out);
}
#endif

// The kernels of one level by packed type. A batch reads a nibble form widened once per group;
// Q8_0's packed form is wide already, and is read as it is except on the VNNI level, where every
// signed form is widened to its flipped form.
struct group8_level {
    struct cgguf_group8 q4_0, q4_1, q5_0, q5_1, q8_0;
};
enum {
    WIDE_SIGNED_BYTES = 16 + 256,
    WIDE_UNSIGNED_BYTES = 16 + 16 + 256,
    WIDE_FLIPPED_BYTES = 16 + 256 + 256,
};
#define CGGUF_LEVEL(level)                                                                                       \
    {                                                                                                            \
        .q4_0 = {group8_q4_0_##level, widen_q4_0_##level, group8_wide_signed_##level, WIDE_SIGNED_BYTES},        \
        .q4_1 = {group8_q4_1_##level, widen_q4_1_##level, group8_wide_unsigned_##level, WIDE_UNSIGNED_BYTES},    \
        .q5_0 = {group8_q5_0_##level, widen_q5_0_##level, group8_wide_signed_##level, WIDE_SIGNED_BYTES},        \
        .q5_1 = {group8_q5_1_##level, widen_q5_1_##level, group8_wide_unsigned_##level, WIDE_UNSIGNED_BYTES},    \
        .q8_0 = {group8_q8_0_##level, NULL, NULL, 0},                                                            \
    }
static const struct group8_level scalar_kernels = CGGUF_LEVEL(scalar);
#if CGGUF_X86
static const struct group8_level avx2_kernels = CGGUF_LEVEL(avx2);
static const struct group8_level vnni_kernels = {
    .q4_0 = {group8_q4_0_vnni, widen_q4_0_vnni, group8_wide_flipped_vnni, WIDE_FLIPPED_BYTES},
    .q4_1 = {group8_q4_1_vnni, widen_q4_1_avx2, group8_wide_unsigned_vnni, WIDE_UNSIGNED_BYTES},
    .q5_0 = {group8_q5_0_vnni, widen_q5_0_vnni, group8_wide_flipped_vnni, WIDE_FLIPPED_BYTES},
    .q5_1 = {group8_q5_1_vnni, widen_q5_1_avx2, group8_wide_unsigned_vnni, WIDE_UNSIGNED_BYTES},
    .q8_0 = {group8_q8_0_vnni, widen_q8_0_vnni, group8_wide_flipped_vnni, WIDE_FLIPPED_BYTES},
};
#endif
#undef CGGUF_LEVEL

struct cgguf_group8 cgguf_select_group8(int wtype) {
    const struct group8_level *k = &scalar_kernels;
#if CGGUF_X86
    if (cgguf_kernel_level() >= 1) k = cgguf_use_vnni() ? &vnni_kernels : &avx2_kernels;
#endif
    switch (wtype) {
        case CGGUF_TYPE_Q4_0_X8: return k->q4_0;
        case CGGUF_TYPE_Q4_1_X8: return k->q4_1;
        case CGGUF_TYPE_Q5_0_X8: return k->q5_0;
        case CGGUF_TYPE_Q5_1_X8: return k->q5_1;
        case CGGUF_TYPE_Q8_0_X8: return k->q8_0;
        default: return (struct cgguf_group8){0};
    }
}
