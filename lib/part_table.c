/* part_table.c — GPT and MBR partition tables read from a disk, as Linux numbers the partitions
 * (block/partitions/efi.c, block/partitions/msdos.c); layouts in docs/formats/targets.md. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "part_table.h"

/* GPT header (UEFI 2.10 §5.3.2), offsets in the header sector. */
#define GPT_SIGNATURE      "EFI PART"
#define GPT_HEADER_SIZE    12   /* u32 */
#define GPT_HEADER_CRC     16   /* u32, computed with this field zero */
#define GPT_MY_LBA         24   /* u64 */
#define GPT_ENTRIES_LBA    72   /* u64 */
#define GPT_ENTRY_COUNT    80   /* u32 */
#define GPT_ENTRY_SIZE     84   /* u32 */
#define GPT_ENTRIES_CRC    88   /* u32 */
#define GPT_DISK_GUID      56   /* 16 bytes */
#define GPT_ALTERNATE_LBA  32   /* u64 */
/* GPT partition entry (UEFI 2.10 §5.3.3). */
#define GPTE_TYPE_GUID     0
#define GPTE_UNIQUE_GUID   16
#define GPTE_FIRST_LBA     32
#define GPTE_LAST_LBA      40
#define GPTE_NAME          56   /* 36 UTF-16LE code units */
#define GPTE_NAME_UNITS    36
#define GPTE_MIN_SIZE      128
/* MBR: disk signature at 440 (u32), four 16-byte entries at 446, 0x55 0xaa at 510. */
#define MBR_DISK_SIGNATURE 440
#define MBR_ENTRIES        446
#define MBR_ENTRY_SIZE     16
#define MBR_MAX_LOGICAL    256  /* EBR chain bound: a loop in a damaged chain must end */

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

static int read_at(int fd, uint64_t offset, void *buf, size_t len)
{
	return pread(fd, buf, len, (off_t)offset) == (ssize_t)len ? 0 : -1;
}

/* A GUID as text: the first three fields are little-endian on disk (UEFI 2.10 appendix A). */
static void format_guid(const uint8_t *g, char *out)
{
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
		 g[14], g[15]);
}

static size_t put_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The GPT name, UTF-16LE up to the first NUL, as UTF-8 in out (size bytes). An unpaired
 * surrogate becomes U+FFFD, as udev's by-partlabel names are made from valid text. */
static void utf16le_to_utf8(const uint8_t *in, unsigned units, char *out, size_t size)
{
	size_t len = 0;
	unsigned i;

	for (i = 0; i < units; i++) {
		uint32_t cp = in[2 * i] | in[2 * i + 1] << 8;
		char buf[4];
		size_t n;

		if (!cp)
			break;
		if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < units) {
			uint32_t low = in[2 * i + 2] | in[2 * i + 3] << 8;
			if (low >= 0xdc00 && low < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
				i++;
			} else {
				cp = 0xfffd;
			}
		} else if (cp >= 0xd800 && cp < 0xe000) {
			cp = 0xfffd;
		}
		n = put_utf8(cp, buf);
		if (len + n >= size)
			break;
		memcpy(out + len, buf, n);
		len += n;
	}
	out[len] = '\0';
}

static int push_partition(struct kdk_part_table *t, const struct kdk_partition *p,
			  struct kdk_err *err)
{
	struct kdk_partition *slot = kdk_array_push(&t->parts, err);

	if (!slot)
		return -err->code;
	*slot = *p;
	return 0;
}

/* The GPT header at lba (sector size ss) and its entries, both CRC-checked. 1: no header there. */
static int read_gpt_at(int fd, const char *path, unsigned ss, uint64_t lba, struct kdk_part_table *t,
		       struct kdk_err *err)
{
	uint8_t *hdr = NULL, *entries = NULL;
	uint32_t hdr_size, count, entry_size, crc;
	uint64_t entries_lba, bytes;
	unsigned i;
	int rc = 1;

