/* cmd_timer.c — `timer [-r] [-C CPUS]`: each CPU's timer wheel bases (per-CPU timer_bases[]), every
 * pending timer_list by expiry with its time to expire in jiffies and its function, crash's shape;
 * -r the high-resolution timers instead (cmd_hrtimer.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpu_list.h"
#include "cpus.h"
#include "kclock.h"
#include "tasks.h"
#include "timers.h"

/* kernel/time/timer.c (4.8+ "timers: Switch to a non-cascading wheel"): DEFINE_PER_CPU(struct
 * timer_base, timer_bases[NR_BASES]); each base's vectors[WHEEL_SIZE] are hlist_heads of
 * timer_list.entry. NR_BASES is 2 (BASE_STD, BASE_DEF) with NO_HZ_COMMON, 3 since 6.9 ("timers:
 * Split out BASE_LOCAL and BASE_GLOBAL") and 1 without; it is read as the per-CPU variable's
 * array length. */
struct timer_layout {
	uint64_t base_size, vectors, nr_vectors, entry, expires, function, hnode_next;
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct timer_layout, field)
static const struct kdk_layout_key timer_keys[] = {
	KEY(SIZE, "timer_base", base_size),
	KEY(OFFSET, "timer_base.vectors", vectors),
	KEY(LENGTH, "timer_base.vectors", nr_vectors),
	KEY(OFFSET, "timer_list.entry", entry),
	KEY(OFFSET, "timer_list.expires", expires),
	KEY(OFFSET, "timer_list.function", function),
	KEY(OFFSET, "hlist_node.next", hnode_next),
	{ 0, NULL, 0, 0 },
};
#undef KEY

/* More timers than one wheel slot holds: a chain past it loops. */
#define TIMER_MAX_PER_SLOT (1u << 20)

struct pending {
	uint64_t timer, expires, function;
};

static int by_expiry(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->expires != y->expires)
		return x->expires < y->expires ? -1 : 1;
	return x->timer < y->timer ? -1 : x->timer > y->timer;
}

/* The number of bases: timer_bases' array length through the fact chain (BTF's VAR), else its
 * symbol's size over SIZE(timer_base) (a vmlinux's ELF symbols have sizes: a DWARF-only vmlinux),
 * else crash's rule (two when sysctl_timer_migration exists, i.e. NO_HZ_COMMON). */
static uint32_t nr_bases(struct session *s, uint64_t base_size)
{
	struct kdk_err ignored = { 0 };
	const struct kdk_ksym *sym = kdk_symtab_by_name(&s->syms, "timer_bases");
	uint64_t count, addr;

	if (kdk_facts_lookup(&s->facts, KDK_KEY_LENGTH, "timer_bases", &count) == 0 && count &&
	    count < 16)
		return (uint32_t)count;
	if (sym && sym->size && base_size && sym->size % base_size == 0 && sym->size / base_size < 16)
		return (uint32_t)(sym->size / base_size);
	return session_symbol(s, "sysctl_timer_migration", &addr, &ignored) ? 1 : 2;
}

static const char *base_name(uint32_t base, uint32_t bases)
{
	static const char *two[] = { "BASE_STD", "BASE_DEF" };
	static const char *three[] = { "BASE_LOCAL", "BASE_GLOBAL", "BASE_DEF" };

	if (bases == 2 && base < 2)
		return two[base];
	if (bases == 3 && base < 3)
		return three[base];
	return bases == 1 ? "BASE_STD" : "BASE_?";
}

/* Every timer on base's wheel into list. */
static int collect(struct session *s, const struct timer_layout *l, uint64_t base,
		   struct kdk_array *list, struct kdk_err *err)
{
	uint64_t i;
	int rc;

	for (i = 0; i < l->nr_vectors; i++) {
		uint64_t node;
		unsigned n = 0;

		if ((rc = session_read(s, base + l->vectors + 8 * i, &node, 8, err)))
			return rc;
		for (; node; rc = session_read(s, node + l->hnode_next, &node, 8, err)) {
			struct pending *p;

			if (rc)
				return rc;
			if (++n > TIMER_MAX_PER_SLOT)
				return kdk_err_set(err, ELOOP, "timer base %" PRIx64 " vector %" PRIu64
							       ": more than %u timers (a loop?)", base, i,
						   TIMER_MAX_PER_SLOT);
			if (!(p = kdk_array_push(list, err)))
				return -err->code;
			p->timer = node - l->entry;
			if ((rc = session_read(s, p->timer + l->expires, &p->expires, 8, err)) ||
			    (rc = session_read(s, p->timer + l->function, &p->function, 8, err)))
				return kdk_err_prefix(err, "timer_list %" PRIx64 ": ", p->timer);
		}
		if (rc)
			return rc;
	}
	return 0;
}

