/* cmd_bt.c — `bt [-a|-c CPUS] [-s] [-f|-F|-FF] [-l] [-t|-T] [PID|TASK]...`: kernel stacks
 * (analyze/backtrace.c), as crash prints them: the context's task (set's, else the panic task's),
 * each PID's or task_struct address's, or the active task of every CPU (-a) or of the CPUs listed
 * (-c 0,2-3), in CPU order; -s adds the kernel's "+0xoff/0xsize" to every name, -f each frame's
 * stack words (-F those that are symbols or in slab objects named, -FF with the value), -l each frame's source line (a DWARF vmlinux); -t/-T the text addresses on the
 * stacks instead (analyze/bt_text_symbols.c). With several traces one that fails says why and the
 * others follow. With --json, one JSON array of traces from the same entries. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "bt_text_symbols.h"
#include "commands.h"
#include "cpu_list.h"
#include "cpus.h"
#include "slub.h"
#include "srclines.h"
#include "task_pick.h"
#include "tasks.h"

#define BT_USAGE "usage: bt [-a|-c CPUS] [-s] [-f|-F|-FF] [-l] [-t|-T] [PID|TASK]..."

/* What to trace: a task, or a CPU that has none to show (offline). */
struct bt_target {
	struct task_info task;
	bool offline;
	uint32_t cpu;
};

/* The active task of each CPU in set (all CPUs: set NULL), in CPU order; an offline CPU's entry
 * is marked where it was asked for by number. */
static int targets_by_cpu(struct session *s, const uint8_t *set, uint32_t nr, const struct kdk_array *tasks,
			  struct kdk_array *targets, struct kdk_err *err)
{
	struct bt_target *slot;
	uint32_t cpu;
	size_t i;

	for (cpu = 0; cpu < nr; cpu++) {
		struct bt_target t = { .cpu = cpu };
		const struct cpu_info *c = cpus_get(s, cpu);
		bool found = false;

		if ((set && !set[cpu]) || (c && !c->present))
			continue;
		for (i = 0; i < tasks->len && !found; i++) {
			const struct task_info *ti = kdk_array_at(tasks, i);

			if (ti->active && ti->cpu == cpu) {
				t.task = *ti;
				found = true;
			}
		}
		/* bt -a shows the CPUs that ran something; -c names each CPU it was given. */
		if (!found && !set)
			continue;
		t.offline = !found;
		if (!(slot = kdk_array_push(targets, err)))
			return -err->code;
		*slot = t;
	}
	return 0;
}

static void print_one(struct session *s, struct bt_unwinder *u, const struct bt_target *t, int text_symbols,
		      const struct bt_print_options *o, struct kdk_array *entries, bool many, bool *shown,
		      int *rc, struct kdk_err *err)
{
	int urc;

	if (t->offline) {
		if (!s->json)
			fprintf(s->out, "%sCPU %u: OFFLINE (no task ran there when the dump was taken)\n",
				*shown ? "\n" : "", t->cpu);
		return;
	}
	kdk_err_clear(err);
	urc = bt_unwind(u, &t->task, entries, err);
	if (s->json) {
		fputs(*shown ? "," : "", s->out);
		bt_print_json(s, &t->task, entries, urc ? err->msg : NULL, o, s->out);
	} else {
		if (*shown)
			fputc('\n', s->out);
		bt_print_header(s->out, &t->task);
		if (text_symbols)
			bt_print_text_symbols(s, u, entries, text_symbols == 'T');
		else
			bt_print_text(s, entries, o);
		/* One trace that fails does not hide the others: it says why in its place. */
		if (urc && (many || text_symbols))
			fprintf(s->out, "    bt: %s\n", err->msg);
	}
	*shown = true;
	if (urc && !many && !s->json)
		*rc = urc;
	else
		kdk_err_clear(err);
}

