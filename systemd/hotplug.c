/* hotplug.c — `kdumpctl hotplug` and status's hotplug line: the kernel's crash_hotplug update where
 * sysfs says the loaded image has it, else a serialized, debounced reload (udev rule, systemd/). */
#include "hotplug.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "1", "0" or "absent" for one crash_hotplug file. */
static const char *read_flag(const struct ctl *ctl, const char *rest, char *buf, size_t size)
{
	char *path = ctl_path(ctl->sysfs, rest);
	FILE *in = path ? fopen(path, "re") : NULL;

	snprintf(buf, size, "absent");
	if (in) {
		if (fgets(buf, (int)size, in))
			buf[strcspn(buf, "\n")] = '\0';
		else
			snprintf(buf, size, "unreadable");
		fclose(in);
	}
	free(path);
	return buf;
}

bool hotplug_kernel_updates(const struct ctl *ctl, char *why, size_t why_size)
{
	char memory[16], cpu[16];
	bool any, all;

	read_flag(ctl, "devices/system/memory/crash_hotplug", memory, sizeof(memory));
	read_flag(ctl, "devices/system/cpu/crash_hotplug", cpu, sizeof(cpu));
	any = !strcmp(memory, "1") || !strcmp(cpu, "1");
	all = (!strcmp(memory, "1") || !strcmp(memory, "absent")) &&
	      (!strcmp(cpu, "1") || !strcmp(cpu, "absent"));
	snprintf(why, why_size, "%s/devices/system/memory/crash_hotplug %s, cpu/crash_hotplug %s",
		 ctl->sysfs, memory, cpu);
	return any && all;
}

void hotplug_status(const struct ctl *ctl)
{
	char why[4200];

	if (hotplug_kernel_updates(ctl, why, sizeof(why)))
		printf("Memory/CPU hotplug: the kernel updates the loaded elfcorehdr itself (%s)\n", why);
	else
		printf("Memory/CPU hotplug: the udev rule reloads the capture kernel (kdumpctl hotplug); "
		       "the kernel does not update its elfcorehdr (%s)\n", why);
}

static char *run_file(const struct ctl *ctl, const char *name)
{
	return ctl_path(ctl->rundir, name);
}

void hotplug_mark_loaded(const struct ctl *ctl)
{
	char *path = run_file(ctl, "loaded-at");
	int fd;

	if (!path)
		return;
	/* Best effort: without the mark a hotplug event only reloads once more than it needs. */
	if ((mkdir(ctl->rundir, 0755) == 0 || errno == EEXIST) &&
	    (fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644)) >= 0) {
		futimens(fd, NULL);
		close(fd);
	}
	free(path);
}

static bool newer(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

int hotplug_follow(struct ctl *ctl, int (*reload)(struct ctl *ctl))
{
	struct kdk_err err = { 0 };
	struct timespec event;
	struct stat st;
	char why[4200], *lock_path = NULL, *mark_path = NULL;
	int loaded, fd = -1, rc = 0;

	clock_gettime(CLOCK_REALTIME, &event);
	lock_path = run_file(ctl, "hotplug.lock");
	mark_path = run_file(ctl, "loaded-at");
	if (!lock_path || !mark_path) {
		rc = 1;
		ctl_error(ctl, "hotplug: out of memory");
		goto out;
	}
	/* One at a time, state read under the lock: udev runs us once per memory block or CPU,
	 * often in bursts, and a reload leaves nothing loaded between its unload and its load. */
	if ((mkdir(ctl->rundir, 0755) && errno != EEXIST) ||
	    (fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 ||
	    flock(fd, LOCK_EX)) {
		ctl_error(ctl, "hotplug: %s: %s", lock_path, strerror(errno));
		rc = 1;
		goto out;
	}
	loaded = ctl_crash_loaded(ctl, &err);
	if (loaded != 1) {
		ctl_info(ctl, "hotplug: no capture kernel is loaded: nothing to follow");
		goto out;
	}
	if (hotplug_kernel_updates(ctl, why, sizeof(why))) {
		ctl_info(ctl, "hotplug: the kernel updates the loaded elfcorehdr itself (%s): not reloaded", why);
		goto out;
	}
	if (!stat(mark_path, &st) && newer(&st.st_mtim, &event)) {
		ctl_info(ctl, "hotplug: the capture kernel was loaded after this event (%s): not reloaded",
			 mark_path);
		goto out;
	}
	ctl_info(ctl, "hotplug: memory or CPUs changed and the kernel does not update the elfcorehdr "
		      "(%s): reloading the capture kernel", why);
	rc = reload(ctl);
out:
	if (fd >= 0)
		close(fd);
	free(lock_path);
	free(mark_path);
	return rc;
}
