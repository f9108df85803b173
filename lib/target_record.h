/* target_record.h — /etc/kdumpkit/targets in the capture image: for each target spec kdump.conf or
 * root= gives, the stable identifier mkdumprd resolved it to and how to mount it (docs/formats/targets.md). */
#ifndef KDK_TARGET_RECORD_H
#define KDK_TARGET_RECORD_H

#include <stdio.h>

#include "kdk_array.h"
#include "kdk_err.h"

#define KDK_TARGET_RECORDS_PATH "/etc/kdumpkit/targets"

struct kdk_target_record {
	char *spec;      /* as given: "/dev/disk/by-id/…", "/dev/mapper/vg-root", "UUID=…" */
	char *id;        /* what the capture /init matches: UUID=, LABEL=, PARTUUID=, PARTLABEL= */
	char *fstype;    /* the file system's type at build time ("" when unknown) */
	char *mount_at;  /* where it goes under the capture mount point: "/" or a separate mount's
	                  * point such as "/var" (root-fs dumps whose path lies on another fs) */
	char *options;   /* mount(2) data: "subvol=/@" for a btrfs subvolume; "" for none */
	char *md_arrays; /* UUIDs (mdadm's form) of the md arrays under the file system, blank-
	                  * separated: the capture /init assembles these; "" for none */
};

/* Read a records file into records (struct kdk_target_record). A missing file is no error (an
 * image from an older mkdumprd): records stay empty. Lines: "target SPEC" opens a record,
 * then "id", "fstype", "mount_at", "options", "md_arrays" lines, each "key value-to-end-of-line". */
int kdk_target_records_load(const char *path, struct kdk_array *records, struct kdk_err *err);

/* Parse from a stream (name for messages). */
int kdk_target_records_parse(FILE *in, const char *name, struct kdk_array *records,
			     struct kdk_err *err);

/* The record for spec, or NULL. */
const struct kdk_target_record *kdk_target_record_find(const struct kdk_array *records,
							 const char *spec);

/* One record in the file's syntax. EINVAL for a value with a newline (it could not be read back). */
int kdk_target_record_write(FILE *out, const struct kdk_target_record *record, struct kdk_err *err);

void kdk_target_record_clear(struct kdk_target_record *record);
void kdk_target_records_free(struct kdk_array *records);

#endif