int cmd_bt(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct bt_unwinder u;
	struct bt_print_options o = { 0 };
	struct source_lines lines = { .fd = -1 };
	struct kdk_array tasks = KDK_ARRAY_INIT(struct task_info);
	struct kdk_array entries = KDK_ARRAY_INIT(struct bt_entry);
	struct kdk_array targets = KDK_ARRAY_INIT(struct bt_target);
	struct kdk_array caches = KDK_ARRAY_INIT(struct slub_cache);
	bool all = false, with_lines = false, shown = false;
	const char *cpu_text = NULL;
	uint8_t *set = NULL;
	int text_symbols = 0;      /* 't' or 'T' */
	int first_task = 0, nr_task_args = 0;
	size_t i;
	int rc = 0, a;

	/* Options as crash's getopt takes them: letters may share a word ("-sf", "-FF", "-ac 1"); -c's
	 * CPUs follow it in the same word or the next. Task words come last. */
	for (a = 1; a < argc && argv[a][0] == '-' && argv[a][1]; a++) {
		const char *c;

		for (c = argv[a] + 1; *c; c++) {
			if (*c == 'a')
				all = true;
			else if (*c == 't' || *c == 'T')
				text_symbols = *c;
			else if (*c == 'c') {
				if (c[1])
					cpu_text = c + 1;
				else if (a + 1 < argc)
					cpu_text = argv[++a];
				else
					return kdk_err_set(err, EINVAL, "bt: -c needs CPUs (" BT_USAGE ")");
				break;
			} else if (!bt_print_letter(*c, &o, &with_lines))
				return kdk_err_set(err, EINVAL, "bt: no option -%c (" BT_USAGE ")", *c);
		}
	}
	if (a < argc) {
		first_task = a;
		nr_task_args = argc - a;
	}
	if ((all || cpu_text) && nr_task_args)
		return kdk_err_set(err, EINVAL, "bt: -a and -c take no task (" BT_USAGE ")");
	if (all && cpu_text)
		return kdk_err_set(err, EINVAL, "bt: -a or -c, not both");
	if (with_lines)
		bt_print_lines_open(s, &o, &lines, "bt -l");
	if (o.symbolic && !s->json)
		bt_print_caches_open(s, &o, &caches, "bt -F");
	if ((rc = bt_unwinder_open(&u, s, err)))
		goto out_lines;
	if (all || cpu_text) {
		uint32_t nr;

		if ((rc = tasks_collect(s, &tasks, err)) || (rc = tasks_nr_cpus(s, &nr, err)) ||
		    (rc = cpus_load(s, err)))
			goto out;
		if (cpu_text) {
			if (!(set = calloc(nr, 1))) {
				rc = kdk_err_set(err, ENOMEM, "bt: CPU set");
				goto out;
			}
			if ((rc = cpu_list_parse("bt", cpu_text, set, nr, err)) < 0)
				goto out;
			rc = 0;
		}
		if ((rc = targets_by_cpu(s, set, nr, &tasks, &targets, err)))
			goto out;
	} else if (!nr_task_args) {
		struct bt_target *t = kdk_array_push(&targets, err);

		/* bt with no task: set's context (cmd_set.c) where one was chosen, else the panic task. */
		if (!t || (rc = task_pick(s, NULL, &t->task, err))) {
			rc = -err->code;
			goto out;
		}
	} else {
		for (a = first_task; a < argc; a++) {
			struct bt_target *t = kdk_array_push(&targets, err);

			if (!t) {
				rc = -err->code;
				goto out;
			}
			if ((rc = task_pick(s, argv[a], &t->task, err))) {
				kdk_err_prefix(err, "bt: ");
				goto out;
			}
		}
	}
	if (s->json)
		fputc('[', s->out);
	for (i = 0; i < targets.len && !rc; i++)
		print_one(s, &u, kdk_array_at(&targets, i), text_symbols, &o, &entries, targets.len > 1 || all,
			  &shown, &rc, err);
	if (s->json)
		fputs("]\n", s->out);
out:
	bt_unwinder_close(&u);
out_lines:
	srclines_close(&lines);
	free(set);
	kdk_array_free(&caches);
	kdk_array_free(&targets);
	kdk_array_free(&entries);
	kdk_array_free(&tasks);
	return rc;
}
