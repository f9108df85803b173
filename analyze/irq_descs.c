/* irq_descs.c — IRQ descriptors by number. Which store exists is told by its symbol:
 * kernel/irq/irqdesc.c has `struct maple_tree sparse_irqs` since 6.5 ("genirq: Use a maple tree
 * for interrupt descriptor management"), `RADIX_TREE(irq_desc_tree)` before it with SPARSE_IRQ,
 * and `struct irq_desc irq_desc[NR_IRQS]` without. The two trees are walked as lib/maple_tree.c
 * and lib/radix-tree.c (an xarray since 4.20) encode their nodes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "irq_descs.h"

struct tree_layout {
	/* struct xarray / radix_tree_root, struct xa_node */
	uint64_t xa_head, xa_shift, xa_slots, xa_nslots;
	/* struct maple_tree, maple_range_64 / maple_arange_64 (both at offset 0 of maple_node) */
	uint64_t ma_root, mr_pivot, mr_npivots, mr_slot, ma_pivot, ma_npivots, ma_slot;
	uint64_t desc_size;
	bool have_xa, have_ma;
};

#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct tree_layout, field, flag)
static const struct kdk_layout_key xa_keys[] = {
	OPT(OFFSET, "xarray.xa_head|radix_tree_root.xa_head", xa_head, have_xa),
	OPT(OFFSET, "xa_node.shift", xa_shift, have_xa),
	OPT(OFFSET, "xa_node.slots", xa_slots, have_xa),
	OPT(LENGTH, "xa_node.slots", xa_nslots, have_xa),
	{ 0, NULL, 0, 0 },
};
static const struct kdk_layout_key ma_keys[] = {
	OPT(OFFSET, "maple_tree.ma_root", ma_root, have_ma),
	OPT(OFFSET, "maple_range_64.pivot", mr_pivot, have_ma),
	OPT(LENGTH, "maple_range_64.pivot", mr_npivots, have_ma),
	OPT(OFFSET, "maple_range_64.slot", mr_slot, have_ma),
	OPT(OFFSET, "maple_arange_64.pivot", ma_pivot, have_ma),
	OPT(LENGTH, "maple_arange_64.pivot", ma_npivots, have_ma),
	OPT(OFFSET, "maple_arange_64.slot", ma_slot, have_ma),
	{ 0, NULL, 0, 0 },
};
#undef OPT

/* include/linux/xarray.h: an internal entry has low bits 10 and is above 4096 (xa_is_node). */
static bool xa_is_node(uint64_t entry)
{
	return (entry & 3) == 2 && entry > 4096;
}

static void put(struct irq_descs *d, uint64_t index, uint64_t desc)
{
	if (index < d->nr_irqs)
		d->desc[index] = desc;
}

static int walk_xa(struct session *s, const struct tree_layout *l, struct irq_descs *d, uint64_t entry,
		   uint64_t base, int depth, struct kdk_err *err)
{
	uint64_t node = entry - 2, i;
	uint8_t shift;
	int rc;

	if (depth > 16)
		return kdk_err_set(err, ELOOP, "irq_desc_tree deeper than 16 at %" PRIx64, node);
	if ((rc = session_read(s, node + l->xa_shift, &shift, 1, err)))
		return rc;
	for (i = 0; i < l->xa_nslots; i++) {
		uint64_t slot, index = base + (i << shift);

		if ((rc = session_read(s, node + l->xa_slots + 8 * i, &slot, 8, err)))
			return rc;
		if (!slot)
			continue;
		if (xa_is_node(slot) && shift) {
			if ((rc = walk_xa(s, l, d, slot, index, depth + 1, err)))
				return rc;
		} else if (!xa_is_node(slot)) {
			put(d, index, slot);
		}
	}
	return 0;
}

/* lib/maple_tree.c: a node pointer holds the node (256-byte aligned) with its type in bits 3-6
 * (enum maple_type: dense, leaf_64, range_64, arange_64). Slot i covers up to pivot[i] (the
 * node's max past the pivots); a pivot of 0 after the first, or reaching max, ends the node. */
