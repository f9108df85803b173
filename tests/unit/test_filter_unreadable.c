/* test_filter_unreadable.c — a struct page section that cannot be read in the middle of a save
 * does not fail the dump: its frames are kept unfiltered, counted, and the first error kept for
 * the report; frames whose struct pages read fine are still filtered (a free block excluded). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dump_filter.h"

#define ROOTS_VADDR 0xff11000010000000ULL  /* SYMBOL(mem_section) */
#define ROOT0_VADDR 0xff11000020000000ULL  /* root 0: sections 0..255 */
#define VMEMMAP 0xffea000000000000ULL
#define SECTION_PAGES 32768ULL             /* 2^(27 - 12) */

static uint64_t root_array[1];
static uint64_t sections[256 * 2];
static unsigned char *struct_pages;        /* section 0's struct pages; section 1's are unreadable */

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	if (vaddr >= ROOTS_VADDR && vaddr + len <= ROOTS_VADDR + sizeof(root_array))
		memcpy(buf, (char *)root_array + (vaddr - ROOTS_VADDR), len);
	else if (vaddr >= ROOT0_VADDR && vaddr + len <= ROOT0_VADDR + sizeof(sections))
		memcpy(buf, (char *)sections + (vaddr - ROOT0_VADDR), len);
	else if (vaddr >= VMEMMAP && vaddr + len <= VMEMMAP + SECTION_PAGES * 64)
		memcpy(buf, struct_pages + (vaddr - VMEMMAP), len);
	else
		return kdk_err_set(err, EFAULT, "0x%llx is not in the dump", (unsigned long long)vaddr);
	return 0;
}

static void unreadable_section_is_kept(void **state)
{
	/* One root of two 2048-byte "sections" covers 2^(28 - 27) sections: frames 0-0xffff. */
	const struct kdk_mem_map_layout two = {
		.mem_section = ROOTS_VADDR, .nr_roots = 1, .mem_section_size = 2048,
		.off_section_mem_map = 0, .section_size_bits = 27, .max_physmem_bits = 28,
		.page_struct_size = 64,
	};
	struct kdk_page_layout pl;
	struct kdk_pfn_range range = { 0, 2 * SECTION_PAGES };
	struct kdk_dump dump;
	struct kdk_filter f;
	struct kdk_err err = { 0 };
	unsigned char *present = malloc(2 * SECTION_PAGES / 8), *keep = malloc(2 * SECTION_PAGES / 8);
	uint32_t buddy = 0xffffff7f;     /* 6.1's NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) = -129 */
	uint64_t order = 2, kept = 0, i;

	(void)state;
	struct_pages = calloc(SECTION_PAGES, 64);
	memset(root_array, 0, sizeof(root_array));
	memset(sections, 0, sizeof(sections));
	root_array[0] = ROOT0_VADDR;
	sections[0] = VMEMMAP | 0x3;                   /* section 0: present, has mem_map */
	sections[2048 / 8] = VMEMMAP | 0x3;            /* section 1: its struct pages unreadable */
	/* pfn 100 heads a free block of order 2 (frames 100-103). */
	memcpy(struct_pages + 100 * 64 + 48, &buddy, 4);
	memcpy(struct_pages + 100 * 64 + 40, &order, 8);

	memset(&pl, 0, sizeof(pl));
	pl.page_size = 64; pl.have_page_size = true;
	pl.have_flags = true;
	pl.off_compound_head = 8; pl.have_compound_head = true;
	pl.off_private = 40; pl.have_private = true;
	pl.off_mapcount = 48; pl.have_mapcount = true;
	pl.buddy_type = (uint64_t)-129; pl.have_buddy_type = true;
	memset(&dump, 0, sizeof(dump));
	dump.path = "test.vmcore";
	dump.page_size = 4096;
	dump.max_pfn = 2 * SECTION_PAGES;
	kdk_array_init(&dump.ranges, sizeof(struct kdk_pfn_range));
	*(struct kdk_pfn_range *)kdk_array_push(&dump.ranges, &err) = range;

	if (kdk_filter_init(&f, &dump, KDK_DL_FREE, &pl, &two, fake_read, NULL, &err))
		fail_msg("expected the filter set up, got \"%s\"", err.msg);
	if (kdk_filter_window(&f, 0, 2 * SECTION_PAGES, present, keep, &err))
		fail_msg("expected the window filtered despite unreadable struct pages, got \"%s\"", err.msg);
	for (i = 0; i < 2 * SECTION_PAGES; i++)
		kept += (keep[i / 8] >> (i % 8)) & 1;
	if (kept != 2 * SECTION_PAGES - 4 || f.stats.excluded[KDK_PAGE_FREE] != 4 ||
	    f.stats.unreadable != SECTION_PAGES)
		fail_msg("expected %llu kept, 4 free, %llu unreadable; got %llu kept, %llu free, %llu unreadable",
			 2 * SECTION_PAGES - 4, SECTION_PAGES, (unsigned long long)kept,
			 (unsigned long long)f.stats.excluded[KDK_PAGE_FREE],
			 (unsigned long long)f.stats.unreadable);
	assert_false((keep[100 / 8] >> (100 % 8)) & 1);
	if (!strstr(f.unreadable_err.msg, "struct page of pfn 0x8000"))
		fail_msg("expected the first unreadable struct page named, got \"%s\"", f.unreadable_err.msg);
	/* The second pass (the writer's) gives the same bits. */
	kdk_filter_rewind(&f);
	memset(keep, 0, 2 * SECTION_PAGES / 8);
	assert_int_equal(kdk_filter_window(&f, 0, 2 * SECTION_PAGES, present, keep, &err), 0);
	assert_int_equal(f.stats.unreadable, SECTION_PAGES);
	kdk_filter_free(&f);
	kdk_array_free(&dump.ranges);
	free(struct_pages);
	free(present);
	free(keep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unreadable_section_is_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
