/* cmd_ps.c — `ps`: every task and thread, in crash's columns; '>' marks each CPU's current task,
 * kernel threads (no mm) are shown in brackets. %MEM is RSS over the kernel's total RAM pages.
 * --json: the same rows as objects. */
#include <errno.h>
#include <inttypes.h>

#include "commands.h"
#include "json_out.h"
#include "tasks.h"

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

int cmd_ps(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct kdk_array tasks;
	uint64_t totalram = 0, addr;
	size_t i;
	int rc;

	(void)argc;
	(void)argv;
	if ((rc = tasks_collect(s, &tasks, err))) {
		kdk_array_free(&tasks);
		return rc;
	}
	if (session_symbol(s, "_totalram_pages", &addr, err) ||
	    session_read(s, addr, &totalram, sizeof(totalram), err))
		kdk_err_clear(err);
	if (s->json) {
		ps_json(s, &tasks, totalram);
		kdk_array_free(&tasks);
		return 0;
	}
	fprintf(s->out, "      PID    PPID  CPU       TASK        ST  %%MEM      VSZ      RSS  COMM\n");
	for (i = 0; i < tasks.len; i++) {
		const struct task_info *t = kdk_array_at(&tasks, i);
		double mem = totalram ? 100.0 * (double)t->rss_pages / (double)totalram : 0;
		char comm[24];

		snprintf(comm, sizeof(comm), t->mm ? "%s" : "[%s]", t->comm);
		fprintf(s->out, "%c %7d %7d %4u  %016" PRIx64 "  %s  %4.1f %8" PRIu64 " %8" PRIu64 "  %s\n",
			t->active ? '>' : ' ', t->pid, t->ppid, t->cpu, t->task, task_state_name(t), mem,
			t->total_vm_pages * 4, t->rss_pages * 4, comm);
	}
	kdk_array_free(&tasks);
	return 0;
}
