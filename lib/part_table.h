/* part_table.h — the partitions of a disk read from its GPT or MBR: number, PARTUUID, PARTLABEL,
 * so the capture /init finds "PARTUUID=…"/"PARTLABEL=…" targets without udev (docs/formats/targets.md). */
#ifndef KDK_PART_TABLE_H
#define KDK_PART_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"

struct kdk_partition {
	unsigned number;       /* as Linux numbers it: GPT entry index + 1; MBR 1-4, logical from 5 */
	char partuuid[37];     /* GPT: the unique partition GUID, lower case; MBR: "ssssssss-nn" */
	char partlabel[73];    /* GPT: the partition name (UTF-16LE → UTF-8); MBR: empty */
	uint64_t first_lba, sectors;
};

struct kdk_part_table {
	char scheme[4];        /* "gpt" or "dos" (the names blkid gives PTTYPE) */
	char ptuuid[37];       /* GPT disk GUID or MBR disk signature "ssssssss" */
	unsigned sector_size;  /* where the GPT header was found (512 or 4096); 512 for MBR */
	struct kdk_array parts; /* struct kdk_partition */
};

/* Read the partition table of the disk (device or image) at path. A GPT whose header or entry
 * array fails its CRC32 is refused (EBADMSG), as the kernel refuses it; EMEDIUMTYPE when there is
 * no GPT and no MBR. On success free the table with kdk_part_table_free(). */
int kdk_part_table_read(const char *path, struct kdk_part_table *table, struct kdk_err *err);

void kdk_part_table_free(struct kdk_part_table *table);

/* The partition with this number, or NULL. */
const struct kdk_partition *kdk_part_table_find(const struct kdk_part_table *table, unsigned number);

/* Whether a spec ("PARTUUID=…", "PARTLABEL=…") names this partition. PARTUUID compares
 * case-insensitively; another spec never matches. */
bool kdk_partition_matches(const struct kdk_partition *part, const char *spec);

/* Whether block device `name` (an entry of sys_block, normally "/sys/class/block") is a
 * partition matching spec: its number from sys_block/name/partition, its disk the sysfs
 * directory above it, that disk's table read from dev_dir/<disk> ("/dev"). */
bool kdk_partition_device_matches(const char *sys_block, const char *dev_dir, const char *name,
				  const char *spec);

#endif
