/* cpus.c — the CPU table of a session: the cpumasks (include/linux/cpumask.h: __cpu_present_mask,
 * __cpu_active_mask, __cpu_online_mask, bitmaps of unsigned long) and the crash notes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "tasks.h"

int cpus_per_cpu_addr(struct session *s, uint64_t base, uint32_t cpu, uint64_t *addr,
		      struct kdk_err *err)
{
	uint64_t offsets, offset;
	int rc;

	if ((rc = session_symbol(s, "__per_cpu_offset", &offsets, err)) ||
	    (rc = session_read(s, offsets + 8ULL * cpu, &offset, 8, err)))
		return rc;
	*addr = base + offset;
	return 0;
}

/* Bit cpu of the cpumask at symbol name: 1, 0, or -1 when unreadable. */
static int mask_bit(struct session *s, const char *name, uint32_t cpu)
{
	struct kdk_err ignored = { 0 };
	uint64_t addr, word;

	if (session_symbol(s, name, &addr, &ignored) ||
	    session_read(s, addr + cpu / 64 * 8, &word, 8, &ignored))
		return -1;
	return (int)(word >> (cpu % 64) & 1);
}

/* The bytes of cpu's crash_notes buffer (kernel/crash_core.c: note_buf_t __percpu *crash_notes),
 * or NULL. */
static uint8_t *crash_note_of(struct session *s, uint32_t cpu, size_t size)
{
	struct kdk_err ignored = { 0 };
	uint64_t sym, ptr, addr;
	uint8_t *buf;

	if (session_symbol(s, "crash_notes", &sym, &ignored) || session_read(s, sym, &ptr, 8, &ignored) ||
	    !ptr || cpus_per_cpu_addr(s, ptr, cpu, &addr, &ignored) || !(buf = malloc(size)))
		return NULL;
	if (session_read(s, addr, buf, size, &ignored)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int cpus_load(struct session *s, struct kdk_err *err)
{
	struct kdk_array notes = KDK_ARRAY_INIT(const struct kdk_dump_note *);
	struct kdk_cpu_facts *facts = NULL;
	const uint8_t **descs = NULL;
	size_t *sizes = NULL, i, max_desc = 0;
	enum kdk_note_match *how = NULL;
	int *note_cpu = NULL;
	uint32_t nr, cpu;
	int rc = 0;

	if (s->cpus.len)
		return 0;
	kdk_array_init(&s->cpus, sizeof(struct cpu_info));
	if ((rc = tasks_nr_cpus(s, &nr, err)))
		return rc;
	for (i = 0; s->dump && i < s->dump->note_index.len; i++) {
		const struct kdk_dump_note *n = kdk_array_at(&s->dump->note_index, i), **slot;

		if (n->type != 1 || strcmp(n->name, "CORE") || n->desc_size < KDK_PRSTATUS_REGS +
								     sizeof(struct kdk_pt_regs))
			continue;
		if (!(slot = kdk_array_push(&notes, err))) {
			rc = -err->code;
			goto out;
		}
		*slot = n;
		if (n->desc_size > max_desc)
			max_desc = n->desc_size;
	}
	facts = calloc(nr, sizeof(*facts));
	descs = calloc(notes.len + 1, sizeof(*descs));
	sizes = calloc(notes.len + 1, sizeof(*sizes));
	note_cpu = calloc(notes.len + 1, sizeof(*note_cpu));
	how = calloc(notes.len + 1, sizeof(*how));
	if (!facts || !descs || !sizes || !note_cpu || !how) {
		rc = kdk_err_set(err, ENOMEM, "CPU table");
		goto out;
	}
	for (cpu = 0; cpu < nr; cpu++) {
		struct cpu_info *c = kdk_array_push(&s->cpus, err);
		int present = mask_bit(s, "__cpu_present_mask", cpu);
		int active = mask_bit(s, "__cpu_active_mask", cpu), online_bit;
		uint64_t task;
		int32_t pid;

		if (!c) {
			rc = -err->code;
			goto out;
		}
		memset(c, 0, sizeof(*c));
		c->present = present != 0;
		online_bit = mask_bit(s, "__cpu_online_mask", cpu);
		c->online = c->present && (active >= 0 ? active : online_bit) != 0;
		c->online_bit = c->present && (online_bit >= 0 ? online_bit : active) != 0;
		facts[cpu].present = c->present;
		facts[cpu].current_pid = -1;
		if (max_desc) {
			facts[cpu].crash_note_size = 32 + max_desc;
			facts[cpu].crash_note = crash_note_of(s, cpu, facts[cpu].crash_note_size);
		}
		if (session_kstructs(s, err) && !tasks_cpu_current(s, cpu, &task, err) &&
		    !session_read(s, task + s->ks.task_pid, &pid, 4, err))
			facts[cpu].current_pid = pid;
		kdk_err_clear(err);
	}
	for (i = 0; i < notes.len; i++) {
		const struct kdk_dump_note *n = *(const struct kdk_dump_note **)kdk_array_at(&notes, i);

		descs[i] = n->desc;
		sizes[i] = n->desc_size;
	}
	kdk_cpu_notes_assign(descs, sizes, notes.len, facts, nr, note_cpu, how);
	for (i = 0; i < notes.len; i++) {
		struct cpu_info *c;

		if (note_cpu[i] < 0 || (size_t)note_cpu[i] >= s->cpus.len)
			continue;
		c = kdk_array_at(&s->cpus, (size_t)note_cpu[i]);
		memcpy(&c->regs, descs[i] + KDK_PRSTATUS_REGS, sizeof(c->regs));
		c->have_regs = true;
		c->how = how[i];
	}
out:
	for (cpu = 0; facts && cpu < nr; cpu++)
		free((void *)facts[cpu].crash_note);
	free(facts);
	free(descs);
	free(sizes);
	free(note_cpu);
	free(how);
	kdk_array_free(&notes);
	if (rc)
		kdk_array_free(&s->cpus);
	return rc;
}

const struct cpu_info *cpus_get(struct session *s, uint32_t cpu)
{
	return cpu < s->cpus.len ? kdk_array_at(&s->cpus, cpu) : NULL;
}

int cpus_regs(struct session *s, uint32_t cpu, struct kdk_pt_regs *regs, struct kdk_err *err)
{
	const struct cpu_info *c;
	int rc;

	if ((rc = cpus_load(s, err)))
		return rc;
	if (!(c = cpus_get(s, cpu)))
		return kdk_err_set(err, ENOENT, "no CPU %u (nr_cpu_ids is %zu)", cpu, s->cpus.len);
	if (!c->have_regs)
		return kdk_err_set(err, ENOENT, "no NT_PRSTATUS in the dump is CPU %u's%s", cpu,
				   c->online ? "" : " (it was offline)");
	*regs = c->regs;
	return 0;
}
