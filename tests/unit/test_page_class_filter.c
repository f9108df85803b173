/* test_page_class_filter.c — compound pages through the filter: 7.1+ tails whose compound_info is a
 * mask (head = tail address & mask), pre-7.1 tails holding the head's address, and a 6.8 head at the
 * end of a struct page chunk whose PG_hugetlb sits in the next struct page. */
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
#define ROOT0_VADDR 0xff11000020000000ULL  /* root 0 */
#define VMEMMAP 0xffea000000000000ULL
#define SECTION_PAGES 32768ULL             /* 2^(27 - 12) */
#define ANON 0xffff888001234561ULL

static uint64_t root_array[1];
static uint64_t sections[256 * 2];
static unsigned char *struct_pages;

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

static void put64(uint64_t pfn, unsigned off, uint64_t v) { memcpy(struct_pages + pfn * 64 + off, &v, 8); }
static void put32(uint64_t pfn, unsigned off, uint32_t v) { memcpy(struct_pages + pfn * 64 + off, &v, 4); }

/* A folio of 1 << order frames at pfn: head flags/mapping/page_type, tails by mask or pointer. */
static void folio(uint64_t pfn, unsigned order, uint64_t flags, uint64_t mapping, uint32_t type,
		  bool mask)
{
	uint64_t i, n = 1ULL << order;

	put64(pfn, 0, flags);
	put64(pfn, 24, mapping);
	put32(pfn, 48, type);
	for (i = 1; i < n; i++)
		put64(pfn + i, 8, mask ? ~(n * 64 - 1) | 1 : (VMEMMAP + pfn * 64) | 1);
}

struct fixture {
	struct kdk_dump dump;
	struct kdk_filter f;
	unsigned char *present, *keep;
};

static const struct kdk_mem_map_layout one_section = {
	.mem_section = ROOTS_VADDR, .nr_roots = 1, .mem_section_size = 2048,
	.off_section_mem_map = 0, .section_size_bits = 27, .max_physmem_bits = 28,
	.page_struct_size = 64,
};

static void setup(struct fixture *x)
{
	struct kdk_pfn_range range = { 0, SECTION_PAGES };
	struct kdk_err err = { 0 };
	uint64_t pfn;

	struct_pages = calloc(SECTION_PAGES, 64);
	for (pfn = 0; pfn < SECTION_PAGES; pfn++)
		put32(pfn, 48, UINT32_MAX);
	memset(root_array, 0, sizeof(root_array));
	memset(sections, 0, sizeof(sections));
	root_array[0] = ROOT0_VADDR;
	sections[0] = VMEMMAP | 0x3;
	memset(&x->dump, 0, sizeof(x->dump));
	x->dump.path = "test.vmcore";
	x->dump.page_size = 4096;
	x->dump.max_pfn = SECTION_PAGES;
	kdk_array_init(&x->dump.ranges, sizeof(struct kdk_pfn_range));
	*(struct kdk_pfn_range *)kdk_array_push(&x->dump.ranges, &err) = range;
	x->present = calloc(SECTION_PAGES / 8, 1);
	x->keep = calloc(SECTION_PAGES / 8, 1);
}

static void teardown(struct fixture *x)
{
	kdk_filter_free(&x->f);
	kdk_array_free(&x->dump.ranges);
	free(struct_pages);
	free(x->present);
	free(x->keep);
}

static bool kept(const struct fixture *x, uint64_t pfn) { return (x->keep[pfn / 8] >> (pfn % 8)) & 1; }

static void run(struct fixture *x, const struct kdk_page_layout *l, unsigned level)
{
	struct kdk_err err = { 0 };

	if (kdk_filter_init(&x->f, &x->dump, level, l, &one_section, fake_read, NULL, &err))
		fail_msg("expected the filter set up, got \"%s\"", err.msg);
	if (kdk_filter_window(&x->f, 0, SECTION_PAGES, x->present, x->keep, &err))
		fail_msg("expected the window filtered, got \"%s\"", err.msg);
}

