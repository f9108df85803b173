/* btf_format.c — C declarations from BTF. A declarator is built inside out: pointers add '*'
 * before the name, arrays "[n]" after it, function prototypes "(params)" after a parenthesised
 * pointer; the base type (int, struct x, typedef name) goes first. */
#include <inttypes.h>
#include <string.h>

#include "btf_format.h"

#define MAX_DEPTH 16

/* BTF names integers as the compiler's DWARF does ("long unsigned int"); gdb, and so crash,
 * prints them the C way. */
static const char *c_int_name(const char *name)
{
	static const char *const names[][2] = {
		{ "long unsigned int", "unsigned long" }, { "long int", "long" },
		{ "long long unsigned int", "unsigned long long" }, { "long long int", "long long" },
		{ "short unsigned int", "unsigned short" }, { "short int", "short" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i][0]))
			return names[i][1];
	return name;
}

static void base_name(const struct kdk_btf *btf, uint32_t id, char *buf, size_t size)
{
	const char *name = kdk_btf_name(btf, id);

	switch (kdk_btf_kind(btf, id)) {
	case KDK_BTF_STRUCT: snprintf(buf, size, "struct %s", name[0] ? name : "{...}"); break;
	case KDK_BTF_UNION: snprintf(buf, size, "union %s", name[0] ? name : "{...}"); break;
	case KDK_BTF_ENUM: case KDK_BTF_ENUM64:
		snprintf(buf, size, "enum %s", name[0] ? name : "{...}");
		break;
	case KDK_BTF_FWD: snprintf(buf, size, "struct %s", name); break;
	case 0: snprintf(buf, size, "void"); break;
	case KDK_BTF_INT: snprintf(buf, size, "%s", c_int_name(name)); break;
	default: snprintf(buf, size, "%s", name); break;
	}
}

/* last_member: a zero-length array that ends its struct is a C99 flexible array ("[]"); BTF
 * cannot tell it from a GNU zero-length one ("[0]", the markers inside sk_buff), but C only
 * allows the flexible kind at the end. */
static void declarator(const struct kdk_btf *btf, uint32_t id, const char *inner, char *buf,
		       size_t size, int depth, bool last_member)
{
	char next[512], base[256];
	uint32_t elem, count;
	unsigned i, n;

	if (depth > MAX_DEPTH) {
		snprintf(buf, size, "? %s", inner);
		return;
	}
	switch (kdk_btf_kind(btf, id)) {
	case KDK_BTF_PTR:
		snprintf(next, sizeof(next), "*%s", inner);
		declarator(btf, kdk_btf_ref(btf, id), next, buf, size, depth + 1, false);
		return;
	case KDK_BTF_CONST: case KDK_BTF_VOLATILE: case KDK_BTF_RESTRICT: case KDK_BTF_TYPE_TAG: {
		const char *q = kdk_btf_kind(btf, id) == KDK_BTF_CONST ? "const " :
				kdk_btf_kind(btf, id) == KDK_BTF_VOLATILE ? "volatile " : "";
		char tail[512];

		declarator(btf, kdk_btf_ref(btf, id), inner, tail, sizeof(tail), depth + 1, last_member);
		snprintf(buf, size, "%s%s", q, tail);
		return;
	}
	case KDK_BTF_ARRAY:
		kdk_btf_array(btf, id, &elem, &count);
		if (count || !last_member)
			snprintf(next, sizeof(next), "%s[%u]", inner, count);
		else
			snprintf(next, sizeof(next), "%s[]", inner);
		declarator(btf, elem, next, buf, size, depth + 1, false);
		return;
	case KDK_BTF_FUNC_PROTO: {
		size_t len;

		snprintf(next, sizeof(next), inner[0] == '*' ? "(%s)(" : "%s(", inner);
		n = kdk_btf_vlen(btf, id);
		for (i = 0; i < n; i++) {
			uint32_t p = kdk_btf_param(btf, id, i);
			char param[256];

			if (!p && i == n - 1)
				snprintf(param, sizeof(param), "...");
			else
				declarator(btf, p, "", param, sizeof(param), depth + 1, false);
			len = strlen(next);
			snprintf(next + len, sizeof(next) - len, "%s%s", i ? ", " : "", param);
		}
		len = strlen(next);
		snprintf(next + len, sizeof(next) - len, n ? ")" : "void)");
		declarator(btf, kdk_btf_ref(btf, id), next, buf, size, depth + 1, false);
		return;
	}
	default:
		base_name(btf, id, base, sizeof(base));
		snprintf(buf, size, inner[0] ? "%s %s" : "%s", base, inner);
		return;
	}
}

