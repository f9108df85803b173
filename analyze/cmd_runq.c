/* cmd_runq.c — `runq [-t|-m|-T|-d|-g] [-c CPUS]`: each CPU's run queue as crash prints it (its current
 * task, the RT priority array's lists, the CFS red-black tree of sched_entity with group cfs_rqs
 * followed); -t the run queues' clocks, -m how long each CPU's current task has run, -T how far
 * each CPU's clock is behind the latest, -d every task whose on_rq is set under its CPU, -g the CFS
 * tasks by task group (runq_groups.c). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpu_list.h"
#include "cpus.h"
#include "list_guard.h"
#include "rbtree_walk.h"
#include "runq.h"
#include "tasks.h"

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct runq_layout, field)
#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct runq_layout, field, flag)
static const struct kdk_layout_key runq_keys[] = {
	KEY(OFFSET, "rq.curr", rq_curr),
	KEY(OFFSET, "rq.cfs", rq_cfs),
	KEY(OFFSET, "rq.rt", rq_rt),
	OPT(OFFSET, "rq.clock", rq_clock, have_clock),
	/* before 4.14 tasks_timeline was a bare rb_root and rb_leftmost a cfs_rq member */
	KEY(OFFSET, "cfs_rq.tasks_timeline.rb_root.rb_node|cfs_rq.tasks_timeline.rb_node", cfs_root),
	KEY(OFFSET, "cfs_rq.tasks_timeline.rb_leftmost|cfs_rq.rb_leftmost", cfs_leftmost),
	OPT(OFFSET, "cfs_rq.curr", cfs_curr, have_cfs_curr),
	KEY(OFFSET, "sched_entity.run_node", se_run_node),
	OPT(OFFSET, "sched_entity.my_q", se_my_q, have_my_q),
	KEY(OFFSET, "task_struct.se", task_se),
	KEY(OFFSET, "task_struct.rt", task_rt),
	KEY(OFFSET, "task_struct.prio", task_prio),
	OPT(OFFSET, "task_struct.sched_info.last_arrival", task_last_arrival, have_last_arrival),
	/* task_struct.on_rq since 3.x ("sched: Add p->on_rq"); before it the entity's own */
	OPT(OFFSET, "task_struct.on_rq|task_struct.se.on_rq", task_on_rq, have_on_rq),
	/* an int until 7.x made it a u8 beside on_cpu */
	OPT(SIZE, "task_struct.on_rq|task_struct.se.on_rq", on_rq_size, have_on_rq),
	KEY(OFFSET, "rt_rq.active", rt_active),
	KEY(OFFSET, "rt_prio_array.queue", prio_queue),
	KEY(LENGTH, "rt_prio_array.queue", prio_queues),
	KEY(SIZE, "list_head", list_head_size),
	KEY(OFFSET, "sched_rt_entity.run_list", rt_se_run_list),
	OPT(OFFSET, "sched_rt_entity.my_q", rt_se_my_q, have_rt_my_q),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

void runq_print_task(struct session *s, int indent, int prio, const struct task_info *t, bool current)
{
	fprintf(s->out, "%*s[%3d] PID: %-5d  TASK: %" PRIx64 "  COMMAND: \"%s\"%s\n", indent, "", prio,
		t->pid, t->task, t->comm, current ? " [CURRENT]" : "");
}

int runq_print_entry(struct session *s, int indent, int prio, uint64_t task, bool current,
		     struct kdk_err *err)
{
	struct task_info t;
	int rc;

	if ((rc = tasks_describe(s, task, &t, err)))
		return rc;
	runq_print_task(s, indent, prio, &t, current);
	return 0;
}

/* The tasks of a cfs_rq: a current group entity's queue first, then the tree in order, a group
 * entity's queue in its place (as crash flattens them); *total counts what was printed. */