static int walk_ma(struct session *s, const struct tree_layout *l, struct irq_descs *d, uint64_t entry,
		   uint64_t min, uint64_t max, int depth, struct kdk_err *err)
{
	uint64_t node = entry & ~(uint64_t)0xff, type = (entry >> 3) & 0xf, npivots, pivot_off, slot_off;
	uint64_t first = min, i;
	int rc;

	if (depth > 32)
		return kdk_err_set(err, ELOOP, "sparse_irqs deeper than 32 at %" PRIx64, node);
	if (type == 3) {
		npivots = l->ma_npivots;
		pivot_off = l->ma_pivot;
		slot_off = l->ma_slot;
	} else if (type == 1 || type == 2) {
		npivots = l->mr_npivots;
		pivot_off = l->mr_pivot;
		slot_off = l->mr_slot;
	} else {
		return kdk_err_set(err, EINVAL, "sparse_irqs: node %" PRIx64 " of type %" PRIu64
						" (dense nodes are not read)", node, type);
	}
	for (i = 0; i <= npivots; i++) {
		uint64_t last = max, slot;

		if (i < npivots && (rc = session_read(s, node + pivot_off + 8 * i, &last, 8, err)))
			return rc;
		if (i && !last)
			break;
		if (last > max)
			last = max;
		if ((rc = session_read(s, node + slot_off + 8 * i, &slot, 8, err)))
			return rc;
		if (slot) {
			if (type == 1)
				put(d, first, slot);
			else if ((rc = walk_ma(s, l, d, slot, first, last, depth + 1, err)))
				return rc;
		}
		if (last >= max)
			break;
		first = last + 1;
	}
	return 0;
}

int irq_descs_load(struct session *s, struct irq_descs *d, struct kdk_err *err)
{
	struct tree_layout l;
	uint64_t addr, root, i;
	int32_t nr;
	int rc;

	memset(d, 0, sizeof(*d));
	memset(&l, 0, sizeof(l));
	/* int nr_irqs until 6.12; 6.13 made it unsigned total_nr_irqs behind irq_get_nr_irqs() */
	if (session_symbol(s, "nr_irqs", &addr, err)) {
		kdk_err_clear(err);
		if ((rc = session_symbol(s, "total_nr_irqs", &addr, err)))
			return kdk_err_set(err, ENOENT, "neither nr_irqs nor total_nr_irqs is a symbol");
	}
	if ((rc = session_read(s, addr, &nr, 4, err)))
		return rc;
	if (nr <= 0 || nr > (1 << 24))
		return kdk_err_set(err, EINVAL, "nr_irqs reads %d", nr);
	d->nr_irqs = (uint32_t)nr;
	if (!(d->desc = calloc(d->nr_irqs, sizeof(*d->desc))))
		return kdk_err_set(err, ENOMEM, "%u IRQ descriptors", d->nr_irqs);
	if ((rc = kdk_facts_fill(&s->facts, xa_keys, &l, err)) ||
	    (rc = kdk_facts_fill(&s->facts, ma_keys, &l, err)))
		goto fail;
	if (!session_symbol(s, "sparse_irqs", &addr, err)) {
		d->store = "sparse_irqs";
		if (!l.have_ma) {
			rc = kdk_err_set(err, ENOENT, "sparse_irqs exists but the maple tree's layout is unknown");
			goto fail;
		}
		if ((rc = session_read(s, addr + l.ma_root, &root, 8, err)))
			goto fail;
		if (xa_is_node(root))
			rc = walk_ma(s, &l, d, root, 0, UINT64_MAX, 0, err);
		else if (root)
			put(d, 0, root);
	} else if (kdk_err_clear(err), !session_symbol(s, "irq_desc_tree", &addr, err)) {
		d->store = "irq_desc_tree";
		if (!l.have_xa) {
			rc = kdk_err_set(err, ENOENT, "irq_desc_tree exists but the radix tree's layout is unknown");
			goto fail;
		}
		if ((rc = session_read(s, addr + l.xa_head, &root, 8, err)))
			goto fail;
		if (xa_is_node(root))
			rc = walk_xa(s, &l, d, root, 0, 0, err);
		else if (root)
			put(d, 0, root);
	} else if (kdk_err_clear(err), !session_symbol(s, "irq_desc", &addr, err)) {
		d->store = "irq_desc";
		if ((rc = kdk_facts_lookup(&s->facts, KDK_KEY_SIZE, "irq_desc", &l.desc_size)) < 0) {
			rc = kdk_err_set(err, ENOENT, "no SIZE(irq_desc)");
			goto fail;
		}
		for (i = 0; i < d->nr_irqs; i++)
			d->desc[i] = addr + i * l.desc_size;
	} else {
		rc = kdk_err_set(err, ENOENT, "none of sparse_irqs, irq_desc_tree or irq_desc is a symbol");
	}
	if (rc)
		goto fail;
	return 0;
fail:
	irq_descs_free(d);
	return rc;
}

uint64_t irq_descs_get(const struct irq_descs *d, uint32_t irq)
{
	return irq < d->nr_irqs ? d->desc[irq] : 0;
}

void irq_descs_free(struct irq_descs *d)
{
	free(d->desc);
	d->desc = NULL;
}
