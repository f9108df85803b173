/* bt_print.c — a trace's entries as crash prints them (frames "#N [sp] name at addr [mod]",
 * "[exception RIP: …]" with the registers, -f stack words, -l source lines) or as JSON built from
 * the same entries. */
#include <inttypes.h>
#include <string.h>

#include "backtrace.h"
#include "json_out.h"
#include "slub.h"
#include "srclines.h"

/* -f: the stack words between two frames as crash prints them, two to a line, each in a
 * 17-column field; -F (o->symbolic) a word that is a kernel symbol's address (or inside one) as
 * "name+offset" and one inside a slab object as "[cache]" (-FF "[value:cache]"). */
static void dump_words(struct session *s, uint64_t from, uint64_t to, const struct bt_print_options *o)
{
	struct kdk_err ignored = { 0 };
	uint64_t addr, word;
	char text[160];
	int col = 0;

	if (to <= from || to - from > 8 * 1024)
		return;
	for (addr = from; addr < to; addr += 8) {
		if (session_read(s, addr, &word, 8, &ignored))
			break;
		if (!col)
			fprintf(s->out, "    %016" PRIx64 ": ", addr);
		if (!o->symbolic || (!session_symbol_text(s, word, text, sizeof(text)) &&
				     !slub_value_text(s, o->caches, word, o->symbolic > 1, text, sizeof(text))))
			snprintf(text, sizeof(text), "%016" PRIx64, word);
		fprintf(s->out, "%-16s ", text);
		if (++col == 2) {
			fputc('\n', s->out);
			col = 0;
		}
	}
	if (col)
		fputc('\n', s->out);
}

void bt_print_regs(FILE *out, const struct kdk_pt_regs *r)
{
	fprintf(out, "    RIP: %016" PRIx64 "  RSP: %016" PRIx64 "  RFLAGS: %08" PRIx64 "\n", r->ip, r->sp, r->flags);
	fprintf(out, "    RAX: %016" PRIx64 "  RBX: %016" PRIx64 "  RCX: %016" PRIx64 "\n", r->ax, r->bx, r->cx);
	fprintf(out, "    RDX: %016" PRIx64 "  RSI: %016" PRIx64 "  RDI: %016" PRIx64 "\n", r->dx, r->si, r->di);
	fprintf(out, "    RBP: %016" PRIx64 "   R8: %016" PRIx64 "   R9: %016" PRIx64 "\n", r->bp, r->r8, r->r9);
	fprintf(out, "    R10: %016" PRIx64 "  R11: %016" PRIx64 "  R12: %016" PRIx64 "\n", r->r10, r->r11, r->r12);
	fprintf(out, "    R13: %016" PRIx64 "  R14: %016" PRIx64 "  R15: %016" PRIx64 "\n", r->r13, r->r14, r->r15);
	fprintf(out, "    ORIG_RAX: %016" PRIx64 "  CS: %04" PRIx64 "  SS: %04" PRIx64 "\n", r->orig_ax, r->cs, r->ss);
}

bool bt_print_letter(char c, struct bt_print_options *o, bool *with_lines)
{
	switch (c) {
	case 's':
		o->offsets = true;
		return true;
	case 'f':
		o->frame_contents = true;
		return true;
	case 'F':
		o->frame_contents = true;
		if (o->symbolic < 2)
			o->symbolic++;
		return true;
	case 'l':
		*with_lines = true;
		return true;
	default:
		return false;
	}
}

bool bt_print_option(const char *arg, struct bt_print_options *o, bool *with_lines)
{
	struct bt_print_options tried = *o;
	bool lines = *with_lines;
	const char *c;

	if (arg[0] != '-' || !arg[1])
		return false;
	for (c = arg + 1; *c; c++)
		if (!bt_print_letter(*c, &tried, &lines))
			return false;
	*o = tried;
	*with_lines = lines;
	return true;
}

void bt_print_caches_open(struct session *s, struct bt_print_options *o, struct kdk_array *caches,
			  const char *what)
{
	struct kdk_err err = { 0 };

	if (slub_caches(s, caches, &err))
		fprintf(stderr, "kcrash: %s: no slab caches for -F (%s)\n", what, err.msg);
	else
		o->caches = caches;
}

void bt_print_lines_open(struct session *s, struct bt_print_options *o, struct source_lines *lines,
			 const char *what)
{
	struct kdk_err err = { 0 };

	if (srclines_open(s, lines, what, &err))
		fprintf(stderr, "kcrash: %s\n", err.msg);
	else
		o->lines = lines;
}

void bt_print_header(FILE *out, const struct task_info *t)
{
	fprintf(out, "PID: %-7d  TASK: %016" PRIx64 "  CPU: %-3u  COMMAND: \"%s\"\n", t->pid, t->task, t->cpu,
		t->comm);
}

