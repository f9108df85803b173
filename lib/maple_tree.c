/* maple_tree.c — the maple tree walker: encoded node pointers decoded, each node's slots taken in
 * order over the ranges its pivots give, leaves' entries handed to the caller. */
#include "maple_tree.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* include/linux/maple_tree.h and lib/maple_tree.c (v6.1, unchanged through v7.x): nodes are
 * 256-byte aligned, so an encoded node pointer ("maple_enode", mt_mk_node) keeps the node type in
 * bits 3..6 (MAPLE_NODE_TYPE_SHIFT, MAPLE_NODE_TYPE_MASK), bit 2 (MAPLE_ENODE_NULL) and the node
 * address above MAPLE_NODE_MASK. Only the root pointer also has bit 1 (MAPLE_ROOT_NODE,
 * mte_mk_root): the tree's root is a node when its bits 1..0 are 10 and it is above
 * MAPLE_RESERVED_RANGE (xa_is_node); any other non-NULL root is the tree's single entry. An
 * internal node's slots hold child nodes only. These are macros: no BTF or DWARF carries them. */
#define MAPLE_NODE_MASK       255ULL
#define MAPLE_NODE_TYPE_SHIFT 3
#define MAPLE_NODE_TYPE_MASK  0x0F
#define MAPLE_RESERVED_RANGE  4096
#define MAPLE_HEIGHT_MAX      31
#define MAPLE_MAX_SLOTS       64       /* any 256-byte node holds fewer 8-byte slots */
#define MAPLE_MAX_NODE_SIZE   512      /* 256 bytes on every 64-bit kernel */

static bool is_internal(uint64_t entry)
{
	return (entry & 3) == 2;
}

static bool is_node(uint64_t entry)
{
	return is_internal(entry) && entry > MAPLE_RESERVED_RANGE;
}

int kdk_maple_layout_fill(struct kdk_maple_layout *l, kdk_layout_lookup_fn lookup, void *ctx,
			  struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "maple_tree.ma_root", struct kdk_maple_layout, tree_root),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "maple_node", struct kdk_maple_layout, node_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "maple_range_64.pivot", struct kdk_maple_layout, r64_pivot),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "maple_range_64.slot", struct kdk_maple_layout, r64_slot),
		KDK_LAYOUT_KEY(KDK_KEY_LENGTH, "maple_range_64.slot", struct kdk_maple_layout, r64_slots),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "maple_arange_64.pivot", struct kdk_maple_layout, a64_pivot),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "maple_arange_64.slot", struct kdk_maple_layout, a64_slot),
		KDK_LAYOUT_KEY(KDK_KEY_LENGTH, "maple_arange_64.slot", struct kdk_maple_layout, a64_slots),
		KDK_LAYOUT_KEY(KDK_KEY_NUMBER, "maple_dense", struct kdk_maple_layout, type_dense),
		KDK_LAYOUT_KEY(KDK_KEY_NUMBER, "maple_leaf_64", struct kdk_maple_layout, type_leaf_64),
		KDK_LAYOUT_KEY(KDK_KEY_NUMBER, "maple_range_64", struct kdk_maple_layout, type_range_64),
		KDK_LAYOUT_KEY(KDK_KEY_NUMBER, "maple_arange_64", struct kdk_maple_layout, type_arange_64),
		{ 0 },
	};
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = kdk_layout_fill(keys, l, lookup, ctx, err)))
		return rc;
	if (!l->r64_slots || l->r64_slots > MAPLE_MAX_SLOTS || !l->a64_slots ||
	    l->a64_slots > MAPLE_MAX_SLOTS || l->node_size > MAPLE_MAX_NODE_SIZE ||
	    l->r64_slot + 8 * l->r64_slots > l->node_size || l->a64_slot + 8 * l->a64_slots > l->node_size ||
	    l->r64_pivot + 8 * (l->r64_slots - 1) > l->node_size ||
	    l->a64_pivot + 8 * (l->a64_slots - 1) > l->node_size)
		return kdk_err_set(err, EINVAL, "maple tree: node layout does not fit SIZE(maple_node) = %" PRIu64
				   " (range_64 %" PRIu64 " slots, arange_64 %" PRIu64 ")",
				   l->node_size, l->r64_slots, l->a64_slots);
	return 0;
}

struct walk {
	const struct kdk_maple_layout *l;
	kdk_read_virt_fn read;
	void *read_ctx;
	kdk_maple_visit_fn visit;
	void *visit_ctx;
	uint64_t last_visited;      /* ranges come in order: the end of the previous entry */
	bool visited_any;
};