	hdr = malloc(ss);
	if (!hdr)
		return kdk_err_set(err, ENOMEM, "out of memory");
	if (read_at(fd, lba * ss, hdr, ss) || memcmp(hdr, GPT_SIGNATURE, 8))
		goto out;
	hdr_size = get_le32(hdr + GPT_HEADER_SIZE);
	if (hdr_size < 92 || hdr_size > ss) {
		rc = kdk_err_set(err, EBADMSG, "%s: GPT header at LBA %llu: size %u out of 92..%u", path,
				 (unsigned long long)lba, hdr_size, ss);
		goto out;
	}
	crc = get_le32(hdr + GPT_HEADER_CRC);
	memset(hdr + GPT_HEADER_CRC, 0, 4);
	if (crc32(0, hdr, hdr_size) != crc) {
		rc = kdk_err_set(err, EBADMSG, "%s: GPT header at LBA %llu: CRC32 %08x, computed %08lx",
				 path, (unsigned long long)lba, crc, crc32(0, hdr, hdr_size));
		goto out;
	}
	if (get_le64(hdr + GPT_MY_LBA) != lba) {
		rc = kdk_err_set(err, EBADMSG, "%s: GPT header at LBA %llu says it is at LBA %llu", path,
				 (unsigned long long)lba,
				 (unsigned long long)get_le64(hdr + GPT_MY_LBA));
		goto out;
	}
	entries_lba = get_le64(hdr + GPT_ENTRIES_LBA);
	count = get_le32(hdr + GPT_ENTRY_COUNT);
	entry_size = get_le32(hdr + GPT_ENTRY_SIZE);
	/* UEFI: entry size 128 × 2^n; the kernel caps the array it reads the same way. */
	if (entry_size < GPTE_MIN_SIZE || entry_size % GPTE_MIN_SIZE || count > 65536) {
		rc = kdk_err_set(err, EBADMSG, "%s: GPT header at LBA %llu: %u entries of %u bytes",
				 path, (unsigned long long)lba, count, entry_size);
		goto out;
	}
	bytes = (uint64_t)count * entry_size;
	entries = malloc(bytes ? bytes : 1);
	if (!entries) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (read_at(fd, entries_lba * ss, entries, bytes)) {
		rc = kdk_err_set(err, EBADMSG, "%s: GPT entries at LBA %llu (%llu bytes) past the end",
				 path, (unsigned long long)entries_lba, (unsigned long long)bytes);
		goto out;
	}
	if (crc32(0, entries, bytes) != get_le32(hdr + GPT_ENTRIES_CRC)) {
		rc = kdk_err_set(err, EBADMSG, "%s: GPT entries at LBA %llu: CRC32 %08x, computed %08lx",
				 path, (unsigned long long)entries_lba, get_le32(hdr + GPT_ENTRIES_CRC),
				 crc32(0, entries, bytes));
		goto out;
	}
	strcpy(t->scheme, "gpt");
	format_guid(hdr + GPT_DISK_GUID, t->ptuuid);
	t->sector_size = ss;
	rc = 0;
	for (i = 0; i < count && !rc; i++) {
		const uint8_t *e = entries + (size_t)i * entry_size;
		static const uint8_t unused[16];
		struct kdk_partition p = { 0 };

		if (!memcmp(e + GPTE_TYPE_GUID, unused, 16))
			continue;
		/* efi.c: put_partition(state, i + 1, …): numbers keep empty slots. */
		p.number = i + 1;
		format_guid(e + GPTE_UNIQUE_GUID, p.partuuid);
		utf16le_to_utf8(e + GPTE_NAME, GPTE_NAME_UNITS, p.partlabel, sizeof(p.partlabel));
		p.first_lba = get_le64(e + GPTE_FIRST_LBA);
		p.sectors = get_le64(e + GPTE_LAST_LBA) - p.first_lba + 1;
		rc = push_partition(t, &p, err);
	}
out:
	free(entries);
	free(hdr);
	return rc;
}

/* GPT at LBA 1 for 512- then 4096-byte sectors; a damaged primary falls back to the backup
 * header in the last sector, as the kernel does. 1: no GPT. */
static int read_gpt(int fd, const char *path, struct kdk_part_table *t, struct kdk_err *err)
{
	static const unsigned sizes[] = { 512, 4096 };
	off_t end = lseek(fd, 0, SEEK_END);
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct kdk_err backup_err = { 0 };

		rc = read_gpt_at(fd, path, sizes[i], 1, t, err);
		if (rc <= 0 && !(rc < 0 && err->code == EBADMSG))
			return rc;
		if (end > 0 && (uint64_t)end / sizes[i] > 2 &&
		    read_gpt_at(fd, path, sizes[i], (uint64_t)end / sizes[i] - 1, t, &backup_err) == 0) {
			kdk_err_clear(err);
			return 0;
		}
		if (rc < 0)
			return rc;
	}
	return 1;
}

static int push_mbr(struct kdk_part_table *t, uint32_t signature, unsigned number, uint64_t first,
		    uint64_t sectors, struct kdk_err *err)
{
	struct kdk_partition p = { .number = number, .first_lba = first, .sectors = sectors };

	snprintf(p.partuuid, sizeof(p.partuuid), "%08x-%02x", signature, number & 0xff);
	return push_partition(t, &p, err);
}

static bool is_extended(uint8_t type)
{
	/* msdos.c is_extended_partition(): DOS_EXTENDED, WIN98_EXTENDED, LINUX_EXTENDED. */
	return type == 0x05 || type == 0x0f || type == 0x85;
}

/* The logical partitions of the extended partition at base: each EBR holds one data entry
 * (relative to that EBR) and a link to the next EBR (relative to base); numbered from 5. */
static int read_logical(int fd, struct kdk_part_table *t, uint32_t signature, uint64_t base,
			struct kdk_err *err)
{
	uint64_t ebr = base;
	unsigned number = 5, n;
	int rc = 0;

