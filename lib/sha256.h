/* sha256.h — SHA-256 (FIPS 180-4), freestanding: no libc, so the same code runs in `kexec`
 * (digest of every segment at load time) and in purgatory (the check before the jump). */
#ifndef KDK_SHA256_H
#define KDK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define KDK_SHA256_DIGEST_SIZE 32
#define KDK_SHA256_BLOCK_SIZE 64

struct kdk_sha256 {
	uint32_t state[8];
	uint64_t length;                          /* bytes hashed so far */
	uint8_t block[KDK_SHA256_BLOCK_SIZE];     /* a partial block waiting for more input */
	size_t block_used;
};

void kdk_sha256_init(struct kdk_sha256 *ctx);
void kdk_sha256_update(struct kdk_sha256 *ctx, const void *data, size_t len);
void kdk_sha256_final(struct kdk_sha256 *ctx, uint8_t digest[KDK_SHA256_DIGEST_SIZE]);

#endif
