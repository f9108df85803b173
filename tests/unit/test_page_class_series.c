/* test_page_class_series.c — page classes with each kernel series' own numbers (4.17 … 7.2):
 * synthetic struct pages of every class, one table of numbers and cases per series. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "page_class.h"

/* struct page as every series since 4.18 lays it out on x86_64 (VMCOREINFO of 6.1, 6.12 and 7.2
 * fixtures; 4.17's too): SIZE(page)=64, flags@0, compound_head/compound_info@8, mapping@24, private@40,
 * _mapcount/page_type@48; LENGTH(zone.free_area)=11 (MAX_ORDER 10). */
#define BASE_LAYOUT \
	.page_size = 64, .have_page_size = true, .off_flags = 0, .have_flags = true, \
	.off_compound_head = 8, .have_compound_head = true, .off_mapping = 24, .have_mapping = true, \
	.off_private = 40, .have_private = true, .off_mapcount = 48, .have_mapcount = true, \
	.free_area_length = 11, .have_free_area_length = true
#define N(field, value) .field = (uint64_t)(value), .have_##field = true

/* 4.17, the last kernel before page types: PageBuddy() is _mapcount == PAGE_BUDDY_MAPCOUNT_VALUE
 * (-128, include/linux/mm.h); flags as 4.18's. */
static const struct kdk_page_layout layout_417 = {
	BASE_LAYOUT, N(pg_lru, 5), N(pg_private, 12), N(pg_swapcache, 9), N(pg_swapbacked, 18),
	N(pg_slab, 8), N(pg_head_mask, 1 << 15), N(pg_hwpoison, 21), N(buddy_type, -128),
	N(hugetlb_dtor, 2), .off_compound_dtor = 16, .have_compound_dtor = true,
};

/* 4.18: enum pageflags before 4.20's PG_workingset (locked, error, referenced, uptodate, dirty,
 * lru 5, active, waiters, slab 8, owner_priv_1 9 = swapcache, arch_1, reserved, private 12,
 * private_2, writeback, head 15, mappedtodisk, reclaim, swapbacked 18, unevictable, mlocked,
 * hwpoison 21); page types "mm: split page_type out of _mapcount" (4.18): PAGE_TYPE_BASE 0xf0000000,
 * PG_buddy 0x80; kernel/crash_core.c exports ~PG_buddy; HUGETLB_PAGE_DTOR 2 in the first tail's
 * compound_dtor@16 (enum compound_dtor_id: NULL, COMPOUND, HUGETLB, TRANSHUGE). */
static const struct kdk_page_layout layout_418 = {
	BASE_LAYOUT, N(pg_lru, 5), N(pg_private, 12), N(pg_swapcache, 9), N(pg_swapbacked, 18),
	N(pg_slab, 8), N(pg_head_mask, 1 << 15), N(pg_hwpoison, 21), N(buddy_type, -129),
	N(hugetlb_dtor, 2), .off_compound_dtor = 16, .have_compound_dtor = true,
};

/* 5.10: 4.20 moved PG_error below PG_workingset (locked, referenced, uptodate, dirty, lru 4,
 * active, workingset, waiters, error, slab 9, owner_priv_1 10, arch_1, reserved, private 13,
 * private_2, writeback, head 16, mappedtodisk, reclaim, swapbacked 19, unevictable, mlocked,
 * hwpoison 22); 5.0 added PG_offline 0x100 (PAGE_OFFLINE_MAPCOUNT_VALUE = ~0x100). */
static const struct kdk_page_layout layout_510 = {
	BASE_LAYOUT, N(pg_lru, 4), N(pg_private, 13), N(pg_swapcache, 10), N(pg_swapbacked, 19),
	N(pg_slab, 9), N(pg_head_mask, 1 << 16), N(pg_hwpoison, 22), N(buddy_type, -129),
	N(offline_type, -257), N(hugetlb_dtor, 2), .off_compound_dtor = 16, .have_compound_dtor = true,
};

/* 6.1: the VMCOREINFO of Debian's 6.1.0-56-cloud-amd64 fixture (no PG_hwpoison: that config has no
 * MEMORY_FAILURE). */
