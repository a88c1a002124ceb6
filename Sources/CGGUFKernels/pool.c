// A persistent worker pool. Threads are created once; each job bumps a
// generation counter that workers watch: they spin briefly after a job (the next
// matrix product of the same token follows within microseconds), then sleep on a
// condition variable so an idle model costs no CPU.
//
// A job is cut into more chunks than there are threads, and every thread, the
// caller included, claims chunks until none are left. The caller waits only for
// chunks that were claimed, never for a thread to show up: on a busy machine a
// worker may not be scheduled for milliseconds, and with a fixed share per thread
// every one of the ~200 jobs of a token waited for it (generation ran 3-5x slower
// at a load of 4 on two cores). Which thread computes a chunk changes no result:
// every task computes each of its items the same way whatever the split.

#define _GNU_SOURCE
#include "cggufkernels.h"
#include "internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#if CGGUF_X86
#define CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define CPU_RELAX() __asm__ __volatile__("yield")
#else
#define CPU_RELAX() ((void)0)
#endif

enum { SPIN_ITERATIONS = 1 << 12 };
/// Chunks per thread in a job: enough that a thread arriving late finds work
/// left or none, few enough that claiming costs nothing next to a chunk.
enum { CHUNKS_PER_THREAD = 4 };
/// The claim word: the job's generation above, the next chunk's index below.
enum { CHUNK_BITS = 24 };
#define CHUNK_MASK ((UINT64_C(1) << CHUNK_BITS) - 1)

struct cgguf_pool {
    int threads;
    pthread_t *workers;
    pthread_mutex_t run_lock;   // one job at a time per pool
    pthread_mutex_t sleep_lock; // guards sleeping on wake
    pthread_cond_t wake;
    atomic_uint generation;
    atomic_uint_fast64_t claim; // (generation << CHUNK_BITS) | next chunk
    atomic_int done;            // chunks of the current job finished
    atomic_int stop;
    int chunks;                 // of every job: threads * CHUNKS_PER_THREAD, set before any job
    int order;                  // CGGUF_ORDER_*: which llama.cpp build's float order jobs follow
    cgguf_task fn;
    void *ctx;
};

/// Runs chunks of job `generation` until none is left or the job is over.
/// A successful claim proves the job is still running (the caller cannot
/// finish it without this chunk), so its fields may be read after it.
static void run_chunks(struct cgguf_pool *pool, unsigned generation) {
    const uint64_t tag = (uint64_t)generation << CHUNK_BITS;
    uint64_t claim = atomic_load_explicit(&pool->claim, memory_order_acquire);
    for (;;) {
        if ((claim & ~CHUNK_MASK) != (tag & ~CHUNK_MASK)) return;
        const int chunk = (int)(claim & CHUNK_MASK);
        if (chunk >= pool->chunks) return;
        if (!atomic_compare_exchange_weak_explicit(&pool->claim, &claim, claim + 1, memory_order_acq_rel,
                                                   memory_order_acquire)) {
            continue;
        }
        pool->fn(pool->ctx, chunk, pool->chunks);
        atomic_fetch_add_explicit(&pool->done, 1, memory_order_acq_rel);
        claim = atomic_load_explicit(&pool->claim, memory_order_acquire);
    }
}

struct worker_arg {
    struct cgguf_pool *pool;
    int index;
};

