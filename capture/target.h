/* target.h — the filesystem the dump goes to: the device found by UUID=/LABEL=/PARTUUID=/PARTLABEL=
 * or as mkdumprd recorded it (waiting for it, since disk drivers probe asynchronously), mounted. */
#ifndef CAPTURE_TARGET_H
#define CAPTURE_TARGET_H

#include "kdk_err.h"

/* Wait up to timeout_s for the device `spec` names; its /dev path into dev. Between looks, md
 * arrays (those of md_arrays, blank-separated UUIDs; NULL: any) are assembled — degraded after a
 * third of the wait — and LVM LVs activated. */
int target_find(const char *spec, const char *md_arrays, unsigned timeout_s, char *dev,
		size_t size, struct kdk_err *err);

/* Find spec and mount it (type fstype, or the probed type when fstype is NULL) at mountpoint.
 * When /etc/kdumpkit/targets has a record for spec, its id is looked for instead, its fstype and
 * options (btrfs subvol=) are used, and it is mounted at mountpoint + its mount_at ("/var" when
 * the root-fs dump's path lies on a separate /var): mountpoint + path is then the right directory. */
int target_mount(const char *spec, const char *fstype, const char *mountpoint, unsigned timeout_s,
		 struct kdk_err *err);

#endif