static const struct kdk_page_layout layout_61 = {
	BASE_LAYOUT, N(pg_lru, 4), N(pg_private, 13), N(pg_swapcache, 10), N(pg_swapbacked, 19),
	N(pg_slab, 9), N(pg_head_mask, 65536), N(buddy_type, -129), N(offline_type, -257),
	N(hugetlb_dtor, 2), .off_compound_dtor = 16, .have_compound_dtor = true,
};

/* 6.6: flags as 6.1; the first tail's fields moved into struct folio ("mm: remove 'First tail page'
 * members from struct page"): crash_core.c exports OFFSET(folio._folio_dtor), counted from the head
 * (_flags_1@64, _head_1@72, _folio_dtor@80), and no OFFSET(page.compound_dtor). */
static const struct kdk_page_layout layout_66 = {
	BASE_LAYOUT, N(pg_lru, 4), N(pg_private, 13), N(pg_swapcache, 10), N(pg_swapbacked, 19),
	N(pg_slab, 9), N(pg_head_mask, 65536), N(pg_hwpoison, 22), N(buddy_type, -129),
	N(offline_type, -257), N(hugetlb_dtor, 2), .off_folio_dtor = 80, .have_folio_dtor = true,
};

/* 6.8: "mm: remove HUGETLB_PAGE_DTOR": PG_hugetlb = PG_active (5), a flag of the first tail;
 * crash_core.c exports NUMBER(PG_hugetlb) instead of HUGETLB_PAGE_DTOR. */
static const struct kdk_page_layout layout_68 = {
	BASE_LAYOUT, N(pg_lru, 4), N(pg_private, 13), N(pg_swapcache, 10), N(pg_swapbacked, 19),
	N(pg_slab, 9), N(pg_head_mask, 65536), N(pg_hwpoison, 22), N(buddy_type, -129),
	N(offline_type, -257), N(pg_hugetlb, 5),
};

/* 6.9: "mm: turn folio_test_hugetlb into a PageType": PG_hugetlb 0x800 under base 0xf0000000;
 * kernel/vmcore_info.c exports PAGE_HUGETLB_MAPCOUNT_VALUE = ~PG_hugetlb. */
static const struct kdk_page_layout layout_69 = {
	BASE_LAYOUT, N(pg_lru, 4), N(pg_private, 13), N(pg_swapcache, 10), N(pg_swapbacked, 19),
	N(pg_slab, 9), N(pg_head_mask, 65536), N(pg_hwpoison, 22), N(buddy_type, -129),
	N(offline_type, -257), N(hugetlb_type, ~0x800),
};

/* 6.10: "mm: free up PG_slab": slab is page type PG_slab 0x1000 (PAGE_SLAB_MAPCOUNT_VALUE); no
 * NUMBER(PG_slab). With PG_slab's row gone from enum pageflags the rows after it move down by one
 * (owner_priv_1 9, private 12, head 15, swapbacked 18, hwpoison 21); lru stays 4. */
static const struct kdk_page_layout layout_610 = {
	BASE_LAYOUT, N(pg_lru, 4), N(pg_private, 12), N(pg_swapcache, 9), N(pg_swapbacked, 18),
	N(pg_head_mask, 1 << 15), N(pg_hwpoison, 21), N(buddy_type, -129), N(offline_type, -257),
	N(hugetlb_type, ~0x800), N(slab_type, ~0x1000),
};

/* 6.11: "mm: allow reuse of the lower 16 bit of the page type with an actual type":
 * PAGE_TYPE_BASE 0x80000000, PG_buddy 0x40000000, PG_offline 0x20000000, PG_hugetlb 0x04000000,
 * PG_slab 0x02000000; VMCOREINFO exports ~PG_x. Flag numbers as 6.10 (not what this test is about). */
static const struct kdk_page_layout layout_611 = {
	BASE_LAYOUT, N(pg_lru, 4), N(pg_private, 12), N(pg_swapcache, 9), N(pg_swapbacked, 18),
	N(pg_head_mask, 1 << 15), N(pg_hwpoison, 21), N(buddy_type, ~0x40000000),
	N(offline_type, ~0x20000000), N(hugetlb_type, ~0x04000000), N(slab_type, ~0x02000000),
};

/* 6.12: the VMCOREINFO of Debian's 6.12.117+deb12-cloud-amd64 fixture ("mm: store page type in the
 * top byte": PGTY_x << 24). */
