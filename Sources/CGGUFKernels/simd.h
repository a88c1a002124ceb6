// The instruction sets the kernels are written for, named once for every file: x86 builds
// stay portable (each vector function carries its own target attribute and runs only after
// the run-time check in kernels.c), other CPUs compile the scalar code alone.

#ifndef CGGUF_SIMD_H
#define CGGUF_SIMD_H

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CGGUF_X86 1
/// AVX2 with FMA and F16C (kernel level 1).
#define CGGUF_AVX2 __attribute__((target("avx2,fma,f16c")))
/// The same plus AVX-512 VNNI with VL, for the 256-bit vpdpbusd the tiles and the packed weights'
/// kernels use where the CPU has it.
#define CGGUF_VNNI __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))
#else
#define CGGUF_X86 0
#endif

#endif
