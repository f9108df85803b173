/* tasks.c — walking the task lists. The task state bits are the kernel's (include/linux/sched.h,
 * stable across 5.x/6.x): 0 running, 0x1 interruptible, 0x2 uninterruptible, 0x4 stopped,
 * 0x8 traced, 0x40 parked, 0x80 dead, 0x200 waking, 0x400 noload (with 0x2: idle), 0x800 new;
 * exit_state 0x10 dead, 0x20 zombie. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "list_guard.h"
#include "tasks.h"

#define MAX_TASKS 4000000      /* a corrupt list must not loop forever */

int tasks_nr_cpus(struct session *s, uint32_t *count, struct kdk_err *err)
{
	uint64_t addr;
	int rc;

	if ((rc = session_symbol(s, "nr_cpu_ids", &addr, err)) ||
	    (rc = session_read(s, addr, count, sizeof(*count), err)))
		return rc;
	if (!*count || *count > 8192)
		return kdk_err_set(err, EINVAL, "nr_cpu_ids reads %u", *count);
	return 0;
}

/* The address of per-CPU variable `name` on cpu. */
static int per_cpu_addr(struct session *s, const char *name, uint32_t cpu, uint64_t *addr,
			struct kdk_err *err)
{
	uint64_t base, offsets, offset;
	int rc;

	if ((rc = session_symbol(s, name, &base, err)) ||
	    (rc = session_symbol(s, "__per_cpu_offset", &offsets, err)) ||
	    (rc = session_read_u64(s, offsets + 8ULL * cpu, &offset, err)))
		return rc;
	*addr = base + offset;
	return 0;
}

int tasks_cpu_current(struct session *s, uint32_t cpu, uint64_t *task, struct kdk_err *err)
{
	const struct kstructs *ks = session_kstructs(s, err);
	uint64_t rq;
	int rc;

	if (!ks)
		return -err->code;
	if ((rc = per_cpu_addr(s, "runqueues", cpu, &rq, err)))
		return rc;
	return session_read_u64(s, rq + ks->rq_curr, task, err);
}

/* How much of a task_struct describe() reads: up to the end of the last member it uses. Not
 * sizeof: until 5.x's fpu state moved out (6.0's fpstate pointer) the object was allocated
 * shorter than its type (arch_task_struct_size), and reading past it can meet a page a
 * filtered dump left out (5.10: 7,944 bytes allocated of 9,344). */
static uint64_t describe_len(const struct session *s, const struct kstructs *ks)
{
	uint64_t ends[] = { ks->task_pid + 4, ks->task_tgid + 4, ks->task_cpu + 4,
			    ks->task_state + ks->task_state_size, ks->task_exit_state + 4,
			    ks->task_mm + 8, ks->task_comm + 16, ks->task_real_parent + 8 };
	uint64_t len = 0;
	size_t i;

	for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
		if (ends[i] > len)
			len = ends[i];
	return len < s->task_size ? len : s->task_size;
}

static int describe(struct session *s, const struct kstructs *ks, uint64_t task,
		    struct task_info *t, unsigned char *buf, struct kdk_err *err)
{
	uint64_t parent = 0, counter;
	int64_t counters[3];
	int i, rc;

	if ((rc = session_read(s, task, buf, describe_len(s, ks), err)))
		return kdk_err_prefix(err, "task_struct at 0x%llx: ", (unsigned long long)task);
	memset(t, 0, sizeof(*t));
	t->task = task;
	memcpy(&t->pid, buf + ks->task_pid, 4);
	memcpy(&t->tgid, buf + ks->task_tgid, 4);
	memcpy(&t->cpu, buf + ks->task_cpu, 4);
	memcpy(&t->state, buf + ks->task_state, ks->task_state_size);
	memcpy(&t->exit_state, buf + ks->task_exit_state, 4);
	memcpy(&t->mm, buf + ks->task_mm, 8);
	memcpy(t->comm, buf + ks->task_comm, 16);
	memcpy(&parent, buf + ks->task_real_parent, 8);
	/* The idle tasks (pid 0) are their own roots, as crash shows them. */
	if (t->pid && parent && parent != task) {
		t->parent = parent;
		if (session_read(s, parent + ks->task_pid, &t->ppid, sizeof(t->ppid), err))
			kdk_err_clear(err);
	}
	if (t->mm) {
		counters[0] = ks->mm_filepages;
		counters[1] = ks->mm_anonpages;
		counters[2] = ks->mm_shmempages;
		if (session_read_u64(s, t->mm + ks->mm_total_vm, &t->total_vm_pages, err))
			kdk_err_clear(err);
		for (i = 0; i < 3; i++) {
			if (session_read_u64(s, t->mm + ks->mm_rss_stat + ks->rss_counter_size * (uint64_t)counters[i] +
					       ks->rss_counter_value, &counter, err)) {
				kdk_err_clear(err);
				continue;
			}
			if ((int64_t)counter > 0)
				t->rss_pages += counter;
		}
	}
	return 0;
}