static const struct kdk_page_layout layout_612 = {
	BASE_LAYOUT, N(pg_lru, 5), N(pg_private, 14), N(pg_swapcache, 10), N(pg_swapbacked, 17),
	N(pg_head_mask, 64), N(pg_hwpoison, 20), N(buddy_type, -268435456),
	N(offline_type, -251658240), N(slab_type, -184549376), N(hugetlb_type, -201326592),
};

/* 7.2: the VMCOREINFO of sid's 7.2.13+deb14-cloud-amd64 fixture: OFFSET(page.compound_info) (a mask
 * in tails), PAGE_UNACCEPTED_MAPCOUNT_VALUE = PGTY_unaccepted (0xf7) << 24, PG_hwpoison 21. */
static const struct kdk_page_layout layout_72 = {
	BASE_LAYOUT, N(pg_lru, 5), N(pg_private, 14), N(pg_swapcache, 10), N(pg_swapbacked, 17),
	N(pg_head_mask, 64), N(pg_hwpoison, 21), N(buddy_type, -268435456),
	N(offline_type, -251658240), N(slab_type, -184549376), N(hugetlb_type, -201326592),
	N(unaccepted_type, -150994944),
};

/* 7.2 as a BTF-only source gives it (B's lookup): enum pagetype enumerators PGTY_x, not shifted. */
static const struct kdk_page_layout layout_72_btf = {
	BASE_LAYOUT, N(pg_lru, 5), N(pg_private, 14), N(pg_swapcache, 10), N(pg_swapbacked, 17),
	N(pg_head_mask, 64), N(pg_hwpoison, 21), N(buddy_type, 0xf0), N(offline_type, 0xf1),
	N(slab_type, 0xf5), N(hugetlb_type, 0xf4), N(unaccepted_type, 0xf7),
	/* BTF's NUMBER(PG_slab)/NUMBER(PG_hugetlb) on a 6.10+ kernel are enum pagetype values, not
	 * flag numbers: they must be ignored as flags. */
	N(pg_slab, 0xf5), N(pg_hugetlb, 0xf4),
};

/* One synthetic struct page and the one after it. */
struct spec {
	uint64_t flags, mapping, private_, compound;
	uint32_t page_type;            /* 0 means "none" (_mapcount -1 is written) */
	uint64_t next_flags;
	unsigned next_byte_at;         /* a byte in the next struct page (0 = none) */
	unsigned char next_byte;
};

struct a_case {
	const char *what;
	unsigned level;
	struct spec page;
	enum kdk_page_class expect;
	unsigned order;
};

static void build(const struct spec *s, unsigned char *page, unsigned char *next)
{
	uint32_t type = s->page_type ? s->page_type : UINT32_MAX;

	memset(page, 0, 64);
	memset(next, 0, 64);
	memcpy(page + 0, &s->flags, 8);
	memcpy(page + 8, &s->compound, 8);
	memcpy(page + 24, &s->mapping, 8);
	memcpy(page + 40, &s->private_, 8);
	memcpy(page + 48, &type, 4);
	memcpy(next + 0, &s->next_flags, 8);
	if (s->next_byte_at)
		next[s->next_byte_at] = s->next_byte;
	{
		uint32_t none = UINT32_MAX;
		memcpy(next + 48, &none, 4);
	}
}

static int run_cases(const char *series, const struct kdk_page_layout *l, const struct a_case *cases,
		     size_t n)
{
	int failures = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char page[64], next[64];
		struct kdk_page_info info;

		build(&cases[i].page, page, next);
		kdk_page_classify(l, cases[i].level, page, next, &info);
		if (info.page_class != cases[i].expect ||
		    (cases[i].expect == KDK_PAGE_FREE && info.order != cases[i].order)) {
			print_error("%s: %s at -d %u: expected %s (order %u), got %s (order %u)\n", series,
				    cases[i].what, cases[i].level, kdk_page_class_name(cases[i].expect),
				    cases[i].order, kdk_page_class_name(info.page_class), info.order);
			failures++;
		}
	}
	return failures;
}

#define RUN(series, layout, cases) \
	assert_int_equal(run_cases(series, &layout, cases, sizeof(cases) / sizeof(cases[0])), 0)

#define ANON 0xffff888001234561ULL   /* an anon_vma address | PAGE_MAPPING_ANON */
#define FILE 0xffff888001234560ULL   /* an address_space */

