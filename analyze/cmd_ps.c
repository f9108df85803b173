/* cmd_ps.c — `ps [-k|-u] [-G] [-A] [-I] [-H] [-S|-l|-m|-p|-c] [-C CPUS] [PID|TASK|COMM|'REGEX']...`:
 * every task and thread, in crash's columns; '>' marks each CPU's current task, kernel threads
 * (no mm) are shown in brackets. %MEM is RSS over the kernel's total RAM pages. The options are
 * crash's: -k/-u kernel threads or user tasks only, -G thread-group leaders only, -A active
 * tasks only, -I no idle tasks, -H no header; -S a count per state; -l each task's last arrival
 * on a CPU (sched_info.last_arrival, ns) and -m how long ago that was by its CPU's rq clock, both
 * newest first (-C: per CPU); -p a task's parents from the idle task down, -c its children.
 * --json: the rows as objects. */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpu_list.h"
#include "cpus.h"
#include "json_out.h"
#include "ps_args.h"
#include "ps_rlimits.h"
#include "ps_times.h"
#include "task_pick.h"
#include "tasks.h"

#define PID_MAX_LIMIT 4194304      /* include/linux/threads.h: a larger number names a task_struct */

enum ps_mode { PS_ROWS, PS_SUMMARY, PS_LAST_RUN, PS_MSECS, PS_PARENTS, PS_CHILDREN, PS_ARGS, PS_RLIMITS, PS_TIMES };

struct ps_selector {               /* one PID|TASK|COMM|'REGEX' argument */
	enum { BY_PID, BY_TASK, BY_COMM, BY_REGEX } kind;
	int32_t pid;
	uint64_t task;
	const char *comm;
	regex_t regex;
};

struct ps_opts {
	enum ps_mode mode;
	bool kernel_only, user_only, leaders, active_only, no_idle, no_header;
	const char *cpu_text;      /* -C */
	struct ps_selector *sel;
	int nsel;
};

/* --json: the same rows, one object each. */
static void ps_json(struct session *s, const struct kdk_array *tasks, uint64_t totalram)
{
	size_t i;

	fputc('[', s->out);
	for (i = 0; i < tasks->len; i++) {
		const struct task_info *t = kdk_array_at(tasks, i);
		double mem = totalram ? 100.0 * (double)t->rss_pages / (double)totalram : 0;

		fprintf(s->out, "%s{\"active\":%s,\"pid\":%d,\"ppid\":%d,\"cpu\":%u,\"task\":\"%016" PRIx64 "\","
			"\"state\":\"%s\",\"mem_pct\":%.1f,\"vsz_kb\":%" PRIu64 ",\"rss_kb\":%" PRIu64 ",\"comm\":",
			i ? "," : "", t->active ? "true" : "false", t->pid, t->ppid, t->cpu, t->task,
			task_state_name(t), mem, t->total_vm_pages * 4, t->rss_pages * 4);
		json_write_string(s->out, t->comm);
		fprintf(s->out, ",\"kernel_thread\":%s}", t->mm ? "false" : "true");
	}
	fputs("]\n", s->out);
}

static bool selected(const struct ps_opts *o, const struct task_info *t)
{
	int i;

	if ((o->kernel_only && t->mm) || (o->user_only && !t->mm) || (o->no_idle && !t->pid) ||
	    (o->active_only && !t->active))
		return false;
	/* -G: thread-group leaders; a thread named by PID or TASK stands for itself */
	if (o->leaders && t->pid != t->tgid && !o->nsel)
		return false;
	if (!o->nsel)
		return true;
	for (i = 0; i < o->nsel; i++) {
		const struct ps_selector *sel = &o->sel[i];

		switch (sel->kind) {
		case BY_PID:
			if (t->pid == sel->pid)
				return true;
			break;
		case BY_TASK:
			if (t->task == sel->task)
				return true;
			break;
		case BY_COMM:
			if (!strcmp(t->comm, sel->comm) && (!o->leaders || t->pid == t->tgid))
				return true;
			break;
		case BY_REGEX:
			if (!regexec(&sel->regex, t->comm, 0, NULL, 0) && (!o->leaders || t->pid == t->tgid))
				return true;
			break;
		}
	}
	return false;
}

