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
};

struct kdk_kdump_conf {
	char *file;                      /* the file parsed, for messages */
	char *path;                      /* "path": directory on the target (default /var/crash) */
	char *core_collector;            /* "core_collector": the dumpsave command line */
	enum kdk_conf_target_kind target;
	char *fstype;                    /* KDK_TARGET_FS: ext4, xfs, btrfs, … */
	char *device;                    /* FS/RAW: /dev/…, UUID=…, LABEL=… (nfs: server:/export) */
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
};

#define KDK_CONF_DEFAULT_PATH "/var/crash"
#define KDK_CONF_DEFAULT_CORE_COLLECTOR "dumpsave -l --message-level 7 -d 31"
#define KDK_CONF_DEFAULT_SSHKEY "/root/.ssh/kdump_id_ed25519"

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
