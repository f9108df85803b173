/* hotplug.h — how a loaded capture kernel's elfcorehdr follows memory and CPU hotplug: the
 * kernel's own update (crash_hotplug reads 1) or a reload by the udev rule (`kdumpctl hotplug`). */
#ifndef KDUMPCTL_HOTPLUG_H
#define KDUMPCTL_HOTPLUG_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl.h"

/* True when the kernel rewrites the loaded elfcorehdr itself: every one of
 * <sysfs>/devices/system/{memory,cpu}/crash_hotplug that exists reads 1 (drivers/base/memory.c,
 * drivers/base/cpu.c: since 6.10 that is the loaded image's hotplug_support, so it is 0 before a
 * load and for a kexec_load without KEXEC_UPDATE_ELFCOREHDR). `why` says what was read. */
bool hotplug_kernel_updates(const struct ctl *ctl, char *why, size_t why_size);

/* The line `kdumpctl status` prints about it. */
void hotplug_status(const struct ctl *ctl);

/* load() calls this before it runs kexec: the loaded elfcorehdr reflects the machine as of now
 * (<rundir>/loaded-at's mtime; a hotplug event older than that needs no reload). */
void hotplug_mark_loaded(const struct ctl *ctl);

/* `kdumpctl hotplug` (the udev rule, on memory and CPU online/offline): nothing when
 * nothing is loaded or the kernel updates the header; otherwise, one at a time (a lock under
 * rundir), reload unless a load since the event already covers it; reload(ctl) does it. */
int hotplug_follow(struct ctl *ctl, int (*reload)(struct ctl *ctl));

#endif