	for (n = 0; n < MBR_MAX_LOGICAL && !rc; n++) {
		uint8_t sector[512];
		const uint8_t *data, *link;

		if (read_at(fd, ebr * 512, sector, sizeof(sector)) || sector[510] != 0x55 ||
		    sector[511] != 0xaa)
			break;
		data = sector + MBR_ENTRIES;
		link = data + MBR_ENTRY_SIZE;
		if (data[4] && !is_extended(data[4]) && get_le32(data + 12))
			rc = push_mbr(t, signature, number++, ebr + get_le32(data + 8),
				      get_le32(data + 12), err);
		if (!is_extended(link[4]) || !get_le32(link + 8))
			break;
		ebr = base + get_le32(link + 8);
	}
	return rc;
}

/* 1: no MBR (or a protective one, or a file system boot sector: boot flags other than 0/0x80,
 * which is how msdos.c tells a FAT boot sector from a table). */
static int read_mbr(int fd, struct kdk_part_table *t, struct kdk_err *err)
{
	uint8_t sector[512];
	uint32_t signature;
	unsigned i;
	int rc = 0;

	if (read_at(fd, 0, sector, sizeof(sector)) || sector[510] != 0x55 || sector[511] != 0xaa)
		return 1;
	for (i = 0; i < 4; i++) {
		const uint8_t *e = sector + MBR_ENTRIES + i * MBR_ENTRY_SIZE;
		if ((e[0] && e[0] != 0x80) || e[4] == 0xee)
			return 1;
	}
	signature = get_le32(sector + MBR_DISK_SIGNATURE);
	strcpy(t->scheme, "dos");
	snprintf(t->ptuuid, sizeof(t->ptuuid), "%08x", signature);
	t->sector_size = 512;
	for (i = 0; i < 4 && !rc; i++) {
		const uint8_t *e = sector + MBR_ENTRIES + i * MBR_ENTRY_SIZE;
		uint64_t first = get_le32(e + 8), sectors = get_le32(e + 12);

		if (!e[4] || !sectors)
			continue;
		rc = push_mbr(t, signature, i + 1, first, sectors, err);
		if (!rc && is_extended(e[4]))
			rc = read_logical(fd, t, signature, first, err);
	}
	return rc;
}

int kdk_part_table_read(const char *path, struct kdk_part_table *table, struct kdk_err *err)
{
	int fd, rc;

	memset(table, 0, sizeof(*table));
	kdk_array_init(&table->parts, sizeof(struct kdk_partition));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdk_err_sys(err, errno, "%s", path);
	rc = read_gpt(fd, path, table, err);
	if (rc == 1)
		rc = read_mbr(fd, table, err);
	if (rc == 1)
		rc = kdk_err_set(err, EMEDIUMTYPE, "%s: no GPT and no MBR partition table", path);
	close(fd);
	if (rc < 0)
		kdk_part_table_free(table);
	return rc;
}

void kdk_part_table_free(struct kdk_part_table *table)
{
	kdk_array_free(&table->parts);
}

const struct kdk_partition *kdk_part_table_find(const struct kdk_part_table *table, unsigned number)
{
	size_t i;

	for (i = 0; i < table->parts.len; i++) {
		const struct kdk_partition *p = kdk_array_at(&table->parts, i);
		if (p->number == number)
			return p;
	}
	return NULL;
}

bool kdk_partition_matches(const struct kdk_partition *part, const char *spec)
{
	if (!strncmp(spec, "PARTUUID=", 9))
		return part->partuuid[0] && !strcasecmp(spec + 9, part->partuuid);
	if (!strncmp(spec, "PARTLABEL=", 10))
		return part->partlabel[0] && !strcmp(spec + 10, part->partlabel);
	return false;
}

bool kdk_partition_device_matches(const char *sys_block, const char *dev_dir, const char *name,
				  const char *spec)
{
	char sys[PATH_MAX], real[PATH_MAX], disk[PATH_MAX * 2], value[32];
	const struct kdk_partition *part;
	struct kdk_part_table table;
	struct kdk_err err = { 0 };
	unsigned number;
	bool match;
	FILE *f;

	snprintf(sys, sizeof(sys), "%s/%s/partition", sys_block, name);
	if (!(f = fopen(sys, "re")))
		return false;
	match = fgets(value, sizeof(value), f) != NULL;
	fclose(f);
	if (!match)
		return false;
	number = (unsigned)strtoul(value, NULL, 10);
	snprintf(sys, sizeof(sys), "%s/%s", sys_block, name);
	if (!realpath(sys, real))
		return false;
	snprintf(disk, sizeof(disk), "%s/%s", dev_dir, basename(dirname(real)));
	if (kdk_part_table_read(disk, &table, &err))
		return false;
	part = kdk_part_table_find(&table, number);
	match = part && kdk_partition_matches(part, spec);
	kdk_part_table_free(&table);
	return match;
}
