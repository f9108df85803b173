/* bt_text_symbols.c — `bt -t` and `bt -T`: every kernel text address found on a task's stacks,
 * as crash lists them ("  [slot] name at value"), for when the unwinder's trace is not the whole
 * story (a damaged frame, a function called and returned, a stack the trace left early). -t reads
 * from where the trace starts up to each stack's top, on every stack the trace went through (an
 * NMI or IRQ stack, then the task's); -T the task's whole stack from its base. The user-mode
 * registers at the stack's top close the list, as crash closes it. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "bt_text_symbols.h"

#define STACK_SCAN_MAX (1u << 20)  /* no kernel stack is larger: a bad range reads no more */

/* The kernel's text, [_stext, _etext): an address's type letter does not say it (7.x kernels
 * mark data symbols 't' in kallsyms and in the vmlinux alike), its place does, as crash asks. */
struct text_range {
	uint64_t lo, hi;
};

/* Whether value is an address inside kernel text, or inside a module's text symbol (the last
 * one, of no size, only at its start): its symbol, or NULL. */
static const struct kdk_ksym *text_symbol(const struct session *s, const struct text_range *text,
					  uint64_t value)
{
	uint64_t off;
	const struct kdk_ksym *sym;

	if (!(value >> 63) || !(sym = kdk_symtab_by_addr(&s->syms, value, &off)) ||
	    (sym->size ? off >= sym->size : off != 0))
		return NULL;
	if (sym->module ? !kdk_ksym_is_text(sym->type) : value < text->lo || value >= text->hi)
		return NULL;
	return sym;
}

/* The text addresses in the words of [from, to). */
static void scan(struct session *s, const struct text_range *text, uint64_t from, uint64_t to)
{
	uint64_t buf[512], addr;
	struct kdk_err ignored = { 0 };

	from &= ~7ULL;
	if (to <= from || to - from > STACK_SCAN_MAX)
		return;
	for (addr = from; addr < to; addr += sizeof(buf)) {
		size_t n = to - addr < sizeof(buf) ? (size_t)(to - addr) : sizeof(buf), i;

		/* a page the dump lacks: word by word around it */
		if (session_read(s, addr, buf, n, &ignored)) {
			for (i = 0; i < n / 8; i++)
				if (session_read(s, addr + i * 8, &buf[i], 8, &ignored))
					buf[i] = 0;
		}
		for (i = 0; i < n / 8; i++) {
			const struct kdk_ksym *sym = text_symbol(s, text, buf[i]);

			if (!sym)
				continue;
			fprintf(s->out, "  [%016" PRIx64 "] %s at %016" PRIx64 "%s%s%s\n", addr + i * 8,
				kdk_symtab_name(&s->syms, sym), buf[i], sym->module ? " [" : "",
				sym->module ? sym->module : "", sym->module ? "]" : "");
		}
	}
}

/* The lowest stack address the trace knows on range r: a frame's slot, or an exception frame's
 * interrupted stack pointer. */
static bool lowest_on(const struct kdk_array *entries, const struct kdk_stack_range *r, uint64_t *low)
{
	bool found = false;
	size_t i;

	for (i = 0; i < entries->len; i++) {
		const struct bt_entry *e = kdk_array_at(entries, i);
		uint64_t sp = e->kind == BT_FRAME ? e->sp : e->kind == BT_EXCEPTION ? e->regs.sp : 0;

		if (sp >= r->lo && sp < r->hi && (!found || sp < *low)) {
			*low = sp;
			found = true;
		}
	}
	return found;
}

void bt_print_text_symbols(struct session *s, const struct bt_unwinder *u, const struct kdk_array *entries,
			   bool whole_stack)
{
	const struct kdk_array *ranges = &u->stacks.ranges;
	const struct kdk_stack_range *seen[KDK_STACK_VISITS];
	struct text_range text = { 0, 0 };
	struct kdk_err ignored = { 0 };
	unsigned nr_seen = 0, k;
	size_t i;

	if (session_symbol(s, "_stext", &text.lo, &ignored) || session_symbol(s, "_etext", &text.hi, &ignored))
		fprintf(stderr, "kcrash: bt -%c: no _stext or _etext symbol: module text only\n",
			whole_stack ? 'T' : 't');

	if (whole_stack) {
		/* the task's own stack: the last range bt_unwind put there */
		if (ranges->len) {
			const struct kdk_stack_range *task = kdk_array_at(ranges, ranges->len - 1);

			scan(s, &text, task->lo, task->hi);
		}
	} else {
		for (i = 0; i < entries->len; i++) {
			const struct bt_entry *e = kdk_array_at(entries, i);
			char name[256];
			const char *module;

			if (e->kind != BT_FRAME)
				continue;
			bt_name(s, e->ip, false, false, name, sizeof(name), &module);
			fprintf(s->out, "              START: %s at %016" PRIx64 "%s%s%s\n", name, e->ip,
				module ? " [" : "", module ? module : "", module ? "]" : "");
			break;
		}
		/* the stacks the trace went through, in its order */
		for (i = 0; i < entries->len; i++) {
			const struct bt_entry *e = kdk_array_at(entries, i);
			const struct kdk_stack_range *r;

			if (e->kind != BT_FRAME && e->kind != BT_EXCEPTION)
				continue;
			r = kdk_stacks_find(&u->stacks, e->kind == BT_FRAME ? e->sp : e->regs.sp);
			for (k = 0; r && k < nr_seen && seen[k] != r; k++)
				;
			if (r && k == nr_seen && nr_seen < KDK_STACK_VISITS)
				seen[nr_seen++] = r;
		}
		for (k = 0; k < nr_seen; k++) {
			uint64_t low = 0;

			if (lowest_on(entries, seen[k], &low))
				scan(s, &text, low, seen[k]->hi);
		}
	}
	for (i = 0; i < entries->len; i++) {
		const struct bt_entry *e = kdk_array_at(entries, i);

		if (e->kind == BT_USER_REGS) {
			bt_print_regs(s->out, &e->regs);
			break;
		}
	}
}
