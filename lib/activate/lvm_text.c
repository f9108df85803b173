/* lvm_text.c — LVM2's text metadata (the "Text Format Volume Group" lvm2 keeps in each PV's
 * metadata area): parsed into a small tree, then into the VG, its PVs and LVs (docs/formats/lvm2.md). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "activate/lvm_meta.h"

/* Sections nest VG → logical_volumes → LV → segment: 4 deep; more is no metadata lvm2 writes. */
#define MAX_DEPTH 8

enum node_kind { NODE_SECTION, NODE_INT, NODE_STRING, NODE_ARRAY };

struct node {
	enum node_kind kind;
	char *name;               /* NULL for array elements */
	long long number;
	char *string;
	struct kdk_array items;   /* struct node: a section's children or an array's values */
	unsigned line;
};

struct lexer {
	const char *p, *end, *name;
	unsigned line;
	struct kdk_err *err;
};

static void node_free(struct node *n)
{
	size_t i;

	for (i = 0; i < n->items.len; i++)
		node_free(KDK_ARRAY_AT(&n->items, struct node, i));
	kdk_array_free(&n->items);
	free(n->name);
	free(n->string);
}

static void skip_blank(struct lexer *lx)
{
	while (lx->p < lx->end) {
		if (*lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
		} else if (isspace((unsigned char)*lx->p)) {
			lx->line += *lx->p == '\n';
			lx->p++;
		} else {
			break;
		}
	}
}

static int fail(struct lexer *lx, const char *what)
{
	return kdk_err_set(lx->err, EBADMSG, "%s: line %u: %s", lx->name, lx->line, what);
}

static bool ident_char(char c)
{
	/* VG, LV and key names: lvm2 allows letters, digits and "+_.-" */
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '-' || c == '+';
}

static int read_ident(struct lexer *lx, char **out)
{
	const char *start = lx->p;

	while (lx->p < lx->end && ident_char(*lx->p))
		lx->p++;
	if (lx->p == start)
		return fail(lx, "a name expected");
	if (!(*out = strndup(start, (size_t)(lx->p - start))))
		return kdk_err_set(lx->err, ENOMEM, "out of memory");
	return 0;
}

static int read_string(struct lexer *lx, char **out)
{
	size_t len = 0;
	const char *q;
	char *s;

	/* "…" with \" and \\ escaped */
	for (q = ++lx->p; q < lx->end && *q != '"'; q++, len++)
		if (*q == '\\' && q + 1 < lx->end)
			q++;
	if (q >= lx->end)
		return fail(lx, "unterminated string");
	if (!(s = malloc(len + 1)))
		return kdk_err_set(lx->err, ENOMEM, "out of memory");
	for (len = 0; lx->p < q; lx->p++) {
		if (*lx->p == '\\' && lx->p + 1 < q)
			lx->p++;
		lx->line += *lx->p == '\n';
		s[len++] = *lx->p;
	}
	s[len] = '\0';
	lx->p++;
	*out = s;
	return 0;
}

static int read_value(struct lexer *lx, struct node *n, unsigned depth);

static int read_number(struct lexer *lx, struct node *n)
{
	char *endp, buf[32];
	size_t len = 0;

	while (lx->p + len < lx->end && len < sizeof(buf) - 1 &&
	       (isdigit((unsigned char)lx->p[len]) || (!len && lx->p[len] == '-') || lx->p[len] == '.'))
		len++;
	memcpy(buf, lx->p, len);
	buf[len] = '\0';
	errno = 0;
	n->kind = NODE_INT;
	n->number = strtoll(buf, &endp, 10);
	if (endp == buf || errno)
		return fail(lx, "a number expected");
	/* lvm2 writes floats nowhere we read; keep the integer part of one */
	lx->p += len;
	return 0;
}

static int read_array(struct lexer *lx, struct node *n, unsigned depth)
{
	int rc;

	n->kind = NODE_ARRAY;
	lx->p++;
	for (;;) {
		struct node *item;

		skip_blank(lx);
		if (lx->p >= lx->end)
			return fail(lx, "unterminated [ list");
		if (*lx->p == ']') {
			lx->p++;
			return 0;
		}
		if (!(item = kdk_array_push(&n->items, lx->err)))
			return -lx->err->code;
		kdk_array_init(&item->items, sizeof(struct node));
		if ((rc = read_value(lx, item, depth + 1)))
			return rc;
		if (item->kind == NODE_ARRAY)
			return fail(lx, "a list inside a list");
		skip_blank(lx);
		if (lx->p < lx->end && *lx->p == ',')
			lx->p++;
	}
}

