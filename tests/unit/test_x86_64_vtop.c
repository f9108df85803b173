/* test_x86_64_vtop.c — kernel address translation on hand-built page tables in a fake dump:
 * 4- and 5-level walks, 1 GiB and 2 MiB pages, the kernel-text shortcut with a negative
 * phys_base, an unmapped address reported with its level, the kernel image's extent, and the
 * direct map by arithmetic once its base is set (or found among the fixed bases). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../fake_phys_dump.h"
#include "x86_64_vtop.h"

/* 64 MiB of fake physical memory, page-addressable. */
#define MEM_PAGES 16384
static unsigned char *mem;

static struct kdk_dump dump;
static unsigned char phys_page[4096];

static void set_entry(uint64_t table_paddr, unsigned index, uint64_t value)
{
	memcpy(mem + table_paddr + index * 8, &value, 8);
}

#define P 0x1ULL
#define RW 0x2ULL
#define PS 0x80ULL
#define TEXT_MAP 0xffffffff80000000ULL

static int setup(void **state)
{
	(void)state;
	mem = calloc(MEM_PAGES, 4096);
	fake_phys_dump_init(&dump, mem, MEM_PAGES, phys_page);
	return mem ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

/* Tables at fixed physical pages; the top table at 0x100000 is mapped by the text shortcut:
 * with phys_base = -0x1000000 it lives at vaddr TEXT_MAP + 0x1100000. */
static void build_tables(unsigned levels)
{
	const uint64_t top = 0x100000, p4d = 0x101000, pud = 0x102000, pmd = 0x103000, pte = 0x104000;
	uint64_t direct = 0xff11000000000000ULL; /* a direct-map address */
	uint64_t level4 = levels == 5 ? p4d : top;

	if (levels == 5)
		set_entry(top, (direct >> 48) & 511, p4d | P | RW);
	set_entry(level4, (direct >> 39) & 511, pud | P | RW);
	/* direct map: 1 GiB page at physical 0 */
	set_entry(pud, (direct >> 30) & 511, 0x0 | P | RW | PS);
	/* vmemmap-like address: PMD of 2 MiB pages, and one 4 KiB mapping */
	set_entry(pud, ((direct + (1ULL << 30)) >> 30) & 511, pmd | P | RW);
	set_entry(pmd, 0, 0x200000 | P | RW | PS);
	set_entry(pmd, 1, pte | P | RW);
	set_entry(pte, 3, 0x345000 | P | RW | (1ULL << 63)); /* NX bit set: ignored */
}

static void init(struct kdk_x86_64_vtop *vt, unsigned levels)
{
	struct kdk_x86_64_paging paging = {
		.phys_base = (uint64_t)-0x1000000LL, .kernel_image_size = 0,
		.top_pgt_vaddr = TEXT_MAP + 0x1100000, .levels = levels, .sme_mask = 0,
	};
	struct kdk_err err = { 0 };
	build_tables(levels);
	if (kdk_x86_64_vtop_init(vt, &dump, &paging, &err) < 0)
		fail_msg("%s", err.msg);
}

static void walks(unsigned levels)
{
	static struct kdk_x86_64_vtop vt;
	struct kdk_err err = { 0 };
	uint64_t direct = 0xff11000000000000ULL, paddr = 0;

	init(&vt, levels);
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + 0x2345678, &paddr, &err), 0);
	assert_int_equal(paddr, 0x2345678);                        /* 1 GiB page */
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + (1ULL << 30) + 0x1234, &paddr, &err), 0);
	assert_int_equal(paddr, 0x201234);                         /* 2 MiB page */
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + (1ULL << 30) + 0x203abc, &paddr, &err), 0);
	assert_int_equal(paddr, 0x345abc);                         /* 4 KiB page */
	assert_int_equal(kdk_x86_64_vtop(&vt, TEXT_MAP + 0x1234567, &paddr, &err), 0);
	assert_int_equal(paddr, 0x234567);                         /* text: - phys_base */
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + (1ULL << 30) + 0x204000, &paddr, &err), -EFAULT);
	assert_non_null(strstr(err.msg, "PTE entry 4"));
}

static void four_level_walk(void **state) { (void)state; walks(4); }
static void five_level_walk(void **state) { (void)state; walks(5); }

