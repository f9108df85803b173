/* fs_probe.c — superblock probes. Layouts (offsets from the start of the device):
 *   ext2/3/4: superblock at 1024; s_magic 0xEF53 at +0x38, s_uuid[16] at +0x68,
 *             s_volume_name[16] at +0x78.
 *   xfs:      superblock at 0; "XFSB" at 0, sb_uuid[16] at 32, sb_fname[12] at 108.
 *   btrfs:    superblock at 64 KiB; "_BHRfS_M" at +0x40, fsid[16] at +0x20, label[256] at +0x12b. */
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
	} else {
		rc = kdk_err_set(err, EMEDIUMTYPE, "%s: no ext4, xfs or btrfs superblock", path);
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