static int dump_cfs_rq(struct session *s, const struct runq_layout *l, uint64_t cfs_rq, int depth,
		       unsigned *total, struct kdk_err *err)
{
	struct list_guard guard;
	uint64_t curr = 0, my_q = 0, leftmost, node;
	int32_t prio;
	int rc;

	if (depth > 64)
		return kdk_err_set(err, ELOOP, "runq: task groups nested deeper than 64 at cfs_rq %" PRIx64,
				   cfs_rq);
	if (l->have_my_q && l->have_cfs_curr) {
		if ((rc = session_read_u64(s, cfs_rq + l->cfs_curr, &curr, err)))
			return rc;
		if (curr && (rc = session_read_u64(s, curr + l->se_my_q, &my_q, err)))
			return rc;
		if (my_q && (rc = dump_cfs_rq(s, l, my_q, depth + 1, total, err)))
			return rc;
	}
	if ((rc = session_read_u64(s, cfs_rq + l->cfs_leftmost, &leftmost, err)) ||
	    (rc = session_read_u64(s, cfs_rq + l->cfs_root, &node, err)))
		return rc;
	if (!leftmost || !node)
		return 0;
	if ((rc = rb_walk_leftmost(s, &l->rb, node, &node, err)))
		return rc;
	list_guard_init(&guard, 0);
	for (; node; rc = rb_walk_next(s, &l->rb, node, &node, err)) {
		uint64_t se = node - l->se_run_node, task;

		if (rc)
			return rc;
		if (list_guard_loops(&guard, node) || *total > RUNQ_MAX_ENTRIES)
			return kdk_err_set(err, ELOOP, "runq: cfs_rq %" PRIx64 ": the tree loops at %" PRIx64,
					   cfs_rq, node);
		my_q = 0;
		if (l->have_my_q && (rc = session_read_u64(s, se + l->se_my_q, &my_q, err)))
			return rc;
		if (my_q) {
			if ((rc = dump_cfs_rq(s, l, my_q, depth + 1, total, err)))
				return rc;
			continue;
		}
		task = se - l->task_se;
		if ((rc = session_read(s, task + l->task_prio, &prio, 4, err)) ||
		    (rc = runq_print_entry(s, 5, prio, task, false, err)))
			return rc;
		(*total)++;
	}
	return rc;
}

int runq_dump_rt_array(struct session *s, const struct runq_layout *l, uint64_t array, int depth,
		       unsigned *total, struct kdk_err *err)
{
	uint64_t i;
	int rc;

	if (depth > 64)
		return kdk_err_set(err, ELOOP, "runq: RT groups nested deeper than 64 at %" PRIx64, array);
	for (i = 0; i < l->prio_queues; i++) {
		uint64_t head = array + l->prio_queue + i * l->list_head_size, pos;
		struct list_guard guard;

		if ((rc = session_read_u64(s, head, &pos, err)))
			return rc;
		list_guard_init(&guard, head);
		for (; pos != head; rc = session_read_u64(s, pos, &pos, err)) {
			uint64_t rt_se = pos - l->rt_se_run_list, my_q = 0;

			if (rc)
				return rc;
			if (!pos || list_guard_loops(&guard, pos) || *total > RUNQ_MAX_ENTRIES)
				return kdk_err_set(err, ELOOP, "runq: RT queue %" PRIu64 " at %" PRIx64
							       " is broken at %" PRIx64, i, head, pos);
			if (l->have_rt_my_q && (rc = session_read_u64(s, rt_se + l->rt_se_my_q, &my_q, err)))
				return rc;
			if (my_q) {
				if ((rc = runq_dump_rt_array(s, l, my_q + l->rt_active, depth + 1, total, err)))
					return rc;
				continue;
			}
			if ((rc = runq_print_entry(s, 5, (int)i, rt_se - l->task_rt, false, err)))
				return rc;
			(*total)++;
		}
	}
	return 0;
}

void runq_print_current(struct session *s, uint64_t task)
{
	struct kdk_err ignored = { 0 };
	struct task_info t;

	if (task && !tasks_describe(s, task, &t, &ignored))
		fprintf(s->out, "PID: %-5d  TASK: %" PRIx64 "  COMMAND: \"%s\"\n", t.pid, task, t.comm);
	else
		fprintf(s->out, "%" PRIx64 "\n", task);
}

