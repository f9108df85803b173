/* tasks.h — every task in the dump: the processes on init_task.tasks, each one's threads on
 * signal->thread_head, and each CPU's idle task; with what ps and sys print about them. */
#ifndef KCRASH_TASKS_H
#define KCRASH_TASKS_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_array.h"
#include "session.h"

struct task_info {
	uint64_t task;             /* address of the task_struct */
	int32_t pid, tgid, ppid;
	uint64_t parent;           /* real_parent's task_struct (0 for the idle tasks, their own roots) */
	uint32_t cpu;
	uint64_t state;            /* task_struct.__state */
	uint32_t exit_state;
	uint64_t mm;
	uint64_t total_vm_pages, rss_pages;
	char comm[17];
	bool active;               /* the current task of its CPU */
};

/* Collect every task, sorted by pid (idle tasks, pid 0, by CPU). */
int tasks_collect(struct session *s, struct kdk_array *tasks, struct kdk_err *err);

/* One task's details. */
int tasks_describe(struct session *s, uint64_t task, struct task_info *t, struct kdk_err *err);

/* crash's two-letter state: RU IN UN ST TR ZO DE PA WA ID NE. */
const char *task_state_name(const struct task_info *t);
/* crash's long name of a state code ("UN" → "TASK_UNINTERRUPTIBLE"), as sys and set print it. */
const char *task_state_long_name(const char *code);

/* The current task of cpu (runqueues' rq->curr), or 0 with err. */
int tasks_cpu_current(struct session *s, uint32_t cpu, uint64_t *task, struct kdk_err *err);
/* Number of CPU ids (nr_cpu_ids). */
int tasks_nr_cpus(struct session *s, uint32_t *count, struct kdk_err *err);

#endif
