/* unwind/cpu_notes.c — NT_PRSTATUS notes matched to CPUs by their content (the per-cpu
 * crash_notes buffer each came from), by position only when every CPU has one, else by pr_pid. */
#include <stdbool.h>
#include <string.h>

#include "unwind/cpu_notes.h"

/* The descriptor of the first note in a crash_notes buffer (Elf64_Nhdr: namesz, descsz, type;
 * name and descriptor each padded to 4 bytes, kernel/crash_core.c append_elf_note). */
static bool buffer_desc(const uint8_t *buf, size_t size, const uint8_t **desc, size_t *desc_size)
{
	uint32_t namesz, descsz, type;
	size_t off;

	if (!buf || size < 12)
		return false;
	memcpy(&namesz, buf, 4);
	memcpy(&descsz, buf + 4, 4);
	memcpy(&type, buf + 8, 4);
	if (type != 1 || namesz > 64)
		return false;
	off = 12 + (((size_t)namesz + 3) & ~(size_t)3);
	if (off > size || descsz > size - off)
		return false;
	*desc = buf + off;
	*desc_size = descsz;
	return true;
}

size_t kdk_cpu_notes_assign(const uint8_t *const *desc, const size_t *desc_size, size_t nr_notes,
			    const struct kdk_cpu_facts *cpus, size_t nr_cpus, int *note_cpu,
			    enum kdk_note_match *how)
{
	size_t i, c, assigned = 0, present = 0;

	for (i = 0; i < nr_notes; i++) {
		note_cpu[i] = -1;
		how[i] = KDK_NOTE_UNMATCHED;
	}
	for (c = 0; c < nr_cpus; c++)
		present += cpus[c].present != 0;
	/* 1. By the crash_notes buffer the note was copied from. */
	for (i = 0; i < nr_notes; i++) {
		for (c = 0; c < nr_cpus; c++) {
			const uint8_t *saved;
			size_t saved_size;

			if (!buffer_desc(cpus[c].crash_note, cpus[c].crash_note_size, &saved, &saved_size) ||
			    saved_size != desc_size[i] || desc_size[i] < KDK_PRSTATUS_REGS ||
			    memcmp(saved, desc[i], desc_size[i]))
				continue;
			note_cpu[i] = (int)c;
			how[i] = KDK_NOTE_BY_CRASH_NOTES;
			assigned++;
			break;
		}
	}
	/* 2. One note per present CPU and none matched above: in CPU order. */
	if (!assigned && nr_notes == present) {
		size_t next = 0;

		for (c = 0; c < nr_cpus && next < nr_notes; c++)
			if (cpus[c].present) {
				note_cpu[next] = (int)c;
				how[next++] = KDK_NOTE_BY_POSITION;
			}
		return next;
	}
	/* 3. By pr_pid, where exactly one CPU left over runs that task. */
	for (i = 0; i < nr_notes; i++) {
		int32_t pid;
		int found = -1, hits = 0;

		if (note_cpu[i] >= 0 || desc_size[i] < KDK_PRSTATUS_PID + 4)
			continue;
		memcpy(&pid, desc[i] + KDK_PRSTATUS_PID, 4);
		if (pid <= 0)
			continue;
		for (c = 0; c < nr_cpus; c++) {
			size_t j;
			bool taken = false;

			if (cpus[c].current_pid != pid)
				continue;
			for (j = 0; j < nr_notes; j++)
				taken |= note_cpu[j] == (int)c;
			if (!taken) {
				found = (int)c;
				hits++;
			}
		}
		if (hits == 1) {
			note_cpu[i] = found;
			how[i] = KDK_NOTE_BY_PID;
			assigned++;
		}
	}
	return assigned;
}
