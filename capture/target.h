/* target.h — the filesystem the dump goes to: the device found by UUID=/LABEL=/path (waiting for
 * it to appear, since disk drivers probe asynchronously) and mounted. */
#ifndef CAPTURE_TARGET_H
#define CAPTURE_TARGET_H

#include "kdk_err.h"

/* Wait up to timeout_s for the device `spec` names; its /dev path into dev. */
int target_find(const char *spec, unsigned timeout_s, char *dev, size_t size, struct kdk_err *err);

/* Find spec and mount it (type fstype, or the probed type when fstype is NULL) at mountpoint. */
int target_mount(const char *spec, const char *fstype, const char *mountpoint, unsigned timeout_s,
		 struct kdk_err *err);

#endif
