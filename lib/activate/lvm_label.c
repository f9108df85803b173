/* lvm_label.c — the binary parts of an LVM2 PV: the label with its PV header (data and metadata
 * area lists) and the metadata area header that locates the current text (docs/formats/lvm2.md). */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "activate/lvm_meta.h"

#define SECTOR 512
#define LABEL_ID "LABELONE"
#define LABEL_TYPE "LVM2 001"
#define MDA_MAGIC " LVM2 x[5A%r0N*>"
/* lvm2's checksums are CRC-32 (the zlib polynomial) seeded with this value and not inverted at
 * the end: crc = ~crc32_zlib(~seed, …). */
#define LVM_CRC_SEED 0xf597a6cfu

static uint32_t lvm_crc(uint32_t seed, const void *buf, size_t len)
{
	uLong crc = ~seed & 0xffffffffu;

	while (len) {
		uInt chunk = len > 0x40000000u ? 0x40000000u : (uInt)len;

		crc = crc32(crc, buf, chunk);
		buf = (const char *)buf + chunk;
		len -= chunk;
	}
	return ~(uint32_t)crc;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* A list of disk_locn {offset, size} ending in an all-zero entry; returns the bytes used. */
static int read_areas(const unsigned char *p, const unsigned char *end, struct kdk_array *areas,
		      const char *what, size_t *used, struct kdk_err *err)
{
	const unsigned char *start = p;

	for (;; p += 16) {
		struct kdk_lvm_area *a;

		if (end - p < 16)
			return kdk_err_set(err, EBADMSG, "LVM label: %s list runs past the sector", what);
		if (!le64(p) && !le64(p + 8))
			break;
		if (!(a = kdk_array_push(areas, err)))
			return -err->code;
		a->offset = le64(p);
		a->size = le64(p + 8);
	}
	*used = (size_t)(p + 16 - start);
	return 0;
}

int kdk_lvm_label_parse(const unsigned char *buf, size_t len, struct kdk_lvm_label *label,
			struct kdk_err *err)
{
	size_t sector, used;
	int rc;

	memset(label, 0, sizeof(*label));
	kdk_array_init(&label->data_areas, sizeof(struct kdk_lvm_area));
	kdk_array_init(&label->meta_areas, sizeof(struct kdk_lvm_area));
	for (sector = 0; (sector + 1) * SECTOR <= len && sector < 4; sector++) {
		const unsigned char *s = buf + sector * SECTOR, *p, *end = s + SECTOR;
		uint32_t offset;

		if (memcmp(s, LABEL_ID, 8))
			continue;
		/* label_header: id, sector_xl, crc_xl (of bytes 20…511), offset_xl, type */
		if (le64(s + 8) != sector)
			return kdk_err_set(err, EBADMSG, "LVM label in sector %zu says sector %llu",
					   sector, (unsigned long long)le64(s + 8));
		if (lvm_crc(LVM_CRC_SEED, s + 20, SECTOR - 20) != le32(s + 16))
			return kdk_err_set(err, EBADMSG, "LVM label in sector %zu: CRC mismatch "
						     "(stored 0x%08x)", sector, le32(s + 16));
		if (memcmp(s + 24, LABEL_TYPE, 8))
			return kdk_err_set(err, EMEDIUMTYPE, "LVM label in sector %zu: type \"%.8s\" "
						     "is not LVM2 001", sector, (const char *)s + 24);
		offset = le32(s + 20);
		if (offset < 32 || offset > SECTOR - 32 - 8)
			return kdk_err_set(err, EBADMSG, "LVM label in sector %zu: PV header at %u "
						     "outside the sector", sector, offset);
		/* pv_header: pv_uuid[32], device_size_xl, then the data areas and the metadata
		 * areas, each list ending with a zero entry. */
		p = s + offset;
		memcpy(label->pv_uuid, p, 32);
		label->pv_uuid[32] = '\0';
		label->device_size = le64(p + 32);
		p += 40;
		if ((rc = read_areas(p, end, &label->data_areas, "data area", &used, err)))
			goto fail;
		p += used;
		if ((rc = read_areas(p, end, &label->meta_areas, "metadata area", &used, err)))
			goto fail;
		return 0;
	}
	return kdk_err_set(err, EMEDIUMTYPE, "no LVM label in the first %zu bytes",
			   len < 4 * SECTOR ? len : (size_t)4 * SECTOR);
fail:
	kdk_lvm_label_free(label);
	return rc;
}

void kdk_lvm_label_free(struct kdk_lvm_label *label)
{
	kdk_array_free(&label->data_areas);
	kdk_array_free(&label->meta_areas);
}

int kdk_lvm_mda_header_parse(const unsigned char *buf, const struct kdk_lvm_area *area,
			     struct kdk_lvm_text_locn *locn, struct kdk_err *err)
{
	const unsigned char *raw = buf + 40;
	uint64_t size;

	/* mda_header: checksum_xl (of bytes 4…511), magic[16], version, start, size, raw_locns[] */
	if (memcmp(buf + 4, MDA_MAGIC, 16))
		return kdk_err_set(err, EBADMSG, "LVM metadata area at %llu: no mda header magic",
				   (unsigned long long)area->offset);
	if (lvm_crc(LVM_CRC_SEED, buf + 4, KDK_LVM_MDA_HEADER_SIZE - 4) != le32(buf))
		return kdk_err_set(err, EBADMSG, "LVM metadata area at %llu: header CRC mismatch",
				   (unsigned long long)area->offset);
	if (le32(buf + 20) != 1)
		return kdk_err_set(err, EMEDIUMTYPE, "LVM metadata area at %llu: version %u (1 known)",
				   (unsigned long long)area->offset, le32(buf + 20));
	if (le64(buf + 24) != area->offset)
		return kdk_err_set(err, EBADMSG, "LVM metadata area at %llu says it starts at %llu",
				   (unsigned long long)area->offset,
				   (unsigned long long)le64(buf + 24));
	size = le64(buf + 32);
	/* raw_locn: offset (from the area's start), size, checksum, flags. The first is the
	 * committed metadata. */
	locn->offset = le64(raw);
	locn->size = le64(raw + 8);
	locn->checksum = le32(raw + 16);
	locn->area_size = size;
	if (!locn->offset || !locn->size)
		return kdk_err_set(err, ENODATA, "LVM metadata area at %llu holds no metadata",
				   (unsigned long long)area->offset);
	if (size <= KDK_LVM_MDA_HEADER_SIZE || locn->offset < KDK_LVM_MDA_HEADER_SIZE ||
	    locn->offset >= size || locn->size > size - KDK_LVM_MDA_HEADER_SIZE)
		return kdk_err_set(err, EBADMSG, "LVM metadata area at %llu (%llu bytes): text at "
					     "%llu, %llu bytes, does not fit",
				   (unsigned long long)area->offset, (unsigned long long)size,
				   (unsigned long long)locn->offset,
				   (unsigned long long)locn->size);
	return 0;
}

bool kdk_lvm_text_checksum_ok(const char *text, const struct kdk_lvm_text_locn *locn)
{
	return lvm_crc(LVM_CRC_SEED, text, locn->size) == locn->checksum;
}
