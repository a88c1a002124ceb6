#ifndef CGGUF_INTERNAL_H
#define CGGUF_INTERNAL_H

#include <stdint.h>

/// A weight-row . quantised-activation dot product. `ys` holds the activation blocks'
/// scales as floats, decoded once per activation instead of once per row: d per
/// block for Q8_0, (d, s) pairs for Q8_1.
typedef float (*cgguf_row_dot)(int64_t n, const uint8_t *x, const uint8_t *y, const float *ys);

/// Decodes the F16 scales of `nb` Q8_0 (pairs = 0) or Q8_1 (pairs = 1) blocks.
void cgguf_activation_scales(const uint8_t *y, int64_t nb, int pairs, float *ys);

/// The integer dot kernel for a weight type at the current kernel level, or NULL
/// when the type goes through the dequantise-then-F32 path.
cgguf_row_dot cgguf_select_row_dot(int wtype);

/// Runs fn(ctx, ith, nth) on every thread of the pool (ith 0 on the caller) and
/// returns when all are done. Calls are serialised per pool.
typedef void (*cgguf_task)(void *ctx, int ith, int nth);
struct cgguf_pool;
void cgguf_pool_run(struct cgguf_pool *pool, cgguf_task fn, void *ctx);

#endif
