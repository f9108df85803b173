/* segments.h — the segments a kexec_load carries: where each goes in physical memory (holes found
 * in the allowed ranges), and the SHA-256 over them that purgatory checks. */
#ifndef KEXEC_SEGMENTS_H
#define KEXEC_SEGMENTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdk_array.h"
#include "kdk_err.h"
#include "kexec_sys.h"
#include "sha256.h"

#define KEXEC_PAGE_SIZE 4096ULL
#define KEXEC_MAX_SEGMENTS 16      /* KEXEC_SEGMENT_MAX */

struct kexec_segment_plan {
	const char *what;          /* "kernel", "initrd", … for messages and -d */
	const void *buf;           /* not owned */
	uint64_t bufsz;
	uint64_t mem;              /* physical address, page aligned */
	uint64_t memsz;            /* page multiple, >= bufsz */
	bool hashed;               /* covered by purgatory's digest (all but purgatory itself) */
};

struct kexec_plan {
	struct kdk_array free;     /* struct kdk_mem_range: memory still free to place into */
	struct kdk_array segments; /* struct kexec_segment_plan, in load order */
};

void kexec_plan_init(struct kexec_plan *plan);
void kexec_plan_free(struct kexec_plan *plan);

/* Find size bytes (rounded up to pages) aligned to `align` within [min, max] of the free ranges,
 * lowest first or highest first; take it out of the free ranges. ENOMEM when nothing fits. */
int kexec_plan_reserve(struct kexec_plan *plan, uint64_t size, uint64_t align, uint64_t min,
		       uint64_t max, bool top_down, uint64_t *addr, struct kdk_err *err);

/* Record a segment at `mem` (from kexec_plan_reserve). */
int kexec_plan_add(struct kexec_plan *plan, const char *what, const void *buf, uint64_t bufsz,
		   uint64_t mem, uint64_t memsz, bool hashed, struct kdk_err *err);

/* SHA-256 over the hashed segments in order, as purgatory will compute it: the bytes each one
 * carries (bufsz; the zero fill up to memsz is the kernel's, and hashing it under purgatory would
 * only cost time at crash). */
void kexec_plan_digest(const struct kexec_plan *plan, uint8_t digest[KDK_SHA256_DIGEST_SIZE]);

/* The kexec_load segment array (heap). */
int kexec_plan_syscall_segments(const struct kexec_plan *plan, struct kexec_sys_segment **out,
				struct kdk_err *err);

void kexec_plan_print(const struct kexec_plan *plan, FILE *out);

#endif
