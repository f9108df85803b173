/* cmd_foreach.c — `foreach [RU|IN|UN|…|kernel|user|active] [PID|TASK|COMM]… bt [-s] [-f] [-l]`:
 * a bt block per task of the dump (every thread, every CPU's idle task), crash's "PID:" header
 * each, a blank line between; with --json one array of the traces. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "slub.h"
#include "commands.h"
#include "srclines.h"
#include "tasks.h"

static const char *const state_names[] = { "RU", "IN", "UN", "ST", "TR", "ZO", "DE", "PA", "WA", "ID", "NE" };

struct selector {
	char **words;              /* the task words before the command */
	int count;
};

static bool is_state(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (!strcmp(w, state_names[i]))
			return true;
	return false;
}

/* A task word: a state, kernel/user/active, a PID (decimal), a task address (hex with 0x or
 * 16 digits) or a command name; a task is chosen when any word names it (crash's rule). */
static bool word_matches(const char *w, const struct task_info *t)
{
	char *end;
	unsigned long long n;

	if (is_state(w))
		return !strcmp(task_state_name(t), w);
	if (!strcmp(w, "kernel"))
		return !t->mm;
	if (!strcmp(w, "user"))
		return t->mm != 0;
	if (!strcmp(w, "active"))
		return t->active;
	if (!strncmp(w, "0x", 2) || strlen(w) == 16) {
		n = strtoull(w, &end, 16);
		if (!*end)
			return n == t->task;
	}
	n = strtoull(w, &end, 10);
	if (!*end && w[0])
		return (long long)n == t->pid;
	return !strcmp(w, t->comm);
}

static bool selected(const struct selector *sel, const struct task_info *t)
{
	int i;

	if (!sel->count)
		return true;
	for (i = 0; i < sel->count; i++)
		if (word_matches(sel->words[i], t))
			return true;
	return false;
}

int cmd_foreach(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct selector sel = { argv + 1, 0 };
	struct bt_print_options o = { 0 };
	struct source_lines lines = { .fd = -1 };
	struct kdk_array tasks = KDK_ARRAY_INIT(struct task_info);
	struct kdk_array entries = KDK_ARRAY_INIT(struct bt_entry);
	struct kdk_array caches = KDK_ARRAY_INIT(struct slub_cache);
	struct bt_unwinder u;
	bool with_lines = false, shown = false;
	size_t i;
	int a, rc;

	for (a = 1; a < argc && strcmp(argv[a], "bt"); a++)
		sel.count++;
	if (a == argc)
		return kdk_err_set(err, EINVAL, "usage: foreach [STATE|kernel|user|active|PID|TASK|COMM]… bt "
						"[-s] [-f|-F|-FF] [-l] (bt is the one command foreach runs)");
	for (a++; a < argc; a++) {
		if (!bt_print_option(argv[a], &o, &with_lines))
			return kdk_err_set(err, EINVAL, "foreach bt: unknown option %s (-s, -f, -F, -FF, -l)", argv[a]);
	}
	if (with_lines)
		bt_print_lines_open(s, &o, &lines, "foreach bt -l");
	if (o.symbolic && !s->json)
		bt_print_caches_open(s, &o, &caches, "foreach bt -F");
	if ((rc = bt_unwinder_open(&u, s, err)))
		goto out_lines;
	if ((rc = tasks_collect(s, &tasks, err)))
		goto out;
	if (s->json)
		fputc('[', s->out);
	for (i = 0; i < tasks.len; i++) {
		const struct task_info *t = kdk_array_at(&tasks, i);
		int urc;

		if (!selected(&sel, t))
			continue;
		urc = bt_unwind(&u, t, &entries, err);
		if (s->json) {
			fputs(shown ? "," : "", s->out);
			bt_print_json(s, t, &entries, urc ? err->msg : NULL, &o, s->out);
		} else {
			if (shown)
				fputc('\n', s->out);
			bt_print_header(s->out, t);
			bt_print_text(s, &entries, &o);
			/* A task that cannot be unwound is said in its block; the others go on. */
			if (urc)
				fprintf(s->out, "    bt: %s\n", err->msg);
		}
		kdk_err_clear(err);
		shown = true;
	}
	if (s->json)
		fputs("]\n", s->out);
out:
	bt_unwinder_close(&u);
out_lines:
	srclines_close(&lines);
	kdk_array_free(&caches);
	kdk_array_free(&entries);
	kdk_array_free(&tasks);
	return rc;
}
