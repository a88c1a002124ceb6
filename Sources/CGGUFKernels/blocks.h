// The quantised blocks as GGUF stores them (and the Q8 activation blocks the integer dots
// use): one struct per type, its size checked against the file format at compile time. The
// kernels read fields by name; F16 values stay raw halves (cgguf_half_to_float decodes them).

#ifndef CGGUF_BLOCKS_H
#define CGGUF_BLOCKS_H

#include <stddef.h>
#include <stdint.h>

typedef uint16_t cgguf_half;

/// The address `bytes` past `p`: the rows of a weight matrix and the tokens of a quantised batch
/// are a byte stride apart (a token's blocks are padded), not a whole number of blocks.
static inline const void *bytes_after(const void *p, size_t bytes) { return (const uint8_t *)p + bytes; }

/// Block `ib` of a row that starts at `row`, as a `type` pointer.
#define block_at(type, row, ib) ((const type *)bytes_after((row), (size_t)(ib) * sizeof(type)))

/// 32 weights: scale d, nibbles (element j low, j + 16 high), value = (nibble - 8) * d.
typedef struct {
    cgguf_half d;
    uint8_t qs[16];
} block_q4_0;

/// 32 weights: value = nibble * d + m.
typedef struct {
    cgguf_half d, m;
    uint8_t qs[16];
} block_q4_1;

/// 32 weights: bit j of qh is element j's fifth bit; value = (q - 16) * d.
typedef struct {
    cgguf_half d;
    uint8_t qh[4];
    uint8_t qs[16];
} block_q5_0;

/// 32 weights: value = q * d + m.
typedef struct {
    cgguf_half d, m;
    uint8_t qh[4];
    uint8_t qs[16];
} block_q5_1;

/// 32 weights or activations: value = q * d.
typedef struct {
    cgguf_half d;
    int8_t qs[32];
} block_q8_0;

/// 32 activations with s = d * (sum of qs), for the min term of Q4_1 / Q5_1.
typedef struct {
    cgguf_half d, s;
    int8_t qs[32];
} block_q8_1;

/// 256 weights in eight sub-blocks of 32, each with a 6-bit scale and min packed in `scales`;
/// qs byte 32 * (c / 2) + b holds sub-block c's element b (low nibble for even c).
typedef struct {
    cgguf_half d, dmin;
    uint8_t scales[12];
    uint8_t qs[128];
} block_q4_K;

/// As Q4_K, plus bit c of qh[b] as the fifth bit of sub-block c's element b.
typedef struct {
    cgguf_half d, dmin;
    uint8_t scales[12];
    uint8_t qh[32];
    uint8_t qs[128];
} block_q5_K;

/// 256 weights: low 4 bits in ql, high 2 in qh, a signed 8-bit scale per 16; value = (q - 32) * scale * d.
typedef struct {
    uint8_t ql[128];
    uint8_t qh[64];
    int8_t scales[16];
    cgguf_half d;
} block_q6_K;

/// 256 activations for the k-quant dots: float scale, and the sum of each 16 values.
typedef struct {
    float d;
    int8_t qs[256];
    int16_t bsums[16];
} block_q8_K;

_Static_assert(sizeof(block_q4_0) == 18, "block_q4_0: GGUF's Q4_0 is 18 bytes");
_Static_assert(sizeof(block_q4_1) == 20, "block_q4_1: GGUF's Q4_1 is 20 bytes");
_Static_assert(sizeof(block_q5_0) == 22, "block_q5_0: GGUF's Q5_0 is 22 bytes");
_Static_assert(sizeof(block_q5_1) == 24, "block_q5_1: GGUF's Q5_1 is 24 bytes");
_Static_assert(sizeof(block_q8_0) == 34, "block_q8_0: GGUF's Q8_0 is 34 bytes");
_Static_assert(sizeof(block_q8_1) == 36, "block_q8_1: GGUF's Q8_1 is 36 bytes");
_Static_assert(sizeof(block_q4_K) == 144, "block_q4_K: GGUF's Q4_K is 144 bytes");
_Static_assert(sizeof(block_q5_K) == 176, "block_q5_K: GGUF's Q5_K is 176 bytes");
_Static_assert(sizeof(block_q6_K) == 210, "block_q6_K: GGUF's Q6_K is 210 bytes");
_Static_assert(sizeof(block_q8_K) == 292, "block_q8_K: GGUF's Q8_K is 292 bytes");
_Static_assert(offsetof(block_q5_0, qs) == 6 && offsetof(block_q5_1, qs) == 8, "Q5_0 / Q5_1 layout");
_Static_assert(offsetof(block_q4_K, qs) == 16 && offsetof(block_q5_K, qs) == 48, "Q4_K / Q5_K layout");
_Static_assert(offsetof(block_q6_K, scales) == 192 && offsetof(block_q6_K, d) == 208, "Q6_K layout");
_Static_assert(offsetof(block_q8_K, bsums) == 260, "Q8_K layout");

#endif
