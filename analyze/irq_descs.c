/* irq_descs.c — IRQ descriptors by number. Which store exists is told by its symbol:
 * kernel/irq/irqdesc.c has `struct maple_tree sparse_irqs` since 6.5 ("genirq: Use a maple tree
 * for interrupt descriptor management"), `RADIX_TREE(irq_desc_tree)` before it with SPARSE_IRQ,
 * and `struct irq_desc irq_desc[NR_IRQS]` without. The maple tree goes through our lib/maple_tree,
 * the radix tree (an xarray since 4.20) through analyze/xarray_walk. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "irq_descs.h"
#include "maple_tree.h"
#include "xarray_walk.h"

struct tree_layout {
	struct xa_walk_layout xa;
	uint64_t desc_size;
};

static void put(struct irq_descs *d, uint64_t index, uint64_t desc)
{
	if (index < d->nr_irqs)
		d->desc[index] = desc;
}

static int put_entry(void *ctx, uint64_t index, uint64_t entry, struct kdk_err *err)
{
	(void)err;
	put(ctx, index, entry);
	return 0;
}

static int maple_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	return session_read(ctx, vaddr, buf, len, err);
}

/* sparse_irqs holds each descriptor at its IRQ's index (kernel/irq/irqdesc.c irq_insert_desc). */
static int put_range(void *ctx, uint64_t first, uint64_t last, uint64_t entry, struct kdk_err *err)
{
	struct irq_descs *d = ctx;
	uint64_t i;

	(void)err;
	for (i = first; i <= last && i < d->nr_irqs; i++)
		put(d, i, entry);
	return 0;
}

int irq_descs_load(struct session *s, struct irq_descs *d, struct kdk_err *err)
{
	struct tree_layout l;
	uint64_t addr, i;
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
	if (!session_symbol(s, "sparse_irqs", &addr, err)) {
		struct kdk_maple_layout ml;

		d->store = "sparse_irqs";
		if ((rc = kdk_maple_layout_fill(&ml, kdk_facts_lookup, &s->facts, err))) {
			kdk_err_prefix(err, "sparse_irqs exists but the maple tree's layout is unknown: ");
			goto fail;
		}
		rc = kdk_maple_walk(&ml, addr, maple_read, s, put_range, d, err);
	} else if (kdk_err_clear(err), !session_symbol(s, "irq_desc_tree", &addr, err)) {
		d->store = "irq_desc_tree";
		if ((rc = xa_walk_layout_fill(s, &l.xa, err))) {
			kdk_err_prefix(err, "irq_desc_tree exists but the radix tree's layout is unknown: ");
			goto fail;
		}
		rc = xa_walk(s, &l.xa, addr, put_entry, d, err);
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
