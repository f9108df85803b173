/* capture_cpus.c — the capture kernel's CPU count (capture_cpus.h). */
#include "capture_cpus.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "estimate.h"
#include "kdk_cpu_list.h"

#define MiB ((uint64_t)1024 * 1024)

static int count_range(void *ctx, unsigned long first, unsigned long last, struct kdk_err *err)
{
	(void)err;
	*(unsigned *)ctx += (unsigned)(last - first + 1);
	return 0;
}

unsigned capture_cpus_online(const struct ctl *ctl)
{
	char *path = ctl_path(ctl->sysfs, "devices/system/cpu/online"), *text = NULL;
	struct kdk_err err = { 0 };
	unsigned count = 0;

	if (path && !ctl_read_text(path, &text, &err) &&
	    kdk_cpu_list_walk(text, count_range, &count, &err))
		count = 0;
	free(path);
	free(text);
	return count ? count : 1;
}

unsigned capture_cpus_choose(const struct ctl *ctl, uint64_t reserved, const struct estimate *e,
			     const struct kdk_err *est_err, char *why, size_t why_size)
{
	unsigned online = capture_cpus_online(ctl);
	uint64_t more;

	if (ctl->capture_cpus) {
		snprintf(why, why_size, "KDUMP_CPUS=%u, %u online here", ctl->capture_cpus, online);
		return ctl->capture_cpus < online ? ctl->capture_cpus : online;
	}
	if (!e) {
		snprintf(why, why_size, "KDUMP_CPUS=auto, but no estimate to size it by: %s", est_err->msg);
		return 1;
	}
	more = reserved > e->recommended ? (reserved - e->recommended) / CAPTURE_CPU_COST : 0;
	snprintf(why, why_size, "KDUMP_CPUS=auto: %" PRIu64 " MiB reserved, %" PRIu64 " MiB recommended "
		 "for one CPU, %" PRIu64 " MiB for each more; %u online here", reserved / MiB,
		 e->recommended / MiB, (uint64_t)CAPTURE_CPU_COST / MiB, online);
	return more + 1 < online ? (unsigned)more + 1 : online;
}