void timers_print_function(struct session *s, uint64_t addr)
{
	char text[256];

	if (session_symbol_text(s, addr, text, sizeof(text)))
		fprintf(s->out, "  <%s>\n", text);
	else
		fputc('\n', s->out);
}

static int print_base(struct session *s, const struct timer_layout *l, uint32_t cpu, uint32_t b,
		      uint32_t bases, uint64_t base, uint64_t jiffies, int flen, struct kdk_err *err)
{
	struct kdk_array list = KDK_ARRAY_INIT(struct pending);
	uint64_t highest = 0;
	char buf[32];
	size_t i;
	int tlen, rc;

	fprintf(s->out, "TIMER_BASES[%u][%s]: %" PRIx64 "\n", cpu, base_name(b, bases), base);
	if ((rc = collect(s, l, base, &list, err)))
		goto out;
	if (list.len)
		qsort(list.items, list.len, sizeof(struct pending), by_expiry);
	for (i = 0; i < list.len; i++) {
		int64_t tte = (int64_t)(KDK_ARRAY_AT(&list, struct pending, i)->expires - jiffies);
		uint64_t mag = tte < 0 ? (uint64_t)-tte : (uint64_t)tte;

		if (mag > highest)
			highest = mag;
	}
	/* one more for a "-" sign */
	tlen = snprintf(buf, sizeof(buf), "%" PRIu64, highest) + 1;
	if (tlen < 3)
		tlen = 3;
	fprintf(s->out, "  %-*s     %-*s     TIMER_LIST     FUNCTION\n", flen, "EXPIRES", tlen, "TTE");
	for (i = 0; i < list.len; i++) {
		const struct pending *p = kdk_array_at(&list, i);

		fprintf(s->out, "  %*" PRIu64 "  %*" PRId64 "  %16" PRIx64 "  %16" PRIx64, flen, p->expires,
			tlen, (int64_t)(p->expires - jiffies), p->timer, p->function);
		timers_print_function(s, p->function);
	}
	if (!list.len)
		fprintf(s->out, "  (none)\n");
out:
	kdk_array_free(&list);
	return rc;
}

int cmd_timer(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct timer_layout l;
	uint64_t sym, jiffies;
	const char *cpu_text = NULL;
	bool hrtimers = false;
	uint8_t *set = NULL;
	uint32_t nr, cpu, b, bases, shown = 0;
	char buf[32];
	int i, flen, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-C") && i + 1 < argc)
			cpu_text = argv[++i];
		else if (!strcmp(argv[i], "-r"))
			hrtimers = true;
		else
			return kdk_err_set(err, EINVAL, "timer: \"%s\": usage: timer [-r] [-C CPUS]", argv[i]);
	}
	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "timer: ");
	if ((rc = tasks_nr_cpus(s, &nr, err)) || (rc = cpus_load(s, err)))
		return kdk_err_prefix(err, "timer: ");
	if (!(set = malloc(nr)))
		return kdk_err_set(err, ENOMEM, "timer: CPU set");
	memset(set, 1, nr);
	if (cpu_text && (rc = cpu_list_parse("timer", cpu_text, set, nr, err)))
		goto out;
	if (hrtimers) {
		rc = timers_print_hrtimers(s, set, nr, err);
		goto out;
	}
	memset(&l, 0, sizeof(l));
	if ((rc = kdk_facts_fill(&s->facts, timer_keys, &l, err)) ||
	    (rc = session_symbol(s, "timer_bases", &sym, err))) {
		kdk_err_prefix(err, "timer: ");
		goto out;
	}
	if ((rc = kclock_jiffies(s, &jiffies, err))) {
		kdk_err_prefix(err, "timer: ");
		goto out;
	}
	bases = nr_bases(s, l.base_size);
	flen = snprintf(buf, sizeof(buf), "%" PRIu64, jiffies);
	if (flen < 7)
		flen = 7;
	fprintf(s->out, "%-*s\n%*s\n\n", flen, "JIFFIES", flen, buf);
	for (cpu = 0; cpu < nr; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);
		uint64_t base;

		if (!set[cpu] || (c && !c->present))
			continue;
		if (c && !c->online) {
			fprintf(s->out, "TIMER_BASES[%u]: [OFFLINE]\n", cpu);
			continue;
		}
		if ((rc = cpus_per_cpu_addr(s, sym, cpu, &base, err)))
			goto out;
		if (shown++)
			fputc('\n', s->out);
		for (b = 0; b < bases; b++)
			if ((rc = print_base(s, &l, cpu, b, bases, base + b * l.base_size, jiffies, flen, err)))
				goto out;
	}
out:
	free(set);
	return rc;
}
