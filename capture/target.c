/* target.c — finding and mounting the dump target. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "fs_probe.h"
#include "target.h"

/* One look at every block device; 0 with dev filled when spec matches one. */
static int scan_once(const char *spec, char *dev, size_t size)
{
	struct dirent *d;
	DIR *dir;
	int found = -ENOENT;

	if (spec[0] == '/') {
		struct stat st;

		if (!stat(spec, &st) && S_ISBLK(st.st_mode)) {
			snprintf(dev, size, "%s", spec);
			return 0;
		}
		return -ENOENT;
	}
	dir = opendir("/sys/class/block");
	if (!dir)
		return -errno;
	while (found && (d = readdir(dir))) {
		struct kdk_fs_id id;
		struct kdk_err err = { 0 };
		char path[300];

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/%s", d->d_name);
		if (!kdk_fs_probe(path, &id, &err) && kdk_fs_matches(&id, spec)) {
			snprintf(dev, size, "%s", path);
			found = 0;
		}
	}
	closedir(dir);
	return found;
}

int target_find(const char *spec, unsigned timeout_s, char *dev, size_t size, struct kdk_err *err)
{
	double deadline = uptime_seconds() + timeout_s;
	struct timespec pause = { 0, 100 * 1000 * 1000 };

	for (;;) {
		if (!scan_once(spec, dev, size))
			return 0;
		if (uptime_seconds() >= deadline)
			return kdk_err_set(err, ENODEV, "dump target %s did not appear within %u s "
						     "(disk missing, or its driver not in the initramfs: "
						     "extra_modules in kdump.conf)", spec, timeout_s);
		nanosleep(&pause, NULL);
	}
}

int target_mount(const char *spec, const char *fstype, const char *mountpoint, unsigned timeout_s,
		 struct kdk_err *err)
{
	char dev[300];
	struct kdk_fs_id id;
	int rc = target_find(spec, timeout_s, dev, sizeof(dev), err);

	if (rc)
		return rc;
	if (!fstype) {
		if ((rc = kdk_fs_probe(dev, &id, err)))
			return rc;
		fstype = id.type;
	}
	mkdir(mountpoint, 0755);
	if (mount(dev, mountpoint, fstype, 0, NULL))
		return kdk_err_sys(err, errno, "mount %s (%s, %s) on %s", dev, spec, fstype, mountpoint);
	say("mounted %s (%s) on %s", dev, spec, mountpoint);
	return 0;
}
