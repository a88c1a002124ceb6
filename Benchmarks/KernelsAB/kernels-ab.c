// Two builds of Parley's C kernels (shared objects made by Benchmarks/kernels-ab.sh) loaded into
// one process and timed in turn on the same products: cgguf_matmul on SmolLM2-135M's shapes
// (576 x 576, 1536 x 576 and 576 x 1536, and for up to 8 tokens 49152 x 576), alternating
// A B B A ... so that both see the same load, with the median and minimum of each and whether
// the two give the same bits. Each build
// multiplies the weights in the form a model loaded with it would: copied into its packed layout
// (cgguf_pack) where the build has one for the type and shape, else as the file has them.
//
// usage: kernels-ab A.so B.so TYPE THREADS REPEATS [TOKENS]
//   TYPE is the ggml type number (2 Q4_0, 3 Q4_1, 6 Q5_0, 7 Q5_1, 8 Q8_0, 12 Q4_K, 13 Q5_K,
//   14 Q6_K); TOKENS defaults to 512 (1 times generation's four-row kernels).
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef void *(*pool_create_fn)(int);
typedef int (*matmul_fn)(void *, int, const void *, size_t, int64_t, int64_t, const float *, int64_t, float *, int64_t, void *);
typedef size_t (*scratch_fn)(int, int64_t, int64_t);
typedef size_t (*row_size_fn)(int, int64_t);
typedef int (*type_size_fn)(int);
typedef uint16_t (*to_half_fn)(float);
typedef int (*packed_type_fn)(int, int64_t, int64_t);
typedef int (*pack_fn)(int, const void *, size_t, int64_t, int64_t, void *);

struct build {
    void *handle;
    matmul_fn matmul;
    void *pool;
    packed_type_fn packed_type; // NULL in builds from before packed layouts
    pack_fn pack;
};

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

// A fixed linear congruential sequence: both builds see the same bytes in every run.
static uint32_t state = 12345;
static uint32_t next_random(void) { return state = state * 1664525u + 1013904223u; }
static float random_unit(void) { return (float)(next_random() >> 8) / 16777216.0f * 2.0f - 1.0f; }

