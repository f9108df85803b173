/* test_mem_map.c — pfn → struct page through a fake SPARSEMEM_EXTREME mem_section table laid
 * out like the lab kernels' (SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS 52, SIZE(mem_section) 16). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mem_map.h"

#define ROOTS_VADDR 0xff11000010000000ULL  /* value of SYMBOL(mem_section) */
#define ROOT0_VADDR 0xff11000020000000ULL  /* root 0: sections 0..255 */
#define VMEMMAP 0xffea000000000000ULL

/* Kernel memory the test serves: the root array (root 0 set, others 0) and root 0's sections. */
static uint64_t root_array[4];
static uint64_t sections[256 * 2]; /* 16-byte mem_section: section_mem_map, usage */
static int reads;

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	reads++;
	if (vaddr >= ROOTS_VADDR && vaddr + len <= ROOTS_VADDR + sizeof(root_array)) {
		memcpy(buf, (char *)root_array + (vaddr - ROOTS_VADDR), len);
		return 0;
	}
	if (vaddr >= ROOT0_VADDR && vaddr + len <= ROOT0_VADDR + sizeof(sections)) {
		memcpy(buf, (char *)sections + (vaddr - ROOT0_VADDR), len);
		return 0;
	}
	/* roots past the array read as zero (absent) */
	if (vaddr >= ROOTS_VADDR && vaddr < ROOTS_VADDR + 131072 * 8) {
		memset(buf, 0, len);
		return 0;
	}
	return kdk_err_set(err, EFAULT, "0x%llx not mapped", (unsigned long long)vaddr);
}

static const struct kdk_mem_map_layout layout = {
	.mem_section = ROOTS_VADDR, .nr_roots = 131072, .mem_section_size = 16,
	.off_section_mem_map = 0, .section_size_bits = 27, .max_physmem_bits = 52,
	.page_struct_size = 64,
};

static int setup(void **state)
{
	(void)state;
	memset(root_array, 0, sizeof(root_array));
	memset(sections, 0, sizeof(sections));
	root_array[0] = ROOT0_VADDR;
	/* sections 0..7 (1 GiB) present with the vmemmap encoding + flags PRESENT|HAS_MEM_MAP|ONLINE */
	for (int i = 0; i < 8; i++)
		sections[i * 2] = VMEMMAP | 0x7;
	sections[3 * 2] = 0x1; /* section 3: present, no mem_map */
	reads = 0;
	return 0;
}

static void vmemmap_pages_are_linear(void **state)
{
	struct kdk_mem_map mm;
	struct kdk_err err = { 0 };
	uint64_t addr;
	(void)state;

	assert_int_equal(kdk_mem_map_init(&mm, &layout, 12, fake_read, NULL, &err), 0);
	assert_int_equal(kdk_mem_map_section_pages(&mm), 32768);
	assert_int_equal(kdk_mem_map_page_addr(&mm, 0, &addr, &err), 0);
	assert_int_equal(addr, VMEMMAP);
	assert_int_equal(kdk_mem_map_page_addr(&mm, 0x12345, &addr, &err), 0);
	assert_int_equal(addr, VMEMMAP + 0x12345ULL * 64);
	/* same section again: no new reads */
	reads = 0;
	assert_int_equal(kdk_mem_map_page_addr(&mm, 0x12346, &addr, &err), 0);
	assert_int_equal(reads, 0);
}

static void sections_without_mem_map_are_enoent(void **state)
{
	struct kdk_mem_map mm;
	struct kdk_err err = { 0 };
	uint64_t addr;
	(void)state;

	assert_int_equal(kdk_mem_map_init(&mm, &layout, 12, fake_read, NULL, &err), 0);
	assert_int_equal(kdk_mem_map_page_addr(&mm, 3 * 32768 + 5, &addr, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "section 3"));
	/* a root that is NULL (memory far above RAM) */
	assert_int_equal(kdk_mem_map_page_addr(&mm, 1ULL << 30, &addr, &err), -ENOENT);
	/* past every root */
	assert_int_equal(kdk_mem_map_page_addr(&mm, 1ULL << 41, &addr, &err), -ENOENT);
}

static void non_extreme_layout_is_refused(void **state)
{
	struct kdk_mem_map mm;
	struct kdk_err err = { 0 };
	struct kdk_mem_map_layout flat = layout;
	(void)state;

	flat.nr_roots = 1ULL << 25; /* one section per root: the static array */
	assert_int_equal(kdk_mem_map_init(&mm, &flat, 12, fake_read, NULL, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "SPARSEMEM_EXTREME"));
	flat = layout;
	flat.section_size_bits = 10;
	assert_int_equal(kdk_mem_map_init(&mm, &flat, 12, fake_read, NULL, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(vmemmap_pages_are_linear, setup),
		cmocka_unit_test_setup(sections_without_mem_map_are_enoent, setup),
		cmocka_unit_test_setup(non_extreme_layout_is_refused, setup),
	};
	return cmocka_run_group_tests_name("mem_map", tests, NULL, NULL);
}
