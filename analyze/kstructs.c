/* kstructs.c — the offset table and its loader. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kstructs.h"

struct member_row {
	const char *container;
	const char *paths[3];      /* tried in order */
	size_t field;              /* offsetof(struct kstructs, …) */
};

static const struct member_row rows[] = {
	{ "task_struct", { "tasks" }, offsetof(struct kstructs, task_tasks) },
	{ "task_struct", { "pid" }, offsetof(struct kstructs, task_pid) },
	{ "task_struct", { "tgid" }, offsetof(struct kstructs, task_tgid) },
	{ "task_struct", { "comm" }, offsetof(struct kstructs, task_comm) },
	{ "task_struct", { "real_parent" }, offsetof(struct kstructs, task_real_parent) },
	{ "task_struct", { "__state", "state" }, offsetof(struct kstructs, task_state) },
	{ "task_struct", { "exit_state" }, offsetof(struct kstructs, task_exit_state) },
	{ "task_struct", { "mm" }, offsetof(struct kstructs, task_mm) },
	{ "task_struct", { "signal" }, offsetof(struct kstructs, task_signal) },
	{ "task_struct", { "thread_node" }, offsetof(struct kstructs, task_thread_node) },
	/* x86 moved the CPU number into thread_info (5.16); elsewhere it is task_struct.cpu. */
	{ "task_struct", { "thread_info.cpu", "cpu" }, offsetof(struct kstructs, task_cpu) },
	{ "signal_struct", { "thread_head" }, offsetof(struct kstructs, signal_thread_head) },
	{ "mm_struct", { "total_vm" }, offsetof(struct kstructs, mm_total_vm) },
	{ "mm_struct", { "rss_stat" }, offsetof(struct kstructs, mm_rss_stat) },
	{ "rq", { "curr" }, offsetof(struct kstructs, rq_curr) },
	{ "rq", { "idle" }, offsetof(struct kstructs, rq_idle) },
};

/* A row through the fact chain (VMCOREINFO first, then BTF…): the first of its paths that a
 * source knows; *used names it ("task_struct.__state"). */
static int load_row(const struct member_row *row, struct kstructs *ks, struct kdk_facts *facts,
		    char *used, size_t used_size, struct kdk_err *err)
{
	char asked[384];
	int i;

	for (i = 0; i < 3 && row->paths[i]; i++) {
		uint64_t offset;

		snprintf(used, used_size, "%s.%s", row->container, row->paths[i]);
		if (kdk_facts_lookup(facts, KDK_KEY_OFFSET, used, &offset) == 0) {
			memcpy((char *)ks + row->field, &offset, sizeof(offset));
			return 0;
		}
	}
	kdk_facts_describe(facts, asked, sizeof(asked));
	return kdk_err_set(err, ENOENT, "OFFSET(%s.%s) is in none of %s", row->container,
			   row->paths[0], asked);
}

/* mm_struct.rss_stat: struct mm_rss_stat { atomic_long_t count[NR_MM_COUNTERS]; } until 6.1, an
 * array of NR_MM_COUNTERS struct percpu_counter (whose .count is the folded value) since 6.2
 * ("mm: convert mm's rss stats into percpu_counter"). Told apart by what exists: the element
 * size, SIZE(mm_struct.rss_stat) / NUMBER(NR_MM_COUNTERS), is an atomic_long_t's 8 bytes in the
 * first and a whole percpu_counter (a lock, the count, …: more than 8) in the second. */
static int load_rss_layout(struct kstructs *ks, struct kdk_facts *facts, struct kdk_err *err)
{
	uint64_t size, counters, offset;

	if (kdk_facts_lookup(facts, KDK_KEY_SIZE, "mm_struct.rss_stat", &size) ||
	    kdk_facts_lookup(facts, KDK_KEY_NUMBER, "NR_MM_COUNTERS", &counters) || !counters ||
	    size % counters)
		return kdk_err_set(err, ENOENT, "mm_struct.rss_stat has an unknown layout (no SIZE(mm_struct.rss_stat) or NUMBER(NR_MM_COUNTERS))");
	ks->rss_counter_size = size / counters;
	if (ks->rss_counter_size == 8) {
		ks->rss_counter_value = 0;
		if (kdk_facts_lookup(facts, KDK_KEY_OFFSET, "mm_rss_stat.count", &offset) == 0)
			ks->mm_rss_stat += offset;
		return 0;
	}
	if (kdk_facts_lookup(facts, KDK_KEY_OFFSET, "percpu_counter.count", &ks->rss_counter_value))
		return kdk_err_set(err, ENOENT, "mm_struct.rss_stat: %llu-byte counters without OFFSET(percpu_counter.count)",
				   (unsigned long long)ks->rss_counter_size);
	return 0;
}

int kstructs_load(struct kstructs *ks, struct kdk_facts *facts, struct kdk_err *err)
{
	uint64_t filepages, anonpages, shmempages;
	char used[160], state[160] = "";
	size_t i;
	int rc;

	memset(ks, 0, sizeof(*ks));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if ((rc = load_row(&rows[i], ks, facts, used, sizeof(used), err)))
			return rc;
		if (rows[i].field == offsetof(struct kstructs, task_state))
			snprintf(state, sizeof(state), "%s", used);
	}
	/* The state's width (unsigned int __state since 5.14, long state before) is the size of
	 * the member the chain found. */
	if (kdk_facts_lookup(facts, KDK_KEY_SIZE, state, &ks->task_state_size) < 0 ||
	    (ks->task_state_size != 4 && ks->task_state_size != 8))
		return kdk_err_set(err, EINVAL, "SIZE(%s) is %llu bytes (or unknown)", state,
				   (unsigned long long)ks->task_state_size);
	if ((rc = load_rss_layout(ks, facts, err)))
		return rc;
	if (kdk_facts_lookup(facts, KDK_KEY_NUMBER, "MM_FILEPAGES", &filepages) ||
	    kdk_facts_lookup(facts, KDK_KEY_NUMBER, "MM_ANONPAGES", &anonpages) ||
	    kdk_facts_lookup(facts, KDK_KEY_NUMBER, "MM_SHMEMPAGES", &shmempages))
		return kdk_err_set(err, ENOENT, "no NUMBER(MM_FILEPAGES/MM_ANONPAGES/MM_SHMEMPAGES)");
	ks->mm_filepages = (int64_t)filepages;
	ks->mm_anonpages = (int64_t)anonpages;
	ks->mm_shmempages = (int64_t)shmempages;
	return 0;
}