void kdk_btf_declaration(const struct kdk_btf *btf, uint32_t id, const char *name, char *buf,
			 size_t size)
{
	declarator(btf, id, name, buf, size, 0, false);
}

/* Where a member line starts: crash's -o column ("  [offset]" right-aligned to the width of the
 * struct's size plus 4, then a blank; blanks for lines without an offset) or four blanks; then
 * four more per level of anonymous struct/union. */
static void line_start(FILE *out, int offsets, int depth, const uint64_t *byte_offset)
{
	char column[32] = "";

	if (offsets) {
		if (byte_offset)
			snprintf(column, sizeof(column), "  [%" PRIu64 "]", *byte_offset);
		fprintf(out, "%*s %*s", offsets, column, 4 * depth, "");
	} else {
		fprintf(out, "%*s", 4 + 4 * depth, "");
	}
}

static void print_members(const struct kdk_btf *btf, uint32_t id, uint64_t base_bits, int offsets,
			  int depth, FILE *out)
{
	unsigned i, n = kdk_btf_vlen(btf, id);

	for (i = 0; i < n; i++) {
		const char *name;
		uint32_t type, resolved;
		uint64_t bits, byte_offset;
		unsigned width;
		char decl[1024];

		if (kdk_btf_member_at(btf, id, i, &name, &type, &bits, &width))
			continue;
		bits += base_bits;
		byte_offset = bits / 8;
		resolved = type;
		while (kdk_btf_kind(btf, resolved) == KDK_BTF_CONST ||
		       kdk_btf_kind(btf, resolved) == KDK_BTF_VOLATILE)
			resolved = kdk_btf_ref(btf, resolved);
		if ((kdk_btf_kind(btf, resolved) == KDK_BTF_STRUCT ||
		     kdk_btf_kind(btf, resolved) == KDK_BTF_UNION) && !kdk_btf_name(btf, resolved)[0]) {
			/* An anonymous struct or union: its members inline, as crash shows them. */
			line_start(out, offsets, depth, NULL);
			fprintf(out, "%s {\n", kdk_btf_kind(btf, resolved) == KDK_BTF_STRUCT ? "struct" : "union");
			print_members(btf, resolved, bits, offsets, depth + 1, out);
			line_start(out, offsets, depth, NULL);
			fprintf(out, "}%s%s;\n", name[0] ? " " : "", name);
			continue;
		}
		line_start(out, offsets, depth, &byte_offset);
		declarator(btf, type, name, decl, sizeof(decl), 0, i == n - 1 && depth == 0);
		if (width)
			fprintf(out, "%s : %u;\n", decl, width);
		else
			fprintf(out, "%s;\n", decl);
	}
}

void kdk_btf_print_struct(const struct kdk_btf *btf, uint32_t id, bool offsets, FILE *out)
{
	char head[256], size_text[32];

	base_name(btf, id, head, sizeof(head));
	fprintf(out, "%s {\n", head);
	print_members(btf, id, 0,
		      offsets ? snprintf(size_text, sizeof(size_text), "%" PRIu64, kdk_btf_size(btf, id)) + 4 : 0,
		      0, out);
	fprintf(out, "}\nSIZE: %" PRIu64 "\n", kdk_btf_size(btf, id));
}
