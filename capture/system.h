/* system.h — what the capture /init does to the system: mounts, kernel modules, the kernel
 * command line, running the administrator's scripts, and the end (reboot, halt, poweroff, shell). */
#ifndef CAPTURE_SYSTEM_H
#define CAPTURE_SYSTEM_H

#include <stddef.h>

#include "kdk_err.h"
#include "kdump_conf.h"

/* proc, sysfs, devtmpfs, tmpfs on /tmp and /run. Errors are reported and ignored: a missing
 * /run must not stop a dump. */
void system_mount_basics(void);

/* Load the modules mkdumprd listed in `list` ("name path" lines, in dependency order). Returns
 * the number that failed; each failure is reported with the reason. */
int system_load_modules(const char *list);

/* The value of NAME= on the kernel command line (copied into out), or -ENOENT. */
int system_cmdline_value(const char *name, char *out, size_t size);

/* Run `program` with one argument (may be NULL) in its own process group (lib/kdk_run.c);
 * returns its exit status, or -errno when it could not start. After `timeout` seconds (0: none)
 * the group is killed with SIGKILL and the result is -ETIMEDOUT. */
int system_run(const char *program, const char *arg, unsigned timeout);

/* Arm the watchdog on the whole save (alarm(2); 0 seconds: none): on expiry the capture kernel
 * ends with failure_action — reboot, halt or poweroff; shell and dump_to_rootfs reboot, since a
 * signal handler cannot do more safely. */
void system_watchdog(unsigned seconds, enum kdk_conf_action failure_action);
/* Disarm it (before final_action, or before a shell the administrator asked for). */
void system_watchdog_stop(void);

/* The end: reboot, halt, poweroff (after sync), or a shell when there is one (then reboot when
 * it exits). dump_to_rootfs is the caller's business, not an end. Never returns. */
void system_finish(enum kdk_conf_action action) __attribute__((noreturn));

#endif