static void *worker_main(void *raw) {
    struct worker_arg arg = *(struct worker_arg *)raw;
    free(raw);
    struct cgguf_pool *pool = arg.pool;
    (void)arg.index;
    unsigned seen = 0;
    for (;;) {
        unsigned gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        for (int spin = 0; gen == seen && spin < SPIN_ITERATIONS; spin++) {
            if (atomic_load_explicit(&pool->stop, memory_order_relaxed)) return NULL;
            CPU_RELAX();
            gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
        }
        if (gen == seen) {
            pthread_mutex_lock(&pool->sleep_lock);
            while ((gen = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen &&
                   !atomic_load_explicit(&pool->stop, memory_order_relaxed)) {
                pthread_cond_wait(&pool->wake, &pool->sleep_lock);
            }
            pthread_mutex_unlock(&pool->sleep_lock);
        }
        if (atomic_load_explicit(&pool->stop, memory_order_relaxed)) return NULL;
        seen = gen;
        run_chunks(pool, gen);
    }
}

cgguf_pool *cgguf_pool_create(int threads) {
    if (threads < 1) threads = 1;
    if (threads > 256) threads = 256;
    struct cgguf_pool *pool = calloc(1, sizeof *pool);
    if (pool == NULL) return NULL;
    pool->threads = threads;
    pool->chunks = threads * CHUNKS_PER_THREAD;
    pool->order = CGGUF_ORDER_AVX512;
    pthread_mutex_init(&pool->run_lock, NULL);
    pthread_mutex_init(&pool->sleep_lock, NULL);
    pthread_cond_init(&pool->wake, NULL);
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->claim, 0);
    atomic_init(&pool->done, 0);
    atomic_init(&pool->stop, 0);
    if (threads > 1) {
        pool->workers = calloc((size_t)threads, sizeof(pthread_t));
        if (pool->workers == NULL) {
            free(pool);
            return NULL;
        }
        for (int i = 1; i < threads; i++) {
            struct worker_arg *arg = malloc(sizeof *arg);
            if (arg == NULL) {
                pool->threads = i;
                pool->chunks = i * CHUNKS_PER_THREAD;
                break;
            }
            arg->pool = pool;
            arg->index = i;
            if (pthread_create(&pool->workers[i], NULL, worker_main, arg) != 0) {
                free(arg);
                pool->threads = i;
                pool->chunks = i * CHUNKS_PER_THREAD;
                break;
            }
        }
    }
    return pool;
}

void cgguf_pool_destroy(cgguf_pool *pool) {
    if (pool == NULL) return;
    pthread_mutex_lock(&pool->sleep_lock);
    atomic_store(&pool->stop, 1);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->sleep_lock);
    for (int i = 1; i < pool->threads; i++) pthread_join(pool->workers[i], NULL);
    free(pool->workers);
    pthread_cond_destroy(&pool->wake);
    pthread_mutex_destroy(&pool->sleep_lock);
    pthread_mutex_destroy(&pool->run_lock);
    free(pool);
}

int cgguf_pool_threads(const cgguf_pool *pool) {
    return pool ? pool->threads : 1;
}

int cgguf_pool_set_order(cgguf_pool *pool, int order) {
    if (pool == NULL) return CGGUF_ORDER_AVX512;
    if (order == CGGUF_ORDER_AVX512 || order == CGGUF_ORDER_AVX2) pool->order = order;
    return pool->order;
}

int cgguf_pool_order(const cgguf_pool *pool) {
    return pool ? pool->order : CGGUF_ORDER_AVX512;
}

int cgguf_host_order(void) {
#if CGGUF_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? CGGUF_ORDER_AVX512
                                                                                 : CGGUF_ORDER_AVX2;
#else
    return CGGUF_ORDER_AVX512; // llama.cpp follows neither x86 order here; the default stands
#endif
}

void cgguf_pool_run(struct cgguf_pool *pool, cgguf_task fn, void *ctx) {
    if (pool == NULL || pool->threads <= 1) {
        fn(ctx, 0, 1);
        return;
    }
    pthread_mutex_lock(&pool->run_lock);
    pool->fn = fn;
    pool->ctx = ctx;
    // `chunks` is not written here: a worker still in `run_chunks` for the previous job reads it
    // before its claim fails (a data race, though the value never changed).
    atomic_store_explicit(&pool->done, 0, memory_order_relaxed);
    const unsigned generation = atomic_load_explicit(&pool->generation, memory_order_relaxed) + 1;
    // The claim word is published before the generation, so a worker that sees the
    // new generation finds the job's chunks ready to claim.
    atomic_store_explicit(&pool->claim, (uint64_t)generation << CHUNK_BITS, memory_order_release);
    pthread_mutex_lock(&pool->sleep_lock);
    atomic_store_explicit(&pool->generation, generation, memory_order_release);
    pthread_cond_broadcast(&pool->wake);
    pthread_mutex_unlock(&pool->sleep_lock);
    run_chunks(pool, generation);
    for (long spin = 0; atomic_load_explicit(&pool->done, memory_order_acquire) < pool->chunks; spin++) {
        if (spin < SPIN_ITERATIONS) {
            CPU_RELAX();
        } else {
            sched_yield();
        }
    }
    pthread_mutex_unlock(&pool->run_lock);
}
