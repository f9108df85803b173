/* task_pick.h — the task a command's [PID|TASK] argument names, or the context's (set's task,
 * else the panic task), and crash's one-line task header for it. */
#ifndef KCRASH_TASK_PICK_H
#define KCRASH_TASK_PICK_H

#include "session.h"
#include "tasks.h"

/* arg: a decimal PID or a hex task_struct address; NULL: the context's task. */
int task_pick(struct session *s, const char *arg, struct task_info *out, struct kdk_err *err);

/* "PID: 1        TASK: ffff…  CPU: 0    COMMAND: "init"" */
void task_pick_header(struct session *s, const struct task_info *t);

#endif
