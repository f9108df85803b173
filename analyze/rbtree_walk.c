/* rbtree_walk.c — in-order walks of a kernel red-black tree in the dump (rbtree_walk.h). */
#include <errno.h>
#include <inttypes.h>

#include "rbtree_walk.h"

/* Deeper than any balanced tree of addressable nodes: a walk past it is a corrupt tree. */
#define RB_WALK_MAX_STEPS (1u << 20)

int rb_walk_layout_fill(struct session *s, struct rb_walk_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "rb_node.rb_left", struct rb_walk_layout, left),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "rb_node.rb_right", struct rb_walk_layout, right),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "rb_node.__rb_parent_color", struct rb_walk_layout, parent),
		{ 0, NULL, 0, 0 },
	};

	return kdk_facts_fill(&s->facts, keys, l, err);
}

int rb_walk_leftmost(struct session *s, const struct rb_walk_layout *l, uint64_t node, uint64_t *out,
		     struct kdk_err *err)
{
	uint64_t left;
	unsigned steps = 0;
	int rc;

	for (;;) {
		if ((rc = session_read(s, node + l->left, &left, 8, err)))
			return rc;
		if (!left)
			break;
		if (++steps > RB_WALK_MAX_STEPS)
			return kdk_err_set(err, ELOOP, "rb-tree at %" PRIx64 " deeper than %u", node,
					   RB_WALK_MAX_STEPS);
		node = left;
	}
	*out = node;
	return 0;
}

int rb_walk_next(struct session *s, const struct rb_walk_layout *l, uint64_t node, uint64_t *out,
		 struct kdk_err *err)
{
	uint64_t right, parent;
	unsigned steps = 0;
	int rc;

	if ((rc = session_read(s, node + l->right, &right, 8, err)))
		return rc;
	if (right)
		return rb_walk_leftmost(s, l, right, out, err);
	for (;;) {
		uint64_t pright;

		if ((rc = session_read(s, node + l->parent, &parent, 8, err)))
			return rc;
		parent &= ~(uint64_t)3;           /* the low bits are the colour */
		if (!parent) {
			*out = 0;
			return 0;
		}
		if ((rc = session_read(s, parent + l->right, &pright, 8, err)))
			return rc;
		if (pright != node) {
			*out = parent;
			return 0;
		}
		if (++steps > RB_WALK_MAX_STEPS)
			return kdk_err_set(err, ELOOP, "rb-tree parents loop at %" PRIx64, node);
		node = parent;
	}
}
