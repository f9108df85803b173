/* dm_table.h — device-mapper devices made with the kernel's ioctls on /dev/mapper/control
 * (include/uapi/linux/dm-ioctl.h): create, load a table, resume. No libdevmapper. */
#ifndef KDK_DM_TABLE_H
#define KDK_DM_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kdk_err.h"

struct kdk_dm_target {
	uint64_t start, length;   /* sectors of the new device */
	const char *type;         /* "linear", "striped" */
	const char *params;       /* the target's table line, e.g. "253:1 2048" */
};

/* Create device `name` (uuid may be NULL) through control (normally "/dev/mapper/control"), load
 * the targets as its table and resume it; its device number into *dev. EEXIST when a device of
 * that name exists already. A device created but not resumed is removed again. */
int kdk_dm_create(const char *control, const char *name, const char *uuid,
		  const struct kdk_dm_target *targets, size_t count, dev_t *dev, struct kdk_err *err);

#endif
