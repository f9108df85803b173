/* kmem_zones.c — `kmem -z`: every memory zone of every node as crash shows it: the zone's
 * address and name, spanned and present pages, its min/low/high watermarks and its own vm_stat[]
 * counters, named by BTF's enum zone_stat_item (the last enumerator of a value). Nodes: each
 * non-NULL node_data[] entry (VMCOREINFO's SYMBOL and LENGTH(node_data), NUMA kernels), else
 * contig_page_data; zones: pglist_data.node_zones[], as many as its size over struct zone's.
 * Watermarks as the kernel's min/low/high_wmark_pages() compute them: zone._watermark[WMARK_*]
 * (zone.watermark before 5.0) plus zone.watermark_boost where it exists, the indices from BTF's
 * enum zone_watermarks. A zone with no present pages is "[unpopulated]", as crash prints it. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

#define MAX_NODES 4096
#define MAX_ZONE_ITEMS 1024

struct zone_layout {
	uint64_t node_zones, node_zones_size, node_id, zone_size;
	uint64_t zone_name, zone_spanned, zone_present, zone_watermark, zone_boost, zone_vm_stat;
	bool has_boost;
};

static int layout_load(struct session *s, struct zone_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pglist_data.node_zones", struct zone_layout, node_zones),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "pglist_data.node_zones", struct zone_layout, node_zones_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pglist_data.node_id", struct zone_layout, node_id),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "zone", struct zone_layout, zone_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "zone.name", struct zone_layout, zone_name),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "zone.spanned_pages", struct zone_layout, zone_spanned),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "zone.present_pages", struct zone_layout, zone_present),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "zone._watermark|zone.watermark", struct zone_layout, zone_watermark),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "zone.watermark_boost", struct zone_layout, zone_boost, has_boost),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "zone.vm_stat", struct zone_layout, zone_vm_stat),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

/* The zone_stat_item names by value, and the width of the longest. */
static int stat_names(struct session *s, const char ***names, uint32_t *n, int *width, struct kdk_err *err)
{
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_ENUM, "zone_stat_item");
	int64_t count;

	if (!id || kdk_btf_enum_value(&s->btf, "NR_VM_ZONE_STAT_ITEMS", &count) || count <= 0 ||
	    count > MAX_ZONE_ITEMS)
		return kdk_err_set(err, ENOENT, "kmem -z: BTF has no enum zone_stat_item with NR_VM_ZONE_STAT_ITEMS");
	*n = (uint32_t)count;
	if (!(*names = calloc(*n, sizeof(**names))))
		return kdk_err_set(err, ENOMEM, "kmem -z: zone stat names");
	*width = (int)kdk_btf_enum_names(&s->btf, id, *names, *n);
	return 0;
}

static int print_zone(struct session *s, const struct zone_layout *l, uint64_t zone, uint32_t node, uint32_t index,
		      const char **names, uint32_t n, int width, const int64_t wmark[3], struct kdk_err *err)
{
	uint64_t name_ptr, spanned, present, marks[3], boost = 0;
	char name[32];
	uint32_t i;
	int rc;

	if ((rc = session_read_u64(s, zone + l->zone_name, &name_ptr, err)) ||
	    (rc = session_read_u64(s, zone + l->zone_spanned, &spanned, err)) ||
	    (rc = session_read_u64(s, zone + l->zone_present, &present, err)))
		return rc;
	session_read_string(s, name_ptr, name, sizeof(name));
	fprintf(s->out, "\nNODE: %u  ZONE: %u  ADDR: %016" PRIx64 "  NAME: \"%s\"\n", node, index, zone, name);
	if (!present) {
		fprintf(s->out, "  [unpopulated]\n");
		return 0;
	}
	if (l->has_boost && (rc = session_read_u64(s, zone + l->zone_boost, &boost, err)))
		return rc;
	for (i = 0; i < 3; i++) {
		if ((rc = session_read_u64(s, zone + l->zone_watermark + 8 * (uint64_t)wmark[i], &marks[i], err)))
			return rc;
		marks[i] += boost;
	}
	fprintf(s->out, "  SIZE: %" PRIu64, spanned);
	if (present != spanned)
		fprintf(s->out, "  PRESENT: %" PRIu64, present);
	fprintf(s->out, "  MIN/LOW/HIGH: %" PRIu64 "/%" PRIu64 "/%" PRIu64 "\n  VM_STAT:\n", marks[0], marks[1], marks[2]);
	for (i = 0; i < n; i++) {
		int64_t v;
		char unnamed[24];

		if ((rc = session_read(s, zone + l->zone_vm_stat + 8ULL * i, &v, 8, err)))
			return rc;
		snprintf(unnamed, sizeof(unnamed), "(item %u)", i);
		fprintf(s->out, "%*s: %" PRId64 "\n", width, names[i] ? names[i] : unnamed, v);
	}
	fputc('\n', s->out);
	return 0;
}

int kmem_zones(struct session *s, struct kdk_err *err)
{
	static const char *const wmark_names[3] = { "WMARK_MIN", "WMARK_LOW", "WMARK_HIGH" };
	struct zone_layout l;
	const char **names = NULL;
	uint64_t node_data, nodes = 1, pgdat, zones, z;
	int64_t wmark[3];
	uint32_t n = 0, node, shown = 0;
	int width = 0, rc, i;

	if ((rc = layout_load(s, &l, err)))
		return kdk_err_prefix(err, "kmem -z: ");
	for (i = 0; i < 3; i++)
		if (kdk_btf_enum_value(&s->btf, wmark_names[i], &wmark[i]) || wmark[i] < 0 || wmark[i] > 8)
			return kdk_err_set(err, ENOENT, "kmem -z: BTF has no %s in enum zone_watermarks", wmark_names[i]);
	if ((rc = stat_names(s, &names, &n, &width, err)))
		return rc;
	zones = l.zone_size ? l.node_zones_size / l.zone_size : 0;
	if (kdk_vmcoreinfo_symbol(&s->vi, "node_data", &node_data) ||
	    kdk_vmcoreinfo_length(&s->vi, "node_data", &nodes)) {
		node_data = 0;
		if ((rc = session_symbol(s, "contig_page_data", &pgdat, err)))
			goto out;
	}
	for (node = 0; node < nodes && node < MAX_NODES && !rc; node++) {
		uint32_t id = node;

		if (node_data) {
			if ((rc = session_read_u64(s, node_data + 8ULL * node, &pgdat, err)))
				break;
			if (!pgdat)
				continue;
		}
		if ((rc = session_read(s, pgdat + l.node_id, &id, 4, err)))
			break;
		for (z = 0; z < zones && !rc; z++)
			rc = print_zone(s, &l, pgdat + l.node_zones + z * l.zone_size, id, (uint32_t)z, names, n, width,
					wmark, err);
		shown++;
	}
	if (!rc && !shown)
		rc = kdk_err_set(err, ENOENT, "kmem -z: node_data[] holds no node");
out:
	free(names);
	return rc ? kdk_err_prefix(err, "kmem -z: ") : 0;
}
