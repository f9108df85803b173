/* cmd_irq.c — `irq [-u]`: each IRQ number below nr_irqs with its irq_desc and irqaction chain's
 * names, as crash prints them; descriptors found in whichever sparse-IRQ store the kernel has. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "irq_descs.h"

/* include/linux/irqdesc.h, include/linux/interrupt.h: irq_desc.action heads a chain of struct
 * irqaction linked by .next, each with a char *name. */
struct irq_layout {
	uint64_t desc_action, action_name, action_next;
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct irq_layout, field)
static const struct kdk_layout_key irq_keys[] = {
	KEY(OFFSET, "irq_desc.action", desc_action),
	KEY(OFFSET, "irqaction.name", action_name),
	KEY(OFFSET, "irqaction.next", action_next),
	{ 0, NULL, 0, 0 },
};
#undef KEY

/* More actions than one IRQ line is shared by: a chain past it loops. */
#define IRQ_MAX_ACTIONS 4096

/* crash centres its columns: the IRQ number in 4 (right-leaning), addresses and "(unused)" in 16. */
static void centred(FILE *out, const char *text, int width)
{
	int len = (int)strlen(text), left = len < width ? (width - len) / 2 : 0;

	fprintf(out, "%*s%s%*s", left, "", text, len < width ? width - len - left : 0, "");
}

static void irq_number(FILE *out, uint32_t irq)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", irq);
	switch (strlen(buf)) {
	case 1: fprintf(out, "  %s ", buf); break;
	case 2: fprintf(out, " %s ", buf); break;
	case 3: fprintf(out, " %s", buf); break;
	default: fprintf(out, "%s", buf); break;
	}
}

static int print_irq(struct session *s, const struct irq_layout *l, uint32_t irq, uint64_t desc,
		     struct kdk_err *err)
{
	char hex[24], name[128];
	uint64_t action = 0, name_ptr;
	unsigned n = 0;
	int rc;

	if (desc && (rc = session_read(s, desc + l->desc_action, &action, 8, err)))
		return kdk_err_prefix(err, "irq %u: irq_desc %" PRIx64 ": ", irq, desc);
	irq_number(s->out, irq);
	fputs("  ", s->out);
	snprintf(hex, sizeof(hex), "%" PRIx64, desc);
	centred(s->out, desc ? hex : "(unused)", 16);
	fputs("  ", s->out);
	for (;;) {
		snprintf(hex, sizeof(hex), "%" PRIx64, action);
		centred(s->out, action ? hex : "(unused)", 16);
		fputs("  ", s->out);
		if (!action)
			break;
		if ((rc = session_read(s, action + l->action_name, &name_ptr, 8, err)))
			return kdk_err_prefix(err, "irq %u: irqaction %" PRIx64 ": ", irq, action);
		memset(name, 0, sizeof(name));
		/* a name may end near a page boundary: read what is readable, byte by byte past it */
		if (name_ptr && session_read(s, name_ptr, name, sizeof(name) - 1, err)) {
			size_t i;

			kdk_err_clear(err);
			memset(name, 0, sizeof(name));
			for (i = 0; i < sizeof(name) - 1 && !session_read(s, name_ptr + i, name + i, 1, err) &&
				    name[i]; i++)
				;
			kdk_err_clear(err);
		}
		if (name_ptr)
			fprintf(s->out, "\"%s\"", name);
		if ((rc = session_read(s, action + l->action_next, &action, 8, err)))
			return kdk_err_prefix(err, "irq %u: irqaction chain: ", irq);
		if (!action)
			break;
		if (++n > IRQ_MAX_ACTIONS)
			return kdk_err_set(err, ELOOP, "irq %u: irqaction chain longer than %u (a loop?)", irq,
					   IRQ_MAX_ACTIONS);
		fprintf(s->out, "\n%24s", "");
	}
	fputc('\n', s->out);
	return 0;
}

int cmd_irq(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct irq_layout l;
	struct irq_descs descs;
	bool in_use = false;
	uint32_t irq;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-u"))
			in_use = true;
		else
			return kdk_err_set(err, EINVAL, "irq: \"%s\": usage: irq [-u]", argv[i]);
	}
	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "irq: ");
	memset(&l, 0, sizeof(l));
	if ((rc = kdk_facts_fill(&s->facts, irq_keys, &l, err)))
		return kdk_err_prefix(err, "irq: ");
	if ((rc = irq_descs_load(s, &descs, err)))
		return kdk_err_prefix(err, "irq: ");
	fprintf(s->out, " IRQ  ");
	centred(s->out, "IRQ_DESC/_DATA", 16);
	fputs("  ", s->out);
	centred(s->out, "IRQACTION", 16);
	fputs("  NAME\n", s->out);
	for (irq = 0; irq < descs.nr_irqs; irq++) {
		uint64_t desc = irq_descs_get(&descs, irq), action = 0;

		if (in_use) {
			if (!desc || session_read(s, desc + l.desc_action, &action, 8, err) || !action) {
				kdk_err_clear(err);
				continue;
			}
		}
		if ((rc = print_irq(s, &l, irq, desc, err)))
			break;
	}
	irq_descs_free(&descs);
	return rc;
}
