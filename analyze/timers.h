/* timers.h — what `timer` (cmd_timer.c: the timer wheels) and `timer -r` (cmd_hrtimer.c: the
 * high-resolution timers) share. */
#ifndef KCRASH_TIMERS_H
#define KCRASH_TIMERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"
#include "session.h"

/* "  <name>\n" or "  <name+offset>\n" for a function address; a bare newline when no symbol holds
 * it. */
void timers_print_function(struct session *s, uint64_t addr);

/* `timer -r`: each CPU of set (nr entries, 1 = shown) with its hrtimer clock bases. */
int timers_print_hrtimers(struct session *s, const uint8_t *set, uint32_t nr, struct kdk_err *err);

#endif
