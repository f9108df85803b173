/* maple_tree.h — walking a kernel maple tree in a dump (include/linux/maple_tree.h, lib/maple_tree.c
 * since 6.1): every present entry with its inclusive index range, in index order; node layout from
 * the fact chain, pointer encoding from the kernel source (docs/formats/maple-tree.md). */
#ifndef KDK_MAPLE_TREE_H
#define KDK_MAPLE_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_err.h"
#include "kdk_kmem.h"
#include "kdk_layout.h"

struct kdk_maple_layout {
	uint64_t tree_root;                   /* OFFSET(maple_tree.ma_root) */
	uint64_t node_size;                   /* SIZE(maple_node) */
	uint64_t r64_pivot, r64_slot, r64_slots;   /* maple_range_64: pivot[], slot[], LENGTH(slot) */
	uint64_t a64_pivot, a64_slot, a64_slots;   /* maple_arange_64 */
	uint64_t type_dense, type_leaf_64, type_range_64, type_arange_64;  /* enum maple_type */
};

/* The layout through a fact lookup (kdk_facts_lookup); ENOENT names the first fact missing. */
int kdk_maple_layout_fill(struct kdk_maple_layout *l, kdk_layout_lookup_fn lookup, void *ctx,
			  struct kdk_err *err);

/* Called for each present entry: first..last its index range. Non-zero stops the walk. */
typedef int (*kdk_maple_visit_fn)(void *ctx, uint64_t first, uint64_t last, uint64_t entry,
				  struct kdk_err *err);

/* Walk the tree at address tree (a struct maple_tree) in index order. Reserved entries (the
 * kernel's internal values below 4096 with bits 1..0 = 10, e.g. XA_ZERO_ENTRY) are skipped. A
 * node that cannot be read, a node type that is no known one, a tree deeper than the kernel
 * allows or ranges out of order fail naming the node's address. */
int kdk_maple_walk(const struct kdk_maple_layout *l, uint64_t tree, kdk_read_virt_fn read,
		   void *read_ctx, kdk_maple_visit_fn visit, void *visit_ctx, struct kdk_err *err);

#endif
