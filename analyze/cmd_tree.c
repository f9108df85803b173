/* cmd_tree.c — `tree [-t rbtree|radix|xarray] [-r OFFSET|S.M] [-o OFFSET|S.M] [-N] [-l] [-p]
 * [-s S[.M,…]]… START`: the entries of a kernel red-black tree, radix tree or xarray as crash
 * prints them, one address a line, with -s the structure or members there.
 *
 * Red-black trees (the default type): START is a struct rb_root (a symbol or an address; -r adds
 * the root's offset inside its container), or with -N the first struct rb_node. Each node is
 * printed as the address of its container (less -o, the rb_node's offset in it) in crash's order:
 * a node, then its left subtree, then its right one; with -l in order (left, node, right), the
 * tree's sort order. -p prints each node's position from the root ("root/l/r"). A child whose own
 * rb_left cannot be read is said to be corrupted and not followed, as crash does; a tree deeper
 * than any red-black tree of 2^64 nodes can be (128 levels) loops or is damaged: the walk stops
 * there with an error.
 *
 * Radix trees and xarrays (one since 4.20: radix_tree_root is an xarray): START is the root;
 * every entry that is no internal one (node, sibling, retry), in index order (analyze/xarray_walk.c),
 * -p with "index: N  position: PATH/SLOT" — PATH the slots taken from the top node ("root/3/1"),
 * or "direct" for an entry held in xa_head itself. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "btf_format.h"
#include "commands.h"
#include "expr_env.h"
#include "member_offset.h"
#include "rbtree_walk.h"
#include "struct_show.h"
#include "xarray_walk.h"

#define MAX_ENTRIES (1u << 24)
#define MAX_SPECS 32
/* 2 × log2(2^64): no red-black tree is deeper */
#define RB_MAX_DEPTH 128

enum tree_type { TREE_RBTREE, TREE_XARRAY };

struct tree_request {
	enum tree_type type;
	const char *start_text, *root_text, *node_text;
	const char *specs[MAX_SPECS];
	unsigned nspecs, count;
	bool node_pointer, linear, position;
	uint64_t node_offset;
	struct rb_walk_layout rb;
	char path[2 * RB_MAX_DEPTH + 8];
	/* xarrays: the top node's height (0: the entry is xa_head itself) and the slot bits */
	unsigned height, chunk_shift;
};

static const char usage[] = "usage: tree [-t rbtree|radix|xarray] [-r OFFSET|STRUCT.MEMBER] "
			    "[-o OFFSET|STRUCT.MEMBER] [-N] [-l] [-p] [-s STRUCT[.MEMBER,…]]… START";

static int show_entry(struct session *s, struct tree_request *t, uint64_t entry, struct kdk_err *err)
{
	if (++t->count > MAX_ENTRIES)
		return kdk_err_set(err, E2BIG, "tree: more than %u entries: stopped", MAX_ENTRIES);
	fprintf(s->out, "%" PRIx64 "\n", entry);
	return 0;
}

static int show_specs(struct session *s, struct tree_request *t, uint64_t entry, struct kdk_err *err)
{
	unsigned i;
	int rc;

	for (i = 0; i < t->nspecs; i++)
		if ((rc = struct_show(s, "tree", t->specs[i], entry, KDK_BTF_CHAR_LIMIT, err)))
			return rc;
	return 0;
}

/* Whether the child's own rb_left can be read: crash's test of a child pointer before it follows it. */
static bool child_readable(struct session *s, struct tree_request *t, uint64_t node, uint64_t child,
			   const char *side)
{
	struct kdk_err ignored = { 0 };
	uint64_t probe;

	if (!session_read_u64(s, child + t->rb.left, &probe, &ignored))
		return true;
	fprintf(s->out, "tree: rb_node: %" PRIx64 ": corrupted %s pointer: %" PRIx64 "\n", node, side, child);
	return false;
}

