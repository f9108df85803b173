/* cpus.h — the dump's CPUs: which are present and online (as crash counts them), and the
 * registers each stopped with, its NT_PRSTATUS matched by content (lib/unwind/cpu_notes). */
#ifndef KCRASH_CPUS_H
#define KCRASH_CPUS_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"
#include "unwind/cpu_notes.h"
#include "unwind/orc.h"

struct cpu_info {
	bool present;              /* __cpu_present_mask (all, when unreadable) */
	bool online;               /* __cpu_active_mask: a panic's stop_this_cpu clears only
				    * online, hotplug clears both */
	bool online_bit;           /* __cpu_online_mask: what crash's sys counts OFFLINE by (a
				    * panic without kdump clears it on the CPUs it stops) */
	bool have_regs;            /* an NT_PRSTATUS was matched to it */
	enum kdk_note_match how;
	struct kdk_pt_regs regs;
};

/* Load the table once per session (s->cpus); nr_cpu_ids entries. */
int cpus_load(struct session *s, struct kdk_err *err);
/* One CPU, or NULL past nr_cpu_ids (after cpus_load). */
const struct cpu_info *cpus_get(struct session *s, uint32_t cpu);
/* The registers cpu stopped with, or ENOENT naming why there are none. */
int cpus_regs(struct session *s, uint32_t cpu, struct kdk_pt_regs *regs, struct kdk_err *err);
/* A per-CPU variable's address on cpu (symbol + __per_cpu_offset[cpu]). */
int cpus_per_cpu_addr(struct session *s, uint64_t base, uint32_t cpu, uint64_t *addr,
		      struct kdk_err *err);

#endif