static int read_value(struct lexer *lx, struct node *n, unsigned depth)
{
	n->line = lx->line;
	if (lx->p >= lx->end)
		return fail(lx, "a value expected");
	if (*lx->p == '"') {
		n->kind = NODE_STRING;
		return read_string(lx, &n->string);
	}
	if (*lx->p == '[')
		return read_array(lx, n, depth);
	return read_number(lx, n);
}

/* name = value | name { … } …, until '}' (inside a section) or the end of the text. */
static int read_section(struct lexer *lx, struct node *section, unsigned depth)
{
	int rc;

	if (depth > MAX_DEPTH)
		return fail(lx, "sections nested too deep");
	for (;;) {
		struct node *n;

		skip_blank(lx);
		if (lx->p >= lx->end)
			return depth ? fail(lx, "unterminated { section") : 0;
		if (*lx->p == '}') {
			if (!depth)
				return fail(lx, "} without {");
			lx->p++;
			return 0;
		}
		if (!(n = kdk_array_push(&section->items, lx->err)))
			return -lx->err->code;
		kdk_array_init(&n->items, sizeof(struct node));
		n->line = lx->line;
		if ((rc = read_ident(lx, &n->name)))
			return rc;
		skip_blank(lx);
		if (lx->p < lx->end && *lx->p == '{') {
			lx->p++;
			n->kind = NODE_SECTION;
			if ((rc = read_section(lx, n, depth + 1)))
				return rc;
		} else if (lx->p < lx->end && *lx->p == '=') {
			lx->p++;
			skip_blank(lx);
			if ((rc = read_value(lx, n, depth)))
				return rc;
		} else {
			return fail(lx, "'=' or '{' expected after a name");
		}
	}
}

static const struct node *child(const struct node *section, const char *name, enum node_kind kind)
{
	size_t i;

	for (i = 0; i < section->items.len; i++) {
		const struct node *n = KDK_ARRAY_AT(&section->items, struct node, i);

		if (n->name && !strcmp(n->name, name) && n->kind == kind)
			return n;
	}
	return NULL;
}

static int need_int(const struct node *section, const char *name, const char *file, uint64_t *out,
		    struct kdk_err *err)
{
	const struct node *n = child(section, name, NODE_INT);

	if (!n || n->number < 0)
		return kdk_err_set(err, EBADMSG, "%s: line %u: %s %s: no %s = <number>", file,
				   section->line, "section", section->name, name);
	*out = (uint64_t)n->number;
	return 0;
}

static int need_string(const struct node *section, const char *name, const char *file, char **out,
		       struct kdk_err *err)
{
	const struct node *n = child(section, name, NODE_STRING);