static int by_value(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void *symbol(void *handle, const char *name) {
    void *p = dlsym(handle, name);
    if (p == NULL) {
        fprintf(stderr, "kernels-ab: %s missing from a build\n", name);
        exit(2);
    }
    return p;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: kernels-ab A.so B.so TYPE THREADS REPEATS [TOKENS]\n");
        return 2;
    }
    const int type = atoi(argv[3]), threads = atoi(argv[4]), repeats = atoi(argv[5]);
    const int64_t tokens = argc > 6 ? atoll(argv[6]) : 512;
    if (threads < 1 || repeats < 1 || tokens < 1) {
        fprintf(stderr, "kernels-ab: THREADS, REPEATS and TOKENS must be positive\n");
        return 2;
    }
    struct build builds[2];
    for (int i = 0; i < 2; i++) {
        builds[i].handle = dlopen(argv[1 + i], RTLD_NOW | RTLD_LOCAL);
        if (builds[i].handle == NULL) {
            fprintf(stderr, "kernels-ab: %s\n", dlerror());
            return 2;
        }
        builds[i].matmul = (matmul_fn)symbol(builds[i].handle, "cgguf_matmul");
        builds[i].pool = ((pool_create_fn)symbol(builds[i].handle, "cgguf_pool_create"))(threads);
        builds[i].packed_type = (packed_type_fn)dlsym(builds[i].handle, "cgguf_packed_type");
        builds[i].pack = (pack_fn)dlsym(builds[i].handle, "cgguf_pack");
    }
    const row_size_fn row_size = (row_size_fn)symbol(builds[0].handle, "cgguf_row_size");
    const type_size_fn type_size = (type_size_fn)symbol(builds[0].handle, "cgguf_type_size");
    const to_half_fn to_half = (to_half_fn)symbol(builds[0].handle, "cgguf_fp32_to_fp16");
    const scratch_fn scratch_size = (scratch_fn)symbol(builds[0].handle, "cgguf_matmul_scratch_size");
    const int kquant = type == 12 || type == 13 || type == 14;
    const int two_halves = type == 3 || type == 7 || type == 12 || type == 13; // d and m (or dmin) first
    // Rows, columns: a layer's matrices, then (for generation only) the output matrix, whose 49152
    // rows come from memory rather than cache.
    const int64_t shapes[4][2] = {{576, 576}, {1536, 576}, {576, 1536}, {49152, 576}};
    const int shape_count = tokens <= 8 ? 4 : 3;
    double total[2] = {0, 0};
    int differ = 0;
    printf("type %d, %d thread(s), %lld token(s), %d alternating repeats\n", type, threads, (long long)tokens, repeats);
    for (int s = 0; s < shape_count; s++) {
        const int64_t rows = shapes[s][0], cols = shapes[s][1];
        if (kquant && cols % 256 != 0) continue; // k-quant rows are whole 256-element super-blocks
        const size_t rb = row_size(type, cols), block = (size_t)type_size(type);
        uint8_t *w = malloc(rb * (size_t)rows);
        float *x = malloc(sizeof(float) * (size_t)(tokens * cols));
        void *scratch = malloc(scratch_size(type, cols, tokens));
        float *out[2] = {malloc(sizeof(float) * (size_t)(tokens * rows)), malloc(sizeof(float) * (size_t)(tokens * rows))};
        double *times[2] = {malloc(sizeof(double) * (size_t)repeats), malloc(sizeof(double) * (size_t)repeats)};
        if (!w || !x || !scratch || !out[0] || !out[1] || !times[0] || !times[1]) {
            fprintf(stderr, "kernels-ab: out of memory\n");
            return 1;
        }
        // Random codes; every block's scales small, positive halves (Q6_K keeps its d last).
        for (size_t i = 0; i < rb * (size_t)rows; i++) w[i] = (uint8_t)(next_random() >> 24);
        for (size_t b = 0; b < rb * (size_t)rows / block; b++) {
            const uint16_t d = to_half(kquant ? 0.001f : 0.01f + 0.01f * (random_unit() + 1.0f));
            const size_t at = type == 14 ? block - 2 : 0;
            memcpy(w + b * block + at, &d, 2);
            if (two_halves) memcpy(w + b * block + 2, &d, 2);
        }
        for (int64_t i = 0; i < tokens * cols; i++) x[i] = random_unit();
        // The type and bytes each build multiplies.
        int wtype[2] = {type, type};
        const uint8_t *weights[2] = {w, w};
        uint8_t *packed[2] = {NULL, NULL};
        for (int i = 0; i < 2; i++) {
            const int pt = builds[i].packed_type && builds[i].pack ? builds[i].packed_type(type, rows, cols) : -1;
            if (pt < 0) continue;
            packed[i] = malloc(rb * (size_t)rows);
            if (packed[i] == NULL || builds[i].pack(type, w, rb, rows, cols, packed[i]) != 0) {
                fprintf(stderr, "kernels-ab: cannot pack the weights for build %c\n", 'A' + i);
                return 1;
            }
            wtype[i] = pt;
            weights[i] = packed[i];
        }
        for (int r = 0; r < repeats; r++) {
            for (int k = 0; k < 2; k++) {
                const int i = (r & 1) ? 1 - k : k;
                const double t0 = seconds();
                builds[i].matmul(builds[i].pool, wtype[i], weights[i], rb, rows, cols, x, tokens, out[i], rows, scratch);
                times[i][r] = seconds() - t0;
            }
        }
        const int same = memcmp(out[0], out[1], sizeof(float) * (size_t)(tokens * rows)) == 0;
        differ |= !same;
        double median[2];
        for (int i = 0; i < 2; i++) {
            qsort(times[i], (size_t)repeats, sizeof(double), by_value);
            median[i] = times[i][repeats / 2];
            total[i] += median[i];
        }
        printf("%5lld x %-5lld A median %8.3f ms, min %8.3f | B median %8.3f ms, min %8.3f | B/A %.3f | %s%s\n",
               (long long)rows, (long long)cols, median[0] * 1e3, times[0][0] * 1e3, median[1] * 1e3, times[1][0] * 1e3,
               median[1] / median[0], same ? "same bits" : "BITS DIFFER",
               packed[0] && packed[1] ? " | both packed" : packed[0] ? " | A packed" : packed[1] ? " | B packed" : "");
        free(packed[0]), free(packed[1]);
        free(w), free(x), free(scratch), free(out[0]), free(out[1]), free(times[0]), free(times[1]);
    }
    if (total[0] > 0) printf("all shapes: B/A %.3f (sum of medians)\n", total[1] / total[0]);
    return differ ? 1 : 0;
}
