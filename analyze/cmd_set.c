/* cmd_set.c — `set [PID|TASK|-p]` and `task [PID|TASK]`: the current context (the task bt and task
 * show by default; the panic task until set changes it), printed as crash prints it; `task` adds
 * the task_struct and its thread_info. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "backtrace.h"
#include "commands.h"
#include "expr_env.h"
#include "task_pick.h"
#include "tasks.h"

/* The context: the task set chose, else the panic task. */
static int context(struct session *s, struct task_info *t, bool *is_panic, struct kdk_err *err)
{
	uint64_t panic = 0, task;
	struct kdk_err ignored = { 0 };
	char addr[32];
	int rc;

	if (bt_panic_task(s, &panic, s->context_task ? &ignored : err) && !s->context_task)
		return -err->code;
	task = s->context_task ? s->context_task : panic;
	*is_panic = task == panic;
	snprintf(addr, sizeof(addr), "%" PRIx64, task);
	if ((rc = task_pick(s, addr, t, err)))
		return rc;
	return 0;
}

static void print_context(struct session *s, const struct task_info *t, bool is_panic)
{
	const char *state = task_state_long_name(task_state_name(t));

	fprintf(s->out, "    PID: %d\n", t->pid);
	fprintf(s->out, "COMMAND: \"%s\"\n", t->comm);
	fprintf(s->out, "   TASK: %016" PRIx64 "  [THREAD_INFO: %016" PRIx64 "]\n", t->task, t->task);
	fprintf(s->out, "    CPU: %u\n", t->cpu);
	fprintf(s->out, "  STATE: %s%s\n", state, is_panic ? " (PANIC)" : t->active ? " (ACTIVE)" : "");
}

int print_task_context(struct session *s, uint64_t task, struct kdk_err *err)
{
	struct task_info t;
	uint64_t panic = 0;
	struct kdk_err ignored = { 0 };
	char addr[32];
	int rc;

	snprintf(addr, sizeof(addr), "%" PRIx64, task);
	if ((rc = task_pick(s, addr, &t, err)))
		return rc;
	bt_panic_task(s, &panic, &ignored);
	print_context(s, &t, task == panic);
	return 0;
}

int cmd_set(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct task_info t;
	bool is_panic;
	int rc;

	if (argc > 2)
		return kdk_err_set(err, EINVAL, "usage: set [PID|TASK|-p]");
	if (!session_kstructs(s, err))
		return -err->code;
	if (argc == 2 && !strcmp(argv[1], "-p")) {
		s->context_task = 0;
	} else if (argc == 2) {
		if ((rc = task_pick(s, argv[1], &t, err)))
			return kdk_err_prefix(err, "set: ");
		s->context_task = t.task;
	}
	if ((rc = context(s, &t, &is_panic, err)))
		return rc;
	print_context(s, &t, is_panic);
	return 0;
}

static int print_object(struct session *s, const char *type_name, uint64_t addr, struct kdk_err *err)
{
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, type_name);
	uint64_t size;
	uint8_t *data;
	int rc;

	if (!id)
		return kdk_err_set(err, ENOENT, "task: no struct %s in the kernel's BTF", type_name);
	size = kdk_btf_size(&s->btf, id);
	if (!(data = malloc(size ? size : 1)))
		return kdk_err_set(err, ENOMEM, "task");
	if ((rc = session_read(s, addr, data, size, err))) {
		free(data);
		return rc;
	}
	kdk_btf_print_value(&s->btf, id, data, addr, s->out, expr_name_addr, s);
	fputc('\n', s->out);
	free(data);
	return 0;
}

int cmd_task(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct task_info t;
	uint64_t ti_offset;
	bool is_panic;
	int rc;

	if (argc > 2)
		return kdk_err_set(err, EINVAL, "usage: task [PID|TASK]");
	if (!session_kstructs(s, err))
		return -err->code;
	if (argc == 2 ? (rc = task_pick(s, argv[1], &t, err)) : (rc = context(s, &t, &is_panic, err)))
		return rc;
	fprintf(s->out, "PID: %-7d  TASK: %016" PRIx64 "  CPU: %-3u  COMMAND: \"%s\"\n", t.pid, t.task,
		t.cpu, t.comm);
	if ((rc = print_object(s, "task_struct", t.task, err)))
		return rc;
	/* CONFIG_THREAD_INFO_IN_TASK: thread_info is the task's first member, shown as crash does */
	if (!kdk_btf_member(&s->btf, "task_struct", "thread_info", &ti_offset, NULL, err))
		return print_object(s, "thread_info", t.task + ti_offset, err);
	kdk_err_clear(err);
	return 0;
}
