/* dm_table.c — one device-mapper device from a table: DM_DEV_CREATE, DM_TABLE_LOAD, DM_DEV_SUSPEND
 * (resume), the ioctls of include/uapi/linux/dm-ioctl.h (interface 4), as dmsetup create does. */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "activate/dm_table.h"

static void header(struct dm_ioctl *io, size_t size, const char *name)
{
	memset(io, 0, sizeof(*io));
	/* Interface 4.0.0: the kernel accepts any minor of its major (dm-ioctl.c check_version). */
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = (uint32_t)size;
	io->data_start = sizeof(*io);
	snprintf(io->name, sizeof(io->name), "%s", name);
}

static int dm_call(int fd, unsigned long cmd, struct dm_ioctl *io, const char *what,
		   const char *name, struct kdk_err *err)
{
	if (ioctl(fd, cmd, io))
		return kdk_err_sys(err, errno, "device-mapper %s %s", what, name);
	return 0;
}

int kdk_dm_create(const char *control, const char *name, const char *uuid,
		  const struct kdk_dm_target *targets, size_t count, dev_t *dev, struct kdk_err *err)
{
	size_t size = sizeof(struct dm_ioctl), i, off;
	struct dm_ioctl *io = NULL;
	int fd, rc;

	if (strlen(name) >= DM_NAME_LEN || (uuid && strlen(uuid) >= DM_UUID_LEN))
		return kdk_err_set(err, ENAMETOOLONG, "device-mapper name %s or its uuid too long",
				   name);
	for (i = 0; i < count; i++)
		size += (sizeof(struct dm_target_spec) + strlen(targets[i].params) + 1 + 7) & ~(size_t)7;
	if ((fd = open(control, O_RDWR | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s (dm_mod not loaded?)", control);
	if (!(io = calloc(1, size))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}

	header(io, sizeof(*io), name);
	if (uuid)
		snprintf(io->uuid, sizeof(io->uuid), "%s", uuid);
	if (ioctl(fd, DM_DEV_CREATE, io)) {
		/* dm-ioctl.c dm_hash_insert: a name or uuid in use is EBUSY */
		rc = errno == EBUSY ? kdk_err_set(err, EEXIST, "device-mapper %s exists already", name) :
				      kdk_err_sys(err, errno, "device-mapper create %s", name);
		goto out;
	}
	*dev = makedev(major(io->dev), minor(io->dev));

	/* The table: dm_target_spec + its parameter string, each padded to 8 bytes; `next` is the
	 * offset from this spec to the next one. */
	header(io, size, name);
	io->target_count = (uint32_t)count;
	for (i = 0, off = sizeof(*io); i < count; i++) {
		struct dm_target_spec *spec = (struct dm_target_spec *)((char *)io + off);
		size_t len = (sizeof(*spec) + strlen(targets[i].params) + 1 + 7) & ~(size_t)7;

		spec->sector_start = targets[i].start;
		spec->length = targets[i].length;
		snprintf(spec->target_type, sizeof(spec->target_type), "%s", targets[i].type);
		strcpy((char *)(spec + 1), targets[i].params);
		spec->next = (uint32_t)len;
		off += len;
	}
	if ((rc = dm_call(fd, DM_TABLE_LOAD, io, "table load", name, err)))
		goto remove;
	/* DM_DEV_SUSPEND without DM_SUSPEND_FLAG resumes: the loaded table goes live. */
	header(io, sizeof(*io), name);
	if ((rc = dm_call(fd, DM_DEV_SUSPEND, io, "resume", name, err)))
		goto remove;
	goto out;
remove:
	header(io, sizeof(*io), name);
	ioctl(fd, DM_DEV_REMOVE, io);
out:
	free(io);
	close(fd);
	return rc;
}