static int runq_cpu(struct session *s, const struct runq_layout *l, uint32_t cpu, uint64_t rq,
		    struct kdk_err *err)
{
	uint64_t curr;
	unsigned total = 0;
	int rc;

	fprintf(s->out, "RUNQUEUE: %" PRIx64 "\n", rq);
	if ((rc = session_read_u64(s, rq + l->rq_curr, &curr, err)))
		return rc;
	fprintf(s->out, "  CURRENT: ");
	runq_print_current(s, curr);
	fprintf(s->out, "  RT PRIO_ARRAY: %" PRIx64 "\n", rq + l->rq_rt + l->rt_active);
	if ((rc = runq_dump_rt_array(s, l, rq + l->rq_rt + l->rt_active, 0, &total, err)))
		return kdk_err_prefix(err, "CPU %u: ", cpu);
	if (!total)
		fprintf(s->out, "     [no tasks queued]\n");
	total = 0;
	fprintf(s->out, "  CFS RB_ROOT: %" PRIx64 "\n", rq + l->rq_cfs + l->cfs_root);
	if ((rc = dump_cfs_rq(s, l, rq + l->rq_cfs, 0, &total, err)))
		return kdk_err_prefix(err, "CPU %u: ", cpu);
	if (!total)
		fprintf(s->out, "     [no tasks queued]\n");
	return 0;
}

/* A run queue's clock, its current task and that task's last arrival (0 without sched_info):
 * what -t and -m print. */
static int read_current(struct session *s, const struct runq_layout *l, uint64_t rq, uint64_t *clock,
			uint64_t *curr, uint64_t *arrival, struct task_info *t, struct kdk_err *err)
{
	int rc;

	*arrival = 0;
	if ((rc = session_read_u64(s, rq + l->rq_clock, clock, err)) ||
	    (rc = session_read_u64(s, rq + l->rq_curr, curr, err)) || (rc = tasks_describe(s, *curr, t, err)))
		return rc;
	return l->have_last_arrival ? session_read_u64(s, *curr + l->task_last_arrival, arrival, err) : 0;
}

/* -t: rq->clock, and under it the current task's sched_info.last_arrival zero-padded to its width. */
static int runq_timestamp(struct session *s, const struct runq_layout *l, uint32_t cpu, uint64_t rq,
			  bool offline, struct kdk_err *err)
{
	uint64_t clock, curr, arrival;
	struct task_info t;
	char buf[32];
	int rc, indent;

	fprintf(s->out, "%sCPU %u: ", cpu < 10 ? " " : "", cpu);
	if (offline) {
		fprintf(s->out, "[OFFLINE]\n");
		return 0;
	}
	if ((rc = read_current(s, l, rq, &clock, &curr, &arrival, &t, err)))
		return rc;
	snprintf(buf, sizeof(buf), "%" PRIu64, clock);
	fprintf(s->out, "%s\n", buf);
	indent = cpu < 10 ? 8 : cpu < 100 ? 8 : 9;
	fprintf(s->out, "%*s%0*" PRIu64 "  PID: %-5d  TASK: %" PRIx64 "  COMMAND: \"%s\"\n", indent, "",
		(int)strlen(buf), arrival, t.pid, curr, t.comm);
	return 0;
}

/* -m: how long the CPU's current task has been on it, rq->clock minus its sched_info.last_arrival,
 * as "[DAYS HH:MM:SS.MSEC]". */
static int runq_running_time(struct session *s, const struct runq_layout *l, uint32_t cpu,
			     uint64_t rq, bool offline, struct kdk_err *err)
{
	uint64_t clock, curr, arrival, ms;
	struct task_info t;
	int rc;

	fprintf(s->out, "%sCPU %u: ", cpu < 10 ? " " : "", cpu);
	if (offline) {
		fprintf(s->out, "[OFFLINE]\n");
		return 0;
	}
	if ((rc = read_current(s, l, rq, &clock, &curr, &arrival, &t, err)))
		return rc;
	ms = clock > arrival ? (clock - arrival) / 1000000 : 0;
	fprintf(s->out, "[%" PRIu64 " %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64 "]  PID: %-6d "
		"TASK: %" PRIx64 "  COMMAND: \"%s\"\n", ms / 86400000, ms / 3600000 % 24, ms / 60000 % 60,
		ms / 1000 % 60, ms % 1000, t.pid, curr, t.comm);
	return 0;
}

