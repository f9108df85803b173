/* unwind/stacks.c — which kernel stack an address lies on, and the unwinder's rule for moving
 * between them: up within one stack, to each other stack at most once. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "unwind/stacks.h"

void kdk_stacks_init(struct kdk_stacks *stacks)
{
	kdk_array_init(&stacks->ranges, sizeof(struct kdk_stack_range));
}

void kdk_stacks_free(struct kdk_stacks *stacks)
{
	kdk_array_free(&stacks->ranges);
}

int kdk_stacks_add(struct kdk_stacks *stacks, uint64_t lo, uint64_t hi, const char *kind, int32_t cpu,
		   struct kdk_err *err)
{
	struct kdk_stack_range *r;

	if (hi <= lo)
		return kdk_err_set(err, EINVAL, "%s stack [0x%llx, 0x%llx) is empty", kind,
				   (unsigned long long)lo, (unsigned long long)hi);
	if (!(r = kdk_array_push(&stacks->ranges, err)))
		return -err->code;
	r->lo = lo;
	r->hi = hi;
	r->cpu = cpu;
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	return 0;
}

const struct kdk_stack_range *kdk_stacks_find(const struct kdk_stacks *stacks, uint64_t addr)
{
	size_t i;

	for (i = 0; stacks && i < stacks->ranges.len; i++) {
		const struct kdk_stack_range *r = kdk_array_at(&stacks->ranges, i);

		if (addr >= r->lo && addr < r->hi)
			return r;
	}
	return NULL;
}

int kdk_stack_walk_check(struct kdk_stack_walk *walk, uint64_t sp, uint64_t next_sp, uint64_t ip,
			 bool may_stay, struct kdk_err *err)
{
	const struct kdk_stack_range *from = kdk_stacks_find(walk->stacks, sp);
	const struct kdk_stack_range *to = kdk_stacks_find(walk->stacks, next_sp);
	unsigned i;

	if (from == to) {
		if (next_sp > sp || may_stay)
			return 0;
		return kdk_err_set(err, ELOOP, "ORC: the stack does not grow at 0x%llx (%s stack)",
				   (unsigned long long)ip, from ? from->kind : "unknown");
	}
	if (!walk->nr_visited && from)
		walk->visited[walk->nr_visited++] = from;
	for (i = 0; i < walk->nr_visited; i++)
		if (walk->visited[i] == to)
			return kdk_err_set(err, ELOOP, "ORC: back onto the %s stack at 0x%llx, left before",
					   to ? to->kind : "unknown", (unsigned long long)ip);
	if (walk->nr_visited == KDK_STACK_VISITS)
		return kdk_err_set(err, ELOOP, "ORC: more than %d stack switches at 0x%llx",
				   KDK_STACK_VISITS, (unsigned long long)ip);
	walk->visited[walk->nr_visited++] = to;
	return 0;
}
