/* fs_probe.c — superblock probes. Layouts (offsets from the start of the device):
 *   ext2/3/4: superblock at 1024; s_magic 0xEF53 at +0x38, s_uuid[16] at +0x68,
 *             s_volume_name[16] at +0x78.
 *   xfs:      superblock at 0; "XFSB" at 0, sb_uuid[16] at 32, sb_fname[12] at 108.
 *   btrfs:    superblock at 64 KiB; "_BHRfS_M" at +0x40, fsid[16] at +0x20, label[256] at +0x12b.
 *   vfat:     boot sector at 0 (Microsoft FAT spec 1.03 "BPB"): 0x55 0xaa at 510; FAT12/16 with
 *             BS_BootSig 0x29 at 38, BS_VolID at 39, BS_VolLab[11] at 43, "FAT" at 54; FAT32
 *             (BPB_FATSz16 at 22 is 0) the same at 66/67/71/82. UUID "XXXX-XXXX" as blkid prints it. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fs_probe.h"

static void format_uuid(const uint8_t *raw, char *out)
{
	static const int groups[] = { 4, 2, 2, 2, 6 };
	int i, j;

	for (i = 0; i < 5; i++) {
		for (j = 0; j < groups[i]; j++) {
			sprintf(out, "%02x", *raw++);
			out += 2;
		}
		if (i < 4)
			*out++ = '-';
	}
	*out = '\0';
}

static void copy_label(const uint8_t *raw, size_t max, char *out)
{
	size_t len = strnlen((const char *)raw, max);

	memcpy(out, raw, len);
	out[len] = '\0';
}

static int read_at(int fd, uint64_t offset, void *buf, size_t len)
{
	return pread(fd, buf, len, (off_t)offset) == (ssize_t)len ? 0 : -1;
}

/* FAT's volume id and label from the boot sector; false when block is no FAT boot sector. */
static bool probe_vfat(const uint8_t *block, struct kdk_fs_id *id)
{
	unsigned bytes_per_sector = block[11] | block[12] << 8;
	bool fat32 = !(block[22] | block[23]);
	const uint8_t *ext = block + (fat32 ? 64 : 36); /* the extended BPB: BS_DrvNum first */
	uint32_t volid;
	size_t len = 11;

	if (block[510] != 0x55 || block[511] != 0xaa || (block[0] != 0xeb && block[0] != 0xe9) ||
	    bytes_per_sector < 512 || bytes_per_sector > 4096 ||
	    (bytes_per_sector & (bytes_per_sector - 1)) || memcmp(ext + 18, "FAT", 3))
		return false;
	strcpy(id->type, "vfat");
	if (ext[2] != 0x29) /* no BS_VolID/BS_VolLab before DOS 4.0's extended signature */
		return true;
	volid = ext[3] | ext[4] << 8 | ext[5] << 16 | (uint32_t)ext[6] << 24;
	sprintf(id->uuid, "%04X-%04X", volid >> 16, volid & 0xffff);
	while (len && ext[7 + len - 1] == ' ')
		len--;
	/* mkfs.vfat writes "NO NAME" for no label; blkid reports none then. */
	if (len && !(len == 7 && !memcmp(ext + 7, "NO NAME", 7))) {
		memcpy(id->label, ext + 7, len);
		id->label[len] = '\0';
	}
	return true;
}

int kdk_fs_probe(const char *path, struct kdk_fs_id *id, struct kdk_err *err)
{
	uint8_t block[1024];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	memset(id, 0, sizeof(*id));
	if (fd < 0)
		return kdk_err_sys(err, errno, "%s", path);
	if (!read_at(fd, 1024, block, 256) && block[0x38] == 0x53 && block[0x39] == 0xef) {
		strcpy(id->type, "ext4");
		format_uuid(block + 0x68, id->uuid);
		copy_label(block + 0x78, 16, id->label);
	} else if (!read_at(fd, 0, block, 128) && !memcmp(block, "XFSB", 4)) {
		strcpy(id->type, "xfs");
		format_uuid(block + 32, id->uuid);
		copy_label(block + 108, 12, id->label);
	} else if (!read_at(fd, 65536, block, 0x12b + 256) && !memcmp(block + 0x40, "_BHRfS_M", 8)) {
		strcpy(id->type, "btrfs");
		format_uuid(block + 0x20, id->uuid);
		copy_label(block + 0x12b, 256, id->label);
	} else if (!read_at(fd, 0, block, 512) && probe_vfat(block, id)) {
		/* filled by probe_vfat */
	} else {
		rc = kdk_err_set(err, EMEDIUMTYPE, "%s: no ext4, xfs, btrfs or vfat superblock", path);
	}
	close(fd);
	return rc;
}

bool kdk_fs_matches(const struct kdk_fs_id *id, const char *spec)
{
	if (!strncmp(spec, "UUID=", 5))
		return id->uuid[0] && !strcasecmp(spec + 5, id->uuid);
	if (!strncmp(spec, "LABEL=", 6))
		return id->label[0] && !strcmp(spec + 6, id->label);
	return false;
}