static void series_417(void **state)
{
	const struct a_case cases[] = {
		{ "buddy head (_mapcount -128)", 16, { .page_type = 0xffffff80, .private_ = 4 },
		  KDK_PAGE_FREE, 4 },
		{ "_mapcount -129 is not buddy here", 16, { .page_type = 0xffffff7f }, KDK_PAGE_KEEP, 0 },
		{ "_mapcount -1", 16, { .page_type = 0 }, KDK_PAGE_KEEP, 0 },
		{ "anonymous", 8, { .flags = 1 << 5, .mapping = ANON }, KDK_PAGE_USER, 0 },
	};
	(void)state;
	RUN("4.17", layout_417, cases);
}

static void series_418(void **state)
{
	const struct a_case cases[] = {
		{ "buddy head, order 3", 16, { .page_type = ~0x80u, .private_ = 3 }, KDK_PAGE_FREE, 3 },
		{ "buddy head at -d 15", 15, { .page_type = ~0x80u, .private_ = 3 }, KDK_PAGE_KEEP, 0 },
		{ "unmapped page (_mapcount -1)", 31, { .page_type = 0, .mapping = FILE }, KDK_PAGE_KEEP, 0 },
		{ "mapped page (_mapcount 2)", 31, { .page_type = 2, .mapping = FILE }, KDK_PAGE_KEEP, 0 },
		{ "PG_slab", 31, { .flags = 1 << 8, .mapping = ANON }, KDK_PAGE_KEEP, 0 },
		{ "page cache (PG_lru)", 31, { .flags = 1 << 5, .mapping = FILE }, KDK_PAGE_CACHE, 0 },
		{ "private cache at -d 4", 4, { .flags = 1 << 5 | 1 << 12, .mapping = FILE },
		  KDK_PAGE_CACHE_PRIVATE, 0 },
		{ "swap cache (owner_priv_1 + swapbacked)", 2, { .flags = 1 << 9 | 1 << 18, .mapping = FILE },
		  KDK_PAGE_CACHE, 0 },
		{ "anonymous", 8, { .flags = 1 << 5, .mapping = ANON }, KDK_PAGE_USER, 0 },
		{ "hugetlb head (dtor 2 in the first tail)", 8,
		  { .flags = 1 << 15, .next_byte_at = 16, .next_byte = 2 }, KDK_PAGE_USER, 0 },
		{ "THP head (dtor 3)", 8, { .flags = 1 << 15, .next_byte_at = 16, .next_byte = 3 },
		  KDK_PAGE_KEEP, 0 },
		{ "hwpoison", 0, { .flags = 1 << 21 }, KDK_PAGE_HWPOISON, 0 },
		{ "tail", 31, { .compound = 0xffffea0000001001ULL }, KDK_PAGE_TAIL, 0 },
	};
	(void)state;
	RUN("4.18", layout_418, cases);
}

static void series_510(void **state)
{
	const struct a_case cases[] = {
		{ "buddy head, order 10", 31, { .page_type = ~0x80u, .private_ = 10 }, KDK_PAGE_FREE, 10 },
		{ "buddy with an order past MAX_ORDER", 31, { .page_type = ~0x80u, .private_ = 11 },
		  KDK_PAGE_KEEP, 0 },
		{ "offline", 1, { .page_type = ~0x100u }, KDK_PAGE_OFFLINE, 0 },
		{ "PG_slab", 31, { .flags = 1 << 9, .mapping = ANON }, KDK_PAGE_KEEP, 0 },
		{ "page cache", 2, { .flags = 1 << 4, .mapping = FILE }, KDK_PAGE_CACHE, 0 },
		{ "anonymous", 8, { .flags = 1 << 4, .mapping = ANON }, KDK_PAGE_USER, 0 },
		{ "hugetlb head", 8, { .flags = 1 << 16, .next_byte_at = 16, .next_byte = 2 },
		  KDK_PAGE_USER, 0 },
		{ "hwpoison", 0, { .flags = 1 << 22 }, KDK_PAGE_HWPOISON, 0 },
	};
	(void)state;
	RUN("5.10", layout_510, cases);
}

