/* unwind/stacks.h — the kernel's stacks as address ranges (a task's stack, each CPU's hardirq
 * stack, the cpu_entry_area exception and entry stacks), so the unwinder knows which stack an
 * address is on: "the stack grows" holds within one stack; a switch may visit each stack once. */
#ifndef KDK_UNWIND_STACKS_H
#define KDK_UNWIND_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"

struct kdk_stack_range {
	uint64_t lo, hi;           /* [lo, hi) */
	char kind[24];             /* "task", "IRQ", "NMI", "DF", "entry", … */
	int32_t cpu;               /* -1: not a per-CPU stack */
};

struct kdk_stacks {
	struct kdk_array ranges;   /* struct kdk_stack_range */
};

void kdk_stacks_init(struct kdk_stacks *stacks);
void kdk_stacks_free(struct kdk_stacks *stacks);
int kdk_stacks_add(struct kdk_stacks *stacks, uint64_t lo, uint64_t hi, const char *kind, int32_t cpu,
		   struct kdk_err *err);
/* The stack addr is on, or NULL. */
const struct kdk_stack_range *kdk_stacks_find(const struct kdk_stacks *stacks, uint64_t addr);

/* The stacks one unwind has been on, in order (the kernel's unwinder keeps the same: a stack
 * left is never re-entered, arch/x86/kernel/unwind_orc.c stack_mask). */
#define KDK_STACK_VISITS 8
struct kdk_stack_walk {
	const struct kdk_stacks *stacks;   /* NULL: no ranges known, every step must grow */
	const struct kdk_stack_range *visited[KDK_STACK_VISITS];
	unsigned nr_visited;
};

/* May the unwinder go from sp to next_sp (a caller's frame)? 0 when on the same stack and
 * next_sp is above sp (or may_stay: sp is where execution stopped, not a frame), or when next_sp is on a stack not visited before (recorded); else -ELOOP
 * with err naming the stack. */
int kdk_stack_walk_check(struct kdk_stack_walk *walk, uint64_t sp, uint64_t next_sp, uint64_t ip,
			 bool may_stay, struct kdk_err *err);

#endif
