/* grub.h — kdumpctl reset-crashkernel: crashkernel=SIZE into the GRUB_CMDLINE_LINUX that
 * grub-mkconfig really uses (/etc/default/grub, then /etc/default/grub.d/<name>.cfg; the last wins). */
#ifndef KDUMPCTL_GRUB_H
#define KDUMPCTL_GRUB_H

#include "ctl.h"

/* Set crashkernel=size (e.g. "96M"): crashkernel= words leave every GRUB_CMDLINE_LINUX and
 * GRUB_CMDLINE_LINUX_DEFAULT assignment of path and of <dir of path>/grub.d/<name>.cfg; size goes
 * into the last GRUB_CMDLINE_LINUX assignment (a new line in path when there is none). Only the
 * words inside the quotes change; comments stay. A line it cannot edit safely (continued,
 * command substitution, text after the value, an assignment inside other shell code) fails
 * with file:line and nothing is written. Each changed file keeps a backup: its name is pushed
 * (char *, caller frees) onto backups — none when everything already said so. */
int grub_set_crashkernel(const char *path, const char *size, struct kdk_array *backups,
			 struct kdk_err *err);

#endif
