/* rbtree_walk.h — in-order walks of a kernel red-black tree (include/linux/rbtree.h) in the dump:
 * the leftmost node under a subtree and lib/rbtree.c's rb_next, through rb_node's member offsets
 * as the fact chain gives them. Nodes are the addresses of struct rb_node; 0 ends a walk. */
#ifndef KCRASH_RBTREE_WALK_H
#define KCRASH_RBTREE_WALK_H

#include <stdint.h>

#include "kdk_err.h"
#include "session.h"

struct rb_walk_layout {
	uint64_t left, right, parent;   /* rb_node.rb_left, .rb_right, .__rb_parent_color */
};

/* rb_node's offsets through the session's facts. */
int rb_walk_layout_fill(struct session *s, struct rb_walk_layout *l, struct kdk_err *err);

/* The leftmost node under node (rb_first from a subtree root). ELOOP past 2^20 levels. */
int rb_walk_leftmost(struct session *s, const struct rb_walk_layout *l, uint64_t node, uint64_t *out,
		     struct kdk_err *err);

/* The node after node in order (the right subtree's leftmost, else the first ancestor reached
 * from a left child); *out 0 past the last. */
int rb_walk_next(struct session *s, const struct rb_walk_layout *l, uint64_t node, uint64_t *out,
		 struct kdk_err *err);

#endif
