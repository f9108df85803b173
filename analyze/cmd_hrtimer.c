/* cmd_hrtimer.c — `timer -r [-C CPUS]`: each CPU's high-resolution timers as crash prints them:
 * per CPU its hrtimer_cpu_base (per-CPU hrtimer_bases), per clock base the clock's name, the
 * clock's time at the crash and every queued hrtimer in expiry order with its soft and hard
 * expiry, its time to expire (ns), its address and its function. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "kclock.h"
#include "kdk_array.h"
#include "list_guard.h"
#include "rbtree_walk.h"
#include "text_columns.h"
#include "timers.h"

/* kernel/time/hrtimer.c, include/linux/hrtimer*.h: DEFINE_PER_CPU(struct hrtimer_cpu_base,
 * hrtimer_bases) holds clock_base[HRTIMER_MAX_CLOCK_BASES] (8 since 4.16: MONOTONIC, REALTIME,
 * BOOTTIME, TAI and their _SOFT twins). Each clock base's `active` is a timerqueue: since 4.20 an
 * rb_root_cached whose rb_leftmost is the earliest timer ("timerqueue: Use rb_root_cached"); before
 * it, timerqueue_head.next; since 7.x a timerqueue_linked_head (rb_root_linked, whose nodes are
 * rb_node_linked with the rb_node first). A timer is a struct hrtimer around that node
 * (hrtimer.node: timerqueue_node or timerqueue_linked_node, its rb_node first, then `expires`).
 * The clock's name: the symbol of its get_time function, or, where the clock base has no get_time
 * (6.18: the clock is chosen by its index), enum hrtimer_base_type's name of its index. */