void bt_print_text(struct session *s, const struct kdk_array *entries, const struct bt_print_options *o)
{
	char name[256], where[600];
	size_t i;
	int shown = 0;

	for (i = 0; i < entries->len; i++) {
		const struct bt_entry *e = kdk_array_at(entries, i);
		const char *module;

		switch (e->kind) {
		case BT_FRAME:
			/* crash's shape: "name at ADDRESS [module]". */
			bt_name(s, e->ip, o->offsets, e->return_address, name, sizeof(name), &module);
			/* crash's: " #9 [sp]", "#10 [sp]" */
			fprintf(s->out, "%s#%d [%016" PRIx64 "] %s at %016" PRIx64 "%s%s%s\n", shown < 10 ? " " : "",
				shown, e->sp, name, e->ip, module ? " [" : "", module ? module : "", module ? "]" : "");
			shown++;
			if (o->lines && srclines_find(o->lines, e->ip - e->return_address, where, sizeof(where)))
				fprintf(s->out, "    %s\n", where);
			if (o->frame_contents)
				dump_words(s, e->words_from, e->words_to, o);
			break;
		case BT_EXCEPTION:
			bt_name(s, e->regs.ip, true, false, name, sizeof(name), NULL);
			fprintf(s->out, "    [exception RIP: %s]\n", name);
			if (o->lines && srclines_find(o->lines, e->regs.ip, where, sizeof(where)))
				fprintf(s->out, "    %s\n", where);
			bt_print_regs(s->out, &e->regs);
			break;
		case BT_USER_REGS:
			bt_print_regs(s->out, &e->regs);
			break;
		case BT_NOTE:
			fprintf(s->out, "    bt: %s\n", e->note);
			break;
		}
	}
}

static void json_regs(FILE *out, const struct kdk_pt_regs *r)
{
	fprintf(out, "{\"rip\":\"%016" PRIx64 "\",\"rsp\":\"%016" PRIx64 "\",\"rflags\":\"%08" PRIx64 "\","
		"\"rax\":\"%016" PRIx64 "\",\"rbx\":\"%016" PRIx64 "\",\"rcx\":\"%016" PRIx64 "\","
		"\"rdx\":\"%016" PRIx64 "\",\"rsi\":\"%016" PRIx64 "\",\"rdi\":\"%016" PRIx64 "\","
		"\"rbp\":\"%016" PRIx64 "\",\"r8\":\"%016" PRIx64 "\",\"r9\":\"%016" PRIx64 "\","
		"\"r10\":\"%016" PRIx64 "\",\"r11\":\"%016" PRIx64 "\",\"r12\":\"%016" PRIx64 "\","
		"\"r13\":\"%016" PRIx64 "\",\"r14\":\"%016" PRIx64 "\",\"r15\":\"%016" PRIx64 "\","
		"\"orig_rax\":\"%016" PRIx64 "\",\"cs\":\"%04" PRIx64 "\",\"ss\":\"%04" PRIx64 "\"}",
		r->ip, r->sp, r->flags, r->ax, r->bx, r->cx, r->dx, r->si, r->di, r->bp, r->r8, r->r9, r->r10, r->r11,
		r->r12, r->r13, r->r14, r->r15, r->orig_ax, r->cs, r->ss);
}

void bt_print_json(struct session *s, const struct task_info *t, const struct kdk_array *entries,
		   const char *error, const struct bt_print_options *o, FILE *out)
{
	char name[256], where[600];
	bool first = true;
	size_t i;
	int shown = 0;

	fprintf(out, "{\"pid\":%d,\"task\":\"%016" PRIx64 "\",\"cpu\":%u,\"command\":", t->pid, t->task, t->cpu);
	json_write_string(out, t->comm);
	fprintf(out, ",\"state\":\"%s\",\"active\":%s,\"frames\":[", task_state_name(t), t->active ? "true" : "false");
	for (i = 0; i < entries->len; i++) {
		const struct bt_entry *e = kdk_array_at(entries, i);
		const struct kdk_ksym *sym;
		const char *module;
		uint64_t off;

		if (e->kind == BT_FRAME) {
			bt_name(s, e->ip, false, e->return_address, name, sizeof(name), &module);
			fprintf(out, "%s{\"index\":%d,\"sp\":\"%016" PRIx64 "\",\"function\":", first ? "" : ",", shown++,
				e->sp);
			json_write_string(out, name);
			fprintf(out, ",\"address\":\"%016" PRIx64 "\"", e->ip);
			sym = kdk_symtab_by_addr(&s->syms, e->ip - e->return_address, &off);
			if (module || (sym && (e->ip >> 63) && (!sym->size || off < sym->size)))
				fprintf(out, ",\"offset\":%" PRIu64 ",\"size\":%" PRIu64, off + e->return_address,
					sym->size);
			if (module) {
				fputs(",\"module\":", out);
				json_write_string(out, module);
			}
			if (o->lines && srclines_find(o->lines, e->ip - e->return_address, where, sizeof(where))) {
				fputs(",\"source\":", out);
				json_write_string(out, where);
			}
			fputc('}', out);
			first = false;
		} else if (e->kind == BT_EXCEPTION) {
			bt_name(s, e->regs.ip, true, false, name, sizeof(name), NULL);
			fprintf(out, "%s{\"exception\":", first ? "" : ",");
			json_write_string(out, name);
			fputs(",\"registers\":", out);
			json_regs(out, &e->regs);
			fputc('}', out);
			first = false;
		}
	}
	fputc(']', out);
	for (i = 0; i < entries->len; i++) {
		const struct bt_entry *e = kdk_array_at(entries, i);

		if (e->kind == BT_USER_REGS) {
			fputs(",\"user_registers\":", out);
			json_regs(out, &e->regs);
		} else if (e->kind == BT_NOTE) {
			error = e->note;
		}
	}
	if (error) {
		fputs(",\"error\":", out);
		json_write_string(out, error);
	}
	fputc('}', out);
}
