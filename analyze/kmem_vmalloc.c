/* kmem_vmalloc.c — `kmem -v`: every vmalloc area as crash lists it: the vmap_area, its vm_struct,
 * its address range and size, in address order. The busy areas are found where the kernel keeps
 * them, by which symbols exist: vmap_area_list (a list through vmap_area.list, kept in address
 * order, up to 6.8), else each of the nr_vmap_nodes entries of vmap_nodes[] (6.9: the busy areas
 * spread over nodes, each node's busy.head a list through vmap_area.list), sorted here by start.
 * An area without a vm_struct (vm_map_ram's) is left out, as crash leaves it; kernels whose
 * vmap_area still has flags and purge_list (before 5.4) say which areas are vmalloc's by the
 * VM_VM_AREA flag instead. A list that loops or cannot be read ends the walk: what was read is
 * listed, and the error said after it. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "commands.h"
#include "kdk_array.h"
#include "list_guard.h"
#include "text_columns.h"

/* mm/vmalloc.c before 5.4: the flag of an area a vm_struct describes */
#define OLD_VM_VM_AREA 0x4
/* above CONFIG_NR_CPUS's largest value (8192): a count read from a damaged dump */
#define MAX_VMAP_NODES 65536

struct vmalloc_layout {
	uint64_t va_start, va_end, list, vm;
	uint64_t flags, purge_list;
	bool has_flags, has_purge_list;
	uint64_t node_size, node_busy, rb_list_head;
	bool has_node_size, has_node_busy, has_rb_list_head;
};

struct vmalloc_area {
	uint64_t area, vm, start, end;
};

static int layout_load(struct session *s, struct vmalloc_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vmap_area.va_start", struct vmalloc_layout, va_start),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vmap_area.va_end", struct vmalloc_layout, va_end),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vmap_area.list", struct vmalloc_layout, list),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vmap_area.vm", struct vmalloc_layout, vm),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "vmap_area.flags", struct vmalloc_layout, flags, has_flags),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "vmap_area.purge_list", struct vmalloc_layout, purge_list,
				    has_purge_list),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_SIZE, "vmap_node", struct vmalloc_layout, node_size, has_node_size),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "vmap_node.busy", struct vmalloc_layout, node_busy, has_node_busy),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "rb_list.head", struct vmalloc_layout, rb_list_head,
				    has_rb_list_head),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

/* Each area on the list whose head is at head, pushed onto areas. */
static int collect(struct session *s, const struct vmalloc_layout *l, uint64_t head, struct kdk_array *areas,
		   struct kdk_err *err)
{
	struct list_guard guard;
	uint64_t node;
	int rc;

	if ((rc = session_read_u64(s, head, &node, err)))
		return kdk_err_prefix(err, "vmalloc list head %" PRIx64 ": ", head);
	list_guard_init(&guard, head);
	while (node != head) {
		struct vmalloc_area *a;
		uint64_t area = node - l->list, flags = 0;
		bool by_flag = l->has_flags && l->has_purge_list;   /* before 5.4 */

		if (!node || list_guard_loops(&guard, node))
			return kdk_err_set(err, ELOOP, "the vmalloc list at %" PRIx64 " %s at %" PRIx64, head,
					   node ? "loops" : "ends in NULL", area);
		if (!(a = kdk_array_push(areas, err)))
			return -err->code;
		a->area = area;
		if ((rc = session_read_u64(s, area + l->va_start, &a->start, err)) ||
		    (rc = session_read_u64(s, area + l->va_end, &a->end, err)) ||
		    (rc = session_read_u64(s, area + l->vm, &a->vm, err)) ||
		    (by_flag && (rc = session_read_u64(s, area + l->flags, &flags, err))) ||
		    (rc = session_read_u64(s, node, &node, err))) {
			areas->len--;
			return kdk_err_prefix(err, "vmap_area %" PRIx64 ": ", area);
		}
		if (by_flag ? flags != OLD_VM_VM_AREA : !a->vm)
			areas->len--;
	}
	return 0;
}

/* The heads of the busy lists: vmap_area_list, or each vmap_nodes[] entry's busy.head. */
static int collect_all(struct session *s, const struct vmalloc_layout *l, struct kdk_array *areas,
		       struct kdk_err *err)
{
	struct kdk_err ignored = { 0 };
	uint64_t head, nodes_ptr, nodes, count_addr;
	uint32_t count, i;
	int rc;

	if (!session_symbol(s, "vmap_area_list", &head, &ignored))
		return collect(s, l, head, areas, err);
	if (session_symbol(s, "vmap_nodes", &nodes_ptr, &ignored) ||
	    session_symbol(s, "nr_vmap_nodes", &count_addr, &ignored))
		return kdk_err_set(err, ENOENT, "kmem -v: the dump has neither vmap_area_list nor "
						"vmap_nodes and nr_vmap_nodes");
	if (!l->has_node_size || !l->has_node_busy || !l->has_rb_list_head)
		return kdk_err_set(err, ENOENT, "kmem -v: vmap_nodes without struct vmap_node's busy rb_list");
	if ((rc = session_read_u64(s, nodes_ptr, &nodes, err)) ||
	    (rc = session_read(s, count_addr, &count, sizeof(count), err)))
		return rc;
	if (count > MAX_VMAP_NODES)   /* one per possible CPU at most (mm/vmalloc.c) */
		return kdk_err_set(err, ERANGE, "kmem -v: nr_vmap_nodes is %" PRIu32 ", more than CPUs "
						 "there can be", count);
	for (i = 0; i < count; i++)
		if ((rc = collect(s, l, nodes + i * l->node_size + l->node_busy + l->rb_list_head, areas, err)))
			return rc;
	return 0;
}

static int by_start(const void *a, const void *b)
{
	const struct vmalloc_area *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

int kmem_vmalloc(struct session *s, struct kdk_err *err)
{
	struct vmalloc_layout l;
	struct kdk_array areas;
	size_t i;
	int rc;

	if ((rc = layout_load(s, &l, err)))
		return rc;
	kdk_array_init(&areas, sizeof(struct vmalloc_area));
	rc = collect_all(s, &l, &areas, err);
	kdk_array_sort(&areas, by_start);
	if (areas.len) {
		text_centre(s->out, "VMAP_AREA", 16, true);
		fputs("  ", s->out);
		text_centre(s->out, "VM_STRUCT", 16, true);
		fputs("  ", s->out);
		text_centre(s->out, "ADDRESS RANGE", 16 * 2 + 3, true);
		fputs("     SIZE\n", s->out);
	}
	for (i = 0; i < areas.len; i++) {
		const struct vmalloc_area *a = KDK_ARRAY_AT(&areas, struct vmalloc_area, i);

		fprintf(s->out, "%-16" PRIx64 "  %-16" PRIx64 "  %16" PRIx64 " - %-16" PRIx64 "  %7" PRIu64 "\n",
			a->area, a->vm, a->start, a->end, a->end - a->start);
	}
	kdk_array_free(&areas);
	return rc;
}
