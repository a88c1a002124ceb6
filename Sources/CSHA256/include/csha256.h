#ifndef CSHA256_H
#define CSHA256_H

// SHA-256 (FIPS 180-4) for checking downloaded model files. The block function uses the x86 SHA
// extensions when the processor has them (chosen once at run time) and portable C otherwise;
// both give the same digest.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint32_t state[8];
    uint64_t total_bytes;
    uint8_t pending[64];
    uint32_t pending_count;
} csha256_context;

void csha256_init(csha256_context *context);
void csha256_update(csha256_context *context, const void *bytes, size_t count);
/// Writes the 32-byte digest. The context must be initialised again before reuse.
void csha256_final(csha256_context *context, uint8_t digest[32]);
/// 1 when the SHA extensions are used, 0 for the portable code.
int csha256_uses_sha_extensions(void);
/// Forces the portable block function (for tests that compare the two); 1 restores the choice.
void csha256_allow_sha_extensions(int allow);

#ifdef __cplusplus
}
#endif

#endif
