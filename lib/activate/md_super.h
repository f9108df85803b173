/* md_super.h — md RAID v1.x superblocks (include/uapi/linux/raid/md_p.h, struct mdp_superblock_1):
 * where each minor version puts it, the fields assembly needs, the checksum (docs/formats/md-superblock.md). */
#ifndef KDK_MD_SUPER_H
#define KDK_MD_SUPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

#define KDK_MD_SB_MAGIC 0xa92b4efcu
#define KDK_MD_SB_BYTES 4096u          /* the kernel reads one 4 KiB block (max_dev ≤ 1920) */
#define KDK_MD_UUID_TEXT 36            /* "xxxxxxxx:xxxxxxxx:xxxxxxxx:xxxxxxxx" + NUL */

/* dev_roles[] values that are no slot of the array */
#define KDK_MD_ROLE_SPARE   (-1)
#define KDK_MD_ROLE_FAULTY  (-2)
#define KDK_MD_ROLE_JOURNAL (-3)
#define KDK_MD_ROLE_OTHER   (-4)        /* beyond raid_disks, or dev_number past max_dev */

/* feature_map bits read (md_p.h MD_FEATURE_*) */
#define KDK_MD_FEATURE_RESHAPE_ACTIVE 4u
#define KDK_MD_FEATURE_CLUSTERED      256u

struct kdk_md_super {
	unsigned minor_version;       /* 0: near the end, 1: at sector 0, 2: at sector 8 */
	uint64_t super_offset;        /* sectors from the device start */
	uint8_t set_uuid[16];
	char set_name[33];            /* "host:0", NUL-terminated */
	int32_t level;                /* -4 multipath, -1 linear, 0, 1, 4, 5, 6, 10 */
	uint32_t layout, chunksize, raid_disks, feature_map;
	uint64_t size;                /* sectors of each member the array uses */
	uint64_t data_offset, data_size;
	uint32_t dev_number, max_dev;
	int role;                     /* dev_roles[dev_number]: slot 0…raid_disks-1 or KDK_MD_ROLE_* */
	uint64_t events, resync_offset;
};

/* The superblock's sector for minor version 0/1/2 on a device of dev_sectors (md.c super_1_load);
 * -EINVAL for another minor or a device too small. */
int kdk_md_super_sector(unsigned minor_version, uint64_t dev_sectors, uint64_t *sector);

/* Parse len bytes read at sector `at` (the minor version that puts it there is the caller's).
 * -EMEDIUMTYPE without the magic; -EINVAL (message) for a superblock that is damaged, has
 * major version ≠ 1, a bad checksum, super_offset ≠ at, or fields past the block. */
int kdk_md_super_parse(const void *buf, size_t len, unsigned minor_version, uint64_t at,
		       struct kdk_md_super *sb, struct kdk_err *err);

/* Look at all three places on the open device fd (dev_bytes long): the first valid superblock.
 * -EMEDIUMTYPE when none has the magic; other errors name `name`. */
int kdk_md_super_read(int fd, uint64_t dev_bytes, const char *name, struct kdk_md_super *sb,
		      struct kdk_err *err);

/* Whether the open device fd (dev_bytes long) is an md array member: a valid v1.x superblock in
 * one of its places, or a 0.90 superblock's magic 64 KiB-aligned in the last 64–128 KiB (md_p.h
 * MD_NEW_SIZE_SECTORS). Its file system or LVM label lies in the array's data area: it must be
 * used through the array, never directly (a write would reach one mirror only). */
bool kdk_md_is_member(int fd, uint64_t dev_bytes);

/* mdadm's spelling of a v1 array UUID: four groups of 8 hex digits joined by ':'. */
void kdk_md_uuid_format(const uint8_t uuid[16], char out[KDK_MD_UUID_TEXT]);

/* 32 hex digits with any ':', '-', '.' between them (mdadm's form, blkid's and sysfs' %pU). */
int kdk_md_uuid_parse(const char *text, uint8_t uuid[16]);

/* "raid1", "raid10", "linear"…: the md level's name (md.c's pers->name); NULL for unknown. */
const char *kdk_md_level_name(int32_t level);

#endif