	if (!n)
		return kdk_err_set(err, EBADMSG, "%s: line %u: section %s: no %s = \"…\"", file,
				   section->line, section->name, name);
	if (!(*out = strdup(n->string)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	return 0;
}

static bool array_has(const struct node *array, const char *word)
{
	size_t i;

	for (i = 0; array && i < array->items.len; i++) {
		const struct node *v = KDK_ARRAY_AT(&array->items, struct node, i);

		if (v->kind == NODE_STRING && !strcmp(v->string, word))
			return true;
	}
	return false;
}

static int parse_segment(const struct node *s, const char *file, struct kdk_lvm_segment *seg,
			 struct kdk_err *err)
{
	const struct node *stripes;
	uint64_t count;
	size_t i;
	int rc;

	kdk_array_init(&seg->stripes, sizeof(struct kdk_lvm_stripe));
	if ((rc = need_int(s, "start_extent", file, &seg->start_extent, err)) ||
	    (rc = need_int(s, "extent_count", file, &seg->extent_count, err)) ||
	    (rc = need_string(s, "type", file, &seg->type, err)))
		return rc;
	if (strcmp(seg->type, "striped"))
		return 0;  /* other types are kept by name: the activator says it cannot map them */
	if ((rc = need_int(s, "stripe_count", file, &count, err)))
		return rc;
	if (count > 1 && (rc = need_int(s, "stripe_size", file, &seg->stripe_size, err)))
		return rc;
	stripes = child(s, "stripes", NODE_ARRAY);
	if (!count || !stripes || stripes->items.len != 2 * count)
		return kdk_err_set(err, EBADMSG, "%s: line %u: segment %s: stripe_count %llu but "
					     "%zu stripes = [\"pvN\", extent, …] values", file, s->line,
				   s->name, (unsigned long long)count, stripes ? stripes->items.len : 0);
	for (i = 0; i < count; i++) {
		const struct node *pv = KDK_ARRAY_AT(&stripes->items, struct node, 2 * i);
		const struct node *ext = KDK_ARRAY_AT(&stripes->items, struct node, 2 * i + 1);
		struct kdk_lvm_stripe *st;

		if (pv->kind != NODE_STRING || ext->kind != NODE_INT || ext->number < 0)
			return kdk_err_set(err, EBADMSG, "%s: line %u: segment %s: stripe %zu is not "
						     "\"pvN\", <extent>", file, s->line, s->name, i);
		if (!(st = kdk_array_push(&seg->stripes, err)))
			return -err->code;
		st->start_extent = (uint64_t)ext->number;
		if (!(st->pv = strdup(pv->string)))
			return kdk_err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

static int cmp_segment(const void *a, const void *b)
{
	const struct kdk_lvm_segment *x = a, *y = b;

	return x->start_extent < y->start_extent ? -1 : x->start_extent > y->start_extent;
}

static int parse_lv(const struct node *l, const char *file, struct kdk_lvm_lv *lv,
		    struct kdk_err *err)
{
	size_t i;
	int rc;

	kdk_array_init(&lv->segments, sizeof(struct kdk_lvm_segment));
	if (!(lv->name = strdup(l->name)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if ((rc = need_string(l, "id", file, &lv->id, err)))
		return rc;
	lv->visible = array_has(child(l, "status", NODE_ARRAY), "VISIBLE");
	for (i = 0; i < l->items.len; i++) {
		const struct node *s = KDK_ARRAY_AT(&l->items, struct node, i);
		struct kdk_lvm_segment *seg;

		if (s->kind != NODE_SECTION || strncmp(s->name, "segment", 7))
			continue;
		if (!(seg = kdk_array_push(&lv->segments, err)))
			return -err->code;
		if ((rc = parse_segment(s, file, seg, err)))
			return rc;
	}
	kdk_array_sort(&lv->segments, cmp_segment);
	return 0;
}

static int parse_vg(const struct node *v, const char *file, struct kdk_lvm_vg *vg,
		    struct kdk_err *err)
{
	const struct node *pvs = child(v, "physical_volumes", NODE_SECTION);
	const struct node *lvs = child(v, "logical_volumes", NODE_SECTION);
	size_t i;
	int rc;

	if (!(vg->name = strdup(v->name)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if ((rc = need_string(v, "id", file, &vg->id, err)) ||
	    (rc = need_int(v, "seqno", file, &vg->seqno, err)) ||
	    (rc = need_int(v, "extent_size", file, &vg->extent_size, err)))
		return rc;
	if (!vg->extent_size)
		return kdk_err_set(err, EBADMSG, "%s: VG %s: extent_size 0", file, vg->name);
	if (!pvs)
		return kdk_err_set(err, EBADMSG, "%s: VG %s: no physical_volumes section", file,
				   vg->name);
	for (i = 0; i < pvs->items.len; i++) {
		const struct node *p = KDK_ARRAY_AT(&pvs->items, struct node, i);
		struct kdk_lvm_pv *pv;

		if (p->kind != NODE_SECTION)
			continue;
		if (!(pv = kdk_array_push(&vg->pvs, err)))
			return -err->code;
		if (!(pv->key = strdup(p->name)))
			return kdk_err_set(err, ENOMEM, "out of memory");
		if ((rc = need_string(p, "id", file, &pv->id, err)) ||
		    (rc = need_int(p, "pe_start", file, &pv->pe_start, err)) ||
		    (rc = need_int(p, "pe_count", file, &pv->pe_count, err)))
			return rc;
	}
	for (i = 0; lvs && i < lvs->items.len; i++) {
		const struct node *l = KDK_ARRAY_AT(&lvs->items, struct node, i);
		struct kdk_lvm_lv *lv;

		if (l->kind != NODE_SECTION)
			continue;
		if (!(lv = kdk_array_push(&vg->lvs, err)))
			return -err->code;
		if ((rc = parse_lv(l, file, lv, err)))
			return rc;
	}
	return 0;
}

int kdk_lvm_vg_parse(const char *text, size_t len, const char *name, struct kdk_lvm_vg *vg,
		     struct kdk_err *err)
{
	struct lexer lx = { text, text + len, name, 1, err };
	struct node root = { .kind = NODE_SECTION, .name = NULL };
	const struct node *v = NULL;
	size_t i;
	int rc;

	memset(vg, 0, sizeof(*vg));
	kdk_array_init(&vg->pvs, sizeof(struct kdk_lvm_pv));
	kdk_array_init(&vg->lvs, sizeof(struct kdk_lvm_lv));
	kdk_array_init(&root.items, sizeof(struct node));
	/* The text ends at the first NUL when the size covered one. */
	lx.end = memchr(text, '\0', len) ? (const char *)memchr(text, '\0', len) : text + len;
	if ((rc = read_section(&lx, &root, 0)))
		goto out;
	/* One top-level section: the VG (the rest is contents, version, description…). */
	for (i = 0; i < root.items.len; i++) {
		const struct node *n = KDK_ARRAY_AT(&root.items, struct node, i);

		if (n->kind == NODE_SECTION) {
			if (v) {
				rc = kdk_err_set(err, EBADMSG, "%s: line %u: a second VG section %s",
						 name, n->line, n->name);
				goto out;
			}
			v = n;
		}
	}
	if (!v)
		rc = kdk_err_set(err, EBADMSG, "%s: no VG section", name);
	else
		rc = parse_vg(v, name, vg, err);
out:
	node_free(&root);
	if (rc)
		kdk_lvm_vg_free(vg);
	return rc;
}

void kdk_lvm_vg_free(struct kdk_lvm_vg *vg)
{
	size_t i, j, k;

	for (i = 0; i < vg->pvs.len; i++) {
		struct kdk_lvm_pv *pv = kdk_array_at(&vg->pvs, i);

		free(pv->key);
		free(pv->id);
	}
	for (i = 0; i < vg->lvs.len; i++) {
		struct kdk_lvm_lv *lv = kdk_array_at(&vg->lvs, i);

		for (j = 0; j < lv->segments.len; j++) {
			struct kdk_lvm_segment *seg = kdk_array_at(&lv->segments, j);

			for (k = 0; k < seg->stripes.len; k++)
				free(KDK_ARRAY_AT(&seg->stripes, struct kdk_lvm_stripe, k)->pv);
			kdk_array_free(&seg->stripes);
			free(seg->type);
		}
		kdk_array_free(&lv->segments);
		free(lv->name);
		free(lv->id);
	}
	kdk_array_free(&vg->pvs);
	kdk_array_free(&vg->lvs);
	free(vg->name);
	free(vg->id);
	memset(vg, 0, sizeof(*vg));
}

const struct kdk_lvm_pv *kdk_lvm_vg_pv(const struct kdk_lvm_vg *vg, const char *key)
{
	size_t i;

	for (i = 0; i < vg->pvs.len; i++) {
		const struct kdk_lvm_pv *pv = kdk_array_at(&vg->pvs, i);

		if (!strcmp(pv->key, key))
			return pv;
	}
	return NULL;
}

bool kdk_lvm_uuid_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-')
			a++;
		while (*b == '-')
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++;
		b++;
	}
}

char *kdk_lvm_dm_name(const char *vg, const char *lv)
{
	size_t len = 2, i;
	const char *s;
	char *out, *o;

	for (s = vg; *s; s++)
		len += 1 + (*s == '-');
	for (s = lv; *s; s++)
		len += 1 + (*s == '-');
	if (!(out = malloc(len)))
		return NULL;
	o = out;
	for (i = 0; i < 2; i++) {
		for (s = i ? lv : vg; *s; s++) {
			if (*s == '-')
				*o++ = '-';
			*o++ = *s;
		}
		if (!i)
			*o++ = '-';
	}
	*o = '\0';
	return out;
}
