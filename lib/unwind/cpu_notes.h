/* unwind/cpu_notes.h — which CPU each NT_PRSTATUS note of a dump belongs to, decided by what the
 * note holds, never by its position alone (a kernel-made /proc/vmcore has notes only for the CPUs
 * that stopped; docs/formats/orc.md, "Where unwinding starts"). */
#ifndef KDK_UNWIND_CPU_NOTES_H
#define KDK_UNWIND_CPU_NOTES_H

#include <stddef.h>
#include <stdint.h>

/* offsetof(struct elf_prstatus, pr_pid) and pr_reg on x86_64 (include/uapi/linux/elfcore.h:
 * elf_siginfo 12 bytes, pr_cursig 2 + pad 2, pr_sigpend 8, pr_sighold 8, then pr_pid, pr_ppid,
 * pr_pgrp, pr_sid, four struct __kernel_old_timeval of 16 bytes, then pr_reg). */
#define KDK_PRSTATUS_PID 32
#define KDK_PRSTATUS_REGS 112

/* What is known about one CPU (index = CPU number). */
struct kdk_cpu_facts {
	const uint8_t *crash_note;  /* the bytes of its per-cpu crash_notes buffer, or NULL */
	size_t crash_note_size;
	int64_t current_pid;        /* pid of its runqueue's current task, -1 unknown */
	int present;                /* in cpu_present_mask (or assumed) */
};

enum kdk_note_match { KDK_NOTE_UNMATCHED, KDK_NOTE_BY_CRASH_NOTES, KDK_NOTE_BY_POSITION,
		      KDK_NOTE_BY_PID };

/* For each of nr_notes NT_PRSTATUS descriptors (desc[i], desc_size[i]), the CPU it belongs to in
 * note_cpu[i] (-1: none) and how (how[i]). Rules, in order:
 *   1. the note's descriptor equals the one in a CPU's crash_notes buffer (crash_save_cpu wrote
 *      it there, /proc/vmcore copied it): that CPU;
 *   2. when no note matched so and there is one note per present CPU (QEMU's dump-guest-memory
 *      writes every vCPU in order, pr_pid = index + 1): by position;
 *   3. a nonzero pr_pid equal to the current task of exactly one CPU still unassigned: that CPU.
 * Returns the number of notes assigned. */
size_t kdk_cpu_notes_assign(const uint8_t *const *desc, const size_t *desc_size, size_t nr_notes,
			    const struct kdk_cpu_facts *cpus, size_t nr_cpus, int *note_cpu,
			    enum kdk_note_match *how);

#endif
