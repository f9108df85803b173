/* ps_times.c — `ps -t` (see ps_times.h): task_struct's start_time (CLOCK_MONOTONIC at fork, in
 * nanoseconds), utime and stime (nanoseconds), and jiffies for the uptime. RUN TIME is counted
 * in ticks as crash counts it: start_time's whole seconds (the fraction dropped) turned into
 * ticks, taken from the ticks since boot (jiffies less INITIAL_JIFFIES), the difference in whole
 * seconds — so a task started at 0.9 s counts from 0 s, as crash prints it. */
#include "ps_times.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "kclock.h"
#include "task_pick.h"

struct times_layout {
	uint64_t start_time, start_time_size, utime, stime;
};

static int layout_load(struct session *s, struct times_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.start_time", struct times_layout, start_time),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "task_struct.start_time", struct times_layout, start_time_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.utime", struct times_layout, utime),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.stime", struct times_layout, stime),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	if (kdk_facts_fill(&s->facts, keys, l, err))
		return -err->code;
	if (l->start_time_size != 8)
		return kdk_err_set(err, ENOTSUP, "task_struct.start_time is %" PRIu64 " bytes, not a "
						 "count of nanoseconds", l->start_time_size);
	return 0;
}

void ps_show_times(struct session *s, const struct task_info *t)
{
	struct times_layout l;
	struct kdk_err err = { 0 };
	uint64_t start = 0, utime = 0, stime = 0, uptime_ns = 0, hz = 0, uptime, started, run;
	char duration[64];

	task_pick_header(s, t);
	if (layout_load(s, &l, &err) || session_read_u64(s, t->task + l.start_time, &start, &err) ||
	    session_read_u64(s, t->task + l.utime, &utime, &err) ||
	    session_read_u64(s, t->task + l.stime, &stime, &err) ||
	    kclock_hz(s, &hz, &err) || kclock_jiffies_uptime_ns(s, &uptime_ns, &err) || !hz) {
		fprintf(s->out, "ps: %s\n\n", err.msg[0] ? err.msg : "no tick rate");
		return;
	}
	uptime = uptime_ns / (1000000000u / hz);
	started = start / 1000000000u * hz;
	run = uptime >= started ? uptime - started : 0;
	kclock_format_duration(run / hz, duration, sizeof(duration));
	fprintf(s->out, "    RUN TIME: %s\n", duration);
	fprintf(s->out, "  START TIME: %" PRIu64 "\n", start);
	fprintf(s->out, "       UTIME: %" PRIu64 "\n", utime);
	fprintf(s->out, "       STIME: %" PRIu64 "\n\n", stime);
}
