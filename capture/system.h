/* system.h — what the capture /init does to the system: mounts, kernel modules, the kernel
 * command line, running the administrator's scripts, and the end (reboot, halt, poweroff, shell). */
#ifndef CAPTURE_SYSTEM_H
#define CAPTURE_SYSTEM_H

#include <stddef.h>

#include "kdk_err.h"
#include "kdump_conf.h"

/* Start this /init again with glibc told to clear and copy memory with vector stores below 1 MiB
 * (GLIBC_TUNABLES glibc.cpu.x86_rep_stosb_threshold and x86_rep_movsb_threshold), unless
 * GLIBC_TUNABLES is set already (the administrator's, or after the restart, when it is removed
 * again so that hooks and other programs do not inherit it). glibc picks memset and memcpy once,
 * at start, from the CPU: with ERMS they use `rep stosb`/`rep movsb` from a few KiB up; lzo1x_1
 * clears a 32 KiB dictionary for every page it compresses (-l, the usual core_collector) and the
 * save copies runs of pages out of /proc/vmcore's mapped windows. Under an emulated CPU (QEMU
 * TCG) those instructions are byte loops: the clears were most of the save, and the copies
 * another sixth of what was left (1-CPU capture, 6.1, 8 rounds: 0.82 → 0.69 s); on a CPU that
 * runs them natively the two ways are alike (docs/benchmarks.md). Returns 1 in the restarted
 * /init, 0 where no restart was made (then nothing changed); in the first /init, a restart does
 * not return. */
int system_restart_with_vector_strings(char **argv);

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
