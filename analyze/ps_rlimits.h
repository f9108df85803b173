/* ps_rlimits.h — `ps -r`: a task's resource limits (signal_struct.rlim), as crash prints them. */
#ifndef KCRASH_PS_RLIMITS_H
#define KCRASH_PS_RLIMITS_H

#include "session.h"
#include "tasks.h"

/* The task header, then RLIMIT, CURRENT and MAXIMUM for each limit the kernel has (as many as
 * signal_struct.rlim holds), "(unlimited)" for RLIM_INFINITY, then an empty line. What cannot be
 * read is said on its own line; the listing goes on with the next task. */
void ps_show_rlimits(struct session *s, const struct task_info *t);

#endif
