/* ps_times.h — `ps -t`: how long a task has run, when it started, its user and system time. */
#ifndef KCRASH_PS_TIMES_H
#define KCRASH_PS_TIMES_H

#include "session.h"
#include "tasks.h"

/* The task header, then RUN TIME (uptime in jiffies less start_time's whole seconds in jiffies,
 * as crash counts it), START TIME, UTIME and STIME as the task holds them (nanoseconds), then an empty line.
 * What cannot be read is said on its own line. */
void ps_show_times(struct session *s, const struct task_info *t);

#endif
