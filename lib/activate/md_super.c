/* md_super.c — md v1.x superblock reader: location per minor version, fields, checksum, this
 * device's role; facts from the kernel's drivers/md/md.c (super_1_load, calc_sb_1_csum), v6.1. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "activate/md_super.h"

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t le32(const uint8_t *p) { return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16; }
static uint64_t le64(const uint8_t *p) { return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32; }

/* struct mdp_superblock_1 offsets (md_p.h) */
enum {
	SB_MAGIC = 0, SB_MAJOR = 4, SB_FEATURES = 8, SB_SET_UUID = 16, SB_SET_NAME = 32,
	SB_LEVEL = 72, SB_LAYOUT = 76, SB_SIZE = 80, SB_CHUNK = 88, SB_RAID_DISKS = 92,
	SB_DATA_OFFSET = 128, SB_DATA_SIZE = 136, SB_SUPER_OFFSET = 144, SB_DEV_NUMBER = 160,
	SB_EVENTS = 200, SB_RESYNC = 208, SB_CSUM = 216, SB_MAX_DEV = 220, SB_ROLES = 256,
};

int kdk_md_super_sector(unsigned minor_version, uint64_t dev_sectors, uint64_t *sector)
{
	switch (minor_version) {
	case 0:
		/* 8 KiB from the end, rounded down to 4 KiB (md.c super_1_load) */
		if (dev_sectors < 16 + 8)
			return -EINVAL;
		*sector = (dev_sectors - 16) & ~(uint64_t)7;
		return 0;
	case 1:
		*sector = 0;
		return 0;
	case 2:
		*sector = 8;
		return dev_sectors >= 16 ? 0 : -EINVAL;
	}
	return -EINVAL;
}

/* calc_sb_1_csum: le32 words up to dev_roles[max_dev] summed in 64 bits, sb_csum taken as 0,
 * the carry folded in once. */
static uint32_t checksum(const uint8_t *sb, size_t size)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i + 4 <= size; i += 4)
		sum += i == SB_CSUM ? 0 : le32(sb + i);
	if (size - i == 2)
		sum += le16(sb + i);
	return (uint32_t)((sum & 0xffffffffu) + (sum >> 32));
}

int kdk_md_super_parse(const void *buf, size_t len, unsigned minor_version, uint64_t at,
		       struct kdk_md_super *sb, struct kdk_err *err)
{
	const uint8_t *p = buf;
	uint32_t want, got;
	size_t size;
	uint16_t role;

	memset(sb, 0, sizeof(*sb));
	if (len < SB_ROLES || le32(p + SB_MAGIC) != KDK_MD_SB_MAGIC)
		return -EMEDIUMTYPE;
	if (le32(p + SB_MAJOR) != 1)
		return kdk_err_set(err, EINVAL, "md superblock at sector %llu: major version %u (only "
				   "1 is read: 0.90 arrays are not assembled)", (unsigned long long)at,
				   le32(p + SB_MAJOR));
	sb->max_dev = le32(p + SB_MAX_DEV);
	/* the kernel refuses max_dev > (4096 - 256) / 2 as well */
	if (sb->max_dev > (KDK_MD_SB_BYTES - SB_ROLES) / 2)
		return kdk_err_set(err, EINVAL, "md superblock at sector %llu: max_dev %u (at most %u)",
				   (unsigned long long)at, sb->max_dev, (KDK_MD_SB_BYTES - SB_ROLES) / 2);
	size = SB_ROLES + 2 * (size_t)sb->max_dev;
	if (size > len)
		return kdk_err_set(err, EINVAL, "md superblock at sector %llu: %zu bytes with its "
				   "roles, %zu read", (unsigned long long)at, size, len);
	want = le32(p + SB_CSUM);
	got = checksum(p, size);
	if (want != got)
		return kdk_err_set(err, EINVAL, "md superblock at sector %llu: checksum 0x%08x, "
				   "computed 0x%08x", (unsigned long long)at, want, got);
	sb->super_offset = le64(p + SB_SUPER_OFFSET);
	if (sb->super_offset != at)
		return kdk_err_set(err, EINVAL, "md superblock at sector %llu says it is at sector %llu "
				   "(one of another device, e.g. a partition's seen on its disk)",
				   (unsigned long long)at, (unsigned long long)sb->super_offset);
	sb->minor_version = minor_version;
	memcpy(sb->set_uuid, p + SB_SET_UUID, sizeof(sb->set_uuid));
	memcpy(sb->set_name, p + SB_SET_NAME, 32);
	sb->set_name[32] = '\0';
	sb->level = (int32_t)le32(p + SB_LEVEL);
	sb->layout = le32(p + SB_LAYOUT);
	sb->size = le64(p + SB_SIZE);
	sb->chunksize = le32(p + SB_CHUNK);
	sb->raid_disks = le32(p + SB_RAID_DISKS);
	sb->feature_map = le32(p + SB_FEATURES);
	sb->data_offset = le64(p + SB_DATA_OFFSET);
	sb->data_size = le64(p + SB_DATA_SIZE);
	sb->dev_number = le32(p + SB_DEV_NUMBER);
	sb->events = le64(p + SB_EVENTS);
	sb->resync_offset = le64(p + SB_RESYNC);
	if (sb->dev_number >= sb->max_dev) {
		sb->role = KDK_MD_ROLE_OTHER;
		return 0;
	}
	role = le16(p + SB_ROLES + 2 * (size_t)sb->dev_number);
	if (role == 0xffff)
		sb->role = KDK_MD_ROLE_SPARE;
	else if (role == 0xfffe)
		sb->role = KDK_MD_ROLE_FAULTY;
	else if (role == 0xfffd)
		sb->role = KDK_MD_ROLE_JOURNAL;
	else if (role < 0xff00 && role < sb->raid_disks)   /* MD_DISK_ROLE_MAX */
		sb->role = role;
	else
		sb->role = KDK_MD_ROLE_OTHER;
	return 0;
}