/* One task into tasks; an unreadable task_struct is reported in one line and skipped. */
static int add_task(struct session *s, const struct kstructs *ks, struct kdk_array *tasks,
		    uint64_t task, unsigned char *buf, struct kdk_err *err)
{
	struct task_info *t;

	if (tasks->len >= MAX_TASKS)
		return kdk_err_set(err, ELOOP, "more than %d tasks: the task list is corrupt", MAX_TASKS);
	t = kdk_array_push(tasks, err);
	if (!t)
		return -err->code;
	if (describe(s, ks, task, t, buf, err)) {
		fprintf(stderr, "kcrash: %s: skipped\n", err->msg);
		kdk_err_clear(err);
		tasks->len--;
	}
	return 0;
}

/* The threads of the process `leader` (its signal's thread list, leader included). A list that
 * loops or cannot be read on is reported and left there; what was read stays. */
static int add_threads(struct session *s, const struct kstructs *ks, struct kdk_array *tasks,
		       uint64_t leader, unsigned char *buf, struct kdk_err *err)
{
	struct list_guard guard;
	uint64_t signal, head, node;
	int rc;

	if (session_read_u64(s, leader + ks->task_signal, &signal, err) || !signal) {
		kdk_err_clear(err);
		return add_task(s, ks, tasks, leader, buf, err);
	}
	head = signal + ks->signal_thread_head;
	if (session_read_u64(s, head, &node, err)) {
		fprintf(stderr, "kcrash: threads of task 0x%llx: %s: only the leader listed\n",
			(unsigned long long)leader, err->msg);
		kdk_err_clear(err);
		return add_task(s, ks, tasks, leader, buf, err);
	}
	list_guard_init(&guard, head);
	while (node != head) {
		if (list_guard_loops(&guard, node)) {
			fprintf(stderr, "kcrash: the thread list of task 0x%llx loops: the rest left out\n",
				(unsigned long long)leader);
			return 0;
		}
		if ((rc = add_task(s, ks, tasks, node - ks->task_thread_node, buf, err)))
			return rc;
		if (session_read_u64(s, node, &node, err)) {
			fprintf(stderr, "kcrash: the thread list of task 0x%llx: %s: the rest left out\n",
				(unsigned long long)leader, err->msg);
			kdk_err_clear(err);
			return 0;
		}
	}
	return 0;
}

/* The process list read from its end (list_head.prev, include/linux/list.h: next, then prev),
 * after the forward walk stopped at broken (a damaged page in the chain): the processes behind
 * it are still there, linked both ways. Stops at broken, at the head, at a loop or at the next
 * unreadable link (said). */
static int add_backwards(struct session *s, const struct kstructs *ks, struct kdk_array *tasks,
			 uint64_t head, uint64_t broken, unsigned char *buf, struct kdk_err *err)
{
	struct list_guard guard;
	uint64_t node;
	int rc;

	if (session_read_u64(s, head + 8, &node, err)) {
		fprintf(stderr, "kcrash: init_task.tasks.prev: %s: the rest left out\n", err->msg);
		kdk_err_clear(err);
		return 0;
	}
	list_guard_init(&guard, head);
	while (node != head && node != broken) {
		if (list_guard_loops(&guard, node)) {
			fprintf(stderr, "kcrash: init_task.tasks loops backwards at 0x%llx: the rest left out\n",
				(unsigned long long)node);
			return 0;
		}
		if ((rc = add_threads(s, ks, tasks, node - ks->task_tasks, buf, err)))
			return rc;
		if (session_read_u64(s, node + 8, &node, err)) {
			fprintf(stderr, "kcrash: init_task.tasks backwards: %s: the rest left out\n", err->msg);
			kdk_err_clear(err);
			return 0;
		}
	}
	return 0;
}

int tasks_describe(struct session *s, uint64_t task, struct task_info *t, struct kdk_err *err)
{
	const struct kstructs *ks = session_kstructs(s, err);
	unsigned char *buf;
	int rc;

	if (!ks)
		return -err->code;
	if (!(buf = malloc(s->task_size)))
		return kdk_err_set(err, ENOMEM, "task buffer");
	rc = describe(s, ks, task, t, buf, err);
	free(buf);
	return rc;
}