static void read_virt_crosses_pages(void **state)
{
	static struct kdk_x86_64_vtop vt;
	struct kdk_err err = { 0 };
	unsigned char buf[16];
	(void)state;

	init(&vt, 4);
	memcpy(mem + 0x2ff8, "ABCDEFGHIJKLMNOP", 16);
	assert_int_equal(kdk_x86_64_read_virt(&vt, 0xff11000000002ff8ULL, buf, 16, &err), 0);
	assert_memory_equal(buf, "ABCDEFGHIJKLMNOP", 16);
}

/* The kernel image's extent from its 2 MiB kernel-map entries: the linear ones only. */
static void kernel_image_extent_from_its_entries(void **state)
{
	static struct kdk_x86_64_vtop vt;
	const uint64_t pud = 0x105000, pmd = 0x106000;
	struct kdk_err err = { 0 };
	uint64_t start = 1, end = 1;
	(void)state;

	init(&vt, 4);
	assert_int_equal(kdk_x86_64_kernel_image(&vt, &start, &end, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no kernel-map page-table entry"));
	set_entry(0x100000, 511, pud | P | RW);
	set_entry(pud, 510, pmd | P | RW);
	/* offsets 16, 18, 20 MiB map physical 0, 2, 4 MiB (phys_base -16 MiB); offset 40 MiB maps
	 * something else, not the image. */
	for (unsigned i = 0; i < 3; i++)
		set_entry(pmd, 8 + i, (0x200000ULL * i) | P | RW | PS);
	set_entry(pmd, 20, 0x3000000 | P | RW | PS);
	init(&vt, 4);           /* a fresh table cache */
	assert_int_equal(kdk_x86_64_kernel_image(&vt, &start, &end, &err), 0);
	assert_int_equal(start, 0);
	assert_int_equal(end, 0x600000);
}

/* Once set, the direct map needs no page tables: a cleared PUD entry hides nothing below it. */
static void direct_map_by_arithmetic(void **state)
{
	static struct kdk_x86_64_vtop vt;
	const uint64_t direct = 0xff11000000000000ULL, pud = 0x102000;
	struct kdk_err err = { 0 };
	uint64_t paddr = 0;
	(void)state;

	init(&vt, 4);
	/* the 1 GiB page of physical 0 goes; the tables can no longer say, so the base is taken */
	set_entry(pud, (direct >> 30) & 511, 0);
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + 0x2345678, &paddr, &err), -EFAULT);
	assert_int_equal(kdk_x86_64_vtop_set_direct_map(&vt, direct, MEM_PAGES * 4096ULL, &err), 0);
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + 0x2345678, &paddr, &err), 0);
	assert_int_equal(paddr, 0x2345678);
	/* beyond the memory the dump describes: the page tables again (2 MiB page at 0x200000) */
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + (1ULL << 30) + 0x1234, &paddr, &err), 0);
	assert_int_equal(paddr, 0x201234);
	/* the text mapping is unchanged */
	assert_int_equal(kdk_x86_64_vtop(&vt, TEXT_MAP + 0x1234567, &paddr, &err), 0);
	assert_int_equal(paddr, 0x234567);
}

/* A base the page tables contradict, or no 1 GiB-aligned kernel address, is refused; the
 * translation stays the page tables'. */
static void direct_map_base_checked(void **state)
{
	static struct kdk_x86_64_vtop vt;
	const uint64_t direct = 0xff11000000000000ULL;
	struct kdk_err err = { 0 };
	uint64_t paddr = 0;
	(void)state;

	init(&vt, 4);
	/* direct + 1 GiB + the top table's address is mapped by the 2 MiB page at 0x200000 */
	assert_int_equal(kdk_x86_64_vtop_set_direct_map(&vt, direct + (1ULL << 30), 1ULL << 30, &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "do not map"));
	assert_int_equal(kdk_x86_64_vtop_set_direct_map(&vt, direct + 0x200000, 1ULL << 30, &err),
			 -EINVAL);
	assert_int_equal(kdk_x86_64_vtop_set_direct_map(&vt, 0x40000000, 1ULL << 30, &err), -EINVAL);
	assert_int_equal(kdk_x86_64_vtop(&vt, direct + (1ULL << 30) + 0x1234, &paddr, &err), 0);
	assert_int_equal(paddr, 0x201234);
}

