/* kstructs.c — the offset table and its loader. */
#include <errno.h>
#include <stddef.h>
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

static int load_row(const struct member_row *row, struct kstructs *ks, const struct kdk_btf *btf,
		    uint32_t *type, struct kdk_err *err)
{
	int i, rc = -ENOENT;

	for (i = 0; i < 3 && row->paths[i]; i++) {
		uint64_t offset;

		rc = kdk_btf_member(btf, row->container, row->paths[i], &offset, type, err);
		if (!rc) {
			memcpy((char *)ks + row->field, &offset, sizeof(offset));
			kdk_err_clear(err);
			return 0;
		}
	}
	return rc;
}

/* mm_struct.rss_stat: struct mm_rss_stat { atomic_long_t count[]; } until 6.1, an array of
 * struct percpu_counter (whose .count is the folded value) since 6.2. */
static int load_rss_layout(struct kstructs *ks, const struct kdk_btf *btf, uint32_t type,
			   struct kdk_err *err)
{
	uint32_t resolved = kdk_btf_resolve(btf, type);
	uint64_t offset;

	if (kdk_btf_kind(btf, resolved) == KDK_BTF_STRUCT &&
	    !strcmp(kdk_btf_name(btf, resolved), "mm_rss_stat")) {
		ks->rss_counter_size = 8;
		ks->rss_counter_value = 0;
		if (kdk_btf_member(btf, "mm_rss_stat", "count", &offset, NULL, err))
			return -err->code;
		ks->mm_rss_stat += offset;
		return 0;
	}
	ks->rss_counter_size = kdk_btf_size(btf, kdk_btf_find(btf, KDK_BTF_STRUCT, "percpu_counter"));
	if (!ks->rss_counter_size ||
	    kdk_btf_member(btf, "percpu_counter", "count", &ks->rss_counter_value, NULL, err))
		return kdk_err_set(err, ENOENT, "BTF: mm_struct.rss_stat has an unknown layout");
	return 0;
}

int kstructs_load(struct kstructs *ks, const struct kdk_btf *btf, struct kdk_err *err)
{
	uint32_t type = 0, state_type = 0, rss_type = 0;
	size_t i;
	int rc;

	memset(ks, 0, sizeof(*ks));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if ((rc = load_row(&rows[i], ks, btf, &type, err)))
			return rc;
		if (rows[i].field == offsetof(struct kstructs, task_state))
			state_type = type;
		if (rows[i].field == offsetof(struct kstructs, mm_rss_stat))
			rss_type = type;
	}
	ks->task_state_size = kdk_btf_size(btf, state_type);
	if (ks->task_state_size != 4 && ks->task_state_size != 8)
		return kdk_err_set(err, EINVAL, "BTF: task_struct state is %llu bytes",
				   (unsigned long long)ks->task_state_size);
	if ((rc = load_rss_layout(ks, btf, rss_type, err)))
		return rc;
	if (kdk_btf_enum_value(btf, "MM_FILEPAGES", &ks->mm_filepages) ||
	    kdk_btf_enum_value(btf, "MM_ANONPAGES", &ks->mm_anonpages) ||
	    kdk_btf_enum_value(btf, "MM_SHMEMPAGES", &ks->mm_shmempages))
		return kdk_err_set(err, ENOENT, "BTF: no MM_FILEPAGES/MM_ANONPAGES/MM_SHMEMPAGES");
	return 0;
}
