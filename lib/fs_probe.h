/* fs_probe.h — which filesystem a block device holds, with its UUID and label, read from the
 * superblock (ext2/3/4, xfs, btrfs, vfat): what the capture /init needs to find "UUID=…"/"LABEL=…"
 * targets without libblkid (Debian ships no static libblkid). */
#ifndef KDK_FS_PROBE_H
#define KDK_FS_PROBE_H

#include <stdbool.h>

#include "kdk_err.h"

struct kdk_fs_id {
	char type[8];          /* "ext4", "xfs", "btrfs", "vfat" ("ext4" for every ext2/3/4) */
	char uuid[37];         /* canonical 8-4-4-4-12 lower-case form; vfat: "XXXX-XXXX" */
	char label[257];
};

/* Probe the device or image at path. ENOENT-style errors for unreadable paths; EMEDIUMTYPE
 * when no known superblock is there. */
int kdk_fs_probe(const char *path, struct kdk_fs_id *id, struct kdk_err *err);

/* Whether a kdump.conf device spec ("UUID=…", "LABEL=…", or a path) names this filesystem.
 * UUIDs compare case-insensitively. A path spec never matches here (compare paths instead). */
bool kdk_fs_matches(const struct kdk_fs_id *id, const char *spec);

#endif