static void series_61(void **state)
{
	const struct a_case cases[] = {
		{ "buddy head", 16, { .page_type = 0xffffff7f, .private_ = 2 }, KDK_PAGE_FREE, 2 },
		{ "offline", 31, { .page_type = 0xfffffeff }, KDK_PAGE_OFFLINE, 0 },
		{ "PG_slab", 31, { .flags = 1 << 9 }, KDK_PAGE_KEEP, 0 },
		{ "private cache", 4, { .flags = 1 << 4 | 1 << 13, .mapping = FILE },
		  KDK_PAGE_CACHE_PRIVATE, 0 },
		{ "hugetlb head", 8, { .flags = 65536, .next_byte_at = 16, .next_byte = 2 },
		  KDK_PAGE_USER, 0 },
		{ "tail", 31, { .compound = 0xffffea0000004001ULL }, KDK_PAGE_TAIL, 0 },
	};
	(void)state;
	RUN("6.1", layout_61, cases);
}

static void series_66(void **state)
{
	const struct a_case cases[] = {
		{ "hugetlb head (folio._folio_dtor@80 = first tail byte 16)", 8,
		  { .flags = 65536, .next_byte_at = 16, .next_byte = 2 }, KDK_PAGE_USER, 0 },
		{ "large folio head, other dtor", 8, { .flags = 65536, .next_byte_at = 16, .next_byte = 1 },
		  KDK_PAGE_KEEP, 0 },
		{ "buddy head", 16, { .page_type = ~0x80u, .private_ = 4 }, KDK_PAGE_FREE, 4 },
		{ "hwpoison", 16, { .flags = 1 << 22 }, KDK_PAGE_HWPOISON, 0 },
	};
	(void)state;
	RUN("6.6", layout_66, cases);
}

static void series_68(void **state)
{
	const struct a_case cases[] = {
		{ "hugetlb head (PG_hugetlb = bit 5 of the first tail)", 8,
		  { .flags = 65536, .next_flags = 1 << 5 }, KDK_PAGE_USER, 0 },
		{ "large folio head without it", 8, { .flags = 65536, .next_flags = 1 << 4 },
		  KDK_PAGE_KEEP, 0 },
		{ "PG_active on the page itself is no hugetlb", 8, { .flags = 1 << 5 }, KDK_PAGE_KEEP, 0 },
		{ "buddy head", 16, { .page_type = ~0x80u, .private_ = 1 }, KDK_PAGE_FREE, 1 },
		{ "slab", 31, { .flags = 1 << 9, .mapping = ANON }, KDK_PAGE_KEEP, 0 },
	};
	(void)state;
	RUN("6.8", layout_68, cases);
}

static void series_69(void **state)
{
	const struct a_case cases[] = {
		{ "hugetlb page type", 8, { .flags = 65536, .page_type = ~0x800u }, KDK_PAGE_USER, 0 },
		{ "hugetlb page type at -d 23", 23, { .flags = 65536, .page_type = ~0x800u },
		  KDK_PAGE_KEEP, 0 },
		{ "buddy head", 16, { .page_type = ~0x80u, .private_ = 0 }, KDK_PAGE_FREE, 0 },
	};
	(void)state;
	RUN("6.9", layout_69, cases);
}

static void series_610(void **state)
{
	const struct a_case cases[] = {
		{ "slab page type with an anon-looking mapping", 31,
		  { .page_type = ~0x1000u, .mapping = ANON, .flags = 1 << 4 }, KDK_PAGE_KEEP, 0 },
		{ "buddy head", 16, { .page_type = ~0x80u, .private_ = 5 }, KDK_PAGE_FREE, 5 },
		{ "hugetlb", 8, { .page_type = ~0x800u }, KDK_PAGE_USER, 0 },
		{ "offline", 31, { .page_type = ~0x100u }, KDK_PAGE_OFFLINE, 0 },
		{ "anonymous", 8, { .flags = 1 << 4, .mapping = ANON }, KDK_PAGE_USER, 0 },
	};
	(void)state;
	RUN("6.10", layout_610, cases);
}

