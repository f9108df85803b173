/* kstructs.h — the kernel structure offsets kcrash's commands use, asked through the fact chain
 * (lib/kfacts: VMCOREINFO, then the dump's or the vmlinux's BTF) from one table: each row names a member, and alternatives for
 * members that kernels renamed (task_struct.__state was .state before 5.14). */
#ifndef KCRASH_KSTRUCTS_H
#define KCRASH_KSTRUCTS_H

#include <stdbool.h>
#include <stdint.h>

#include "btf.h"
#include "kdk_err.h"
#include "kfacts/kfacts.h"

struct kstructs {
	uint64_t task_tasks, task_pid, task_tgid, task_comm, task_real_parent, task_state,
		 task_exit_state, task_mm, task_signal, task_thread_node, task_cpu;
	uint64_t signal_thread_head;
	uint64_t mm_total_vm, mm_rss_stat;
	uint64_t rss_counter_size;     /* bytes per rss_stat element */
	uint64_t rss_counter_value;    /* offset of the value inside an element */
	uint64_t rq_curr, rq_idle;
	uint64_t task_state_size;      /* 4 (unsigned int __state) or 8 (long state) */
	int64_t mm_filepages, mm_anonpages, mm_shmempages;   /* enum mm counters */
};

/* Fill every offset through the fact chain (VMCOREINFO, then BTF or DWARF, …); ENOENT names the
 * first member missing and the sources asked. */
int kstructs_load(struct kstructs *ks, struct kdk_facts *facts, struct kdk_err *err);

#endif
