#include "csha256.h"

#include <string.h>
#include <stdatomic.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define CSHA256_X86 1
#endif

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/// The portable block function: `count` 64-byte blocks into `state`.
static void blocks_portable(uint32_t state[8], const uint8_t *data, size_t count) {
    uint32_t w[64];
    for (; count > 0; count--, data += 64) {
        for (int t = 0; t < 16; t++) w[t] = load_be32(data + 4 * t);
        for (int t = 16; t < 64; t++) {
            uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
            uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + round_constants[t] + w[t];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

#ifdef CSHA256_X86
/// The same with the SHA extensions. The instructions keep the state as two vectors, ABEF and
/// CDGH, and do two rounds per `sha256rnds2`; the message schedule advances four words at a time
/// with `sha256msg1`/`sha256msg2`.
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_sha_extensions(uint32_t state[8], const uint8_t *data, size_t count) {
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i dcba = _mm_loadu_si128((const __m128i *)&state[0]);
    __m128i hgfe = _mm_loadu_si128((const __m128i *)&state[4]);
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
    __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (; count > 0; count--, data += 64) {
        const __m128i abef_before = abef, cdgh_before = cdgh;
        __m128i words[4];
        // Unrolled in full, so the four schedule vectors stay in registers.
#pragma clang loop unroll(full)
        for (int i = 0; i < 4; i++) {
            words[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), byte_swap);
        }
#pragma clang loop unroll(full)
        for (int group = 0; group < 16; group++) {
            if (group >= 4) {
                // W[g] = msg2(msg1(W[g-4], W[g-3]) + (W[g-2], W[g-1]) shifted by one word, W[g-1])
                __m128i next = _mm_sha256msg1_epu32(words[group & 3], words[(group + 1) & 3]);
                next = _mm_add_epi32(next, _mm_alignr_epi8(words[(group + 3) & 3], words[(group + 2) & 3], 4));
                words[group & 3] = _mm_sha256msg2_epu32(next, words[(group + 3) & 3]);
            }
            __m128i scheduled = _mm_add_epi32(words[group & 3], _mm_loadu_si128((const __m128i *)&round_constants[4 * group]));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, scheduled);
            scheduled = _mm_shuffle_epi32(scheduled, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, scheduled);
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    dcba = _mm_blend_epi16(feba, dchg, 0xF0);
    hgfe = _mm_alignr_epi8(dchg, feba, 8);
    _mm_storeu_si128((__m128i *)&state[0], dcba);
    _mm_storeu_si128((__m128i *)&state[4], hgfe);
}

static int processor_has_sha_extensions(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    int ssse3 = (ecx >> 9) & 1, sse41 = (ecx >> 19) & 1;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    return ssse3 && sse41 && ((ebx >> 29) & 1);
}
#endif

typedef void (*block_function)(uint32_t state[8], const uint8_t *data, size_t count);

/// Both set from any thread (a test switches the first while other threads hash; the second is
/// filled in by whichever thread hashes first), hence atomics: either value gives the same digests.
static atomic_int extensions_allowed = 1;

static block_function chosen_blocks(void) {
#ifdef CSHA256_X86
    static atomic_int has_extensions = -1;
    int has = atomic_load_explicit(&has_extensions, memory_order_relaxed);
    if (has < 0) {
        has = processor_has_sha_extensions();
        atomic_store_explicit(&has_extensions, has, memory_order_relaxed);
    }
    if (has && atomic_load_explicit(&extensions_allowed, memory_order_relaxed)) return blocks_sha_extensions;
#endif
    return blocks_portable;
}

int csha256_uses_sha_extensions(void) { return chosen_blocks() != blocks_portable; }

void csha256_allow_sha_extensions(int allow) { atomic_store_explicit(&extensions_allowed, allow, memory_order_relaxed); }

void csha256_init(csha256_context *context) {
    static const uint32_t initial[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    memcpy(context->state, initial, sizeof initial);
    context->total_bytes = 0;
    context->pending_count = 0;
}

void csha256_update(csha256_context *context, const void *bytes, size_t count) {
    const uint8_t *data = bytes;
    block_function blocks = chosen_blocks();
    context->total_bytes += count;
    if (context->pending_count > 0) {
        size_t take = 64 - context->pending_count;
        if (take > count) take = count;
        memcpy(context->pending + context->pending_count, data, take);
        context->pending_count += (uint32_t)take;
        data += take;
        count -= take;
        if (context->pending_count < 64) return;
        blocks(context->state, context->pending, 1);
        context->pending_count = 0;
    }
    size_t whole = count / 64;
    if (whole > 0) {
        blocks(context->state, data, whole);
        data += whole * 64;
        count -= whole * 64;
    }
    if (count > 0) {
        memcpy(context->pending, data, count);
        context->pending_count = (uint32_t)count;
    }
}

void csha256_final(csha256_context *context, uint8_t digest[32]) {
    block_function blocks = chosen_blocks();
    uint64_t bits = context->total_bytes * 8;
    uint8_t tail[128];
    size_t used = context->pending_count;
    memcpy(tail, context->pending, used);
    tail[used++] = 0x80;
    size_t length = used <= 56 ? 64 : 128;
    memset(tail + used, 0, length - used);
    for (int i = 0; i < 8; i++) tail[length - 1 - i] = (uint8_t)(bits >> (8 * i));
    blocks(context->state, tail, length / 64);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(context->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(context->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(context->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)context->state[i];
    }
}
