/* test_maple_tree.c — lib/maple_tree over synthetic nodes laid out as 64-bit kernels lay them
 * (include/linux/maple_tree.h, v6.1–v7.x): entries in index order with their ranges, gaps and
 * reserved entries skipped, a zero pivot read as the node's end, metadata after the end never
 * read as a slot; a single root entry; corrupt trees (a loop, an unknown node type, a pivot out
 * of range, an unreadable node) refused naming the node; the layout from fact lookups. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "maple_tree.h"

/* The 64-bit layout: maple_tree { spinlock_t (4 bytes, padded); ma_root at 8 }; a 256-byte node:
 * parent, then maple_range_64's 15 pivots and 16 slots, or maple_arange_64's 9 pivots, 10 slots,
 * 10 gaps. */
static const struct kdk_maple_layout layout = {
	.tree_root = 8, .node_size = 256,
	.r64_pivot = 8, .r64_slot = 128, .r64_slots = 16,
	.a64_pivot = 8, .a64_slot = 80, .a64_slots = 10,
	.type_dense = 0, .type_leaf_64 = 1, .type_range_64 = 2, .type_arange_64 = 3,
};

#define BASE 0x100000ULL
static uint8_t memory[0x1000];      /* BASE.. : the tree at BASE, nodes at BASE + 0x100 * n */

static int mem_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	if (vaddr < BASE || vaddr + len > BASE + sizeof(memory))
		return kdk_err_set(err, EFAULT, "address %llx not in the dump", (unsigned long long)vaddr);
	memcpy(buf, memory + (vaddr - BASE), len);
	return 0;
}

static uint64_t node_addr(unsigned n) { return BASE + 0x100 * n; }
/* lib/maple_tree.c mt_mk_node: type in bits 3..6, MAPLE_ENODE_NULL (bit 2); the root pointer adds
 * MAPLE_ROOT_NODE (bit 1, mte_mk_root) */
static uint64_t enode(unsigned n, unsigned type) { return node_addr(n) | (type << 3) | 4; }
static uint64_t root(unsigned n, unsigned type) { return enode(n, type) | 2; }

static void put(uint64_t addr, uint64_t value) { memcpy(memory + (addr - BASE), &value, 8); }
static void pivot(unsigned n, unsigned i, uint64_t v, bool arange)
{
	put(node_addr(n) + (arange ? layout.a64_pivot : layout.r64_pivot) + 8 * i, v);
}
static void slot(unsigned n, unsigned i, uint64_t v, bool arange)
{
	put(node_addr(n) + (arange ? layout.a64_slot : layout.r64_slot) + 8 * i, v);
}

struct seen { uint64_t first[16], last[16], entry[16]; unsigned n; };

static int record(void *ctx, uint64_t first, uint64_t last, uint64_t entry, struct kdk_err *err)
{
	struct seen *s = ctx;

	(void)err;
	if (s->n >= 16)
		return -E2BIG;
	s->first[s->n] = first, s->last[s->n] = last, s->entry[s->n] = entry;
	s->n++;
	return 0;
}

/* root (arange, node 1) → leaf 2 [0, 0x4fff] and leaf 3 [0x5000, max] */
static void build_tree(void)
{
	memset(memory, 0, sizeof(memory));
	put(BASE + layout.tree_root, root(1, 3));
	pivot(1, 0, 0x4fff, true);
	slot(1, 0, enode(2, 1), true);
	slot(1, 1, enode(3, 1), true);          /* pivot 1 stays 0: the node's last slot */
	pivot(2, 0, 0x3fff, false);             /* [0, 0x3fff] a gap */
	pivot(2, 1, 0x4fff, false);             /* [0x4000, 0x4fff] A: the pivot is the node's max */
	slot(2, 1, 0xa000, false);
	slot(2, 2, 0xbad0, false);              /* stale: after the node's end */
	pivot(3, 0, 0x5fff, false);
	slot(3, 0, 0xb000, false);              /* [0x5000, 0x5fff] B */
	pivot(3, 1, 0x6fff, false);
	slot(3, 1, 0x406, false);               /* XA_ZERO_ENTRY: reserved, skipped */
	pivot(3, 2, 0x7fff, false);
	slot(3, 2, 0xc000, false);              /* [0x7000, 0x7fff] C */
	slot(3, 15, 0x0102, false);             /* the metadata (end 2, gap 1) where slot 15 would be */
}