static int rb_visit(struct session *s, struct tree_request *t, uint64_t node, size_t depth, struct kdk_err *err)
{
	uint64_t left = 0, right = 0, entry = node - t->node_offset;
	size_t len = strlen(t->path);
	int rc;

	if (!node)
		return 0;
	if (depth > RB_MAX_DEPTH)
		return kdk_err_set(err, ELOOP, "tree: deeper than %d levels at rb_node %" PRIx64 " (%s): the "
					       "tree loops or is damaged", RB_MAX_DEPTH, node, t->path);
	if ((rc = session_read_u64(s, node + t->rb.left, &left, err)) ||
	    (rc = session_read_u64(s, node + t->rb.right, &right, err)))
		return kdk_err_prefix(err, "tree: rb_node %" PRIx64 ": ", node);
	if (t->linear && left && child_readable(s, t, node, left, "rb_left")) {
		strcpy(t->path + len, "/l");
		rc = rb_visit(s, t, left, depth + 1, err);
		t->path[len] = 0;
		if (rc)
			return rc;
	}
	if ((rc = show_entry(s, t, entry, err)))
		return rc;
	if (t->position)
		fprintf(s->out, "  position: %s\n", t->path);
	if ((rc = show_specs(s, t, entry, err)))
		return rc;
	if (!t->linear && left && child_readable(s, t, node, left, "rb_left")) {
		strcpy(t->path + len, "/l");
		rc = rb_visit(s, t, left, depth + 1, err);
		t->path[len] = 0;
		if (rc)
			return rc;
	}
	if (right && child_readable(s, t, node, right, "rb_right")) {
		strcpy(t->path + len, "/r");
		rc = rb_visit(s, t, right, depth + 1, err);
		t->path[len] = 0;
		if (rc)
			return rc;
	}
	return 0;
}

static int rbtree_show(struct session *s, struct tree_request *t, uint64_t start, struct kdk_err *err)
{
	uint64_t root_node_offset = 0, node = start;
	int rc;

	if ((rc = rb_walk_layout_fill(s, &t->rb, err)))
		return rc;
	if (!t->node_pointer) {
		if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "rb_root.rb_node", &root_node_offset))
			return kdk_err_set(err, ENOENT, "tree: no source knows OFFSET(rb_root.rb_node)");
		if ((rc = session_read_u64(s, start + root_node_offset, &node, err)))
			return kdk_err_prefix(err, "tree: rb_root %" PRIx64 ": ", start);
	}
	strcpy(t->path, "root");
	return rb_visit(s, t, node, 0, err);
}

struct xa_show_ctx {
	struct session *s;
	struct tree_request *t;
};

static int xa_entry(void *ctx, uint64_t index, uint64_t entry, struct kdk_err *err)
{
	struct xa_show_ctx *c = ctx;
	struct tree_request *t = c->t;
	uint64_t mask = ((uint64_t)1 << t->chunk_shift) - 1;
	unsigned level;
	int rc;

	if ((rc = show_entry(c->s, t, entry, err)))
		return rc;
	if (t->position) {
		fprintf(c->s->out, "  index: %" PRIu64 "  position: %s", index, t->height ? "root" : "direct");
		for (level = t->height; level > 1; level--)
			fprintf(c->s->out, "/%" PRIu64, (index >> ((level - 1) * t->chunk_shift)) & mask);
		fprintf(c->s->out, "/%" PRIu64 "\n", index & mask);
	}
	return show_specs(c->s, t, entry, err);
}

static int xarray_show(struct session *s, struct tree_request *t, uint64_t start, struct kdk_err *err)
{
	struct xa_walk_layout l;
	struct xa_show_ctx ctx = { s, t };
	int rc;

	if (t->node_pointer)
		return kdk_err_set(err, ENOTSUP, "tree: -N (START an xa_node) is not supported for radix "
						 "trees and xarrays: give the root");
	if ((rc = xa_walk_layout_fill(s, &l, err)))
		return kdk_err_prefix(err, "tree: radix trees before 4.20 (no xa_head) are not read: ");
	if ((rc = xa_walk_height(s, &l, start, &t->height, &t->chunk_shift, err)))
		return kdk_err_prefix(err, "tree: xarray %" PRIx64 ": ", start);
	return xa_walk(s, &l, start, xa_entry, &ctx, err);
}