static void print_row(struct session *s, const struct task_info *t, uint64_t totalram)
{
	double mem = totalram ? 100.0 * (double)t->rss_pages / (double)totalram : 0;
	char comm[24];

	snprintf(comm, sizeof(comm), t->mm ? "%s" : "[%s]", t->comm);
	fprintf(s->out, "%c %7d %7d %4u  %016" PRIx64 "  %s  %4.1f %8" PRIu64 " %8" PRIu64 "  %s\n",
		t->active ? '>' : ' ', t->pid, t->ppid, t->cpu, t->task, task_state_name(t), mem,
		t->total_vm_pages * 4, t->rss_pages * 4, comm);
}

/* -S: how many tasks are in each state, states in the order they first appear. */
static void print_summary(struct session *s, const struct ps_opts *o, const struct kdk_array *tasks)
{
	const char *names[32];
	unsigned counts[32], n = 0, k;
	size_t i;

	for (i = 0; i < tasks->len; i++) {
		const struct task_info *t = kdk_array_at(tasks, i);
		const char *st = task_state_name(t);

		if (!selected(o, t))
			continue;
		for (k = 0; k < n && strcmp(names[k], st); k++)
			;
		if (k == n && n < 32) {
			names[n] = st;
			counts[n++] = 0;
		}
		if (k < n)
			counts[k]++;
	}
	for (k = 0; k < n; k++)
		fprintf(s->out, "  %s: %u\n", names[k], counts[k]);
}

/* The task at address task, for -p's parent chain. */
static const struct task_info *by_task(const struct kdk_array *tasks, uint64_t task)
{
	size_t i;

	for (i = 0; i < tasks->len; i++) {
		const struct task_info *t = kdk_array_at(tasks, i);

		if (t->task == task)
			return t;
	}
	return NULL;
}

/* -p: the idle task down to t, one more space of indent each generation. A parent chain is no
 * longer than the task list (a damaged one that loops stops there). */
static int print_parents(struct session *s, const struct kdk_array *tasks, const struct task_info *t,
			 struct kdk_err *err)
{
	struct kdk_array chain = KDK_ARRAY_INIT(const struct task_info *);
	size_t i;

	/* a task with no parent is its own root: the idle tasks */
	while (t && chain.len <= tasks->len) {
		const struct task_info **slot = kdk_array_push(&chain, err);

		if (!slot) {
			kdk_array_free(&chain);
			return -err->code;
		}
		*slot = t;
		t = t->parent ? by_task(tasks, t->parent) : NULL;
	}
	for (i = chain.len; i-- > 0;) {
		fprintf(s->out, "%*s", (int)(chain.len - 1 - i), "");
		task_pick_header(s, *(const struct task_info **)kdk_array_at(&chain, i));
	}
	fputc('\n', s->out);
	kdk_array_free(&chain);
	return 0;
}

/* -c: t, then its children two spaces in. */
static void print_children(struct session *s, const struct kdk_array *tasks, const struct task_info *t)
{
	size_t i;
	int count = 0;

	task_pick_header(s, t);
	for (i = 0; i < tasks->len; i++) {
		const struct task_info *c = kdk_array_at(tasks, i);

		if (c->parent == t->task && c->task != t->task) {
			fputs("  ", s->out);
			task_pick_header(s, c);
			count++;
		}
	}
	if (!count)
		fputs("  (no children)\n", s->out);
	fputc('\n', s->out);
}

/* -l/-m: each task's sched_info.last_arrival, and each CPU's rq clock. */
struct last_run {
	const struct task_info *t;
	uint64_t arrival;
};