struct cpu_clock {
	uint32_t cpu;
	uint64_t clock;
};

/* The latest clock first; equal clocks in CPU order (crash sorts them so, stably). */
static int by_clock_latest_first(const void *a, const void *b)
{
	const struct cpu_clock *x = a, *y = b;

	if (x->clock != y->clock)
		return x->clock < y->clock ? 1 : -1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* -T: each online CPU's rq->clock behind the latest of them, in seconds, the least behind first
 * (as crash lists them). */
static int runq_lag(struct session *s, const struct runq_layout *l, uint32_t nr, struct kdk_err *err)
{
	struct cpu_clock *clocks;
	uint64_t rq;
	uint32_t cpu, n = 0, i;
	int rc = 0;

	if (!(clocks = calloc(nr ? nr : 1, sizeof(*clocks))))
		return kdk_err_set(err, ENOMEM, "runq -T");
	for (cpu = 0; cpu < nr && !rc; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);

		if (c && (!c->present || !c->online))
			continue;                        /* not shown */
		if (!(rc = cpus_per_cpu_addr(s, l->runqueues, cpu, &rq, err)) &&
		    !(rc = session_read_u64(s, rq + l->rq_clock, &clocks[n].clock, err)))
			clocks[n++].cpu = cpu;
	}
	if (!rc && n) {
		qsort(clocks, n, sizeof(*clocks), by_clock_latest_first);
		for (i = 0; i < n; i++)
			fprintf(s->out, "  CPU %u: %.2f secs\n", clocks[i].cpu,
				(double)(clocks[0].clock - clocks[i].clock) / 1e9);
	}
	free(clocks);
	return rc;
}

/* -d: under each CPU of set, every task on it whose on_rq is set, in ps order (crash's debug view:
 * what the tasks themselves say is queued, the current ones and idle tasks included). */
static int runq_on_rq(struct session *s, const struct runq_layout *l, const uint8_t *set, uint32_t nr,
		      struct kdk_err *err)
{
	struct kdk_array tasks = KDK_ARRAY_INIT(struct task_info);
	uint32_t cpu;
	size_t i;
	int rc;

	if ((rc = tasks_collect(s, &tasks, err)))
		return rc;
	for (cpu = 0; cpu < nr && !rc; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);
		unsigned total = 0;

		if (!set[cpu] || (c && !c->present))
			continue;
		/* crash separates CPUs by their number, not by what it printed before */
		fprintf(s->out, "%sCPU %u", cpu ? "\n" : "", cpu);
		if (c && !c->online) {
			fprintf(s->out, " [OFFLINE]\n");
			continue;
		}
		fputc('\n', s->out);
		for (i = 0; i < tasks.len && !rc; i++) {
			const struct task_info *t = kdk_array_at(&tasks, i);
			uint64_t on_rq;
			int32_t prio;

			if (t->cpu != cpu)
				continue;
			if ((rc = session_read_uint(s, t->task + l->task_on_rq, l->on_rq_size, &on_rq, err)) ||
			    (rc = session_read(s, t->task + l->task_prio, &prio, 4, err))) {
				kdk_err_prefix(err, "task %" PRIx64 ": ", t->task);
				break;
			}
			if (!on_rq)
				continue;
			runq_print_task(s, 5, prio, t, false);
			total++;
		}
		if (!rc && !total)
			fprintf(s->out, "     [no tasks queued]\n");
	}
	kdk_array_free(&tasks);
	return rc;
}

/* What runq prints: the queues, one line per CPU of -t, -m or -T, -d's queued tasks by CPU, or
 * -g's CFS tasks by task group (runq_groups.c). */
