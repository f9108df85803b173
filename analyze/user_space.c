/* user_space.c — a task's user address space through its own page tables. */
#include "user_space.h"

#include <errno.h>
#include <inttypes.h>

#include "task_pick.h"
#include "tasks.h"
#include "x86_64_vtop.h"

int user_space_top(struct session *s, const char *task_arg, uint64_t *pgd, uint64_t *top_paddr,
		   struct kdk_err *err)
{
	uint64_t mm;

	return user_space_top_mm(s, task_arg, &mm, pgd, top_paddr, err);
}

int user_space_top_mm(struct session *s, const char *task_arg, uint64_t *mm, uint64_t *pgd,
		      uint64_t *top_paddr, struct kdk_err *err)
{
	struct task_info t;
	int rc;

	if (!s->have_kmem)
		return kdk_err_set(err, ENOTSUP, "this dump's memory is not read through page tables");
	if ((rc = task_pick(s, task_arg, &t, err)))
		return rc;
	if (!t.mm)
		return kdk_err_set(err, EINVAL, "PID %d (%s) has no user address space: a kernel thread",
				   t.pid, t.comm);
	*mm = t.mm;
	if ((rc = user_space_top_of_mm(s, t.mm, pgd, top_paddr, err)))
		return kdk_err_prefix(err, "PID %d: ", t.pid);
	return 0;
}

int user_space_top_of_mm(struct session *s, uint64_t mm, uint64_t *pgd, uint64_t *top_paddr,
			 struct kdk_err *err)
{
	uint64_t off;
	int rc;

	if (!s->have_kmem)
		return kdk_err_set(err, ENOTSUP, "this dump's memory is not read through page tables");
	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "mm_struct.pgd", &off) < 0)
		return kdk_err_set(err, ENOENT, "no OFFSET(mm_struct.pgd)");
	if ((rc = session_read(s, mm + off, pgd, 8, err)) ||
	    (rc = kdk_x86_64_vtop(s->kmem.vtop, *pgd, top_paddr, err)))
		return kdk_err_prefix(err, "mm_struct %" PRIx64 " pgd: ", mm);
	return 0;
}

int user_space_read(struct session *s, uint64_t top_paddr, uint64_t vaddr, void *buf, size_t len,
		    struct kdk_err *err)
{
	unsigned char *out = buf;

	while (len) {
		struct kdk_vtop_trace t;
		size_t chunk = 4096 - (size_t)(vaddr & 4095);
		int rc;

		if (chunk > len)
			chunk = len;
		if ((rc = kdk_x86_64_vtop_trace(s->kmem.vtop, top_paddr, vaddr, &t, err)))
			return rc;
		if (!t.page_size)
			return kdk_err_set(err, EFAULT, "user address %" PRIx64 " is not mapped", vaddr);
		if ((rc = kdk_dump_read_phys(s->dump, t.paddr, out, chunk, err)) < 0)
			return kdk_err_prefix(err, "user address %" PRIx64 ": ", vaddr);
		out += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	return 0;
}
