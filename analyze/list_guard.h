/* list_guard.h — cycle detection for kernel lists walked through a dump (Brent's algorithm: a
 * saved node, compared with each step, moved to the current node at every power of two steps):
 * a corrupt list that loops is found within twice its cycle length, in constant memory. */
#ifndef KCRASH_LIST_GUARD_H
#define KCRASH_LIST_GUARD_H

#include <stdbool.h>
#include <stdint.h>

struct list_guard {
	uint64_t saved;
	uint64_t power, steps;
};

static inline void list_guard_init(struct list_guard *g, uint64_t head)
{
	g->saved = head;
	g->power = 1;
	g->steps = 0;
}

/* Called with each node reached; true when node was reached before (the list loops). */
static inline bool list_guard_loops(struct list_guard *g, uint64_t node)
{
	if (node == g->saved)
		return true;
	if (++g->steps == g->power) {
		g->saved = node;
		g->power *= 2;
		g->steps = 0;
	}
	return false;
}

#endif
