/* bt_text_symbols.h — bt -t / -T: the kernel text addresses on a task's stacks (crash's layout). */
#ifndef KCRASH_BT_TEXT_SYMBOLS_H
#define KCRASH_BT_TEXT_SYMBOLS_H

#include <stdbool.h>

#include "backtrace.h"

/* After bt_unwind of a task (entries, and u's stacks with the task's last): -t (whole_stack
 * false) the START frame, then every text address from the trace's start to the top of each
 * stack it went through; -T (whole_stack) those on the task's whole stack. The user-mode
 * registers close both. */
void bt_print_text_symbols(struct session *s, const struct bt_unwinder *u, const struct kdk_array *entries,
			   bool whole_stack);

#endif
