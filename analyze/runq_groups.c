/* runq_groups.c — `runq -g`: each CPU's CFS tasks under the task groups they are queued in, as
 * crash prints them: the root group's cfs_rq of the CPU, its current task, its tree in order, a
 * group entity's queue in its place under a TASK_GROUP line (indented by depth, the cgroup's name,
 * THROTTLED when CFS bandwidth throttled it), then the child groups that are not in the tree
 * (throttled or dequeued) but still hold tasks. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "kdk_array.h"
#include "list_guard.h"
#include "runq.h"
#include "tasks.h"

/* kernel/sched/sched.h: struct task_group (CONFIG_CGROUP_SCHED) embeds its cgroup_subsys_state
 * `css` and links to its parent's `children` list by `siblings`; `cfs_rq` is an array of per-CPU
 * pointers (root_task_group's entry for a CPU is &rq->cfs), or, in 7.x, a per-CPU pointer itself
 * (root_task_group's is &runqueues.cfs before the per-CPU offset). A cfs_rq names its group (tg)
 * and counts the entities queued on it (nr_running; nr_queued since 6.14); `throttled` is an int
 * until 7.x made it a one-bit field. Since 7.x a throttled group's tasks leave its tree for its
 * throttled_limbo_list (task_struct.throttle_node; the task stays on_rq): they are listed under
 * the group after its tree. `rt_rq` (CONFIG_RT_GROUP_SCHED) is the RT twin of cfs_rq. A
 * group's name is its cgroup's kernfs node's (the root's "/"), before 3.15 its dentry's; an
 * autogroup has no cgroup. */
