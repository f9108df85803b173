/* kdump_conf.h — kdump.conf, in the syntax administrators already use (Fedora/RHEL kdump.conf:
 * "key value" lines, '#' comments), parsed into one struct. Errors say file:line and suggest. */
#ifndef KDK_KDUMP_CONF_H
#define KDK_KDUMP_CONF_H

#include <stdbool.h>
#include <stdio.h>

#include "kdk_array.h"
#include "kdk_err.h"

enum kdk_conf_action {
	KDK_ACTION_REBOOT,
	KDK_ACTION_HALT,
	KDK_ACTION_POWEROFF,
	KDK_ACTION_SHELL,
	KDK_ACTION_DUMP_TO_ROOTFS,
};

enum kdk_conf_target_kind {
	KDK_TARGET_ROOTFS,      /* no target line: <path> on the root filesystem */
	KDK_TARGET_FS,          /* "<fstype> <device>" */
	KDK_TARGET_RAW,         /* "raw <device>" */
	KDK_TARGET_SSH,         /* "ssh user@host" */
	KDK_TARGET_NFS,         /* "nfs server:/export" (or "nfs4"), with nfs_options */
};

struct kdk_kdump_conf {
	char *file;                      /* the file parsed, for messages */
	char *path;                      /* "path": directory on the target (default /var/crash) */
	char *core_collector;            /* "core_collector": the dumpsave command line */
	enum kdk_conf_target_kind target;
	char *fstype;                    /* KDK_TARGET_FS: ext4, xfs, btrfs, … */
	char *device;                    /* FS/RAW: /dev/…, UUID=…, LABEL=…; NFS: server:/export */
	char *nfs_options;               /* "nfs_options": mount options (lib/nfs_target.h), or NULL */
	char *ssh;                       /* KDK_TARGET_SSH: user@host */
	char *sshkey;                    /* "sshkey" (default /root/.ssh/kdump_id_ed25519) */
	enum kdk_conf_action failure_action; /* default reboot */
	enum kdk_conf_action final_action;   /* default reboot */
	struct kdk_array extra_bins;     /* char *, absolute paths */
	struct kdk_array extra_modules;  /* char *, module names */
	char *kdump_pre, *kdump_post;
	bool force_rebuild, force_no_rebuild;
	bool auto_reset_crashkernel;
	struct kdk_array warnings;       /* char *, "file:line: …" for accepted-but-ignored keys */
	unsigned target_line;            /* where the target was given (0: default) */
	unsigned core_collector_line;    /* where each was given (0: the default), for messages */
	unsigned kdump_pre_line, kdump_post_line, extra_bins_line;
	unsigned auto_reset_crashkernel_line;
	unsigned nfs_options_line;
	unsigned hook_timeout;           /* "kdump_hook_timeout" seconds (default below) */
	unsigned save_timeout;           /* "kdump_save_timeout" seconds, 0: none (default below) */
};

#define KDK_CONF_DEFAULT_PATH "/var/crash"
#define KDK_CONF_DEFAULT_CORE_COLLECTOR "dumpsave -l --message-level 7 -d 31"
#define KDK_CONF_DEFAULT_SSHKEY "/root/.ssh/kdump_id_ed25519"
/* A kdump_pre/kdump_post that runs longer is killed and counts as failed. */
#define KDK_CONF_DEFAULT_HOOK_TIMEOUT 300
/* The capture /init's watchdog on everything from start to final_action: on expiry it ends the
 * capture kernel with failure_action (docs/formats/kdump.conf.md). 6 h: a 1 TiB machine over a
 * slow link still finishes; 0 in kdump.conf turns it off. */
#define KDK_CONF_DEFAULT_SAVE_TIMEOUT (6 * 3600)

/* Parse a kdump.conf from a stream; name is used in messages ("kdump.conf:12: …").
 * On error conf is freed and err says file:line, what is wrong and, for unknown keys,
 * the nearest known one. */
int kdk_kdump_conf_parse(FILE *in, const char *name, struct kdk_kdump_conf *conf,
			 struct kdk_err *err);

/* Open and parse a file. */
int kdk_kdump_conf_load(const char *path, struct kdk_kdump_conf *conf, struct kdk_err *err);

void kdk_kdump_conf_free(struct kdk_kdump_conf *conf);

const char *kdk_conf_action_name(enum kdk_conf_action action);

#endif
