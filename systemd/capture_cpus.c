/* capture_cpus.c — the capture kernel's CPU count (capture_cpus.h). */
#include "capture_cpus.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "estimate.h"

#define MiB ((uint64_t)1024 * 1024)

unsigned capture_cpus_online(const struct ctl *ctl)
{
	char *path = ctl_path(ctl->sysfs, "devices/system/cpu/online"), *text = NULL, *p;
	struct kdk_err err = { 0 };
	unsigned count = 0;

	if (path && !ctl_read_text(path, &text, &err)) {
		/* The kernel's cpulist format: "0-3,6,8-9". */
		for (p = text; *p && *p != '\n';) {
			char *end;
			unsigned long lo = strtoul(p, &end, 10), hi = lo;

			if (end == p)
				break;
			if (*end == '-') {
				p = end + 1;
				hi = strtoul(p, &end, 10);
				if (end == p || hi < lo)
					break;
			}
			count += (unsigned)(hi - lo + 1);
			p = *end == ',' ? end + 1 : end;
		}
	}
	free(path);
	free(text);
	return count ? count : 1;
}

unsigned capture_cpus_choose(const struct ctl *ctl, uint64_t reserved, char *why, size_t why_size)
{
	unsigned online = capture_cpus_online(ctl), n;
	struct kdk_err err = { 0 };
	struct estimate e;
	uint64_t spare;

	if (ctl->capture_cpus) {
		n = ctl->capture_cpus < online ? ctl->capture_cpus : online;
		snprintf(why, why_size, "KDUMP_CPUS=%u, %u online here", ctl->capture_cpus, online);
		return n;
	}
	if (estimate_compute(ctl, &e, &err)) {
		snprintf(why, why_size, "KDUMP_CPUS=auto, but no estimate to size it by: %s", err.msg);
		return 1;
	}
	spare = reserved > e.recommended ? reserved - e.recommended : 0;
	n = 1 + (unsigned)(spare / CAPTURE_CPU_COST > online ? online : spare / CAPTURE_CPU_COST);
	if (n > online)
		n = online;
	snprintf(why, why_size, "KDUMP_CPUS=auto: %" PRIu64 " MiB reserved, %" PRIu64 " MiB recommended "
		 "for one CPU, %" PRIu64 " MiB for each more; %u online here", reserved / MiB,
		 e.recommended / MiB, (uint64_t)CAPTURE_CPU_COST / MiB, online);
	return n;
}
