/* root_modules.c — for the default target (the root filesystem) and dump_to_rootfs: mkdumprd
 * finds a target disk's drivers only for an explicit "<fstype> <device>" line, so kdumpctl names
 * the root disk's: the block device of "/" (its st_dev), then <sysfs>/dev/block/MAJ:MIN and each
 * parent device's driver/module link (virtio_blk, then virtio_pci…), and the type of "/" from
 * <proc>/self/mounts. The sysfs walk is the same as mkdumprd's for explicit targets; both should
 * move to one lib/ module when mkdumprd learns the root target. */
#include "root_modules.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int add_name(struct kdk_array *names, const char *name, struct kdk_err *err)
{
	char **slot;
	size_t i;

	for (i = 0; i < names->len; i++)
		if (!strcmp(*(char **)kdk_array_at(names, i), name))
			return 0;
	if (!(slot = kdk_array_push(names, err)) || !(*slot = strdup(name)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static int root_fstype(const struct ctl *ctl, struct kdk_array *names, struct kdk_err *err)
{
	char *path = ctl_path(ctl->proc, "self/mounts"), *text = NULL, *line, *save = NULL;
	char type[64] = "";
	int rc;

	if (!path)
		return kdk_err_set(err, ENOMEM, "out of memory");
	rc = ctl_read_text(path, &text, err);
	free(path);
	if (rc == -ENOENT) {
		kdk_err_clear(err); /* a proc without mounts (a test's fake one): no type to add */
		return 0;
	}
	if (rc)
		return rc;
	/* The last mount on "/" is the one in effect (rootfs may come first). */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char dev[256], dir[256], fstype[64];
		if (sscanf(line, "%255s %255s %63s", dev, dir, fstype) == 3 && !strcmp(dir, "/"))
			snprintf(type, sizeof(type), "%s", fstype);
	}
	free(text);
	if (type[0] && strcmp(type, "rootfs") && strcmp(type, "tmpfs"))
		return add_name(names, type, err);
	return 0;
}

int root_modules(const struct ctl *ctl, struct kdk_array *names, struct kdk_err *err)
{
	char rel[64], *sys, real[PATH_MAX], *devices;
	struct stat st;
	int rc;

	if (stat("/", &st) < 0)
		return kdk_err_sys(err, errno, "/");
	if ((rc = root_fstype(ctl, names, err)))
		return rc;
	snprintf(rel, sizeof(rel), "dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	if (!(sys = ctl_path(ctl->sysfs, rel)) || !(devices = ctl_path(ctl->sysfs, "devices"))) {
		free(sys);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	if (!realpath(sys, real)) {
		free(sys);
		free(devices);
		return 0; /* not a block device: nfs, virtiofs, a tmpfs root… */
	}
	while (strlen(real) > strlen(devices) && rc == 0) {
		char link[PATH_MAX + 16], module[PATH_MAX];
		ssize_t n;
		snprintf(link, sizeof(link), "%s/driver/module", real);
		n = readlink(link, module, sizeof(module) - 1);
		if (n > 0) {
			module[n] = '\0';
			rc = add_name(names, basename(module), err);
		}
		*strrchr(real, '/') = '\0';
	}
	free(sys);
	free(devices);
	return rc;
}