enum runq_mode { RUNQ_QUEUES, RUNQ_CLOCKS = 't', RUNQ_RUNNING = 'm', RUNQ_LAG = 'T', RUNQ_ON_RQ = 'd',
		 RUNQ_GROUPS = 'g' };

int cmd_runq(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct runq_layout l;
	uint8_t *set = NULL;
	const char *cpu_text = NULL;
	enum runq_mode mode = RUNQ_QUEUES;
	uint32_t nr, cpu, shown = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-t") || !strcmp(argv[i], "-m") || !strcmp(argv[i], "-T") ||
		    !strcmp(argv[i], "-d") || !strcmp(argv[i], "-g")) {
			if (mode != RUNQ_QUEUES && mode != (enum runq_mode)argv[i][1])
				return kdk_err_set(err, EINVAL, "runq: -t, -m, -T, -d and -g exclude each other");
			mode = (enum runq_mode)argv[i][1];
		} else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			cpu_text = argv[++i];
		else if (!strncmp(argv[i], "-c", 2) && argv[i][2])
			cpu_text = argv[i] + 2;
		else
			return kdk_err_set(err, EINVAL, "runq: \"%s\": usage: runq [-t|-m|-T|-d|-g] [-c CPUS]",
					   argv[i]);
	}
	memset(&l, 0, sizeof(l));
	/* loads the BTF (or DWARF) sources into the fact chain */
	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "runq: ");
	if ((rc = kdk_facts_fill(&s->facts, runq_keys, &l, err)) ||
	    (rc = rb_walk_layout_fill(s, &l.rb, err)))
		return kdk_err_prefix(err, "runq: ");
	if (mode == RUNQ_ON_RQ && !l.have_on_rq)
		return kdk_err_set(err, ENOENT, "runq: -d: the kernel's task_struct has no on_rq");
	if ((mode == RUNQ_CLOCKS || mode == RUNQ_RUNNING || mode == RUNQ_LAG) && !l.have_clock)
		return kdk_err_set(err, ENOENT, "runq: -%c: the kernel's struct rq has no clock", mode);
	if (mode == RUNQ_RUNNING && !l.have_last_arrival)
		return kdk_err_set(err, ENOENT, "runq: -m: the kernel's task_struct has no "
						"sched_info.last_arrival (CONFIG_SCHED_INFO)");
	if ((rc = session_symbol(s, "runqueues", &l.runqueues, err)) || (rc = tasks_nr_cpus(s, &nr, err)) ||
	    (rc = cpus_load(s, err)))
		return kdk_err_prefix(err, "runq: ");
	if (mode == RUNQ_LAG)
		return runq_lag(s, &l, nr, err);
	if (!(set = malloc(nr)))
		return kdk_err_set(err, ENOMEM, "runq: CPU set");
	memset(set, 1, nr);
	if (cpu_text && (rc = cpu_list_parse("runq", cpu_text, set, nr, err)))
		goto out;
	if (mode == RUNQ_ON_RQ || mode == RUNQ_GROUPS) {
		rc = mode == RUNQ_ON_RQ ? runq_on_rq(s, &l, set, nr, err) : runq_print_groups(s, &l, set, nr, err);
		goto out;
	}
	for (cpu = 0; cpu < nr; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);
		bool offline = c && !c->online;     /* crash hides what hotplug took down */
		uint64_t rq;

		if (!set[cpu] || (c && !c->present))
			continue;
		if ((rc = cpus_per_cpu_addr(s, l.runqueues, cpu, &rq, err)))
			goto out;
		if (mode != RUNQ_QUEUES) {
			if ((rc = (mode == RUNQ_CLOCKS ? runq_timestamp : runq_running_time)(s, &l, cpu, rq,
											   offline, err)))
				goto out;
			continue;
		}
		fprintf(s->out, "%sCPU %u ", shown++ ? "\n" : "", cpu);
		if (offline) {
			fprintf(s->out, "[OFFLINE]\n");
			continue;
		}
		if ((rc = runq_cpu(s, &l, cpu, rq, err)))
			goto out;
	}
out:
	free(set);
	return rc;
}
