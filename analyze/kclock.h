/* kclock.h — the kernel's clocks as a dump holds them: jiffies and the tick rate, and the
 * timekeeper's wall and boot time (kernel/time/timekeeping.c), read through the fact chain. */
#ifndef KCRASH_KCLOCK_H
#define KCRASH_KCLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"
#include "session.h"

/* jiffies_64 (the linker's `jiffies` is its alias on x86_64, arch/x86/kernel/vmlinux.lds.S). */
int kclock_jiffies(struct session *s, uint64_t *jiffies, struct kdk_err *err);
/* HZ, from how long a tick is. */
int kclock_hz(struct session *s, uint64_t *hz, struct kdk_err *err);
/* Time since boot as crash takes it: jiffies less INITIAL_JIFFIES, in nanoseconds. */
int kclock_jiffies_uptime_ns(struct session *s, uint64_t *ns, struct kdk_err *err);
/* The timekeeper's wall clock at its last update (xtime_sec: seconds since the epoch). */
int kclock_wall_seconds(struct session *s, int64_t *sec, struct kdk_err *err);
/* Seconds since boot by the timekeeper (ktime_get_boottime: xtime + wall_to_monotonic +
 * offs_boot). */
int kclock_boot_seconds(struct session *s, int64_t *sec, struct kdk_err *err);

/* crash's form of a duration: "HH:MM:SS", or "N day(s), HH:MM:SS" from a day on. */
void kclock_format_duration(uint64_t seconds, char *buf, size_t size);

#endif
