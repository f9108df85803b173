/* xarray_walk.c — an xarray's entries in index order, as lib/xarray.c lays its nodes out: an
 * entry whose low two bits are 10 is internal — a node pointer when above 4096 (xa_is_node),
 * else a sibling, retry or zero entry (xa_mk_internal of a small number); a node's slot i at
 * shift s covers indices base + (i << s). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "xarray_walk.h"

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct xa_walk_layout, field)
static const struct kdk_layout_key xa_keys[] = {
	KEY(OFFSET, "xarray.xa_head|radix_tree_root.xa_head", head),
	KEY(OFFSET, "xa_node.shift", shift),
	KEY(OFFSET, "xa_node.slots", slots),
	KEY(LENGTH, "xa_node.slots", nslots),
	{ 0, NULL, 0, 0 },
};
#undef KEY

/* More levels than a 64-bit index can use with the smallest chunk (XA_CHUNK_SHIFT 4). */
#define XA_MAX_DEPTH 16

int xa_walk_layout_fill(struct session *s, struct xa_walk_layout *l, struct kdk_err *err)
{
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = kdk_facts_fill(&s->facts, xa_keys, l, err)))
		return rc;
	if (!l->nslots || l->nslots > 1024)
		return kdk_err_set(err, EINVAL, "xa_node.slots has %" PRIu64 " entries", l->nslots);
	return 0;
}

static bool is_internal(uint64_t entry)
{
	return (entry & 3) == 2;
}

static bool is_node(uint64_t entry)
{
	return is_internal(entry) && entry > 4096;
}

static int walk_node(struct session *s, const struct xa_walk_layout *l, uint64_t entry, uint64_t base,
		     int depth, xa_walk_fn fn, void *ctx, struct kdk_err *err)
{
	uint64_t node = entry - 2, i;
	uint8_t shift;
	int rc;

	if (depth > XA_MAX_DEPTH)
		return kdk_err_set(err, ELOOP, "an xarray deeper than %d levels at node %" PRIx64, XA_MAX_DEPTH,
				   node);
	if ((rc = session_read(s, node + l->shift, &shift, 1, err)))
		return rc;
	if (shift >= 64)
		return kdk_err_set(err, EINVAL, "xa_node %" PRIx64 ": shift %u", node, shift);
	for (i = 0; i < l->nslots; i++) {
		uint64_t slot, index = base + (i << shift);

		if ((rc = session_read(s, node + l->slots + 8 * i, &slot, 8, err)))
			return rc;
		if (!slot)
			continue;
		if (is_node(slot)) {
			/* a node below a leaf level is damage: its entries have no index */
			if (shift && (rc = walk_node(s, l, slot, index, depth + 1, fn, ctx, err)))
				return rc;
		} else if (!is_internal(slot) && (rc = fn(ctx, index, slot, err))) {
			return rc;
		}
	}
	return 0;
}

int xa_walk_height(struct session *s, const struct xa_walk_layout *l, uint64_t xa, unsigned *height,
		   unsigned *chunk_shift, struct kdk_err *err)
{
	uint64_t head;
	uint8_t shift;
	int rc;

	for (*chunk_shift = 0; ((uint64_t)1 << *chunk_shift) < l->nslots; (*chunk_shift)++)
		;
	*height = 0;
	if ((rc = session_read(s, xa + l->head, &head, 8, err)))
		return rc;
	if (!is_node(head))
		return 0;
	if ((rc = session_read(s, head - 2 + l->shift, &shift, 1, err)))
		return rc;
	*height = shift / (*chunk_shift ? *chunk_shift : 1) + 1;
	return 0;
}

int xa_walk(struct session *s, const struct xa_walk_layout *l, uint64_t xa, xa_walk_fn fn, void *ctx,
	    struct kdk_err *err)
{
	uint64_t head;
	int rc;

	if ((rc = session_read(s, xa + l->head, &head, 8, err)))
		return rc;
	if (is_node(head))
		return walk_node(s, l, head, 0, 0, fn, ctx, err);
	/* a lone entry at index 0 lives in xa_head itself */
	if (head && !is_internal(head))
		return fn(ctx, 0, head, err);
	return 0;
}