static int by_arrival(const void *a, const void *b)
{
	const struct last_run *x = a, *y = b;

	return x->arrival < y->arrival ? 1 : x->arrival > y->arrival ? -1 : 0;
}

/* crash's "D HH:MM:SS.mmm" of a duration in ns. */
static void duration(uint64_t ns, char *buf, size_t size)
{
	uint64_t ms = ns / 1000000, secs = ms / 1000, mins = secs / 60, hours = mins / 60;

	snprintf(buf, size, "%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64, hours / 24,
		 hours % 24, mins % 60, secs % 60, ms % 1000);
}

static int rq_clock(struct session *s, uint32_t cpu, uint64_t *clock, struct kdk_err *err)
{
	uint64_t rq, off;
	int rc;

	if ((rc = session_symbol(s, "runqueues", &rq, err)) ||
	    (rc = cpus_per_cpu_addr(s, rq, cpu, &rq, err)))
		return rc;
	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "rq.clock", &off) < 0)
		return kdk_err_set(err, ENOENT, "no OFFSET(rq.clock)");
	return session_read(s, rq + off, clock, 8, err);
}

static void print_last_run(struct session *s, const struct ps_opts *o, const struct last_run *r,
			   int width, uint64_t clock, int day_width)
{
	if (o->mode == PS_LAST_RUN) {
		fprintf(s->out, "[%*" PRIu64 "] ", width, r->arrival);
	} else {
		char text[64];
		int days;

		duration(clock > r->arrival ? clock - r->arrival : 0, text, sizeof(text));
		days = (int)strcspn(text, " ");
		fprintf(s->out, "[%*s%s] ", day_width > days ? day_width - days : 0, "", text);
	}
	fprintf(s->out, "[%s]  ", task_state_name(r->t));
	task_pick_header(s, r->t);
}

static int show_last_run(struct session *s, const struct ps_opts *o, const struct kdk_array *tasks,
			 struct kdk_err *err)
{
	struct last_run *runs;
	uint64_t off_si, off_arrival, *clocks = NULL;
	uint8_t *cpus = NULL;
	uint32_t nr = 0, cpu;
	size_t i, n = 0;
	char text[64];
	int width, rc = 0;

	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "task_struct.sched_info", &off_si) < 0 ||
	    kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "sched_info.last_arrival", &off_arrival) < 0)
		return kdk_err_set(err, ENOENT, "ps: last-run timestamps do not exist in this kernel "
						"(no task_struct.sched_info.last_arrival: CONFIG_SCHED_INFO)");
	if (!(runs = calloc(tasks->len + 1, sizeof(*runs))))
		return kdk_err_set(err, ENOMEM, "ps");
	for (i = 0; i < tasks->len; i++) {
		const struct task_info *t = kdk_array_at(tasks, i);
		struct kdk_err ignored = { 0 };

		if (!selected(o, t))
			continue;
		runs[n].t = t;
		if (session_read(s, t->task + off_si + off_arrival, &runs[n].arrival, 8, &ignored))
			runs[n].arrival = 0;
		n++;
	}
	qsort(runs, n, sizeof(*runs), by_arrival);
	width = n ? snprintf(text, sizeof(text), "%" PRIu64, runs[0].arrival) : 1;
	if ((rc = tasks_nr_cpus(s, &nr, err)) || (rc = cpus_load(s, err)))
		goto out;
	if (!(clocks = calloc(nr, sizeof(*clocks))) || !(cpus = calloc(nr, 1))) {
		rc = kdk_err_set(err, ENOMEM, "ps");
		goto out;
	}
	for (cpu = 0; o->mode == PS_MSECS && cpu < nr; cpu++) {
		struct kdk_err ignored = { 0 };

		if (rq_clock(s, cpu, &clocks[cpu], &ignored))
			clocks[cpu] = 0;
	}
	if (!o->cpu_text) {
		for (i = 0; i < n; i++)
			print_last_run(s, o, &runs[i], width, runs[i].t->cpu < nr ? clocks[runs[i].t->cpu] : 0, 0);
		goto out;
	}
	if ((rc = cpu_list_parse("ps", o->cpu_text, cpus, nr, err)) < 0)
		goto out;
	rc = 0;
	for (cpu = 0; cpu < nr; cpu++) {
		int day_width;

		if (!cpus[cpu])
			continue;
		fprintf(s->out, "%sCPU: %u\n", cpu && memchr(cpus, 1, cpu) ? "\n" : "", cpu);
		duration(clocks[cpu], text, sizeof(text));
		day_width = (int)strcspn(text, " ");
		for (i = 0; i < n; i++)
			if (runs[i].t->cpu == cpu)
				print_last_run(s, o, &runs[i], width, clocks[cpu], day_width);
	}
