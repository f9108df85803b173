/* fuzz_x86_64_vtop.c — kernel address translation (lib/x86_64_vtop.c) over page tables taken from
 * the input: its first byte picks 4- or 5-level paging, the rest is physical memory from 0 (up to
 * 64 KiB, 16 pages) with the top table at page 1; a fake dump serves it. Every present mapping is
 * walked (kdk_x86_64_vtop_leaves over the whole address space, then a cut range), a few addresses
 * traced and translated, and a direct-map base from the input's bytes set and used, as kcrash's
 * vtop, search and reads do on a dump whose tables may be damaged. */
#include "fuzz_common.h"
#include "../fake_phys_dump.h"
#include "x86_64_vtop.h"

#define MEM_PAGES 16
#define TEXT_MAP 0xffffffff80000000ULL

static unsigned char mem[MEM_PAGES * 4096];

struct count {
	uint64_t leaves, last_end;
};

static int count_leaf(void *ctx, uint64_t vaddr, uint64_t paddr, uint64_t size)
{
	struct count *c = ctx;

	(void)paddr;
	/* the walk promised address order and no empty leaf */
	if (!size || (c->leaves && vaddr < c->last_end))
		abort();
	c->last_end = vaddr + size;
	return ++c->leaves > (1u << 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char phys_page[4096];
	static struct kdk_x86_64_vtop vt;
	struct kdk_dump dump;
	struct kdk_x86_64_paging paging = { 0 };
	struct kdk_vtop_trace trace;
	struct kdk_err err = { 0 };
	struct count c = { 0, 0 };
	uint64_t probes[4] = { 0xff11000000000000ULL, 0xffff888000001000ULL, 0xffffc90000000000ULL,
			       0x0000000000400000ULL }, paddr, base = 0;
	unsigned i;

	if (size < 1)
		return 0;
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data + 1, size - 1 < sizeof(mem) ? size - 1 : sizeof(mem));
	fake_phys_dump_init(&dump, mem, MEM_PAGES, phys_page);
	paging.levels = data[0] & 1 ? 5 : 4;
	paging.top_pgt_vaddr = TEXT_MAP + 0x1000;    /* page 1, phys_base 0 */
	if (kdk_x86_64_vtop_init(&vt, &dump, &paging, &err) < 0)
		return 0;
	(void)kdk_x86_64_vtop_leaves(&vt, 0, 0, UINT64_MAX, count_leaf, &c);
	c.leaves = c.last_end = 0;
	(void)kdk_x86_64_vtop_leaves(&vt, 0, 0xff00000000001234ULL, 0xff00800000000000ULL, count_leaf, &c);
	if (size >= 9)
		memcpy(&base, data + size - 8, 8);
	for (i = 0; i < 4; i++) {
		(void)kdk_x86_64_vtop_trace(&vt, 0, probes[i], &trace, &err);
		if (trace.count > 5)
			abort();
		(void)kdk_x86_64_vtop(&vt, probes[i] ^ (base & 0xfffff000), &paddr, &err);
	}
	if (kdk_x86_64_vtop_set_direct_map(&vt, base & ~((1ULL << 30) - 1), MEM_PAGES * 4096ULL, &err) == 0)
		(void)kdk_x86_64_vtop(&vt, (base & ~((1ULL << 30) - 1)) + 0x1234, &paddr, &err);
	(void)kdk_x86_64_vtop_find_direct_map(&vt, &base, &err);
	return 0;
}
