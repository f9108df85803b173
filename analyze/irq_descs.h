/* irq_descs.h — every IRQ's struct irq_desc in a dump, from whichever store the kernel keeps
 * them in: the sparse_irqs maple tree (6.5+), the irq_desc_tree radix tree, or the irq_desc array. */
#ifndef KCRASH_IRQ_DESCS_H
#define KCRASH_IRQ_DESCS_H

#include <stdint.h>

#include "session.h"

struct irq_descs {
	uint32_t nr_irqs;          /* the kernel's nr_irqs */
	uint64_t *desc;            /* nr_irqs entries, 0 where no descriptor */
	const char *store;         /* "sparse_irqs", "irq_desc_tree" or "irq_desc" */
};

/* Load them all (session_kstructs first, so the fact chain has BTF). */
int irq_descs_load(struct session *s, struct irq_descs *d, struct kdk_err *err);
uint64_t irq_descs_get(const struct irq_descs *d, uint32_t irq);
void irq_descs_free(struct irq_descs *d);

#endif