static void series_611(void **state)
{
	const struct a_case cases[] = {
		/* The bug issue 13 names: under a hard-coded 0xf0000000 base these were kept. */
		{ "buddy head", 16, { .page_type = 0xbfffffff, .private_ = 9 }, KDK_PAGE_FREE, 9 },
		{ "buddy head, owner's low 16 bits reused", 16, { .page_type = 0xbfff0000, .private_ = 2 },
		  KDK_PAGE_FREE, 2 },
		{ "slab with an anon-looking mapping", 31, { .page_type = 0xfdffffff, .mapping = ANON },
		  KDK_PAGE_KEEP, 0 },
		{ "slab is not buddy", 16, { .page_type = 0xfdffffff }, KDK_PAGE_KEEP, 0 },
		{ "hugetlb", 8, { .page_type = 0xfbffffff }, KDK_PAGE_USER, 0 },
		{ "offline", 31, { .page_type = 0xdfffffff }, KDK_PAGE_OFFLINE, 0 },
		{ "_mapcount -1 is no type", 31, { .page_type = 0 }, KDK_PAGE_KEEP, 0 },
		{ "positive _mapcount is no type", 31, { .page_type = 5, .mapping = FILE }, KDK_PAGE_KEEP, 0 },
	};
	(void)state;
	RUN("6.11", layout_611, cases);
}

static void series_612(void **state)
{
	const struct a_case cases[] = {
		{ "buddy head", 16, { .page_type = 0xf0000000, .private_ = 10 }, KDK_PAGE_FREE, 10 },
		{ "buddy head, low 24 bits used", 16, { .page_type = 0xf0001234, .private_ = 1 },
		  KDK_PAGE_FREE, 1 },
		{ "slab with bit 0 of the mapping word set", 31,
		  { .page_type = 0xf5000000, .mapping = ANON }, KDK_PAGE_KEEP, 0 },
		{ "hugetlb", 8, { .page_type = 0xf4000000, .flags = 64 }, KDK_PAGE_USER, 0 },
		{ "offline", 31, { .page_type = 0xf1000000 }, KDK_PAGE_OFFLINE, 0 },
		{ "page table (PGTY_table) is kept", 31, { .page_type = 0xf2000000 }, KDK_PAGE_KEEP, 0 },
		{ "the old buddy value is no type here", 16, { .page_type = 0xffffff7f }, KDK_PAGE_KEEP, 0 },
		{ "page cache", 2, { .flags = 1 << 5, .mapping = FILE }, KDK_PAGE_CACHE, 0 },
		{ "hwpoison", 0, { .flags = 1 << 20 }, KDK_PAGE_HWPOISON, 0 },
		{ "tail (pointer)", 31, { .compound = 0xffd4000000000041ULL }, KDK_PAGE_TAIL, 0 },
	};
	(void)state;
	RUN("6.12", layout_612, cases);
}

static const struct a_case cases_72[] = {
	{ "buddy head", 16, { .page_type = 0xf0000000, .private_ = 3 }, KDK_PAGE_FREE, 3 },
	{ "unaccepted: a MAX_ORDER block", 16, { .page_type = 0xf7000000 }, KDK_PAGE_FREE, 10 },
	{ "unaccepted at -d 15", 15, { .page_type = 0xf7000000 }, KDK_PAGE_KEEP, 0 },
	{ "slab", 31, { .page_type = 0xf5000000, .mapping = ANON }, KDK_PAGE_KEEP, 0 },
	{ "hugetlb", 8, { .page_type = 0xf4000000, .flags = 64 }, KDK_PAGE_USER, 0 },
	{ "offline", 31, { .page_type = 0xf1000000 }, KDK_PAGE_OFFLINE, 0 },
	{ "hwpoison", 1, { .flags = 1 << 21 }, KDK_PAGE_HWPOISON, 0 },
	{ "private cache", 4, { .flags = 1 << 5 | 1 << 14, .mapping = FILE }, KDK_PAGE_CACHE_PRIVATE, 0 },
	{ "anonymous", 8, { .flags = 1 << 5, .mapping = ANON }, KDK_PAGE_USER, 0 },
	{ "tail (mask)", 31, { .compound = 0xffffffffffffc001ULL }, KDK_PAGE_TAIL, 0 },
};

static void series_72(void **state)
{
	(void)state;
	RUN("7.2", layout_72, cases_72);
}

static void series_72_from_btf(void **state)
{
	(void)state;
	RUN("7.2 (BTF enumerators)", layout_72_btf, cases_72);
}

