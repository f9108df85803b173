/* task_pick.c — a command's task argument resolved against the task list (files, vm, net -s). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "backtrace.h"
#include "task_pick.h"

int task_pick(struct session *s, const char *arg, struct task_info *out, struct kdk_err *err)
{
	struct kdk_array tasks = KDK_ARRAY_INIT(struct task_info);
	uint64_t addr = 0;
	long pid = -1;
	size_t i;
	int rc;

	if (!arg) {
		addr = s->context_task;
		if (!addr && (rc = bt_panic_task(s, &addr, err)))
			return rc;
	} else {
		char *end;

		pid = strtol(arg, &end, 10);
		if (*end || pid < 0) {
			pid = -1;
			addr = strtoull(arg, &end, 16);
			if (*end || !addr)
				return kdk_err_set(err, EINVAL, "\"%s\" is neither a PID nor a task address", arg);
		}
	}
	if ((rc = tasks_collect(s, &tasks, err)))
		return rc;
	rc = pid >= 0 ? kdk_err_set(err, ENOENT, "no task has PID %ld", pid)
		      : kdk_err_set(err, ENOENT, "no task at %" PRIx64, addr);
	for (i = 0; i < tasks.len; i++) {
		const struct task_info *t = kdk_array_at(&tasks, i);

		if (pid >= 0 ? t->pid == pid : t->task == addr) {
			*out = *t;
			kdk_err_clear(err);
			rc = 0;
			break;
		}
	}
	kdk_array_free(&tasks);
	return rc;
}

void task_pick_header(struct session *s, const struct task_info *t)
{
	fprintf(s->out, "PID: %-7d  TASK: %016" PRIx64 "  CPU: %-3u  COMMAND: \"%s\"\n", t->pid, t->task,
		t->cpu, t->comm);
}
