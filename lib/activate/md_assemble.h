/* md_assemble.h — md RAID arrays assembled without mdadm: members found by their v1.x superblocks
 * on every block device, grouped by array UUID, started with md ioctls in auto-read-only mode. */
#ifndef KDK_MD_ASSEMBLE_H
#define KDK_MD_ASSEMBLE_H

#include <stdbool.h>
#include <sys/types.h>

#include "activate/md_super.h"
#include "kdk_array.h"
#include "kdk_err.h"

struct kdk_md_assembled {
	char *name;               /* "md0": /dev/<name> */
	dev_t dev;
	char uuid[KDK_MD_UUID_TEXT];
	char *level;              /* the kernel's md/level after the start ("raid1") */
	unsigned raid_disks;      /* slots of the array */
	unsigned members;         /* slots filled by the members given to the kernel */
	long degraded;            /* the kernel's md/degraded: slots missing (-1: not known) */
	char *devices;            /* "vdb1 (slot 0), vdc1 (slot 1)" */
	char *array_state;        /* md/array_state after the start ("read-auto") */
};

struct kdk_md_pass {
	struct kdk_array assembled; /* struct kdk_md_assembled: started by this pass */
	struct kdk_array notes;     /* char *: why an array was not (yet) started */
};

struct kdk_md_policy {
	bool allow_degraded;      /* start arrays with slots missing (the kernel decides if it can) */
	const struct kdk_array *uuids; /* char *: only these arrays (mdadm or %pU form); NULL: all */
};

void kdk_md_pass_init(struct kdk_md_pass *pass);
void kdk_md_pass_free(struct kdk_md_pass *pass);

/* Look at every block device of sys_block ("/sys/class/block"; md devices and devices already
 * held by one skipped), read v1.x superblocks through dev_dir ("/dev"), and start each array
 * whose freshest members fill every slot (or, with allow_degraded, any array the kernel agrees
 * to run degraded): /dev/mdN created (md_mod's new_array under sys_module, "/sys/module/md_mod",
 * where it exists), SET_ARRAY_INFO with the superblock version, ADD_NEW_DISK per member, then
 * md/array_state "read-auto" (RUN_ARRAY where that file is missing) and md/sync_action "frozen":
 * nothing is written to the members until the dump is, and no resync or reshape runs in the
 * capture kernel. Arrays already running are left alone, so a pass can repeat while disks appear.
 * Problems with one device or array are notes; an error only for the pass as a whole. */
int kdk_md_assemble(const char *sys_block, const char *dev_dir, const char *sys_module,
		    const struct kdk_md_policy *policy, struct kdk_md_pass *pass, struct kdk_err *err);

#endif