static void expect_frames(const struct fixture *x, uint64_t first, uint64_t count, bool expect_kept,
			  const char *what)
{
	uint64_t pfn;

	for (pfn = first; pfn < first + count; pfn++)
		if (kept(x, pfn) != expect_kept)
			fail_msg("%s: pfn %llu: expected %s, got %s", what, (unsigned long long)pfn,
				 expect_kept ? "kept" : "excluded", expect_kept ? "excluded" : "kept");
}

/* 7.2's numbers (VMCOREINFO of the 7.2.13 fixture). */
static void layout_72(struct kdk_page_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->page_size = 64; l->have_page_size = true;
	l->have_flags = true;
	l->off_compound_head = 8; l->have_compound_head = true;
	l->off_mapping = 24; l->have_mapping = true;
	l->off_private = 40; l->have_private = true;
	l->off_mapcount = 48; l->have_mapcount = true;
	l->pg_lru = 5; l->have_pg_lru = true;
	l->pg_private = 14; l->have_pg_private = true;
	l->pg_swapcache = 10; l->have_pg_swapcache = true;
	l->pg_swapbacked = 17; l->have_pg_swapbacked = true;
	l->pg_head_mask = 64; l->have_pg_head_mask = true;
	l->buddy_type = (uint64_t)-268435456; l->have_buddy_type = true;
	l->slab_type = (uint64_t)-184549376; l->have_slab_type = true;
	l->free_area_length = 11; l->have_free_area_length = true;
}

static void mask_and_pointer_tails_take_their_heads_class(void **state)
{
	struct kdk_page_layout l;
	struct fixture x;

	(void)state;
	setup(&x);
	layout_72(&l);
	folio(200, 2, 64, ANON, UINT32_MAX, true);      /* anonymous, tails by mask */
	folio(300, 1, 64, ANON, 0xf5000000, true);      /* slab (mapping bit 0 set), tails by mask */
	folio(512, 3, 64, ANON, UINT32_MAX, false);     /* anonymous, tails by pointer */
	run(&x, &l, 31);
	expect_frames(&x, 200, 4, false, "anonymous folio, mask tails");
	expect_frames(&x, 300, 2, true, "slab folio, mask tails");
	expect_frames(&x, 512, 8, false, "anonymous folio, pointer tails");
	expect_frames(&x, 199, 1, true, "the frame before");
	expect_frames(&x, 204, 1, true, "the frame after");
	if (x.f.stats.excluded[KDK_PAGE_USER] != 12 || x.f.stats.unreadable != 0)
		fail_msg("expected 12 user frames and no unreadable one, got %llu and %llu",
			 (unsigned long long)x.f.stats.excluded[KDK_PAGE_USER],
			 (unsigned long long)x.f.stats.unreadable);
	teardown(&x);
}

/* 6.8: PG_hugetlb (= PG_active, 5) lives in the first tail's flags; a head that is the last struct
 * page of a 512-page chunk is classified with the next struct page read beside it. */
static void hugetlb_head_at_a_chunk_end_68(void **state)
{
	struct kdk_page_layout l;
	struct fixture x;

	(void)state;
	setup(&x);
	memset(&l, 0, sizeof(l));
	l.page_size = 64; l.have_page_size = true;
	l.have_flags = true;
	l.off_compound_head = 8; l.have_compound_head = true;
	l.off_mapping = 24; l.have_mapping = true;
	l.off_mapcount = 48; l.have_mapcount = true;
	l.off_private = 40; l.have_private = true;
	l.pg_head_mask = 65536; l.have_pg_head_mask = true;
	l.pg_hugetlb = 5; l.have_pg_hugetlb = true;
	l.buddy_type = (uint64_t)-129; l.have_buddy_type = true;
	folio(510, 1, 65536, 0, UINT32_MAX, false);     /* a large folio that is no hugetlb */
	folio(1023, 1, 65536, 0, UINT32_MAX, false);    /* hugetlb head: last page of chunk 2 */
	put64(1024, 0, 1ULL << 5);
	run(&x, &l, 8);
	expect_frames(&x, 510, 2, true, "large folio without PG_hugetlb");
	expect_frames(&x, 1023, 2, false, "hugetlb folio whose head ends a chunk");
	teardown(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mask_and_pointer_tails_take_their_heads_class),
		cmocka_unit_test(hugetlb_head_at_a_chunk_end_68),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
