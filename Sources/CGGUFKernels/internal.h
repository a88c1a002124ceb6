#ifndef CGGUF_INTERNAL_H
#define CGGUF_INTERNAL_H

#include <stdint.h>
#include <string.h>

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


/// A weight-row . quantised-activation dot product. `ys` holds the activation blocks'
/// scales as floats, decoded once per activation instead of once per row: d per
/// block for Q8_0, (d, s) pairs for Q8_1.
typedef float (*cgguf_row_dot)(int64_t n, const uint8_t *x, const uint8_t *y, const float *ys);

/// Decodes the F16 scales of `nb` Q8_0 (pairs = 0) or Q8_1 (pairs = 1) blocks.
void cgguf_activation_scales(const uint8_t *y, int64_t nb, int pairs, float *ys);

/// The integer dot kernel for a weight type at the current kernel level, or NULL
/// when the type goes through the dequantise-then-F32 path.
cgguf_row_dot cgguf_select_row_dot(int wtype);

/// The kernel for the rows of a whole matrix of `rows` rows: as cgguf_select_row_dot,
/// except for Q4_K matrices with a multiple of 8 rows, which llama.cpp on AVX2 machines
/// repacks and multiplies with a different (per-row, per-super-block) float order.
cgguf_row_dot cgguf_select_matrix_dot(int wtype, int64_t rows);

/// Runs fn(ctx, ith, nth) on every thread of the pool (ith 0 on the caller) and
/// returns when all are done. Calls are serialised per pool.
typedef void (*cgguf_task)(void *ctx, int ith, int nth);
struct cgguf_pool;
void cgguf_pool_run(struct cgguf_pool *pool, cgguf_task fn, void *ctx);

#endif
