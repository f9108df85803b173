/* fuzz_maple_tree.c — the maple tree walker (lib/maple_tree.c) over 4 KiB of fake kernel memory
 * taken from the input: the struct maple_tree at its start, nodes anywhere in it; the 64-bit
 * layout of 6.1–7.x, as in the unit test. */
#include "fuzz_common.h"
#include "maple_tree.h"

#define BASE 0xff11000000100000ULL
#define MEM_SIZE 4096
#define MAX_ENTRIES 4096

static const struct kdk_maple_layout layout = {
	.tree_root = 8, .node_size = 256,
	.r64_pivot = 8, .r64_slot = 128, .r64_slots = 16,
	.a64_pivot = 8, .a64_slot = 80, .a64_slots = 10,
	.type_dense = 0, .type_leaf_64 = 1, .type_range_64 = 2, .type_arange_64 = 3,
};

static int count(void *ctx, uint64_t first, uint64_t last, uint64_t entry, struct kdk_err *err)
{
	unsigned *n = ctx;

	(void)entry;
	if (first > last)
		abort();       /* the walker promised ordered, non-empty ranges */
	if (++*n > MAX_ENTRIES)
		return kdk_err_set(err, E2BIG, "too many entries");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[MEM_SIZE];
	struct fuzz_mem m = { BASE, mem, sizeof(mem) };
	struct kdk_err err = { 0 };
	unsigned n = 0;

	memset(mem, 0, sizeof(mem));
	memcpy(mem, data, size < sizeof(mem) ? size : sizeof(mem));
	(void)kdk_maple_walk(&layout, BASE, fuzz_mem_read, &m, count, &n, &err);
	return 0;
}