static int visit_entry(struct walk *w, uint64_t first, uint64_t last, uint64_t entry,
		       struct kdk_err *err)
{
	if (!entry || is_internal(entry))
		return 0;       /* empty, or a reserved value (XA_ZERO_ENTRY…) */
	if (first > last || (w->visited_any && first <= w->last_visited))
		return kdk_err_set(err, EINVAL, "maple tree: entry %" PRIx64 " at [%" PRIx64 ", %" PRIx64
				   "] is out of order (after %" PRIx64 ")", entry, first, last, w->last_visited);
	w->visited_any = true;
	w->last_visited = last;
	return w->visit(w->visit_ctx, first, last, entry, err);
}

/* One node (encoded pointer enode) covering [min, max]. */
static int walk_node(struct walk *w, uint64_t enode, uint64_t min, uint64_t max, unsigned depth,
		     struct kdk_err *err)
{
	const struct kdk_maple_layout *l = w->l;
	uint64_t node = enode & ~MAPLE_NODE_MASK, type = (enode >> MAPLE_NODE_TYPE_SHIFT) & MAPLE_NODE_TYPE_MASK;
	uint64_t slots, pivot_off, slot_off, cur_min = min;
	uint8_t buf[MAPLE_MAX_NODE_SIZE];
	unsigned i;
	int rc;

	if (depth > MAPLE_HEIGHT_MAX)
		return kdk_err_set(err, ELOOP, "maple tree: node %" PRIx64 " is deeper than %d levels",
				   node, MAPLE_HEIGHT_MAX);
	if (type == l->type_leaf_64 || type == l->type_range_64) {
		slots = l->r64_slots, pivot_off = l->r64_pivot, slot_off = l->r64_slot;
	} else if (type == l->type_arange_64) {
		slots = l->a64_slots, pivot_off = l->a64_pivot, slot_off = l->a64_slot;
	} else {
		return kdk_err_set(err, EINVAL, "maple tree: node %" PRIx64 " has type %" PRIu64
				   "%s, which this walker does not read", node, type,
				   type == l->type_dense ? " (maple_dense)" : "");
	}
	if ((rc = w->read(w->read_ctx, node, buf, l->node_size, err)))
		return kdk_err_prefix(err, "maple tree: node %" PRIx64 ": ", node);
	for (i = 0; i < slots; i++) {
		uint64_t pivot, slot;

		/* lib/maple_tree.c mas_logical_pivot: a slot past the pivots ends at the node's max,
		 * and so does one whose pivot is 0 at a non-zero offset: the node's last slot. */
		if (i < slots - 1)
			memcpy(&pivot, buf + pivot_off + 8 * i, 8);
		else
			pivot = max;
		if (!pivot && i)
			pivot = max;
		if (pivot > max || pivot < cur_min)
			return kdk_err_set(err, EINVAL, "maple tree: node %" PRIx64 " slot %u: pivot %" PRIx64
					   " outside [%" PRIx64 ", %" PRIx64 "]", node, i, pivot, cur_min, max);
		memcpy(&slot, buf + slot_off + 8 * i, 8);
		if (type == l->type_leaf_64)
			rc = visit_entry(w, cur_min, pivot, slot, err);
		else if (slot && (slot & ~MAPLE_NODE_MASK) < MAPLE_RESERVED_RANGE)
			rc = kdk_err_set(err, EINVAL, "maple tree: node %" PRIx64 " slot %u holds %" PRIx64
					 ", not a node", node, i, slot);
		else
			rc = slot ? walk_node(w, slot, cur_min, pivot, depth + 1, err) : 0;
		if (rc)
			return rc;
		if (pivot >= max)
			break;
		cur_min = pivot + 1;
	}
	return 0;
}

int kdk_maple_walk(const struct kdk_maple_layout *l, uint64_t tree, kdk_read_virt_fn read,
		   void *read_ctx, kdk_maple_visit_fn visit, void *visit_ctx, struct kdk_err *err)
{
	struct walk w = { .l = l, .read = read, .read_ctx = read_ctx, .visit = visit,
			  .visit_ctx = visit_ctx };
	uint64_t root;
	int rc;

	if ((rc = read(read_ctx, tree + l->tree_root, &root, 8, err)))
		return kdk_err_prefix(err, "maple tree at %" PRIx64 ": ", tree);
	if (!root)
		return 0;
	if (!is_node(root))     /* a single entry at index 0, kept in the root pointer */
		return visit_entry(&w, 0, 0, root, err);
	return walk_node(&w, root, 0, UINT64_MAX, 0, err);
}
