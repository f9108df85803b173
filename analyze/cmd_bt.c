/* cmd_bt.c — `bt [-a] [-s] [-f] [-l] [-t|-T] [PID]`: a task's kernel stack (analyze/backtrace.c), as
 * crash prints it: the panic task's, PID's, or every CPU's active task (-a); -s adds the kernel's
 * "+0xoff/0xsize" to every name, -f each frame's stack words, -l each frame's source line (a
 * DWARF vmlinux); -t/-T the text addresses on the stacks instead (analyze/bt_text_symbols.c).
 * With --json, one JSON array of traces from the same entries. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "bt_text_symbols.h"
#include "commands.h"
#include "srclines.h"
#include "tasks.h"

int cmd_bt(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct bt_unwinder u;
	struct bt_print_options o = { 0 };
	struct source_lines lines = { .fd = -1 };
	struct kdk_array tasks = KDK_ARRAY_INIT(struct task_info);
	struct kdk_array entries = KDK_ARRAY_INIT(struct bt_entry);
	bool all = false, with_lines = false, shown = false;
	int text_symbols = 0;      /* 't' or 'T' */
	long pid = -1;
	uint64_t target = 0;
	size_t i;
	int rc, a;

	for (a = 1; a < argc; a++) {
		char *end;

		if (!strcmp(argv[a], "-a"))
			all = true;
		else if (!strcmp(argv[a], "-t") || !strcmp(argv[a], "-T"))
			text_symbols = argv[a][1];
		else if (bt_print_option(argv[a], &o, &with_lines))
			continue;
		else if ((pid = strtol(argv[a], &end, 10)) < 0 || *end)
			return kdk_err_set(err, EINVAL, "usage: bt [-a] [-s] [-f] [-l] [-t|-T] [PID]");
	}
	if (with_lines)
		bt_print_lines_open(s, &o, &lines, "bt -l");
	if ((rc = bt_unwinder_open(&u, s, err)))
		goto out_lines;
	if ((rc = tasks_collect(s, &tasks, err)))
		goto out;
	/* bt with no task: set's context (cmd_set.c) where one was chosen, else the panic task. */
	if (!all && pid < 0) {
		if (s->context_task)
			target = s->context_task;
		else if ((rc = bt_panic_task(s, &target, err)))
			goto out;
	}
	if (s->json)
		fputc('[', s->out);
	rc = kdk_err_set(err, ENOENT, "bt: no task with PID %ld", pid);
	for (i = 0; i < tasks.len; i++) {
		const struct task_info *t = kdk_array_at(&tasks, i);
		int urc;

		if (all ? !t->active : pid >= 0 ? t->pid != pid : t->task != target)
			continue;
		kdk_err_clear(err);
		rc = 0;
		urc = bt_unwind(&u, t, &entries, err);
		if (text_symbols && !s->json) {
			if (shown)
				fputc('\n', s->out);
			bt_print_header(s->out, t);
			bt_print_text_symbols(s, &u, &entries, text_symbols == 'T');
			if (urc)
				fprintf(s->out, "    bt: %s\n", err->msg);
		} else if (s->json) {
			fputs(shown ? "," : "", s->out);
			bt_print_json(s, t, &entries, urc ? err->msg : NULL, &o, s->out);
		} else {
			if (shown)
				fputc('\n', s->out);
			bt_print_header(s->out, t);
			bt_print_text(s, &entries, &o);
			/* One CPU without registers does not hide the others. */
			if (urc && all)
				fprintf(s->out, "    bt: %s\n", err->msg);
		}
		shown = true;
		if (urc && !all && !s->json) {
			rc = urc;
			break;
		}
		kdk_err_clear(err);
		if (!all)
			break;
	}
	if (s->json)
		fputs("]\n", s->out);
out:
	bt_unwinder_close(&u);
out_lines:
	srclines_close(&lines);
	kdk_array_free(&entries);
	kdk_array_free(&tasks);
	return rc;
}
