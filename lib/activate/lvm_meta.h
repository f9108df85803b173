/* lvm_meta.h — LVM2 on disk, read without lvm2: the PV label, the metadata area header and the
 * volume group's text metadata, into the PVs, LVs and segments device-mapper needs (docs/formats/lvm2.md). */
#ifndef KDK_LVM_META_H
#define KDK_LVM_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"

/* The label lvm2 writes in one of a PV's first four 512-byte sectors. */
#define KDK_LVM_LABEL_SCAN_BYTES 2048

struct kdk_lvm_area {
	uint64_t offset, size;       /* bytes from the start of the PV; size 0 = to the end */
};

struct kdk_lvm_label {
	char pv_uuid[33];            /* 32 characters, no hyphens (the metadata's id has them) */
	uint64_t device_size;        /* bytes, as pvcreate saw the device */
	struct kdk_array data_areas; /* struct kdk_lvm_area */
	struct kdk_array meta_areas; /* struct kdk_lvm_area: where mda headers are */
};

/* Find and check the label in the first KDK_LVM_LABEL_SCAN_BYTES of a device (fewer when it is
 * smaller). EMEDIUMTYPE when there is none (not a PV); EBADMSG for a label failing its CRC. */
int kdk_lvm_label_parse(const unsigned char *buf, size_t len, struct kdk_lvm_label *label,
			struct kdk_err *err);
void kdk_lvm_label_free(struct kdk_lvm_label *label);

/* The current metadata text's place, from the 512-byte mda header read at area->offset:
 * offset (relative to the area) and size; the text may wrap past the area's end to just after
 * the header (the area is a ring). EBADMSG for a bad magic/CRC, ENODATA for an empty area. */
struct kdk_lvm_text_locn {
	uint64_t offset, size;
	uint32_t checksum;
	uint64_t area_size;          /* the ring's size, header included */
};
#define KDK_LVM_MDA_HEADER_SIZE 512
int kdk_lvm_mda_header_parse(const unsigned char *buf, const struct kdk_lvm_area *area,
			     struct kdk_lvm_text_locn *locn, struct kdk_err *err);

/* Whether text (locn->size bytes, already joined if it wrapped) has the checksum the header gave. */
bool kdk_lvm_text_checksum_ok(const char *text, const struct kdk_lvm_text_locn *locn);

struct kdk_lvm_stripe {
	char *pv;                    /* the metadata's PV key ("pv0") */
	uint64_t start_extent;       /* on that PV */
};

struct kdk_lvm_segment {
	uint64_t start_extent, extent_count;  /* in the LV */
	char *type;                  /* "striped" (linear is striped with one stripe), "thin", "raid1"… */
	uint64_t stripe_size;        /* sectors; 0 when stripe_count is 1 */
	struct kdk_array stripes;    /* struct kdk_lvm_stripe */
};

struct kdk_lvm_lv {
	char *name, *id;
	bool visible;                /* status has VISIBLE: hidden LVs are parts of others */
	struct kdk_array segments;   /* struct kdk_lvm_segment, in start_extent order */
};

struct kdk_lvm_pv {
	char *key;                   /* "pv0": what segments name */
	char *id;                    /* with hyphens, as the metadata writes it */
	uint64_t pe_start;           /* sectors from the PV's start to extent 0 */
	uint64_t pe_count;
};

struct kdk_lvm_vg {
	char *name, *id;
	uint64_t seqno;
	uint64_t extent_size;        /* sectors */
	struct kdk_array pvs;        /* struct kdk_lvm_pv */
	struct kdk_array lvs;        /* struct kdk_lvm_lv */
};

/* Parse one VG's text metadata (len bytes; need not be NUL-terminated). Errors say
 * "<name>: line N: …". */
int kdk_lvm_vg_parse(const char *text, size_t len, const char *name, struct kdk_lvm_vg *vg,
		     struct kdk_err *err);
void kdk_lvm_vg_free(struct kdk_lvm_vg *vg);

/* The PV with this metadata key, or NULL. */
const struct kdk_lvm_pv *kdk_lvm_vg_pv(const struct kdk_lvm_vg *vg, const char *key);

/* Whether a metadata id ("abcdef-ghij-…") and a label's pv_uuid are the same (hyphens ignored). */
bool kdk_lvm_uuid_equal(const char *a, const char *b);

/* The device-mapper name lvm2 gives VG/LV: each '-' doubled, the two joined by '-'. Malloc'd. */
char *kdk_lvm_dm_name(const char *vg, const char *lv);

#endif