int kdk_md_super_read(int fd, uint64_t dev_bytes, const char *name, struct kdk_md_super *sb,
		      struct kdk_err *err)
{
	/* 1.2 first: what mdadm makes by default */
	static const unsigned order[] = { 2, 1, 0 };
	uint8_t block[KDK_MD_SB_BYTES];
	struct kdk_err first = { 0 };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		struct kdk_err one = { 0 };
		uint64_t sector;
		ssize_t got;
		int rc;

		if (kdk_md_super_sector(order[i], dev_bytes / 512, &sector))
			continue;
		got = pread(fd, block, sizeof(block), (off_t)(sector * 512));
		if (got < 0)
			return kdk_err_sys(err, errno, "%s: reading sector %llu", name,
					   (unsigned long long)sector);
		rc = kdk_md_super_parse(block, (size_t)got, order[i], sector, sb, &one);
		if (!rc)
			return 0;
		if (rc != -EMEDIUMTYPE && !first.code)
			first = one;
	}
	if (first.code) {
		*err = first;
		return kdk_err_prefix(err, "%s: ", name);
	}
	return -EMEDIUMTYPE;
}

bool kdk_md_is_member(int fd, uint64_t dev_bytes)
{
	struct kdk_md_super sb;
	struct kdk_err err = { 0 };
	uint64_t sectors = dev_bytes / 512, at;
	uint8_t magic[4];

	if (kdk_md_super_read(fd, dev_bytes, "", &sb, &err) == 0)
		return true;
	if (sectors < 2 * 128)
		return false;
	at = (sectors & ~(uint64_t)127) - 128;
	/* 0.90 is in the host's byte order: little-endian on x86_64 */
	return pread(fd, magic, sizeof(magic), (off_t)(at * 512)) == (ssize_t)sizeof(magic) &&
	       le32(magic) == KDK_MD_SB_MAGIC;
}

void kdk_md_uuid_format(const uint8_t uuid[16], char out[KDK_MD_UUID_TEXT])
{
	size_t i, n = 0;

	for (i = 0; i < 16; i++) {
		if (i && !(i % 4))
			out[n++] = ':';
		n += (size_t)snprintf(out + n, KDK_MD_UUID_TEXT - n, "%02x", uuid[i]);
	}
	out[n] = '\0';
}

int kdk_md_uuid_parse(const char *text, uint8_t uuid[16])
{
	size_t n = 0;

	for (; *text; text++) {
		int digit;

		if (*text == ':' || *text == '-' || *text == '.')
			continue;
		if (!isxdigit((unsigned char)*text) || n == 32)
			return -EINVAL;
		digit = isdigit((unsigned char)*text) ? *text - '0' : tolower((unsigned char)*text) - 'a' + 10;
		if (n % 2)
			uuid[n / 2] = (uint8_t)(uuid[n / 2] | digit);
		else
			uuid[n / 2] = (uint8_t)(digit << 4);
		n++;
	}
	return n == 32 ? 0 : -EINVAL;
}

const char *kdk_md_level_name(int32_t level)
{
	switch (level) {
	case -4: return "multipath";
	case -1: return "linear";
	case 0: return "raid0";
	case 1: return "raid1";
	case 4: return "raid4";
	case 5: return "raid5";
	case 6: return "raid6";
	case 10: return "raid10";
	}
	return NULL;
}
