/* grub.h — kdumpctl reset-crashkernel: crashkernel=SIZE into GRUB_CMDLINE_LINUX of
 * /etc/default/grub (a backup beside it), for update-grub to put on the boot command line. */
#ifndef KDUMPCTL_GRUB_H
#define KDUMPCTL_GRUB_H

#include "ctl.h"

/* Set crashkernel=size (e.g. "96M") in path; *backup gets the backup's name (NULL when the file
 * already said so and was left alone). */
int grub_set_crashkernel(const char *path, const char *size, char **backup, struct kdk_err *err);

#endif
