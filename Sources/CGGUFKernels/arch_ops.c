// Layer operations other architectures than llama need: NEOX-style and scaled RoPE, GeGLU
// with llama.cpp's F16 GELU table, soft-capping and scaling. Each follows the arithmetic of
// ggml's CPU kernels so results agree bit for bit.

#include "cggufkernels.h"
#include "internal.h"

#include <math.h>
#include <pthread.h>

void cgguf_rope_ext(float *x, int64_t n_heads, int64_t head_dim, int64_t n_dims, int64_t pos,
                    float freq_base, float freq_scale, const float *freq_factors, int neox) {
    float cache[1024];
    if (n_dims > 1024) n_dims = 1024;
    const float theta_scale = powf(freq_base, -2.0f / (float)n_dims);
    float theta = (float)pos;
    for (int64_t i = 0; i < n_dims; i += 2) {
        const float ff = freq_factors ? freq_factors[i / 2] : 1.0f;
        const float t = freq_scale * (theta / ff);
        cache[i] = cosf(t);
        cache[i + 1] = sinf(t);
        theta *= theta_scale;
    }
    // Normal RoPE rotates neighbours (2i, 2i+1); NEOX the halves (i, i + n_dims/2).
    const int64_t offset = neox ? n_dims / 2 : 1;
    for (int64_t h = 0; h < n_heads; h++) {
        float *v = x + h * head_dim;
        for (int64_t i = 0; i < n_dims; i += 2) {
            const int64_t ic = neox ? i / 2 : i;
            const float c = cache[i], s = cache[i + 1];
            const float x0 = v[ic], x1 = v[ic + offset];
            // Contracted as an optimising compiler does in llama.cpp's build.
            v[ic] = fmaf(x0, c, -(x1 * s));
            v[ic + offset] = fmaf(x0, s, x1 * c);
        }
    }
}

static uint16_t gelu_table[1 << 16];
static pthread_once_t gelu_once = PTHREAD_ONCE_INIT;

// ggml's tanh GELU with the contraction its build makes (1 + a*x*x as one fma): checked against
// libggml-cpu's own table, all 65536 entries equal.
static void build_gelu_table(void) {
    const float a = 0.044715f, s = 0.79788456080286535587989211986876f;
    for (int i = 0; i < 1 << 16; i++) {
        const float f = cgguf_half_to_float((uint16_t)i);
        gelu_table[i] = cgguf_float_to_half(0.5f * f * (1.0f + tanhf(s * f * fmaf(a * f, f, 1.0f))));
    }
}

void cgguf_geglu(const float *gate, const float *up, float *out, int64_t n) {
    pthread_once(&gelu_once, build_gelu_table);
    for (int64_t i = 0; i < n; i++) {
        const float g = gate[i];
        if (g <= -10.0f) {
            out[i] = 0.0f;
        } else if (g >= 10.0f) {
            out[i] = g * up[i];
        } else {
            out[i] = cgguf_half_to_float(gelu_table[cgguf_float_to_half(g)]) * up[i];
        }
    }
}

void cgguf_softcap(float *x, int64_t n, float cap) {
    const float inverse = 1.0f / cap;
    for (int64_t i = 0; i < n; i++) x[i] = tanhf(x[i] * inverse) * cap;
}

void cgguf_scale(float *x, int64_t n, float s) {
    for (int64_t i = 0; i < n; i++) x[i] *= s;
}