struct hrtimer_layout {
	uint64_t clock_base, nr_clock_bases, clock_base_size, leftmost;
	uint64_t get_time, index, offset;
	uint64_t node, expires, softexpires, function;
	bool have_get_time, have_index, have_offset, have_softexpires;
	struct rb_walk_layout rb;
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct hrtimer_layout, field)
#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct hrtimer_layout, field, flag)
static const struct kdk_layout_key hrtimer_keys[] = {
	KEY(OFFSET, "hrtimer_cpu_base.clock_base", clock_base),
	KEY(LENGTH, "hrtimer_cpu_base.clock_base", nr_clock_bases),
	KEY(SIZE, "hrtimer_clock_base", clock_base_size),
	KEY(OFFSET, "hrtimer_clock_base.active.rb_root.rb_leftmost|hrtimer_clock_base.active.next", leftmost),
	OPT(OFFSET, "hrtimer_clock_base.get_time", get_time, have_get_time),
	OPT(OFFSET, "hrtimer_clock_base.index", index, have_index),
	OPT(OFFSET, "hrtimer_clock_base.offset", offset, have_offset),
	/* the rb_node inside the timer: rb_node_linked's first member, or the timerqueue_node's */
	KEY(OFFSET, "hrtimer.node.node.node|hrtimer.node.node", node),
	KEY(OFFSET, "hrtimer.node.expires", expires),
	OPT(OFFSET, "hrtimer._softexpires", softexpires, have_softexpires),
	KEY(OFFSET, "hrtimer.function", function),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

/* More timers than one clock base queues: a walk past it is a corrupt tree. */
#define HRTIMER_MAX_PER_BASE (1u << 20)

struct queued {
	uint64_t timer, function;
	int64_t expires, softexpires;
};

static int decimal_len(int64_t v)
{
	char buf[24];

	return snprintf(buf, sizeof(buf), "%" PRId64, v);
}

/* Every timer queued on the clock base at base, in expiry order (the tree walked from its
 * leftmost node). What was read stays in list when the walk fails. */
static int collect(struct session *s, const struct hrtimer_layout *l, uint64_t base,
		   struct kdk_array *list, struct kdk_err *err)
{
	struct list_guard guard;
	uint64_t node;
	int rc;

	if ((rc = session_read(s, base + l->leftmost, &node, 8, err)))
		return rc;
	list_guard_init(&guard, 0);
	for (; node; rc = rb_walk_next(s, &l->rb, node, &node, err)) {
		struct queued *q;

		if (rc)
			return rc;
		if (list_guard_loops(&guard, node) || list->len >= HRTIMER_MAX_PER_BASE)
			return kdk_err_set(err, ELOOP, "clock base %" PRIx64 ": the timer tree loops at %" PRIx64,
					   base, node);
		if (!(q = kdk_array_push(list, err)))
			return -err->code;
		q->timer = node - l->node;
		q->softexpires = 0;
		if ((rc = session_read(s, q->timer + l->expires, &q->expires, 8, err)) ||
		    (l->have_softexpires && (rc = session_read(s, q->timer + l->softexpires, &q->softexpires, 8, err))) ||
		    (rc = session_read(s, q->timer + l->function, &q->function, 8, err))) {
			list->len--;
			return kdk_err_prefix(err, "hrtimer %" PRIx64 ": ", q->timer);
		}
	}
	return rc;
}

static void print_clock_name(struct session *s, const struct hrtimer_layout *l, uint64_t base)
{
	struct kdk_err ignored = { 0 };
	uint64_t get_time;
	uint32_t index, type;
	const char *name;
	char text[256];

	if (l->have_get_time) {
		if (session_read(s, base + l->get_time, &get_time, 8, &ignored)) {
			fputc('\n', s->out);
			return;
		}
		session_symbol_text(s, get_time, text, sizeof(text));
		fprintf(s->out, "  [%s]\n", text);
		return;
	}
	if (l->have_index && !session_read(s, base + l->index, &index, 4, &ignored) &&
	    (type = kdk_btf_find(&s->btf, KDK_BTF_ENUM, "hrtimer_base_type")) &&
	    (name = kdk_btf_enum_name(&s->btf, type, index))) {
		fprintf(s->out, "  [%s]\n", name);
		return;
	}
	fputc('\n', s->out);
}

static int print_clock_base(struct session *s, const struct hrtimer_layout *l, uint32_t num,
			    uint64_t base, uint64_t uptime, struct kdk_err *err)
{
	struct kdk_array list = KDK_ARRAY_INIT(struct queued);
	int64_t offset = 0, now;
	int soft_len, exp_len, tte_len, rc, walk_rc;
	const struct queued *last;
	char buf[24];
	size_t i;

	fprintf(s->out, "  CLOCK: %u  HRTIMER_CLOCK_BASE: %" PRIx64, num, base);
	print_clock_name(s, l, base);
	if (l->have_offset && (rc = session_read(s, base + l->offset, &offset, 8, err)))
		return kdk_err_prefix(err, "clock base %" PRIx64 ": offset: ", base);
	now = (int64_t)(uptime + (uint64_t)offset);
	walk_rc = collect(s, l, base, &list, err);
	if (!list.len) {
		kdk_array_free(&list);
		if (walk_rc)
			return walk_rc;
		fprintf(s->out, "  (empty)\n");
		return 0;
	}
	/* crash sizes the columns by the last timer's numbers */
	last = kdk_array_at(&list, list.len - 1);
	exp_len = decimal_len(last->expires);
	if (exp_len < 7)
		exp_len = 7;
	soft_len = decimal_len(last->softexpires);
	if (soft_len < 11)
		soft_len = 11;
	tte_len = decimal_len(last->expires - now);
	snprintf(buf, sizeof(buf), "%" PRId64, now);
	fputs("  ", s->out);
	text_centre(s->out, "CURRENT", l->have_softexpires ? soft_len : exp_len, false);
	fputs("\n  ", s->out);
	text_centre(s->out, buf, l->have_softexpires ? soft_len : exp_len, false);
	fputs("\n  ", s->out);
	if (l->have_softexpires) {
		text_centre(s->out, "SOFTEXPIRES", soft_len, false);
		fputs("  ", s->out);
	}
	text_centre(s->out, "EXPIRES", exp_len, false);
	fputs("  ", s->out);
	text_centre(s->out, "TTE", tte_len, false);
	fputs("  ", s->out);
	text_centre(s->out, "HRTIMER", 16, true);
	fputs("  ", s->out);
	text_centre(s->out, "FUNCTION", 16, true);
	fputc('\n', s->out);
	for (i = 0; i < list.len; i++) {
		const struct queued *q = kdk_array_at(&list, i);

		fputs("  ", s->out);
		if (l->have_softexpires) {
			snprintf(buf, sizeof(buf), "%" PRId64, q->softexpires);
			text_centre(s->out, buf, soft_len, false);
			fputs("  ", s->out);
		}
		snprintf(buf, sizeof(buf), "%" PRId64, q->expires);
		text_centre(s->out, buf, exp_len, false);
		fprintf(s->out, "  %*" PRId64 "  %" PRIx64 "  %" PRIx64, tte_len, q->expires - now, q->timer,
			q->function);
		timers_print_function(s, q->function);
	}
	kdk_array_free(&list);
	return walk_rc;
}

int timers_print_hrtimers(struct session *s, const uint8_t *set, uint32_t nr, struct kdk_err *err)
{
	struct hrtimer_layout l;
	uint64_t sym = 0, uptime = 0;
	uint32_t cpu, b, shown = 0;
	int rc;

	memset(&l, 0, sizeof(l));
	if ((rc = kdk_facts_fill(&s->facts, hrtimer_keys, &l, err)) || (rc = rb_walk_layout_fill(s, &l.rb, err)) ||
	    (rc = session_symbol(s, "hrtimer_bases", &sym, err)) || (rc = kclock_jiffies_uptime_ns(s, &uptime, err)))
		return kdk_err_prefix(err, "timer -r: ");
	if (!l.nr_clock_bases || l.nr_clock_bases > 64)
		return kdk_err_set(err, EINVAL, "timer -r: hrtimer_cpu_base.clock_base has %" PRIu64 " entries",
				   l.nr_clock_bases);
	for (cpu = 0; cpu < nr; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);
		uint64_t cpu_base;

		if (!set[cpu] || (c && !c->present))
			continue;
		if (shown++)
			fputc('\n', s->out);
		if (c && !c->online) {
			fprintf(s->out, "CPU: %u  [OFFLINE]\n", cpu);
			continue;
		}
		if ((rc = cpus_per_cpu_addr(s, sym, cpu, &cpu_base, err)))
			return kdk_err_prefix(err, "timer -r: ");
		fprintf(s->out, "CPU: %u  HRTIMER_CPU_BASE: %" PRIx64 "\n", cpu, cpu_base);
		for (b = 0; b < l.nr_clock_bases; b++) {
			if (b)
				fputc('\n', s->out);
			if ((rc = print_clock_base(s, &l, b, cpu_base + l.clock_base + b * l.clock_base_size,
						   uptime, err)))
				return kdk_err_prefix(err, "timer -r: CPU %u: ", cpu);
		}
	}
	return 0;
}
