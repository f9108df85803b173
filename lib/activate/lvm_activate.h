/* lvm_activate.h — LVM logical volumes activated without lvm2: PVs found by their labels on every
 * block device, each VG's newest metadata, linear/striped LVs mapped with device-mapper ioctls. */
#ifndef KDK_LVM_ACTIVATE_H
#define KDK_LVM_ACTIVATE_H

#include <sys/types.h>

#include "kdk_array.h"
#include "kdk_err.h"

struct kdk_lvm_activated {
	char *vg, *lv;
	char *dm_name;            /* "vg-root": /dev/mapper/<dm_name>, also /dev/<vg>/<lv> */
	dev_t dev;
	char *table;              /* the table loaded, one line per segment (for the console) */
};

struct kdk_lvm_pass {
	struct kdk_array activated; /* struct kdk_lvm_activated: made by this pass */
	struct kdk_array notes;     /* char *: why a PV, VG or LV was not used ("…: LV x is thin") */
};

void kdk_lvm_pass_init(struct kdk_lvm_pass *pass);
void kdk_lvm_pass_free(struct kdk_lvm_pass *pass);

/* Look at every block device of sys_block ("/sys/class/block"; device-mapper devices skipped),
 * read those with an LVM2 label through dev_dir ("/dev"), and activate every visible LV whose
 * segments are all linear/striped and whose PVs are all present: /dev/mapper/control,
 * /dev/mapper/<vg>-<lv> and /dev/<vg>/<lv> under dev_dir. LVs already there are left alone, so a
 * pass can be repeated while disks appear. Problems with one device or VG are notes, not errors;
 * an error is only for the pass as a whole (out of memory, sys_block unreadable). */
int kdk_lvm_activate(const char *sys_block, const char *dev_dir, struct kdk_lvm_pass *pass,
		     struct kdk_err *err);

#endif
