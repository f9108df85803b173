/* device_modules.c — driver modules of a block device or of the NIC towards a host, by walking
 * sysfs from the device up through its parents (driver/module links). */
#include "device_modules.h"

#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "route.h"

void rd_warn(struct kdk_array *warnings, const char *fmt, ...)
{
	char **w = kdk_array_push(warnings, NULL);
	va_list ap;

	if (!w)
		return;
	va_start(ap, fmt);
	if (vasprintf(w, fmt, ap) < 0) {
		*w = NULL;
		warnings->len--;
	}
	va_end(ap);
}

int rd_sysfs_device_modules(struct kdk_module_set *set, const char *device,
			    struct kdk_array *warnings)
{
	char real[PATH_MAX];
	struct kdk_err err = { 0 };
	int found = 0;

	if (!realpath(device, real)) {
		rd_warn(warnings, "%s: cannot follow it in sysfs; add its drivers with extra_modules",
			device);
		return 0;
	}
	while (strlen(real) > strlen("/sys/devices")) {
		char module_link[PATH_MAX + 32], module[PATH_MAX];
		ssize_t n;

		snprintf(module_link, sizeof(module_link), "%s/driver/module", real);
		n = readlink(module_link, module, sizeof(module) - 1);
		if (n > 0) {
			module[n] = '\0';
			if (kdk_module_set_add(set, basename(module), &err) < 0)
				rd_warn(warnings, "%s", err.msg);
			else
				found++;
		} else {
			/* A driver built into this machine's kernel may be a module in the kernel the
			 * image is for: try its name, which is the module's for most drivers
			 * (virtio_net); names that are no module there (pcieport) are skipped. */
			snprintf(module_link, sizeof(module_link), "%s/driver", real);
			n = readlink(module_link, module, sizeof(module) - 1);
			if (n > 0) {
				module[n] = '\0';
				if (kdk_module_set_add(set, basename(module), &err) == 0)
					found++;
			}
		}
		*strrchr(real, '/') = '\0';
	}
	return found;
}

/* The md personality module of an md/level value (md.c's pers->name; raid4/5/6 share raid456). */
static const char *md_personality_module(const char *level)
{
	static const struct { const char *level, *module; } table[] = {
		{ "raid0", "raid0" }, { "raid1", "raid1" }, { "raid10", "raid10" },
		{ "raid4", "raid456" }, { "raid5", "raid456" }, { "raid6", "raid456" },
		{ "linear", "linear" }, { "multipath", "multipath" },
	};
	size_t i;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!strcmp(level, table[i].level))
			return table[i].module;
	return NULL;
}

/* An md array: md_mod and its level's personality (the capture kernel cannot request_module). */
static void md_modules(struct kdk_module_set *set, const char *level_path, const char *device,
		       struct kdk_array *warnings)
{
	char level[64] = "";
	const char *module;
	struct kdk_err err = { 0 };
	FILE *f = fopen(level_path, "re");

	if (f) {
		if (!fgets(level, sizeof(level), f))
			level[0] = '\0';
		fclose(f);
	}
	level[strcspn(level, "\n")] = '\0';
	if (kdk_module_set_add(set, "md_mod", &err) < 0)
		rd_warn(warnings, "dump target %s is on an md array: %s", device, err.msg);
	if (!(module = md_personality_module(level)))
		rd_warn(warnings, "dump target %s is on an md array of level \"%s\": its module is not "
				  "known; add it with extra_modules", device, level);
	else if (kdk_module_set_add(set, module, &err) < 0)
		rd_warn(warnings, "dump target %s is on an md %s array: %s", device, level, err.msg);
}

/* A block device's modules from its sysfs directory: a device-mapper device needs dm_mod, an md
 * array md_mod and its personality, and both what their slaves (the PVs or members, their disks)
 * need; a disk or partition its drivers. */
static void sysfs_block_modules(struct kdk_module_set *set, const char *sys, const char *device,
				unsigned depth, struct kdk_array *warnings)
{
	char path[PATH_MAX], uuid[160] = "";
	struct kdk_err err = { 0 };
	struct dirent *d;
	FILE *f;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/md/level", sys);
	if (!access(path, F_OK)) {
		md_modules(set, path, device, warnings);
	} else {
		snprintf(path, sizeof(path), "%s/dm/uuid", sys);
		if (!(f = fopen(path, "re"))) {
			rd_sysfs_device_modules(set, sys, warnings);
			return;
		}
		if (!fgets(uuid, sizeof(uuid), f))
			uuid[0] = '\0';
		fclose(f);
		/* What else of device-mapper the target may be stacked on (dm-crypt, multipath) is
		 * refused by target_names.c, with kdump.conf's line. */
		if (kdk_module_set_add(set, "dm_mod", &err) < 0)
			rd_warn(warnings, "dump target %s is a device-mapper device: %s", device, err.msg);
	}
	snprintf(path, sizeof(path), "%s/slaves", sys);
	if (depth > 8 || !(dir = opendir(path)))
		return;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s", d->d_name);
		sysfs_block_modules(set, path, device, depth + 1, warnings);
	}
	closedir(dir);
}

void rd_block_device_modules(struct kdk_module_set *set, const char *device,
			     struct kdk_array *warnings)
{
	char link[PATH_MAX], real[PATH_MAX], sys[PATH_MAX];
	struct stat st;

	if (!strncmp(device, "UUID=", 5))
		snprintf(link, sizeof(link), "/dev/disk/by-uuid/%s", device + 5);
	else if (!strncmp(device, "LABEL=", 6))
		snprintf(link, sizeof(link), "/dev/disk/by-label/%s", device + 6);
	else if (!strncmp(device, "PARTUUID=", 9))
		snprintf(link, sizeof(link), "/dev/disk/by-partuuid/%s", device + 9);
	else if (!strncmp(device, "PARTLABEL=", 10))
		snprintf(link, sizeof(link), "/dev/disk/by-partlabel/%s", device + 10);
	else
		snprintf(link, sizeof(link), "%s", device);
	if (!realpath(link, real) || stat(real, &st) < 0 || !S_ISBLK(st.st_mode)) {
		rd_warn(warnings, "dump target %s is not on this machine: its disk driver is not known; "
				  "add it with extra_modules", device);
		return;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	sysfs_block_modules(set, sys, device, 0, warnings);
}

void rd_network_device_modules(struct kdk_module_set *set, const char *host,
			       struct kdk_array *warnings)
{
	char ifname[64], device[PATH_MAX];
	struct kdk_err err = { 0 };

	if (rd_route_interface(host, ifname, sizeof(ifname), &err) < 0) {
		rd_warn(warnings, "%s: the network driver is not known; add it with extra_modules "
				  "(e.g. virtio_net)", err.msg);
		return;
	}
	snprintf(device, sizeof(device), "/sys/class/net/%s/device", ifname);
	if (access(device, F_OK)) {
		rd_warn(warnings, "dump target %s is reached through %s, which has no device in sysfs "
				  "(loopback, bridge, bond, VLAN?): add the NIC's driver with extra_modules",
			host, ifname);
		return;
	}
	if (!rd_sysfs_device_modules(set, device, warnings))
		rd_warn(warnings, "dump target %s is reached through %s, whose drivers are no modules "
				  "of this kernel: add the NIC's driver with extra_modules if it needs one",
			host, ifname);
	else
		rd_warn(warnings, "dump target %s is reached through %s here: its drivers are in the "
				  "image; if the capture kernel reaches it through another NIC, add that "
				  "one's with extra_modules", host, ifname);
}