/* Tails: before 7.1 the word is the head's address + 1; 7.2's compound_info holds a mask (values
 * read from the 7.2.13 fixture's vmemmap: 0xffffffffffffc001 in an order-8 folio's tails). */
static void tail_heads_in_both_encodings(void **state)
{
	unsigned char page[64] = { 0 }, next[64] = { 0 };
	struct kdk_page_info info;
	uint64_t pointer = 0xffd4000000001041ULL, mask = 0xffffffffffffc001ULL;

	(void)state;
	memcpy(page + 8, &pointer, 8);
	kdk_page_classify(&layout_612, 31, page, next, &info);
	assert_int_equal(info.page_class, KDK_PAGE_TAIL);
	assert_int_equal(kdk_page_tail_head(&info, 0xffd4000000001080ULL), 0xffd4000000001040ULL);

	memcpy(page + 8, &mask, 8);
	kdk_page_classify(&layout_72, 31, page, next, &info);
	assert_int_equal(info.page_class, KDK_PAGE_TAIL);
	/* tail 0x…40e0c0 of a 16 KiB-aligned run of 256 struct pages → head 0x…40c000 */
	assert_int_equal(kdk_page_tail_head(&info, 0xffcb6516040ec0c0ULL), 0xffcb6516040ec000ULL);
	assert_int_equal(kdk_page_tail_head(&info, 0xffcb6516040ec040ULL), 0xffcb6516040ec000ULL);
}

/* best_level drops only the bits whose facts are missing. */
static void best_level_drops_only_what_is_missing(void **state)
{
	struct kdk_page_layout l = layout_72;
	struct kdk_err why = { 0 };

	(void)state;
	assert_int_equal(kdk_page_layout_best_level(&l, 31, &why), 31);
	assert_int_equal(why.code, 0);

	l.have_buddy_type = false;
	assert_int_equal(kdk_page_layout_best_level(&l, 31, &why), 15);
	assert_int_equal(why.code, ENOENT);
	assert_non_null(strstr(why.msg, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"));
	assert_int_equal(kdk_page_layout_check(&l, 15, &why), 0);
	assert_int_equal(kdk_page_layout_check(&l, 31, &why), -ENOENT);

	l = layout_72;
	l.have_pg_lru = false;
	assert_int_equal(kdk_page_layout_best_level(&l, 31, &why), 25);
	assert_non_null(strstr(why.msg, "NUMBER(PG_lru)"));
	assert_int_equal(kdk_page_layout_best_level(&l, 24, &why), 24);

	l = layout_72;
	l.have_compound_head = false;
	memset(&why, 0, sizeof(why));
	assert_int_equal(kdk_page_layout_best_level(&l, 31, &why), 1);
	assert_non_null(strstr(why.msg, "OFFSET(page.compound_info) or OFFSET(page.compound_head)"));
	assert_int_equal(kdk_page_layout_best_level(&l, 1, NULL), 1);
	assert_int_equal(kdk_page_layout_best_level(&l, 0, NULL), 0);

	l = layout_72;
	l.page_size = 4096;
	assert_int_equal(kdk_page_layout_best_level(&l, 31, &why), 1);
	assert_non_null(strstr(why.msg, "SIZE(page)=4096"));
}

/* Levels past 31 are cut to 31's bits; the missing-key message of check() is unchanged. */
static void best_level_with_no_layout_at_all(void **state)
{
	struct kdk_page_layout none = { 0 };
	struct kdk_err why = { 0 };

	(void)state;
	assert_int_equal(kdk_page_layout_best_level(&none, 31, &why), 1);
	assert_non_null(strstr(why.msg, "SIZE(page)"));
	assert_int_equal(kdk_page_layout_best_level(&none, 17, &why), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(series_417),
		cmocka_unit_test(series_418),
		cmocka_unit_test(series_510),
		cmocka_unit_test(series_61),
		cmocka_unit_test(series_66),
		cmocka_unit_test(series_68),
		cmocka_unit_test(series_69),
		cmocka_unit_test(series_610),
		cmocka_unit_test(series_611),
		cmocka_unit_test(series_612),
		cmocka_unit_test(series_72),
		cmocka_unit_test(series_72_from_btf),
		cmocka_unit_test(tail_heads_in_both_encodings),
		cmocka_unit_test(best_level_drops_only_what_is_missing),
		cmocka_unit_test(best_level_with_no_layout_at_all),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
