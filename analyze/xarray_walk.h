/* xarray_walk.h — every entry of a kernel xarray (include/linux/xarray.h; a radix_tree_root is the
 * same since 4.20) in the dump, in index order: xa_head, then xa_node slots down to the leaves,
 * through the node's member offsets as the fact chain gives them. */
#ifndef KCRASH_XARRAY_WALK_H
#define KCRASH_XARRAY_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_err.h"
#include "session.h"

struct xa_walk_layout {
	uint64_t head;           /* xarray.xa_head (radix_tree_root.xa_head) */
	uint64_t shift, slots;   /* xa_node.shift, xa_node.slots */
	uint64_t nslots;         /* LENGTH(xa_node.slots): XA_CHUNK_SIZE */
};

/* xa_node's offsets through the session's facts. */
int xa_walk_layout_fill(struct session *s, struct xa_walk_layout *l, struct kdk_err *err);

/* Called for each entry that is neither empty nor internal (a node, a sibling, the retry or zero
 * entry); a non-zero return ends the walk with it. */
typedef int (*xa_walk_fn)(void *ctx, uint64_t index, uint64_t entry, struct kdk_err *err);

/* The xarray's height: 0 when xa_head holds its lone entry (or nothing), else the top node's
 * shift over the slot bits plus one; *chunk_shift the slot bits (log2 of nslots). */
int xa_walk_height(struct session *s, const struct xa_walk_layout *l, uint64_t xa, unsigned *height,
		   unsigned *chunk_shift, struct kdk_err *err);

/* Walk the xarray (or radix tree root) at xa. ELOOP past 16 node levels. */
int xa_walk(struct session *s, const struct xa_walk_layout *l, uint64_t xa, xa_walk_fn fn, void *ctx,
	    struct kdk_err *err);

#endif
