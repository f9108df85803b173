/* segments.c — placing kexec segments into free physical memory, and their digest. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mem_ranges.h"
#include "segments.h"

void kexec_plan_init(struct kexec_plan *plan)
{
	kdk_array_init(&plan->free, sizeof(struct kdk_mem_range));
	kdk_array_init(&plan->segments, sizeof(struct kexec_segment_plan));
}

void kexec_plan_free(struct kexec_plan *plan)
{
	kdk_array_free(&plan->free);
	kdk_array_free(&plan->segments);
}

static uint64_t align_up(uint64_t value, uint64_t align) { return (value + align - 1) & ~(align - 1); }
static uint64_t align_down(uint64_t value, uint64_t align) { return value & ~(align - 1); }

int kexec_plan_reserve(struct kexec_plan *plan, uint64_t size, uint64_t align, uint64_t min,
		       uint64_t max, bool top_down, uint64_t *addr, struct kdk_err *err)
{
	bool found = false;
	uint64_t best = 0;
	size_t i;

	size = align_up(size, KEXEC_PAGE_SIZE);
	if (align < KEXEC_PAGE_SIZE)
		align = KEXEC_PAGE_SIZE;
	for (i = 0; i < plan->free.len; i++) {
		const struct kdk_mem_range *range = KDK_ARRAY_AT(&plan->free, struct kdk_mem_range, i);
		uint64_t lo = range->start > min ? range->start : min;
		uint64_t hi = range->end < max ? range->end : max;   /* inclusive */
		uint64_t start;

		if (lo > hi || hi - lo + 1 < size)
			continue;
		if (top_down) {
			start = align_down(hi - size + 1, align);
			if (start < lo)
				continue;
			if (!found || start > best)
				best = start;
		} else {
			start = align_up(lo, align);
			if (start > hi || hi - start + 1 < size)
				continue;
			if (!found || start < best)
				best = start;
		}
		found = true;
	}
	if (!found)
		return kdk_err_set(err, ENOMEM, "no free %" PRIu64 " KiB (aligned to 0x%" PRIx64
					  ") between 0x%" PRIx64 " and 0x%" PRIx64,
				   size >> 10, align, min, max);
	*addr = best;
	return kdk_ranges_exclude(&plan->free, best, best + size - 1, err);
}

int kexec_plan_add(struct kexec_plan *plan, const char *what, const void *buf, uint64_t bufsz,
		   uint64_t mem, uint64_t memsz, bool hashed, struct kdk_err *err)
{
	struct kexec_segment_plan *seg;

	if (plan->segments.len >= KEXEC_MAX_SEGMENTS)
		return kdk_err_set(err, E2BIG, "more than %d segments", KEXEC_MAX_SEGMENTS);
	seg = kdk_array_push(&plan->segments, err);
	if (!seg)
		return -err->code;
	seg->what = what;
	seg->buf = buf;
	seg->bufsz = bufsz;
	seg->mem = mem;
	seg->memsz = align_up(memsz > bufsz ? memsz : bufsz, KEXEC_PAGE_SIZE);
	seg->hashed = hashed;
	return 0;
}

void kexec_plan_digest(const struct kexec_plan *plan, uint8_t digest[KDK_SHA256_DIGEST_SIZE])
{
	struct kdk_sha256 ctx;
	size_t i;

	kdk_sha256_init(&ctx);
	for (i = 0; i < plan->segments.len; i++) {
		const struct kexec_segment_plan *seg =
			KDK_ARRAY_AT(&plan->segments, struct kexec_segment_plan, i);

		if (seg->hashed)
			kdk_sha256_update(&ctx, seg->buf, seg->bufsz);
	}
	kdk_sha256_final(&ctx, digest);
}

int kexec_plan_syscall_segments(const struct kexec_plan *plan, struct kexec_sys_segment **out,
				struct kdk_err *err)
{
	size_t i;

	*out = calloc(plan->segments.len ? plan->segments.len : 1, sizeof(**out));
	if (!*out)
		return kdk_err_sys(err, ENOMEM, "segments");
	for (i = 0; i < plan->segments.len; i++) {
		const struct kexec_segment_plan *seg =
			KDK_ARRAY_AT(&plan->segments, struct kexec_segment_plan, i);

		(*out)[i] = (struct kexec_sys_segment){ seg->buf, seg->bufsz, seg->mem, seg->memsz };
	}
	return 0;
}

void kexec_plan_print(const struct kexec_plan *plan, FILE *out)
{
	size_t i;

	fprintf(out, "nr_segments = %zu\n", plan->segments.len);
	for (i = 0; i < plan->segments.len; i++) {
		const struct kexec_segment_plan *seg =
			KDK_ARRAY_AT(&plan->segments, struct kexec_segment_plan, i);

		fprintf(out, "segment[%zu] %-12s mem 0x%016" PRIx64 "-0x%016" PRIx64
			     " memsz 0x%" PRIx64 " bufsz 0x%" PRIx64 "%s\n",
			i, seg->what, seg->mem, seg->mem + seg->memsz - 1, seg->memsz, seg->bufsz,
			seg->hashed ? "" : " (not hashed)");
	}
}