out:
	free(clocks);
	free(cpus);
	free(runs);
	return rc;
}

/* One argument of options ("-m", "-kG", "-C1", "-C 1"). */
static int parse_option(struct ps_opts *o, int argc, char **argv, int *i, struct kdk_err *err)
{
	const char *p = argv[*i] + 1;
	enum ps_mode want;

	while (*p) {
		char c = *p++;

		switch (c) {
		case 'k': o->kernel_only = true; continue;
		case 'u': o->user_only = true; continue;
		case 'G': o->leaders = true; continue;
		case 'A': o->active_only = true; continue;
		case 'I': o->no_idle = true; continue;
		case 'H': o->no_header = true; continue;
		case 'C':
			o->cpu_text = *p ? p : *i + 1 < argc ? argv[++*i] : NULL;
			if (!o->cpu_text)
				return kdk_err_set(err, EINVAL, "ps: -C needs CPUs");
			return 0;
		case 'S': want = PS_SUMMARY; break;
		case 'l': want = PS_LAST_RUN; break;
		case 'm': want = PS_MSECS; break;
		case 'p': want = PS_PARENTS; break;
		case 'c': want = PS_CHILDREN; break;
		case 'a': want = PS_ARGS; break;
		case 'r': want = PS_RLIMITS; break;
		case 't': want = PS_TIMES; break;
		default:
			return kdk_err_set(err, EINVAL, "ps: -%c is not supported (usage: ps [-k|-u] [-G] "
							"[-A] [-I] [-H] [-S|-l|-m|-p|-c|-a|-r|-t] [-C CPUS] "
							"[PID|TASK|COMM|'REGEX']...)", c);
		}
		if (o->mode != PS_ROWS && o->mode != want)
			return kdk_err_set(err, EINVAL, "ps: -S, -l, -m, -p, -c, -a, -r and -t exclude one another");
		o->mode = want;
	}
	return 0;
}

static int parse_selector(struct ps_selector *sel, const char *arg, struct kdk_err *err)
{
	size_t len = strlen(arg);
	char *end;

	memset(sel, 0, sizeof(*sel));
	if (len >= 2 && arg[0] == '\'' && arg[len - 1] == '\'') {
		char *pattern = strndup(arg + 1, len - 2);
		int rc;

		if (!pattern)
			return kdk_err_set(err, ENOMEM, "ps");
		rc = regcomp(&sel->regex, pattern, REG_EXTENDED | REG_NOSUB);
		free(pattern);
		if (rc)
			return kdk_err_set(err, EINVAL, "ps: invalid regular expression: %s", arg);
		sel->kind = BY_REGEX;
		return 0;
	}
	if (strspn(arg, "0123456789") == len && len && strtoull(arg, NULL, 10) <= PID_MAX_LIMIT) {
		sel->kind = BY_PID;
		sel->pid = (int32_t)strtol(arg, NULL, 10);
		return 0;
	}
	if (strspn(arg, "0123456789abcdefABCDEFx") == len && len > 8) {
		sel->kind = BY_TASK;
		sel->task = strtoull(arg, &end, 16);
		return 0;
	}
	sel->kind = BY_COMM;
	sel->comm = arg[0] == '\\' ? arg + 1 : arg;
	return 0;
}

