/* test_list_guard.c — kcrash's list cycle detection (analyze/list_guard.h): a proper circular
 * list ends at its head without an alarm; lists that loop back to a node other than the head
 * (a corrupt next pointer) are caught, at every cycle length and entry point tried, within a
 * bound of steps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "../../analyze/list_guard.h"

#define NODES 64

/* Walk next[] from head's successor until head; returns steps taken, or -steps on a loop. */
static long walk(const unsigned *next, unsigned head)
{
	struct list_guard g;
	unsigned node = next[head];
	long steps = 0;

	list_guard_init(&g, head);
	while (node != head) {
		if (list_guard_loops(&g, node))
			return -steps;
		if (++steps > 100000)
			break;
		node = next[node];
	}
	return steps;
}

static void circular_list_is_no_loop(void **state)
{
	unsigned next[NODES], i;
	(void)state;

	for (i = 0; i < NODES; i++)
		next[i] = (i + 1) % NODES;
	printf("# circular list of %d: expected %d steps, got %ld\n", NODES, NODES - 1, walk(next, 0));
	assert_int_equal(walk(next, 0), NODES - 1);
}

static void corrupt_lists_loop(void **state)
{
	unsigned next[NODES], start, len, i;
	(void)state;

	/* Nodes 1..start+len-1 in a row, the last pointing back to `start` (never to head 0). */
	for (start = 1; start < 20; start++)
		for (len = 1; len < 30; len++) {
			long got;

			for (i = 0; i < NODES; i++)
				next[i] = i + 1 < NODES ? i + 1 : 0;
			next[start + len - 1] = start;
			got = walk(next, 0);
			if (got >= 0)
				printf("# loop at %u of length %u: expected a loop, got %ld steps\n", start, len, got);
			assert_true(got < 0);
			/* Brent: the saved node enters the cycle once the power passes the entry,
			 * and catches it once the power reaches the cycle's length: within
			 * 3 × (entry + cycle) steps. */
			if (-got > (long)(3 * (start + len)))
				printf("# loop at %u of length %u: expected within %u steps, took %ld\n", start,
				       len, 3 * (start + len), -got);
			assert_true(-got <= (long)(3 * (start + len)));
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(circular_list_is_no_loop),
		cmocka_unit_test(corrupt_lists_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
