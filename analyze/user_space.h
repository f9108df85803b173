/* user_space.h — a task's user address space: its top page table (mm->pgd) and reads through it,
 * for vtop -u, rd -u and search -u. */
#ifndef KCRASH_USER_SPACE_H
#define KCRASH_USER_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* The top table of task_arg's (NULL: the context task's) user space: mm->pgd (a direct-map
 * address) and its physical address; EINVAL naming the task when it is a kernel thread. */
int user_space_top(struct session *s, const char *task_arg, uint64_t *pgd, uint64_t *top_paddr,
		   struct kdk_err *err);
/* The same, and the task's mm_struct. */
int user_space_top_mm(struct session *s, const char *task_arg, uint64_t *mm, uint64_t *pgd,
		      uint64_t *top_paddr, struct kdk_err *err);

/* The top table of the address space mm (a struct mm_struct): its pgd and physical address. */
int user_space_top_of_mm(struct session *s, uint64_t mm, uint64_t *pgd, uint64_t *top_paddr,
			 struct kdk_err *err);

/* len bytes at user address vaddr through the tables at top_paddr; EFAULT naming the first
 * address no page maps. */
int user_space_read(struct session *s, uint64_t top_paddr, uint64_t vaddr, void *buf, size_t len,
		    struct kdk_err *err);

#endif
