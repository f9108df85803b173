/* cmd_irq.c — `irq [-u] [-s [-c CPUS]]`: each IRQ number below nr_irqs with its irq_desc and
 * irqaction chain's names, or (-s) /proc/interrupts' per-CPU counts, as crash prints them;
 * descriptors found in whichever sparse-IRQ store the kernel has. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpu_list.h"
#include "cpus.h"
#include "irq_descs.h"
#include "tasks.h"

/* include/linux/irqdesc.h, include/linux/interrupt.h: irq_desc.action heads a chain of struct
 * irqaction linked by .next, each with a char *name. For -s: irq_desc.kstat_irqs, a per-CPU
 * unsigned int until 6.9 and a per-CPU struct irqstat (its .cnt) since 6.10 ("genirq: Provide
 * a snapshot mechanism for interrupt statistics"); the chip's name (irq_desc.irq_data.chip->name)
 * and the flow handler's (irq_desc.name: "edge", "fasteoi"). */
struct irq_layout {
	uint64_t desc_action, action_name, action_next;
	uint64_t desc_kstat, stat_cnt, desc_chip, chip_name, desc_name;
	bool have_stat_cnt;
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct irq_layout, field)
static const struct kdk_layout_key irq_keys[] = {
	KEY(OFFSET, "irq_desc.action", desc_action),
	KEY(OFFSET, "irqaction.name", action_name),
	KEY(OFFSET, "irqaction.next", action_next),
	{ 0, NULL, 0, 0 },
};
#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct irq_layout, field, flag)
static const struct kdk_layout_key irq_stat_keys[] = {
	KEY(OFFSET, "irq_desc.kstat_irqs", desc_kstat),
	OPT(OFFSET, "irqstat.cnt", stat_cnt, have_stat_cnt),
	KEY(OFFSET, "irq_desc.irq_data.chip", desc_chip),
	KEY(OFFSET, "irq_chip.name", chip_name),
	KEY(OFFSET, "irq_desc.name", desc_name),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

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

/* -s: "IRQ:  count per CPU  chip-flow  names,…" for each IRQ with an action. */
static int irq_stats(struct session *s, const struct irq_layout *l, const struct irq_descs *descs,
		     const char *cpu_text, struct kdk_err *err)
{
	uint8_t *set;
	uint32_t nr, cpu, irq;
	int rc;

	if ((rc = tasks_nr_cpus(s, &nr, err)) || (rc = cpus_load(s, err)))
		return rc;
	if (!(set = malloc(nr)))
		return kdk_err_set(err, ENOMEM, "irq: CPU set");
	memset(set, 1, nr);
	if (cpu_text && (rc = cpu_list_parse("irq", cpu_text, set, nr, err)))
		goto out;
	fprintf(s->out, "     ");
	for (cpu = 0; cpu < nr; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);
		char label[24];

		if (!set[cpu] || (c && !c->online))
			continue;
		snprintf(label, sizeof(label), "CPU%u", cpu);
		fprintf(s->out, "%10s ", label);
	}
	fputc('\n', s->out);
	for (irq = 0; irq < descs->nr_irqs; irq++) {
		uint64_t desc = irq_descs_get(descs, irq), action, kstat, chip = 0, ptr;
		char text[128], names[1024] = "";

		if (!desc || session_read(s, desc + l->desc_action, &action, 8, err) || !action) {
			kdk_err_clear(err);
			continue;
		}
		if ((rc = session_read(s, desc + l->desc_kstat, &kstat, 8, err)))
			goto out;
		fprintf(s->out, "%3u: ", irq);
		for (cpu = 0; cpu < nr; cpu++) {
			const struct cpu_info *c = cpus_get(s, cpu);
			uint64_t addr;
			uint32_t count = 0;

			if (!set[cpu] || (c && !c->online))
				continue;
			if (kstat && ((rc = cpus_per_cpu_addr(s, kstat, cpu, &addr, err)) ||
				      (rc = session_read(s, addr + (l->have_stat_cnt ? l->stat_cnt : 0), &count,
							 4, err))))
				goto out;
			fprintf(s->out, "%10u ", count);
		}
		if (!session_read(s, desc + l->desc_chip, &chip, 8, err) && chip &&
		    !session_read(s, chip + l->chip_name, &ptr, 8, err)) {
			session_read_string(s, ptr, text, sizeof(text));
			fprintf(s->out, "%8s", text);
			if (!session_read(s, desc + l->desc_name, &ptr, 8, err)) {
				session_read_string(s, ptr, text, sizeof(text));
				if (text[0])
					fprintf(s->out, "-%-8s", text);
			}
		}
		kdk_err_clear(err);
		for (; action; ) {
			if ((rc = session_read(s, action + l->action_name, &ptr, 8, err)))
				goto out;
			session_read_string(s, ptr, text, sizeof(text));
			if (text[0] && strlen(names) + strlen(text) + 2 < sizeof(names)) {
				if (names[0])
					strcat(names, ",");
				strcat(names, text);
			}
			if ((rc = session_read(s, action + l->action_next, &action, 8, err)))
				goto out;
		}
		fprintf(s->out, " %s\n", names);
	}
out:
	free(set);
	return rc;
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
		session_read_string(s, name_ptr, name, sizeof(name));
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
	const char *cpu_text = NULL;
	bool in_use = false, stats = false;
	uint32_t irq;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-u"))
			in_use = true;
		else if (!strcmp(argv[i], "-s"))
			stats = true;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			cpu_text = argv[++i];
		else
			return kdk_err_set(err, EINVAL, "irq: \"%s\": usage: irq [-u] [-s [-c CPUS]]", argv[i]);
	}
	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "irq: ");
	memset(&l, 0, sizeof(l));
	if ((rc = kdk_facts_fill(&s->facts, irq_keys, &l, err)))
		return kdk_err_prefix(err, "irq: ");
	if (stats && (rc = kdk_facts_fill(&s->facts, irq_stat_keys, &l, err)))
		return kdk_err_prefix(err, "irq -s: ");
	if ((rc = irq_descs_load(s, &descs, err)))
		return kdk_err_prefix(err, "irq: ");
	if (stats) {
		rc = irq_stats(s, &l, &descs, cpu_text, err);
		irq_descs_free(&descs);
		return rc ? kdk_err_prefix(err, "irq -s: ") : 0;
	}
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