static void walks_in_order(void **state)
{
	struct seen s = { 0 };
	struct kdk_err err = { 0 };

	(void)state;
	build_tree();
	assert_int_equal(kdk_maple_walk(&layout, BASE, mem_read, NULL, record, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.entry[0], 0xa000);
	assert_int_equal(s.first[0], 0x4000);
	assert_int_equal(s.last[0], 0x4fff);
	assert_int_equal(s.entry[1], 0xb000);
	assert_int_equal(s.first[1], 0x5000);
	assert_int_equal(s.last[1], 0x5fff);
	assert_int_equal(s.entry[2], 0xc000);
	assert_int_equal(s.first[2], 0x7000);
	assert_int_equal(s.last[2], 0x7fff);
}

static void empty_and_single_entry_roots(void **state)
{
	struct seen s = { 0 };
	struct kdk_err err = { 0 };

	(void)state;
	memset(memory, 0, sizeof(memory));
	assert_int_equal(kdk_maple_walk(&layout, BASE, mem_read, NULL, record, &s, &err), 0);
	assert_int_equal(s.n, 0);
	put(BASE + layout.tree_root, 0xd000);   /* bits 10 clear: the entry itself, index 0 */
	assert_int_equal(kdk_maple_walk(&layout, BASE, mem_read, NULL, record, &s, &err), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.entry[0], 0xd000);
	assert_int_equal(s.last[0], 0);
}

static void corrupt_trees_refused(void **state)
{
	struct seen s = { 0 };
	struct kdk_err err = { 0 };

	(void)state;
	/* a range node pointing at itself: refused at the height limit */
	memset(memory, 0, sizeof(memory));
	put(BASE + layout.tree_root, root(1, 2));
	slot(1, 0, enode(1, 2), false);
	assert_int_equal(kdk_maple_walk(&layout, BASE, mem_read, NULL, record, &s, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "100100"));

	build_tree();
	slot(1, 1, enode(3, 0), true);          /* maple_dense: not read */
	s.n = 0;
	assert_int_equal(kdk_maple_walk(&layout, BASE, mem_read, NULL, record, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "maple_dense"));

	build_tree();
	pivot(3, 0, 0x1000, false);             /* below the node's minimum 0x5000 */
	s.n = 0;
	assert_int_equal(kdk_maple_walk(&layout, BASE, mem_read, NULL, record, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "100300"));

	build_tree();
	slot(1, 0, 0x7700000000000004ULL | (1 << 3), true);   /* a node outside the dump */
	s.n = 0;
	assert_int_equal(kdk_maple_walk(&layout, BASE, mem_read, NULL, record, &s, &err), -EFAULT);
	assert_non_null(strstr(err.msg, "7700000000000000"));
}

/* kdk_maple_layout_fill through a lookup: every fact named, a missing one refused by name. */
static int lookup_61(void *ctx, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	static const struct { enum kdk_layout_kind kind; const char *name; uint64_t value; } facts[] = {
		{ KDK_KEY_OFFSET, "maple_tree.ma_root", 8 }, { KDK_KEY_SIZE, "maple_node", 256 },
		{ KDK_KEY_OFFSET, "maple_range_64.pivot", 8 }, { KDK_KEY_OFFSET, "maple_range_64.slot", 128 },
		{ KDK_KEY_LENGTH, "maple_range_64.slot", 16 }, { KDK_KEY_OFFSET, "maple_arange_64.pivot", 8 },
		{ KDK_KEY_OFFSET, "maple_arange_64.slot", 80 }, { KDK_KEY_LENGTH, "maple_arange_64.slot", 10 },
		{ KDK_KEY_NUMBER, "maple_dense", 0 }, { KDK_KEY_NUMBER, "maple_leaf_64", 1 },
		{ KDK_KEY_NUMBER, "maple_range_64", 2 }, { KDK_KEY_NUMBER, "maple_arange_64", 3 },
	};
	const char *missing = ctx;
	size_t i;

	for (i = 0; i < sizeof(facts) / sizeof(facts[0]); i++)
		if (facts[i].kind == kind && !strcmp(facts[i].name, name) && !(missing && !strcmp(missing, name))) {
			*value = facts[i].value;
			return 0;
		}
	return -ENOENT;
}

static void layout_from_facts(void **state)
{
	struct kdk_maple_layout l;
	struct kdk_err err = { 0 };

	(void)state;
	assert_int_equal(kdk_maple_layout_fill(&l, lookup_61, NULL, &err), 0);
	assert_memory_equal(&l, &layout, sizeof(l));
	assert_int_equal(kdk_maple_layout_fill(&l, lookup_61, (void *)"maple_arange_64.slot", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "maple_arange_64.slot"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_in_order),
		cmocka_unit_test(empty_and_single_entry_roots),
		cmocka_unit_test(corrupt_trees_refused),
		cmocka_unit_test(layout_from_facts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
