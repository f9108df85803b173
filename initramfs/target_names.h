/* target_names.h — kdump.conf's target and the root-fs dump's root= resolved at build time to what
 * the capture /init can match without udev (UUID=, else PARTUUID=), with the mount holding `path`. */
#ifndef RD_TARGET_NAMES_H
#define RD_TARGET_NAMES_H

#include "kdk_array.h"
#include "kdk_err.h"
#include "kdump_conf.h"

struct rd_target_env {
	const char *proc;      /* "/proc": self/mountinfo and cmdline */
	const char *dev_disk;  /* "/dev/disk": by-partuuid/ for partitions without a file system id */
	const char *sys;       /* "/sys": class/block/NAME/{dm,slaves} — what a target is stacked on */
};

/* One mountinfo line (proc(5)), unescaped. */
struct rd_mount {
	char *root;            /* the directory of the file system mounted here ("/", "/@" for btrfs) */
	char *mount_point;
	char *fstype;
	char *source;          /* "/dev/vda2", "/dev/mapper/vg-var" */
	char *super_options;   /* "rw,subvol=/@,…" */
	unsigned major, minor;
};

/* The mount whose mount point is the longest prefix of path, by whole components, from the
 * mountinfo file at mountinfo_path (the last such line wins: a later mount hides an earlier one). */
int rd_mount_for_path(const char *mountinfo_path, const char *path, struct rd_mount *mount,
		      struct kdk_err *err);
void rd_mount_free(struct rd_mount *mount);

/* A device path's stable identifier: "UUID=…" from its file system, else "LABEL=…", else
 * "PARTUUID=…" from env->dev_disk/by-partuuid. UUID=/LABEL=/PARTUUID=/PARTLABEL= specs are kept. */
int rd_stable_id(const char *spec, const struct rd_target_env *env, char **id, struct kdk_err *err);

/* The records for conf's file-system target and, when the dump may go to the root file system
 * (no target, or failure_action dump_to_rootfs), for the root= of env->proc/cmdline: struct
 * kdk_target_record into records. Warnings (LVM not activated yet, no root=) into warnings.
 * Refused (ENOTSUP, "FILE:LINE: dump target … is on …"): a target stacked on a device the capture
 * /init cannot open — dm-crypt, multipath, device-mapper other than LVM's linear and striped LVs —
 * and, with no target line, such a root file system. */
int rd_resolve_targets(const struct kdk_kdump_conf *conf, const struct rd_target_env *env,
		       struct kdk_array *records, struct kdk_array *warnings, struct kdk_err *err);

#endif
