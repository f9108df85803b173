/* capture_cpus.c — the capture kernel's CPU count (capture_cpus.h). */
#include "capture_cpus.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate.h"
#include "kdk_cpu_list.h"
#include "ksyms.h"

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

/* The value of "NAME<tabs>: VALUE" when line is that field; NULL otherwise. */
static const char *cpuinfo_field(const char *line, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(line, name, len) || !strchr(" \t:", line[len]))
		return NULL;
	line += len + strspn(line + len, " \t");
	return *line == ':' ? line + 1 : NULL;
}

int capture_cpus_boot_apicid(const struct ctl *ctl, unsigned long *apicid)
{
	char *path = ctl_path(ctl->proc, "cpuinfo"), *text = NULL, *line, *next;
	struct kdk_err err = { 0 };
	bool in_cpu0 = false, have_current = false, have_initial = false;
	unsigned long current = 0, initial = 0;
	const char *value;

	if (!path || ctl_read_text(path, &text, &err)) {
		free(path);
		return -1;
	}
	for (line = text; line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		if ((value = cpuinfo_field(line, "processor"))) {
			if (in_cpu0)
				break;    /* CPU 0's block ended */
			in_cpu0 = strtoul(value, NULL, 10) == 0;
		} else if (in_cpu0 && (value = cpuinfo_field(line, "initial apicid"))) {
			initial = strtoul(value, NULL, 10);
			have_initial = true;
		} else if (in_cpu0 && (value = cpuinfo_field(line, "apicid"))) {
			current = strtoul(value, NULL, 10);
			have_current = true;
		}
	}
	free(text);
	free(path);
	if (!have_initial && !have_current)
		return -1;
	*apicid = have_initial ? initial : current;
	return 0;
}

bool capture_cpus_has_disable_apicid(const struct ctl *ctl)
{
	const char *slash = ctl->kernel ? strrchr(ctl->kernel, '/') : NULL;
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	bool found;
	char *map;

	/* The capture kernel's own System.map, beside its image (/boot/System.map-RELEASE). */
	if (asprintf(&map, "%.*s/System.map-%s", slash ? (int)(slash - ctl->kernel) : 1,
		     slash ? ctl->kernel : ".", ctl->release) < 0)
		return true;
	kdk_symtab_init(&tab, "System.map");
	if (kdk_symtab_load_map(&tab, map, &err) < 0 || tab.syms.len == 0) {
		kdk_symtab_free(&tab);
		free(map);
		return true;    /* unknown: the kernel ignores a parameter it does not have */
	}
	found = kdk_symtab_by_name(&tab, "apic_set_disabled_cpu_apicid") ||
		kdk_symtab_by_name(&tab, "disabled_cpu_apicid");
	kdk_symtab_free(&tab);
	free(map);
	return found;
}

unsigned capture_cpus_choose(const struct ctl *ctl, uint64_t reserved, const struct estimate *e,
			     const struct kdk_err *est_err, long *disable_apicid, char *why,
			     size_t why_size)
{
	unsigned online = capture_cpus_online(ctl), count;
	unsigned long apicid;
	uint64_t more;

	*disable_apicid = -1;
	if (ctl->capture_cpus) {
		snprintf(why, why_size, "KDUMP_CPUS=%u, %u online here", ctl->capture_cpus, online);
		count = ctl->capture_cpus < online ? ctl->capture_cpus : online;
	} else if (!e) {
		snprintf(why, why_size, "KDUMP_CPUS=auto, but no estimate to size it by: %s", est_err->msg);
		return 1;
	} else {
		more = reserved > e->recommended ? (reserved - e->recommended) / CAPTURE_CPU_COST : 0;
		snprintf(why, why_size, "KDUMP_CPUS=auto: %" PRIu64 " MiB reserved, %" PRIu64 " MiB "
			 "recommended for one CPU, %" PRIu64 " MiB for each more; %u online here",
			 reserved / MiB, e->recommended / MiB, (uint64_t)CAPTURE_CPU_COST / MiB, online);
		count = more + 1 < online ? (unsigned)more + 1 : online;
	}
	if (count < 2 || !capture_cpus_has_disable_apicid(ctl))
		return count;
	if (capture_cpus_boot_apicid(ctl, &apicid)) {
		size_t used = strlen(why);

		snprintf(why + used, why_size - used, "; but the boot CPU's APIC ID is not in %s/cpuinfo, "
			 "and without disable_cpu_apicid= the capture kernel could reset the machine "
			 "waking it", ctl->proc);
		return 1;
	}
	*disable_apicid = (long)apicid;
	return count;
}