/* crash's -t argument: "ra…" radix, "rb…" red-black, "x…" xarray (radix is an xarray since 4.20). */
static int parse_type(const char *text, enum tree_type *type, struct kdk_err *err)
{
	if (!strncmp(text, "ra", 2) || text[0] == 'x')
		*type = TREE_XARRAY;
	else if (!strncmp(text, "rb", 2))
		*type = TREE_RBTREE;
	else
		return kdk_err_set(err, EINVAL, "tree: invalid tree type: %s (%s)", text, usage);
	return 0;
}

/* Options as crash's getopt("xdt:r:o:s:S:plN") takes them: flags may be combined ("-lp"), an
 * option's value follows it or is the next word. */
static int parse_args(struct tree_request *t, int argc, char **argv, struct kdk_err *err)
{
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] != '-' || !a[1]) {
			if (t->start_text)
				return kdk_err_set(err, EINVAL, "tree: too many arguments (%s)", usage);
			t->start_text = a;
			continue;
		}
		for (a++; *a; a++) {
			const char *value;

			if (*a == 'l' || *a == 'p' || *a == 'N') {
				*(*a == 'l' ? &t->linear : *a == 'p' ? &t->position : &t->node_pointer) = true;
				continue;
			}
			if (!strchr("tros", *a) && *a != 'S')
				return kdk_err_set(err, EINVAL, "tree: option -%c not supported (%s)", *a, usage);
			value = a[1] ? a + 1 : (i + 1 < argc ? argv[++i] : NULL);
			if (!value)
				return kdk_err_set(err, EINVAL, "tree: -%c needs a value (%s)", *a, usage);
			if (*a == 't' && (rc = parse_type(value, &t->type, err)))
				return rc;
			if (*a == 'r')
				t->root_text = value;
			if (*a == 'o')
				t->node_text = value;
			if (*a == 's' || *a == 'S') {
				if (t->nspecs == MAX_SPECS)
					return kdk_err_set(err, E2BIG, "tree: more than %d -s options", MAX_SPECS);
				t->specs[t->nspecs++] = value;
			}
			break;
		}
	}
	if (!t->start_text)
		return kdk_err_set(err, EINVAL, "tree: a starting address is required (%s)", usage);
	if (t->type == TREE_XARRAY && (t->linear || t->node_text))
		return kdk_err_set(err, EINVAL, "tree: -%c is not applicable to radix trees and xarrays",
				   t->linear ? 'l' : 'o');
	if (t->root_text && t->node_pointer)
		return kdk_err_set(err, EINVAL, "tree: -r and -N options are mutually exclusive");
	return 0;
}

int cmd_tree(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct tree_request t;
	uint64_t start, root_offset = 0;
	int rc;

	memset(&t, 0, sizeof(t));
	if ((rc = parse_args(&t, argc, argv, err)))
		return rc;
	if (!session_kstructs(s, err))
		return -err->code;
	if ((t.root_text && (rc = member_offset_parse(s, "tree", t.root_text, &root_offset, err))) ||
	    (t.node_text && (rc = member_offset_parse(s, "tree", t.node_text, &t.node_offset, err))))
		return rc;
	if ((rc = expr_crash_address(s, t.start_text, &start, err)))
		return rc;
	if (!start)
		return kdk_err_set(err, EINVAL, "tree: START %s is NULL", t.start_text);
	start += root_offset;
	return t.type == TREE_RBTREE ? rbtree_show(s, &t, start, err) : xarray_show(s, &t, start, err);
}
