/* kclock.c — the kernel's clocks in a dump. jiffies_64 counts ticks from INITIAL_JIFFIES
 * (include/linux/jiffies.h: (unsigned int)(-300 * HZ)); HZ is not in VMCOREINFO, so it is read
 * back from how long a tick is. The timekeeper (kernel/time/timekeeping.c) lies in tk_core after
 * its seqcount: struct tk_data where it exists (6.13+), else an anonymous struct whose seqcount
 * is rounded up to 8 bytes; since the auxiliary clocks (6.17) tk_core is no symbol but the
 * TIMEKEEPER_CORE element of timekeeper_data[]. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kclock.h"

struct tk_layout {
	uint64_t in_core;                        /* the timekeeper's offset in tk_core */
	uint64_t xtime_sec, wtm, offs_boot, xtime_nsec, shift;
	uint64_t tk_data_timekeeper, tk_data_size, core_index;
	bool have_tk_data, have_tk_data_size, have_core_index;
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct tk_layout, field)
#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct tk_layout, field, flag)
static const struct kdk_layout_key tk_keys[] = {
	KEY(OFFSET, "timekeeper.xtime_sec", xtime_sec),
	KEY(OFFSET, "timekeeper.wall_to_monotonic", wtm),
	KEY(OFFSET, "timekeeper.offs_boot", offs_boot),
	KEY(OFFSET, "timekeeper.tkr_mono.xtime_nsec", xtime_nsec),
	KEY(OFFSET, "timekeeper.tkr_mono.shift", shift),
	OPT(OFFSET, "tk_data.timekeeper", tk_data_timekeeper, have_tk_data),
	OPT(SIZE, "tk_data", tk_data_size, have_tk_data_size),
	OPT(NUMBER, "TIMEKEEPER_CORE", core_index, have_core_index),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

int kclock_jiffies(struct session *s, uint64_t *jiffies, struct kdk_err *err)
{
	uint64_t addr;
	int rc;

	if (session_symbol(s, "jiffies_64", &addr, err)) {
		kdk_err_clear(err);
		if ((rc = session_symbol(s, "jiffies", &addr, err)))
			return rc;
	}
	if ((rc = session_read(s, addr, jiffies, 8, err)))
		return kdk_err_prefix(err, "jiffies_64: ");
	return 0;
}

/* The kernel's tick rate, from what the dump holds: the time between the last jiffies update and
 * the next tick (tick_next_period - last_jiffies_update, kernel/time/tick-*.c: TICK_NSEC), else
 * tick_nsec (before 6.13) or tick_period (before 5.13), each NSEC_PER_SEC / HZ rounded. */
int kclock_hz(struct session *s, uint64_t *hz, struct kdk_err *err)
{
	static const char *const single[] = { "tick_nsec", "tick_period" };
	struct kdk_err ignored = { 0 };
	uint64_t next_addr, last_addr, addr;
	int64_t next, last, tick = 0;
	size_t i;

	if (!session_symbol(s, "tick_next_period", &next_addr, &ignored) &&
	    !session_symbol(s, "last_jiffies_update", &last_addr, &ignored) &&
	    !session_read(s, next_addr, &next, 8, &ignored) && !session_read(s, last_addr, &last, 8, &ignored))
		tick = next - last;
	for (i = 0; i < sizeof(single) / sizeof(single[0]) && (tick <= 0 || tick > 1000000000); i++)
		if (session_symbol(s, single[i], &addr, &ignored) || session_read(s, addr, &tick, 8, &ignored))
			tick = 0;
	if (tick <= 0 || tick > 1000000000)
		return kdk_err_set(err, ENOENT, "the dump does not say how long a tick is (no "
						"tick_next_period and last_jiffies_update, tick_nsec or tick_period)");
	*hz = (1000000000u + (uint64_t)tick / 2) / (uint64_t)tick;
	return 0;
}

/* The clock's time at the crash as crash takes it: jiffies since boot (jiffies_64 less
 * INITIAL_JIFFIES) in nanoseconds. */
int kclock_jiffies_uptime_ns(struct session *s, uint64_t *ns, struct kdk_err *err)
{
	uint64_t jiffies = 0, hz = 0;
	int rc;

	if ((rc = kclock_hz(s, &hz, err)) || !hz)
		return rc ? rc : kdk_err_set(err, EINVAL, "no tick rate");
	if ((rc = kclock_jiffies(s, &jiffies, err)))
		return rc;
	jiffies -= (uint64_t)(uint32_t)(-300 * (int64_t)hz);
	*ns = jiffies * (1000000000u / hz);
	return 0;
}

/* The live timekeeper's address and its members' offsets. */
static int timekeeper(struct session *s, struct tk_layout *l, uint64_t *tk, struct kdk_err *err)
{
	uint64_t tk_core;
	uint32_t seq;
	int rc;

	memset(l, 0, sizeof(*l));
	if (!session_kstructs(s, err))
		return -(err->code ? err->code : ENOENT);
	if ((rc = kdk_facts_fill(&s->facts, tk_keys, l, err)))
		return rc;
	if (session_symbol(s, "tk_core", &tk_core, err)) {
		kdk_err_clear(err);
		if ((rc = session_symbol(s, "timekeeper_data", &tk_core, err)))
			return kdk_err_set(err, -rc, "neither tk_core nor timekeeper_data is a symbol");
		if (!l->have_tk_data || !l->have_tk_data_size)
			return kdk_err_set(err, ENOENT, "timekeeper_data without struct tk_data");
		tk_core += (l->have_core_index ? l->core_index : 0) * l->tk_data_size;
	}
	if (l->have_tk_data) {
		l->in_core = l->tk_data_timekeeper;
	} else {
		if (!(seq = kdk_btf_find(&s->btf, KDK_BTF_TYPEDEF, "seqcount_raw_spinlock_t")))
			return kdk_err_set(err, ENOENT, "tk_core: neither struct tk_data nor seqcount_raw_spinlock_t");
		l->in_core = (kdk_btf_size(&s->btf, seq) + 7) / 8 * 8;
	}
	*tk = tk_core + l->in_core;
	return 0;
}

int kclock_wall_seconds(struct session *s, int64_t *sec, struct kdk_err *err)
{
	struct tk_layout l;
	uint64_t tk;
	int rc;

	if ((rc = timekeeper(s, &l, &tk, err)) || (rc = session_read(s, tk + l.xtime_sec, sec, 8, err)))
		return kdk_err_prefix(err, "the timekeeper's wall time: ");
	return 0;
}

int kclock_boot_seconds(struct session *s, int64_t *sec, struct kdk_err *err)
{
	struct tk_layout l;
	uint64_t tk, xtime_nsec;
	int64_t xtime_sec, wtm[2], offs_boot, nsec;
	uint32_t shift;
	int rc;

	if ((rc = timekeeper(s, &l, &tk, err)) || (rc = session_read(s, tk + l.xtime_sec, &xtime_sec, 8, err)) ||
	    (rc = session_read(s, tk + l.wtm, wtm, 16, err)) ||
	    (rc = session_read(s, tk + l.offs_boot, &offs_boot, 8, err)) ||
	    (rc = session_read(s, tk + l.xtime_nsec, &xtime_nsec, 8, err)) ||
	    (rc = session_read(s, tk + l.shift, &shift, 4, err)))
		return kdk_err_prefix(err, "the timekeeper's boot time: ");
	if (shift > 63)
		return kdk_err_set(err, EINVAL, "the timekeeper's tkr_mono.shift is %u", shift);
	nsec = (int64_t)(xtime_nsec >> shift) + wtm[1] + offs_boot % 1000000000;
	*sec = xtime_sec + wtm[0] + offs_boot / 1000000000 + nsec / 1000000000;
	if (*sec < 0)
		return kdk_err_set(err, EINVAL, "the timekeeper's boot time is negative (%" PRId64 " s)", *sec);
	return 0;
}

void kclock_format_duration(uint64_t seconds, char *buf, size_t size)
{
	if (seconds >= 86400)
		snprintf(buf, size, "%" PRIu64 " day%s, %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64,
			 seconds / 86400, seconds / 86400 == 1 ? "" : "s", seconds / 3600 % 24,
			 seconds / 60 % 60, seconds % 60);
	else
		snprintf(buf, size, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, seconds / 3600,
			 seconds / 60 % 60, seconds % 60);
}