int cmd_ps(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct ps_opts o = { .mode = PS_ROWS };
	struct kdk_array tasks = KDK_ARRAY_INIT(struct task_info);
	uint64_t totalram = 0, addr;
	size_t i;
	int rc = 0, a;

	if (!(o.sel = calloc((size_t)argc, sizeof(*o.sel))))
		return kdk_err_set(err, ENOMEM, "ps");
	for (a = 1; a < argc && !rc; a++) {
		if (argv[a][0] == '-' && argv[a][1])
			rc = parse_option(&o, argc, argv, &a, err);
		else if (!(rc = parse_selector(&o.sel[o.nsel], argv[a], err)))
			o.nsel++;
	}
	if (!rc && o.kernel_only && o.user_only)
		rc = kdk_err_set(err, EINVAL, "ps: -u and -k are mutually exclusive");
	if (!rc && o.mode == PS_SUMMARY && o.nsel)
		rc = kdk_err_set(err, EINVAL, "ps: -S option takes no arguments");
	if (!rc && o.cpu_text && o.mode != PS_LAST_RUN && o.mode != PS_MSECS)
		rc = kdk_err_set(err, EINVAL, "ps: -C option is only applicable with -l and -m");
	if (rc || (rc = tasks_collect(s, &tasks, err)))
		goto out;
	if (session_symbol(s, "_totalram_pages", &addr, err) ||
	    session_read(s, addr, &totalram, sizeof(totalram), err))
		kdk_err_clear(err);
	switch (o.mode) {
	case PS_SUMMARY:
		print_summary(s, &o, &tasks);
		goto out;
	case PS_LAST_RUN:
	case PS_MSECS:
		rc = show_last_run(s, &o, &tasks, err);
		goto out;
	case PS_PARENTS:
	case PS_CHILDREN:
		for (i = 0; i < tasks.len; i++) {
			const struct task_info *t = kdk_array_at(&tasks, i);

			if (!selected(&o, t))
				continue;
			if (o.mode == PS_CHILDREN)
				print_children(s, &tasks, t);
			else if ((rc = print_parents(s, &tasks, t, err)))
				goto out;
		}
		goto out;
	case PS_ARGS:
	case PS_RLIMITS:
	case PS_TIMES: {
		/* one block per task, each under its header */
		void (*block)(struct session *, const struct task_info *) =
			o.mode == PS_ARGS ? ps_show_args : o.mode == PS_RLIMITS ? ps_show_rlimits : ps_show_times;

		for (i = 0; i < tasks.len; i++) {
			const struct task_info *t = kdk_array_at(&tasks, i);

			if (selected(&o, t))
				block(s, t);
		}
		goto out;
	}
	case PS_ROWS:
		break;
	}
	if (s->json) {
		struct kdk_array chosen = KDK_ARRAY_INIT(struct task_info);

		for (i = 0; i < tasks.len && !rc; i++) {
			const struct task_info *t = kdk_array_at(&tasks, i);
			struct task_info *copy;

			if (!selected(&o, t))
				continue;
			if (!(copy = kdk_array_push(&chosen, err)))
				rc = -err->code;
			else
				*copy = *t;
		}
		if (!rc)
			ps_json(s, &chosen, totalram);
		kdk_array_free(&chosen);
		goto out;
	}
	if (!o.no_header)
		fprintf(s->out, "      PID    PPID  CPU       TASK        ST  %%MEM      VSZ      RSS  COMM\n");
	for (i = 0; i < tasks.len; i++) {
		const struct task_info *t = kdk_array_at(&tasks, i);

		if (selected(&o, t))
			print_row(s, t, totalram);
	}
out:
	for (a = 0; a < o.nsel; a++)
		if (o.sel[a].kind == BY_REGEX)
			regfree(&o.sel[a].regex);
	free(o.sel);
	kdk_array_free(&tasks);
	return rc;
}