static int by_pid(const void *a, const void *b)
{
	const struct task_info *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

int tasks_collect(struct session *s, struct kdk_array *tasks, struct kdk_err *err)
{
	const struct kstructs *ks = session_kstructs(s, err);
	uint64_t init_task, head, node, at, rq, task;
	unsigned char *buf = NULL;
	uint32_t cpus, cpu;
	struct list_guard guard;
	size_t i;
	int rc;

	kdk_array_init(tasks, sizeof(struct task_info));
	if (!ks)
		return -err->code;
	if ((rc = session_symbol(s, "init_task", &init_task, err)))
		return rc;
	if (tasks_nr_cpus(s, &cpus, err)) {
		/* Without the CPU count: CPU 0's idle task and the task list still answer. */
		fprintf(stderr, "kcrash: %s: only CPU 0's idle task listed among the idle tasks\n", err->msg);
		kdk_err_clear(err);
		cpus = 1;
	}
	if (!(buf = malloc(s->task_size)))
		return kdk_err_set(err, ENOMEM, "task buffer");
	/* init_task is CPU 0's idle task; the others' come from their runqueues. */
	if ((rc = add_task(s, ks, tasks, init_task, buf, err)))
		goto out;
	for (cpu = 1; cpu < cpus; cpu++) {
		if (per_cpu_addr(s, "runqueues", cpu, &rq, err) || session_read_u64(s, rq + ks->rq_idle, &task, err) ||
		    !task) {
			kdk_err_clear(err);
			continue;
		}
		if ((rc = add_task(s, ks, tasks, task, buf, err)))
			goto out;
	}
	/* The process list: a loop or an unreadable link ends it with a message; the tasks read
	 * so far are the answer. */
	head = init_task + ks->task_tasks;
	if (session_read_u64(s, head, &node, err)) {
		fprintf(stderr, "kcrash: init_task.tasks: %s: only the idle tasks listed\n", err->msg);
		kdk_err_clear(err);
		node = head;
	}
	list_guard_init(&guard, head);
	while (node != head) {
		if (list_guard_loops(&guard, node)) {
			fprintf(stderr, "kcrash: init_task.tasks loops at 0x%llx: the rest left out\n",
				(unsigned long long)node);
			break;
		}
		if ((rc = add_threads(s, ks, tasks, node - ks->task_tasks, buf, err)))
			goto out;
		at = node;
		if (session_read_u64(s, at, &node, err)) {
			fprintf(stderr, "kcrash: init_task.tasks: %s: the rest read backwards\n", err->msg);
			kdk_err_clear(err);
			if ((rc = add_backwards(s, ks, tasks, head, at, buf, err)))
				goto out;
			break;
		}
	}
	if (cpus_load(s, err))
		kdk_err_clear(err);
	for (cpu = 0; cpu < cpus; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);

		/* An offline CPU's runqueue still names its idle task: not running. */
		if ((c && !c->online) || tasks_cpu_current(s, cpu, &task, err)) {
			kdk_err_clear(err);
			continue;
		}
		for (i = 0; i < tasks->len; i++) {
			struct task_info *t = kdk_array_at(tasks, i);

			if (t->task == task)
				t->active = true;
		}
	}
	kdk_array_sort(tasks, by_pid);
out:
	free(buf);
	return rc;
}

const char *task_state_name(const struct task_info *t)
{
	uint64_t st = t->state;

	if (t->exit_state & 0x20)
		return "ZO";
	if (t->exit_state & 0x10)
		return "DE";
	if (st == 0)
		return "RU";
	if ((st & 0x402) == 0x402)
		return "ID";
	if (st & 0x1)
		return "IN";
	if (st & 0x2)
		return "UN";
	if (st & 0x4)
		return "ST";
	if (st & 0x8)
		return "TR";
	if (st & 0x40)
		return "PA";
	if (st & 0x80)
		return "DE";
	if (st & 0x200)
		return "WA";
	if (st & 0x800)
		return "NE";
	return "??";
}

const char *task_state_long_name(const char *code)
{
	static const char *const names[][2] = {
		{ "RU", "TASK_RUNNING" }, { "IN", "TASK_INTERRUPTIBLE" },
		{ "UN", "TASK_UNINTERRUPTIBLE" }, { "ID", "TASK_IDLE" }, { "ST", "TASK_STOPPED" },
		{ "TR", "TASK_TRACED" }, { "ZO", "EXIT_ZOMBIE" }, { "DE", "EXIT_DEAD" },
		{ "PA", "TASK_PARKED" }, { "WA", "TASK_WAKING" }, { "NE", "TASK_NEW" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(code, names[i][0]))
			return names[i][1];
	return "?";
}
