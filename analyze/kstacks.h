/* kstacks.h — the kernel's stacks in a dump as ranges for the unwinder (lib/unwind/stacks): each
 * CPU's hardirq stack and cpu_entry_area stacks, and a task's own stack. */
#ifndef KCRASH_KSTACKS_H
#define KCRASH_KSTACKS_H

#include "session.h"
#include "unwind/stacks.h"

/* Every CPU's IRQ, exception (NMI, DF, DB, MCE, …) and entry stacks that the dump's symbols and
 * BTF describe; what cannot be found is left out (the unwinder then applies the one-stack rule
 * there). Returns how many ranges were added. */
size_t kstacks_per_cpu(struct session *s, struct kdk_stacks *stacks);
/* Add task's stack (task_struct.stack, THREAD_SIZE). */
int kstacks_task(struct session *s, uint64_t task, struct kdk_stacks *stacks, struct kdk_err *err);

#endif
