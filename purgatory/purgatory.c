/* purgatory.c — the check between the old kernel and the new one: SHA-256 over every loaded
 * segment against the digest kexec stored at load time. Freestanding: no libc, identity-mapped,
 * one CPU, interrupts off. Optionally reports on a legacy serial port. */
#include <stddef.h>
#include <stdint.h>

#include "purgatory.h"
#include "sha256.h"

/* Filled by kexec at load time (see purgatory.h). In .data, so they exist in the object's bytes. */
__attribute__((section(".data"))) struct kdk_purgatory_region
	kdk_purgatory_regions[KDK_PURGATORY_MAX_REGIONS] = { { 0, 0 } };
__attribute__((section(".data"))) uint8_t kdk_purgatory_digest[KDK_SHA256_DIGEST_SIZE] = { 0 };
__attribute__((section(".data"))) uint64_t kdk_purgatory_boot_params = 0;
__attribute__((section(".data"))) uint64_t kdk_purgatory_kernel_entry = 0;
__attribute__((section(".data"))) uint16_t kdk_purgatory_serial_port = 0;

int kdk_purgatory_main(void);

/* gcc may emit calls to these for structure copies even when freestanding. */
void *memcpy(void *dst, const void *src, size_t len);
void *memset(void *dst, int c, size_t len);

void *memcpy(void *dst, const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (len--)
		*d++ = *s++;
	return dst;
}

void *memset(void *dst, int c, size_t len)
{
	uint8_t *d = dst;

	while (len--)
		*d++ = (uint8_t)c;
	return dst;
}

static inline void outb(uint16_t port, uint8_t value)
{
	__asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	__asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

/* Write to an 8250 UART the old kernel already set up; give up on a character after a bounded
 * wait, so a missing UART cannot hang us. */
static void serial_print(const char *text)
{
	uint16_t port = kdk_purgatory_serial_port;

	if (!port)
		return;
	for (; *text; text++) {
		unsigned spins = 100000;

		if (*text == '\n')
			serial_print("\r");
		while (!(inb(port + 5) & 0x20) && --spins)
			;
		outb(port, (uint8_t)*text);
	}
}

int kdk_purgatory_main(void)
{
	uint8_t digest[KDK_SHA256_DIGEST_SIZE];
	struct kdk_sha256 ctx;
	uint8_t differs = 0;
	unsigned i;

	serial_print("kdumpkit purgatory: checking the loaded segments\n");
	kdk_sha256_init(&ctx);
	for (i = 0; i < KDK_PURGATORY_MAX_REGIONS; i++) {
		const struct kdk_purgatory_region *region = &kdk_purgatory_regions[i];

		if (region->len)
			kdk_sha256_update(&ctx, (const void *)(uintptr_t)region->start, region->len);
	}
	kdk_sha256_final(&ctx, digest);
	for (i = 0; i < KDK_SHA256_DIGEST_SIZE; i++)
		differs |= digest[i] ^ kdk_purgatory_digest[i];
	if (differs) {
		serial_print("kdumpkit purgatory: SHA-256 mismatch, the loaded segments are corrupt: "
			     "not starting the new kernel\n");
		return 1;
	}
	serial_print("kdumpkit purgatory: segments verified, starting the new kernel\n");
	return 0;
}
