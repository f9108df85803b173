/* ps_args.h — `ps -a`: a task's command line and environment, read from its user memory
 * (mm_struct's arg_start…arg_end and env_start…env_end) through its own page tables. */
#ifndef KCRASH_PS_ARGS_H
#define KCRASH_PS_ARGS_H

#include "session.h"
#include "tasks.h"

/* crash's block for t: its task header, "ARG: " and the arguments each followed by a space,
 * "ENV: " and one variable a line, then an empty line. A kernel thread gets "ps: no user
 * stack"; memory the dump does not hold (a level that left user pages out) is said, naming the
 * address, and the next task follows: never an error that stops the listing. */
void ps_show_args(struct session *s, const struct task_info *t);

#endif
