/* root_modules.h — the kernel modules the capture kernel needs to mount this machine's root
 * filesystem (its disk's drivers from sysfs, and the filesystem type), for dumps that go there. */
#ifndef KDUMPCTL_ROOT_MODULES_H
#define KDUMPCTL_ROOT_MODULES_H

#include "ctl.h"

/* Append module names (char *, malloc'd) to names. Nothing is found for a root not on a block
 * device (that is no error: mkdumprd then adds what kdump.conf says). */
int root_modules(const struct ctl *ctl, struct kdk_array *names, struct kdk_err *err);

#endif
