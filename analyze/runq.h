/* runq.h — what `runq` (cmd_runq.c) and `runq -g` (runq_groups.c) share: the scheduler's layout
 * and the printing of a queued task and of a run queue's RT array. */
#ifndef KCRASH_RUNQ_H
#define KCRASH_RUNQ_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_err.h"
#include "rbtree_walk.h"
#include "session.h"

/* kernel/sched/sched.h (v6.1 … v7.2): struct rq embeds `struct cfs_rq cfs` and `struct rt_rq rt`;
 * cfs_rq.tasks_timeline is an rb_root_cached (4.14+, "sched/fair: Use rb_root_cached") of
 * sched_entity.run_node, `curr` is not in the tree; rt_rq.active is a struct rt_prio_array of
 * list_heads of sched_rt_entity.run_list, one per priority. CONFIG_FAIR_GROUP_SCHED adds
 * sched_entity.my_q (the group's own cfs_rq: an entity with one is a task group, not a task). */
struct runq_layout {
	uint64_t runqueues, rq_curr, rq_cfs, rq_rt, rq_clock;
	uint64_t cfs_root, cfs_leftmost, cfs_curr;
	uint64_t se_run_node, se_my_q;
	struct rb_walk_layout rb;
	uint64_t task_se, task_rt, task_prio, task_last_arrival, task_on_rq, on_rq_size;
	uint64_t rt_active, prio_queue, prio_queues, list_head_size;
	uint64_t rt_se_run_list, rt_se_my_q;
	bool have_clock, have_cfs_curr, have_my_q, have_last_arrival, have_rt_my_q, have_on_rq;
};

/* More entries than any run queue holds: a walk past it is a corrupt tree or list. */
#define RUNQ_MAX_ENTRIES (1u << 20)

struct task_info;
/* "[prio] PID: …  TASK: …  COMMAND: "…"" at indent, " [CURRENT]" after it when current: of a task
 * already described (runq_print_task), or read first (runq_print_entry). */
void runq_print_task(struct session *s, int indent, int prio, const struct task_info *t, bool current);
int runq_print_entry(struct session *s, int indent, int prio, uint64_t task, bool current,
		     struct kdk_err *err);
/* "PID: …  TASK: …  COMMAND: "…"\n" of a CPU's current task, or its address alone. */
void runq_print_current(struct session *s, uint64_t task);
/* The tasks on an rt_prio_array's lists at indent 5, by priority; a group entity's (my_q) array
 * in its place; *total counts them. */
int runq_dump_rt_array(struct session *s, const struct runq_layout *l, uint64_t array, int depth,
		       unsigned *total, struct kdk_err *err);

/* -g: each CPU of set (nr entries) with its CFS tasks under the task groups they are queued in
 * (runq_groups.c). */
int runq_print_groups(struct session *s, const struct runq_layout *l, const uint8_t *set, uint32_t nr,
		      struct kdk_err *err);

#endif
