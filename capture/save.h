/* save.h — saving the dump: <base>/<host-date>/vmcore-dmesg.txt first (the kernel log is small
 * and the first thing an administrator reads), then vmcore through the core_collector's dumpsave
 * options, each under a partial name until complete — on a mounted disk or over SSH. */
#ifndef CAPTURE_SAVE_H
#define CAPTURE_SAVE_H

#include <stddef.h>

#include "kdk_err.h"
#include "save_dest.h"
#include "save_options.h"

/* Where the dump goes: the local (mounted) file system, or ssh user@host with the key and
 * known_hosts mkdumprd put in the image. */
struct capture_target {
	const char *ssh;           /* kdump.conf's "ssh user@host"; NULL: local */
	const char *ssh_key;
	const char *known_hosts;
	const char *address;       /* the dump directory's address part; NULL: the destination's
				    * (127.0.0.1 locally, the SSH connection's own address) */
	const char *ssh_address;   /* where the host resolved to (network_resolve); host keys are
				    * checked under kdump.conf's name */
};

/* base: the directory the dump directories go in (mounted target + kdump.conf path, or the
 * path on the SSH server). The dump directory made is returned in dump_dir (with the target's
 * prefix, e.g. ssh://kdump@10.0.2.100:22/var/crash/10.0.2.15-…). */
int capture_save(const char *core_collector, const struct capture_target *target, const char *base,
		 const char *vmcore, char *dump_dir, size_t size, struct kdk_err *err);

/* One compression thread per CPU the capture kernel has (kdumpctl's KDUMP_CPUS gives it more than
 * one), unless the core_collector line set --num-threads itself; said on the console. */
void capture_default_threads(struct kdk_save_options *opts);

/* What a collector run after one that died saves with: dump level 0 (no kernel structure read,
 * so nothing a kernel we do not understand can break) in one thread (the least memory). */
void capture_rescue_options(struct kdk_save_options *opts);

/* Connect to the SSH target (capture/ssh_target.c; in a kdump-init built without SSH, an error
 * saying which build to use). opts carries the retry settings of the core_collector line. */
int capture_open_ssh(const struct capture_target *target, const struct kdk_save_options *opts,
		     struct kdk_save_dest **dest, struct kdk_err *err);

#endif