struct group_layout {
	uint64_t tg_cfs_rq, tg_rt_rq, tg_css_cgroup, tg_children, tg_siblings;
	uint64_t cfs_tg, cfs_nr_running, cfs_nr_running_size, cfs_throttled_bit, cfs_throttled_bits;
	uint64_t cgroup_kn, kn_parent, kn_name, cfs_limbo, task_throttle_node;
	bool have_rt_rq, have_throttled, have_kn, have_limbo;
	bool per_cpu_cfs_rq;        /* task_group.cfs_rq is a per-CPU pointer, not an array */
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct group_layout, field)
#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct group_layout, field, flag)
static const struct kdk_layout_key group_keys[] = {
	KEY(OFFSET, "task_group.cfs_rq", tg_cfs_rq),
	OPT(OFFSET, "task_group.rt_rq", tg_rt_rq, have_rt_rq),
	KEY(OFFSET, "task_group.css.cgroup", tg_css_cgroup),
	KEY(OFFSET, "task_group.children", tg_children),
	KEY(OFFSET, "task_group.siblings", tg_siblings),
	KEY(OFFSET, "cfs_rq.tg", cfs_tg),
	KEY(OFFSET, "cfs_rq.nr_queued|cfs_rq.nr_running", cfs_nr_running),
	KEY(SIZE, "cfs_rq.nr_queued|cfs_rq.nr_running", cfs_nr_running_size),
	/* in bits: an int until 7.x made it a one-bit field */
	OPT(BIT_OFFSET, "cfs_rq.throttled", cfs_throttled_bit, have_throttled),
	OPT(BIT_SIZE, "cfs_rq.throttled", cfs_throttled_bits, have_throttled),
	OPT(OFFSET, "cgroup.kn", cgroup_kn, have_kn),
	OPT(OFFSET, "kernfs_node.__parent|kernfs_node.parent", kn_parent, have_kn),
	OPT(OFFSET, "kernfs_node.name", kn_name, have_kn),
	OPT(OFFSET, "cfs_rq.throttled_limbo_list", cfs_limbo, have_limbo),
	OPT(OFFSET, "task_struct.throttle_node", task_throttle_node, have_limbo),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

/* More task groups than a machine makes: a walk past it is a corrupt list. */
#define GROUPS_MAX (1u << 16)

struct group {
	uint64_t tg;
	int depth;
	size_t parent;              /* index of the parent group; the root's is itself */
	char *name;                 /* NULL: none (an autogroup) */
	bool unshown;               /* not yet printed on this CPU (crash's "use") */
};

struct walk {
	struct session *s;
	const struct runq_layout *l;
	struct group_layout g;
	struct kdk_array groups;    /* struct group, in the children lists' depth-first order */
	size_t *by_depth;           /* indexes into groups, by depth (stable) */
	uint32_t cpu;
	uint64_t current;           /* the CPU's current task */
};

/* The group's cgroup name, crash's way: none without a cgroup or kernfs node, "/" for the root
 * node, else the node's name. */
static char *group_name(struct walk *w, uint64_t tg)
{
	struct kdk_err ignored = { 0 };
	uint64_t cgroup, kn, parent, name;
	char buf[256];

	if (!w->g.have_kn || session_read_u64(w->s, tg + w->g.tg_css_cgroup, &cgroup, &ignored) || !cgroup ||
	    session_read_u64(w->s, cgroup + w->g.cgroup_kn, &kn, &ignored) || !kn ||
	    session_read_u64(w->s, kn + w->g.kn_parent, &parent, &ignored))
		return NULL;
	if (!parent)
		return strdup("/");
	if (session_read_u64(w->s, kn + w->g.kn_name, &name, &ignored) || !name)
		return NULL;
	session_read_string(w->s, name, buf, sizeof(buf));
	return buf[0] ? strdup(buf) : NULL;
}

/* Every task group below tg, depth first through the children lists. */
static int collect(struct walk *w, uint64_t tg, int depth, size_t parent, struct kdk_err *err)
{
	struct list_guard guard;
	struct group *g;
	uint64_t head = tg + w->g.tg_children, pos;
	size_t self = w->groups.len;
	int rc;

	if (w->groups.len >= GROUPS_MAX || depth > 64)
		return kdk_err_set(err, ELOOP, "task groups: more than %u, or nested deeper than 64 (a loop?)",
				   GROUPS_MAX);
	if (!(g = kdk_array_push(&w->groups, err)))
		return -err->code;
	g->tg = tg;
	g->depth = depth;
	g->parent = depth ? parent : self;
	g->name = group_name(w, tg);
	if ((rc = session_read_u64(w->s, head, &pos, err)))
		return rc;
	list_guard_init(&guard, head);
	for (; pos != head; rc = session_read_u64(w->s, pos, &pos, err)) {
		if (rc)
			return rc;
		if (!pos || list_guard_loops(&guard, pos))
			return kdk_err_set(err, ELOOP, "task group %" PRIx64 ": its children list is broken at %" PRIx64,
					   tg, pos);
		if ((rc = collect(w, pos - w->g.tg_siblings, depth + 1, self, err)))
			return rc;
	}
	return 0;
}

static struct group *group_at(struct walk *w, size_t i)
{
	return kdk_array_at(&w->groups, i);
}

/* The group's cfs_rq on the walk's CPU. */
static int group_cfs_rq(struct walk *w, uint64_t tg, uint64_t *cfs_rq, struct kdk_err *err)
{
	uint64_t v;
	int rc;

	if ((rc = session_read_u64(w->s, tg + w->g.tg_cfs_rq, &v, err)))
		return rc;
	if (w->g.per_cpu_cfs_rq)
		return cpus_per_cpu_addr(w->s, v, w->cpu, cfs_rq, err);
	return session_read_u64(w->s, v + 8 * (uint64_t)w->cpu, cfs_rq, err);
}

static bool throttled(struct walk *w, uint64_t cfs_rq)
{
	struct kdk_err ignored = { 0 };
	uint64_t v = 0;

	return w->g.have_throttled &&
	       !session_read_bits(w->s, cfs_rq, w->g.cfs_throttled_bit, w->g.cfs_throttled_bits, &v,
				  &ignored) && v;
}

/* "TASK_GROUP: …  CFS_RQ: … " with the name and the throttling, indented by depth. */
static void print_header(struct walk *w, struct group *g, uint64_t cfs_rq)
{
	fprintf(w->s->out, "%*sTASK_GROUP: %" PRIx64 "  CFS_RQ: %" PRIx64 " ", 2 + 3 * g->depth, "", g->tg, cfs_rq);
	if (g->name)
		fprintf(w->s->out, " <%s>", g->name);
	if (throttled(w, cfs_rq))
		fprintf(w->s->out, " (THROTTLED)");
	fputc('\n', w->s->out);
	g->unshown = false;
}

/* The headers of g's ancestors not printed yet on this CPU, the outermost first. */
static int print_ancestors(struct walk *w, size_t i, struct kdk_err *err)
{
	struct group *p = group_at(w, group_at(w, i)->parent);
	uint64_t cfs_rq;
	int rc;

	if (p == group_at(w, i) || !p->unshown)
		return 0;
	if ((rc = print_ancestors(w, group_at(w, i)->parent, err)) || (rc = group_cfs_rq(w, p->tg, &cfs_rq, err)))
		return rc;
	print_header(w, p, cfs_rq);
	return 0;
}

static int dump_group_cfs_rq(struct walk *w, int depth, uint64_t cfs_rq, unsigned *total, struct kdk_err *err);

/* The tasks a throttled cfs_rq holds off its tree (7.x), at indent, when print; their number in
 * *count. */
static int limbo_tasks(struct walk *w, uint64_t cfs_rq, bool print, int indent, unsigned *count,
		       struct kdk_err *err)
{
	struct list_guard guard;
	uint64_t head = cfs_rq + w->g.cfs_limbo, pos;
	int32_t prio;
	int rc;

	*count = 0;
	if (!w->g.have_limbo)
		return 0;
	if ((rc = session_read_u64(w->s, head, &pos, err)))
		return rc;
	list_guard_init(&guard, head);
	for (; pos != head; rc = session_read_u64(w->s, pos, &pos, err)) {
		uint64_t task = pos - w->g.task_throttle_node;

		if (rc)
			return rc;
		if (!pos || list_guard_loops(&guard, pos) || *count > RUNQ_MAX_ENTRIES)
			return kdk_err_set(err, ELOOP, "cfs_rq %" PRIx64 ": its throttled_limbo_list is broken at %" PRIx64,
					   cfs_rq, pos);
		(*count)++;
		if (print && ((rc = session_read(w->s, task + w->l->task_prio, &prio, 4, err)) ||
			      (rc = runq_print_entry(w->s, indent, prio, task, false, err))))
			return rc;
	}
	return 0;
}

/* The child groups of cfs_rq's group (one level down) that were not reached through its tree:
 * those holding entities get their headers and queues; empty ones are looked through. */
static int dump_dequeued(struct walk *w, int depth, uint64_t cfs_rq, unsigned *total, struct kdk_err *err)
{
	uint64_t tg, child, nr;
	unsigned limbo;
	size_t k;
	int rc;

	if ((rc = session_read_u64(w->s, cfs_rq + w->g.cfs_tg, &tg, err)))
		return rc;
	for (k = 0; k < w->groups.len; k++) {
		size_t i = w->by_depth[k];
		struct group *g = group_at(w, i);

		if (!g->unshown || g->depth - depth != 1 || group_at(w, g->parent)->tg != tg)
			continue;
		if ((rc = group_cfs_rq(w, g->tg, &child, err)))
			return rc;
		if (child == cfs_rq)
			continue;
		if ((rc = session_read_uint(w->s, child + w->g.cfs_nr_running, w->g.cfs_nr_running_size, &nr, err)) ||
		    (rc = limbo_tasks(w, child, false, 0, &limbo, err)))
			return rc;
		if (!nr && !limbo) {
			if ((rc = dump_dequeued(w, depth + 1, child, total, err)))
				return rc;
			continue;
		}
		if ((rc = print_ancestors(w, i, err)))
			return rc;
		(*total)++;
		if ((rc = dump_group_cfs_rq(w, depth + 1, child, total, err)))
			return rc;
	}
	return 0;
}

/* One cfs_rq at depth: its group's header (below the root), a current group entity's queue, the
 * current task, the tree in order (group entities' queues in their places), the dequeued child
 * groups; "[no tasks queued]" when none of it printed anything. */
static int dump_group_cfs_rq(struct walk *w, int depth, uint64_t cfs_rq, unsigned *total, struct kdk_err *err)
{
	const struct runq_layout *l = w->l;
	struct list_guard guard;
	uint64_t curr = 0, curr_my_q = 0, node, leftmost, tg;
	unsigned here = 0, limbo;
	int32_t prio;
	size_t i;
	int rc;

	if (depth > 64)
		return kdk_err_set(err, ELOOP, "runq -g: task groups nested deeper than 64 at cfs_rq %" PRIx64, cfs_rq);
	if (depth) {
		if ((rc = session_read_u64(w->s, cfs_rq + w->g.cfs_tg, &tg, err)))
			return rc;
		for (i = 0; i < w->groups.len; i++)
			if (group_at(w, i)->tg == tg) {
				print_header(w, group_at(w, i), cfs_rq);
				break;
			}
	}
	if ((rc = session_read_u64(w->s, cfs_rq + l->cfs_curr, &curr, err)))
		return rc;
	if (curr && (rc = session_read_u64(w->s, curr + l->se_my_q, &curr_my_q, err)))
		return rc;
	if (curr_my_q) {
		here++;
		if ((rc = dump_group_cfs_rq(w, depth + 1, curr_my_q, &here, err)))
			return rc;
	} else if (curr && w->current && curr - l->task_se == w->current) {
		/* the running task is not in the tree */
		here++;
		if ((rc = session_read(w->s, w->current + l->task_prio, &prio, 4, err)) ||
		    (rc = runq_print_entry(w->s, 5 + 3 * depth, prio, w->current, true, err)))
			return rc;
	}
	if ((rc = session_read_u64(w->s, cfs_rq + l->cfs_leftmost, &leftmost, err)) ||
	    (rc = session_read_u64(w->s, cfs_rq + l->cfs_root, &node, err)))
		return rc;
	if (leftmost && node && (rc = rb_walk_leftmost(w->s, &l->rb, node, &node, err)))
		return rc;
	list_guard_init(&guard, 0);
	for (; leftmost && node; rc = rb_walk_next(w->s, &l->rb, node, &node, err)) {
		uint64_t se = node - l->se_run_node, my_q;

		if (rc)
			return rc;
		if (list_guard_loops(&guard, node) || here > RUNQ_MAX_ENTRIES)
			return kdk_err_set(err, ELOOP, "runq -g: cfs_rq %" PRIx64 ": the tree loops at %" PRIx64,
					   cfs_rq, node);
		if ((rc = session_read_u64(w->s, se + l->se_my_q, &my_q, err)))
			return rc;
		here++;
		if (my_q) {
			if ((rc = dump_group_cfs_rq(w, depth + 1, my_q, &here, err)))
				return rc;
			continue;
		}
		if ((rc = session_read(w->s, se - l->task_se + l->task_prio, &prio, 4, err)) ||
		    (rc = runq_print_entry(w->s, 5 + 3 * depth, prio, se - l->task_se, false, err)))
			return rc;
	}
	if (rc)
		return rc;
	if ((rc = limbo_tasks(w, cfs_rq, true, 5 + 3 * depth, &limbo, err)))
		return rc;
	here += limbo;
	if ((rc = dump_dequeued(w, depth, cfs_rq, &here, err)))
		return rc;
	if (!here)
		fprintf(w->s->out, "%*s[no tasks queued]\n", 5 + 3 * depth, "");
	*total += here;
	return 0;
}

/* The groups by depth, the walk's order kept among equals (crash's stable sort). */
static int by_depth_then_order(const void *a, const void *b, void *ctx)
{
	struct walk *w = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int dx = group_at(w, x)->depth, dy = group_at(w, y)->depth;

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return x < y ? -1 : x > y;
}

int runq_print_groups(struct session *s, const struct runq_layout *l, const uint8_t *set, uint32_t nr,
		      struct kdk_err *err)
{
	struct walk w = { .s = s, .l = l, .groups = KDK_ARRAY_INIT(struct group) };
	const char *root_name = "ROOT";
	uint64_t root, v, rq, cfs_rq, rt_rq;
	uint32_t cpu, shown = 0;
	size_t i;
	int rc;

	if (!l->have_my_q || !l->have_cfs_curr)
		return kdk_err_set(err, ENOENT, "runq -g: the kernel has no task groups (CONFIG_FAIR_GROUP_SCHED: "
						"sched_entity.my_q)");
	if ((rc = kdk_facts_fill(&s->facts, group_keys, &w.g, err)))
		return kdk_err_prefix(err, "runq -g: ");
	if (session_symbol(s, "root_task_group", &root, err)) {
		kdk_err_clear(err);
		root_name = "INIT";
		if ((rc = session_symbol(s, "init_task_group", &root, err)))
			return kdk_err_prefix(err, "runq -g: ");
	}
	/* the root's cfs_rq pointer: the per-CPU address of runqueues' cfs (7.x), or an array */
	if ((rc = session_read_u64(s, root + w.g.tg_cfs_rq, &v, err)))
		return kdk_err_prefix(err, "runq -g: %s_task_group: ", root_name);
	w.g.per_cpu_cfs_rq = v == l->runqueues + l->rq_cfs;
	if ((rc = collect(&w, root, 0, 0, err)))
		goto out;
	if (!(w.by_depth = calloc(w.groups.len, sizeof(*w.by_depth)))) {
		rc = kdk_err_set(err, ENOMEM, "runq -g: task groups");
		goto out;
	}
	for (i = 0; i < w.groups.len; i++)
		w.by_depth[i] = i;
	qsort_r(w.by_depth, w.groups.len, sizeof(*w.by_depth), by_depth_then_order, &w);
	for (cpu = 0; cpu < nr; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);
		unsigned total = 0;

		if (!set[cpu] || (c && !c->present))
			continue;
		fprintf(s->out, "%sCPU %u", shown++ ? "\n" : "", cpu);
		if (c && !c->online) {
			fprintf(s->out, " [OFFLINE]\n");
			continue;
		}
		fputc('\n', s->out);
		w.cpu = cpu;
		if ((rc = cpus_per_cpu_addr(s, l->runqueues, cpu, &rq, err)) ||
		    (rc = session_read_u64(s, rq + l->rq_curr, &w.current, err)))
			goto cpu_err;
		fprintf(s->out, "  CURRENT: ");
		runq_print_current(s, w.current);
		if (w.g.have_rt_rq) {
			/* RT groups (CONFIG_RT_GROUP_SCHED) flattened, as plain runq lists them */
			if ((rc = session_read_u64(s, root + w.g.tg_rt_rq, &v, err)) ||
			    (rc = session_read_u64(s, v + 8 * (uint64_t)cpu, &rt_rq, err)))
				goto cpu_err;
			fprintf(s->out, "  %s_TASK_GROUP: %" PRIx64 "  RT_RQ: %" PRIx64 "\n", root_name, root, rt_rq);
			if ((rc = runq_dump_rt_array(s, l, rt_rq + l->rt_active, 0, &total, err)))
				goto cpu_err;
			if (!total)
				fprintf(s->out, "     [no tasks queued]\n");
			total = 0;
		}
		if ((rc = group_cfs_rq(&w, root, &cfs_rq, err)))
			goto cpu_err;
		fprintf(s->out, "  %s_TASK_GROUP: %" PRIx64 "  CFS_RQ: %" PRIx64 "\n", root_name, root, cfs_rq);
		for (i = 0; i < w.groups.len; i++)
			group_at(&w, i)->unshown = group_at(&w, i)->depth > 0;
		if ((rc = dump_group_cfs_rq(&w, 0, cfs_rq, &total, err)))
			goto cpu_err;
	}
	goto out;
cpu_err:
	kdk_err_prefix(err, "runq -g: CPU %u: ", cpu);
out:
	for (i = 0; i < w.groups.len; i++)
		free(group_at(&w, i)->name);
	kdk_array_free(&w.groups);
	free(w.by_depth);
	return rc;
}
