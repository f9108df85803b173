/* fuzz_lvm_meta.c — LVM2 on-disk parsers of lib/activate: the input as a PV's first bytes (label,
 * the first metadata area's header, the text it points at when inside the input) and as VG text. */
#include "fuzz_common.h"
#include "activate/lvm_meta.h"

static void parse_text(const char *text, size_t len)
{
	struct kdk_lvm_vg vg;
	struct kdk_err err = { 0 };
	char *name;
	size_t i;

	if (kdk_lvm_vg_parse(text, len, "fuzz", &vg, &err))
		return;
	for (i = 0; i < vg.lvs.len; i++) {
		const struct kdk_lvm_lv *lv = kdk_array_at(&vg.lvs, i);

		if ((name = kdk_lvm_dm_name(vg.name, lv->name)))
			free(name);
	}
	(void)kdk_lvm_vg_pv(&vg, "pv0");
	kdk_lvm_vg_free(&vg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_lvm_label label;
	struct kdk_lvm_text_locn locn;
	struct kdk_err err = { 0 };

	if (!kdk_lvm_label_parse(data, size < KDK_LVM_LABEL_SCAN_BYTES ? size : KDK_LVM_LABEL_SCAN_BYTES,
				 &label, &err)) {
		if (label.meta_areas.len) {
			const struct kdk_lvm_area *area = kdk_array_at(&label.meta_areas, 0);

			if (area->offset < size && size - area->offset >= KDK_LVM_MDA_HEADER_SIZE &&
			    !kdk_lvm_mda_header_parse(data + area->offset, area, &locn, &err) &&
			    locn.offset + locn.size <= size - area->offset) {
				const char *text = (const char *)data + area->offset + locn.offset;

				if (kdk_lvm_text_checksum_ok(text, &locn))
					parse_text(text, locn.size);
			}
		}
		kdk_lvm_label_free(&label);
	}
	parse_text((const char *)data, size);
	return 0;
}