/* Without a page_offset_base variable: the fixed base the tables confirm, per paging depth. */
static void direct_map_found_among_fixed_bases(void **state)
{
	static struct kdk_x86_64_vtop vt;
	const uint64_t l4_base = 0xffff888000000000ULL, pud = 0x102000;
	struct kdk_err err = { 0 };
	uint64_t base = 0;
	(void)state;

	init(&vt, 4);           /* 4-level: neither 0xffff888000000000 nor 0xffff880000000000 mapped */
	assert_int_equal(kdk_x86_64_vtop_find_direct_map(&vt, &base, &err), -ENOENT);
	set_entry(0x100000, (l4_base >> 39) & 511, pud | P | RW);
	set_entry(pud, (l4_base >> 30) & 511, 0x0 | P | RW | PS);
	init(&vt, 4);
	assert_int_equal(kdk_x86_64_vtop_find_direct_map(&vt, &base, &err), 0);
	assert_true(base == l4_base);
	init(&vt, 5);           /* build_tables maps 0xff11000000000000: 5-level's fixed base */
	assert_int_equal(kdk_x86_64_vtop_find_direct_map(&vt, &base, &err), 0);
	assert_true(base == 0xff11000000000000ULL);
}

struct leaves {
	uint64_t vaddr[8], paddr[8], size[8];
	unsigned n, calls;
};

static int collect_leaf(void *ctx, uint64_t vaddr, uint64_t paddr, uint64_t size)
{
	struct leaves *l = ctx;

	if (l->n < 8) {
		l->vaddr[l->n] = vaddr;
		l->paddr[l->n] = paddr;
		l->size[l->n] = size;
		l->n++;
	}
	l->calls++;
	return 0;
}

/* Every present mapping in address order, large pages cut to the range asked. */
static void leaves_in_address_order(void **state)
{
	static struct kdk_x86_64_vtop vt;
	const uint64_t direct = 0xff11000000000000ULL;
	struct leaves l = { 0 };
	(void)state;

	init(&vt, 5);
	/* from 1 MiB into the 1 GiB page to the 4 KiB page at 2 MiB + 12 KiB of the next GiB */
	assert_int_equal(kdk_x86_64_vtop_leaves(&vt, 0, direct + 0x100000, direct + (1ULL << 30) + 0x204000,
						collect_leaf, &l), 0);
	assert_int_equal(l.n, 3);
	assert_true(l.vaddr[0] == direct + 0x100000 && l.paddr[0] == 0x100000 &&
		    l.size[0] == (1ULL << 30) - 0x100000);
	assert_true(l.vaddr[1] == direct + (1ULL << 30) && l.paddr[1] == 0x200000 && l.size[1] == 0x200000);
	assert_true(l.vaddr[2] == direct + (1ULL << 30) + 0x203000 && l.paddr[2] == 0x345000 &&
		    l.size[2] == 0x1000);
}

/* Damaged tables whose every entry points on, level after level: the walk stops, it does not
 * visit 512^3 tables. */
static void damaged_tables_stop_the_walk(void **state)
{
	static struct kdk_x86_64_vtop vt;
	const uint64_t pud = 0x110000, pmd = 0x111000;
	struct leaves l = { 0 };
	unsigned i;
	(void)state;

	init(&vt, 4);
	for (i = 0; i < 512; i++) {
		set_entry(0x100000, i, pud | P | RW);
		set_entry(pud, i, pmd | P | RW);
		set_entry(pmd, i, 0x112000 | P | RW);   /* a PTE table of nothing present */
	}
	init(&vt, 4);           /* a fresh table cache (top[0] is build_tables' again) */
	assert_int_equal(kdk_x86_64_vtop_leaves(&vt, 0, 0, UINT64_MAX, collect_leaf, &l), -E2BIG);
	assert_int_equal(l.calls, 3);   /* top[0]'s own three mappings, walked first */
}

static void bad_parameters_are_refused(void **state)
{
	struct kdk_x86_64_vtop vt;
	struct kdk_x86_64_paging paging = { 0, 0, 0xff11000000000000ULL, 4, 0 };
	struct kdk_err err = { 0 };
	(void)state;

	assert_int_equal(kdk_x86_64_vtop_init(&vt, &dump, &paging, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "outside the kernel image"));
	paging.top_pgt_vaddr = TEXT_MAP;
	paging.levels = 3;
	assert_int_equal(kdk_x86_64_vtop_init(&vt, &dump, &paging, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(four_level_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(five_level_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(read_virt_crosses_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_image_extent_from_its_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(direct_map_by_arithmetic, setup, teardown),
		cmocka_unit_test_setup_teardown(direct_map_base_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(direct_map_found_among_fixed_bases, setup, teardown),
		cmocka_unit_test_setup_teardown(leaves_in_address_order, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_tables_stop_the_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_parameters_are_refused, setup, teardown),
	};
	return cmocka_run_group_tests_name("x86_64_vtop", tests, NULL, NULL);
}
