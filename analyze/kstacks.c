/* kstacks.c — where the kernel's stacks are, x86_64. Sizes: THREAD_SIZE and IRQ_STACK_SIZE are
 * both PAGE_SIZE << (2 + KASAN_STACK_ORDER) (arch/x86/include/asm/page_64_types.h): 16 KiB
 * without KASAN, 32 KiB with; the dump's own is the init task's stack size (analyze/machine.c).
 * hardirq_stack_ptr (a per-cpu variable, or a
 * member of per-cpu pcpu_hot where that struct exists) holds the IRQ stack's top - 8
 * (arch/x86/kernel/irq_64.c: "va + IRQ_STACK_SIZE - 8"). cea_exception_stacks points at the CPU's
 * struct cea_exception_stacks inside its struct cpu_entry_area (arch/x86/include/asm/
 * cpu_entry_area.h): members X_stack are stacks, X_stack_guard guard pages; the entry stack is
 * cpu_entry_area.entry_stack_page. Offsets and sizes come from BTF. */
#include <errno.h>
#include <string.h>

#include "cpus.h"
#include "kstacks.h"
#include "machine.h"
#include "tasks.h"

/* The address of the per-cpu hardirq_stack_ptr on cpu: the variable, or pcpu_hot's member. */
static int irq_stack_ptr_addr(struct session *s, uint32_t cpu, uint64_t *addr, struct kdk_err *err)
{
	uint64_t base, off = 0;
	int rc;

	if (session_symbol(s, "hardirq_stack_ptr", &base, err)) {
		kdk_err_clear(err);
		if ((rc = session_symbol(s, "pcpu_hot", &base, err)) ||
		    (rc = kdk_btf_member(&s->btf, "pcpu_hot", "hardirq_stack_ptr", &off, NULL, err)))
			return rc;
	}
	return cpus_per_cpu_addr(s, base + off, cpu, addr, err);
}

static size_t exception_stacks(struct session *s, uint32_t cpu, struct kdk_stacks *stacks)
{
	struct kdk_err err = { 0 };
	uint64_t sym, var, estacks, estacks_off, entry_off;
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, "cea_exception_stacks"), type;
	const char *name;
	uint64_t bit;
	unsigned width, i;
	size_t added = 0;

	if (!id || session_symbol(s, "cea_exception_stacks", &sym, &err) ||
	    cpus_per_cpu_addr(s, sym, cpu, &var, &err) || session_read(s, var, &estacks, 8, &err) ||
	    !estacks)
		return 0;
	for (i = 0; !kdk_btf_member_at(&s->btf, id, i, &name, &type, &bit, &width); i++) {
		size_t len = strlen(name);
		char kind[24];

		if (len <= 6 || strcmp(name + len - 6, "_stack"))
			continue;
		snprintf(kind, sizeof(kind), "%.*s", (int)(len - 6), name);
		if (!kdk_stacks_add(stacks, estacks + bit / 8, estacks + bit / 8 + kdk_btf_size(&s->btf, type),
				    kind, (int32_t)cpu, &err))
			added++;
		kdk_err_clear(&err);
	}
	/* The entry stack, beside the exception stacks in the same cpu_entry_area. */
	if (!kdk_btf_member(&s->btf, "cpu_entry_area", "estacks", &estacks_off, NULL, &err) &&
	    !kdk_btf_member(&s->btf, "cpu_entry_area", "entry_stack_page", &entry_off, &type, &err)) {
		uint64_t lo = estacks - estacks_off + entry_off;

		if (!kdk_stacks_add(stacks, lo, lo + kdk_btf_size(&s->btf, type), "entry", (int32_t)cpu, &err))
			added++;
	}
	return added;
}

size_t kstacks_per_cpu(struct session *s, struct kdk_stacks *stacks)
{
	struct kdk_err err = { 0 };
	uint64_t irq_stack_size = machine_thread_size(s);
	uint32_t nr, cpu;
	size_t added = 0;

	if (tasks_nr_cpus(s, &nr, &err))
		return 0;
	for (cpu = 0; cpu < nr; cpu++) {
		uint64_t addr, top;

		if (!irq_stack_ptr_addr(s, cpu, &addr, &err) && !session_read(s, addr, &top, 8, &err) && top &&
		    !kdk_stacks_add(stacks, top + 8 - irq_stack_size, top + 8, "IRQ", (int32_t)cpu, &err))
			added++;
		kdk_err_clear(&err);
		added += exception_stacks(s, cpu, stacks);
	}
	return added;
}

int kstacks_task(struct session *s, uint64_t task, struct kdk_stacks *stacks, struct kdk_err *err)
{
	uint64_t off, stack;
	int rc;

	if ((rc = kdk_btf_member(&s->btf, "task_struct", "stack", &off, NULL, err)) ||
	    (rc = session_read(s, task + off, &stack, 8, err)))
		return rc;
	return kdk_stacks_add(stacks, stack, stack + machine_thread_size(s), "task", -1, err);
}
