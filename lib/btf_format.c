/* btf_format.c — C declarations from BTF. A declarator is built inside out: pointers add '*'
 * before the name, arrays "[n]" after it, function prototypes "(params)" after a parenthesised
 * pointer; the base type (int, struct x, typedef name) goes first. */
#include <inttypes.h>
#include <string.h>

#include "btf_format.h"

#define MAX_DEPTH 16
/* Lines of one struct layout and values of one printed object, at most: BTF from a damaged dump
 * can nest a type in itself many times over, and the output would never end. */
#define MAX_ITEMS (1u << 20)

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
		if (name[0]) {
			snprintf(buf, size, "enum %s", name);
		} else {
			/* an anonymous enum with its enumerators, as gdb declares one */
			const char *e;
			int64_t value;
			size_t len = (size_t)snprintf(buf, size, "enum {");
			unsigned i;

			for (i = 0; !kdk_btf_enum_at(btf, id, i, &e, &value) && len < size; i++)
				len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", e);
			if (len < size)
				snprintf(buf + len, size - len, "}");
		}
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
 * four more per level of anonymous struct/union. With a base address (`struct -o NAME ADDRESS`)
 * a line with an offset starts "  [address] " instead, and the others keep the offset column's
 * blanks, as crash substitutes the addresses into the offsets' text. */
static void line_start(FILE *out, int offsets, int depth, const uint64_t *byte_offset,
		       const uint64_t *base)
{
	char column[32] = "";

	if (offsets && byte_offset && base) {
		fprintf(out, "  [%" PRIx64 "] %*s", *base + *byte_offset, 4 * depth, "");
	} else if (offsets) {
		if (byte_offset)
			snprintf(column, sizeof(column), "  [%" PRIu64 "]", *byte_offset);
		fprintf(out, "%*s %*s", offsets, column, 4 * depth, "");
	} else {
		fprintf(out, "%*s", 4 + 4 * depth, "");
	}
}

/* The offset crash shows for a member line inside a named member of anonymous type: the member's
 * name looked up from the outermost struct (through its anonymous members), as crash asks gdb —
 * none when that finds nothing (mm_struct's `struct { … } lru_gen`: `list` is no member of
 * mm_struct), the same place when the name is reachable (sk_buff's struct_group `headers`). */
static const uint64_t *offset_by_name(const struct kdk_btf *btf, uint32_t top, const char *name,
				      uint64_t *byte_offset, unsigned *steps)
{
	uint64_t bits;

	if (!name[0] || kdk_btf_member_bits_counted(btf, top, name, &bits, steps))
		return NULL;
	*byte_offset = bits / 8;
	return byte_offset;
}

/* What one printout may still do: lines, and members looked at by its by-name offsets (one
 * budget for all of them: kdk_btf_member_bits_counted). */
struct print_budget {
	unsigned lines;
	unsigned name_steps;
};

/* id's members from depth on. Under -o (offsets: the column's width) a member of an anonymous
 * struct or union type shows its members inline: an unnamed one with their offsets and blank
 * braces; inside a named one (`struct { … } lru_gen;`: by_name) each line's offset is its name's
 * from the outermost struct `top`, as crash prints them (none once the budget's lookups are
 * spent: only damaged BTF gets there). */
static void print_members(const struct kdk_btf *btf, uint32_t top, uint32_t id, uint64_t base_bits,
			  int offsets, const uint64_t *base, bool by_name, int depth,
			  struct print_budget *budget, FILE *out)
{
	unsigned i, n = kdk_btf_vlen(btf, id), hops;

	for (i = 0; i < n; i++) {
		const char *name;
		uint32_t type, resolved;
		uint64_t bits, byte_offset;
		unsigned width;
		char decl[1024];

		if (kdk_btf_member_at(btf, id, i, &name, &type, &bits, &width))
			continue;
		if (++budget->lines > MAX_ITEMS) {
			line_start(out, offsets, depth, NULL, base);
			fprintf(out, "...\n");
			return;
		}
		bits += base_bits;
		byte_offset = bits / 8;
		resolved = type;
		/* a const or volatile chain that loops ends here too */
		for (hops = 0; hops < MAX_DEPTH && (kdk_btf_kind(btf, resolved) == KDK_BTF_CONST ||
						    kdk_btf_kind(btf, resolved) == KDK_BTF_VOLATILE); hops++)
			resolved = kdk_btf_ref(btf, resolved);
		if ((kdk_btf_kind(btf, resolved) == KDK_BTF_STRUCT ||
		     kdk_btf_kind(btf, resolved) == KDK_BTF_UNION) && !kdk_btf_name(btf, resolved)[0]) {
			/* An anonymous struct or union: its members inline, as crash shows them. */
			line_start(out, offsets, depth, NULL, base);
			fprintf(out, "%s {\n", kdk_btf_kind(btf, resolved) == KDK_BTF_STRUCT ? "struct" : "union");
			if (depth < MAX_DEPTH) {
				print_members(btf, top, resolved, bits, offsets, base, by_name || name[0],
					      depth + 1, budget, out);
			} else {   /* an anonymous struct that contains itself */
				line_start(out, offsets, depth + 1, NULL, base);
				fprintf(out, "...\n");
			}
			line_start(out, offsets, depth,
				   !name[0] ? NULL : by_name ? offset_by_name(btf, top, name, &byte_offset,
									      &budget->name_steps) :
				   &byte_offset, base);
			fprintf(out, "}%s%s;\n", name[0] ? " " : "", name);
			continue;
		}
		line_start(out, offsets, depth,
			   by_name ? offset_by_name(btf, top, name, &byte_offset, &budget->name_steps) :
			   &byte_offset, base);
		declarator(btf, type, name, decl, sizeof(decl), 0, i == n - 1 && depth == 0);
		if (width)
			fprintf(out, "%s : %u;\n", decl, width);
		else
			fprintf(out, "%s;\n", decl);
	}
}

/* "struct NAME {", the members (offsets: with crash's -o column; base: addresses in it), "}" and
 * "SIZE: n". */
static void print_struct(const struct kdk_btf *btf, uint32_t id, bool offsets, const uint64_t *base,
			 FILE *out)
{
	char head[256], size_text[32];
	struct print_budget budget = { 0, 0 };

	base_name(btf, id, head, sizeof(head));
	fprintf(out, "%s {\n", head);
	print_members(btf, id, id, 0,
		      offsets ? snprintf(size_text, sizeof(size_text), "%" PRIu64, kdk_btf_size(btf, id)) + 4 : 0,
		      base, false, 0, &budget, out);
	fprintf(out, "}\nSIZE: %" PRIu64 "\n", kdk_btf_size(btf, id));
}

void kdk_btf_print_struct(const struct kdk_btf *btf, uint32_t id, bool offsets, FILE *out)
{
	print_struct(btf, id, offsets, NULL, out);
}

void kdk_btf_print_struct_at(const struct kdk_btf *btf, uint32_t id, uint64_t addr, FILE *out)
{
	print_struct(btf, id, true, &addr, out);
}

struct value_printer {
	const struct kdk_btf *btf;
	FILE *out;
	void (*name_addr)(void *ctx, uint64_t addr, FILE *out);
	void *ctx;
	const uint8_t *data;       /* the object's bytes … */
	uint64_t size;             /* … how many there are (kdk_btf_size of the printed type) … */
	uint64_t addr;             /* … and where they are in the kernel */
	unsigned *values;          /* printed so far (at most MAX_ITEMS) */
	bool hex;                  /* every number in hex, as gdb's print/x (crash's px) */
	uint32_t char_limit;       /* characters of a char array shown, then "..."; 0: all */
};

/* Whether len bytes at offset off are inside the object: BTF from a damaged dump can put a
 * member or an array element past the end of the type it belongs to. */
static bool fits(const struct value_printer *p, uint64_t off, uint64_t len)
{
	return off <= p->size && len <= p->size - off;
}

static uint64_t load(const uint8_t *data, uint64_t size)
{
	uint64_t v = 0;

	memcpy(&v, data, size > 8 ? 8 : (size_t)size);
	return v;
}

static int64_t sign_extend(uint64_t v, unsigned bits)
{
	return bits == 0 || bits >= 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

/* The width in bits of an integer of size bytes, as load() reads it (at most 8 bytes). */
static unsigned bits_of(uint64_t size)
{
	return size > 8 ? 64 : (unsigned)size * 8;
}

static void print_number(const struct value_printer *p, uint32_t id, uint64_t raw, unsigned bits)
{
	uint32_t enc = kdk_btf_int_encoding(p->btf, id);

	if (p->hex)
		fprintf(p->out, "0x%" PRIx64, bits >= 64 ? raw : raw & (((uint64_t)1 << bits) - 1));
	else if (enc & (4u << 24))
		fprintf(p->out, "%s", raw ? "true" : "false");
	else if (enc & (1u << 24))
		fprintf(p->out, "%" PRId64, sign_extend(raw, bits));
	else
		fprintf(p->out, "%" PRIu64, raw);
}

bool kdk_btf_put_char(FILE *out, unsigned char c, char quote)
{
	static const char named[] = "abtnvfr";   /* \a (7) to \r (13), as C and gdb name them */

	if (c == (unsigned char)quote || c == '\\')
		fprintf(out, "\\%c", c);
	else if (c >= 7 && c <= 13)
		fprintf(out, "\\%c", named[c - 7]);
	else if (c >= 0x20 && c < 0x7f)
		fputc(c, out);
	else
		return fprintf(out, "\\%03o", c), true;
	return false;
}

void kdk_btf_put_chars(FILE *out, const uint8_t *s, size_t n, char quote)
{
	bool after_octal = false;

	for (size_t i = 0; i < n; i++) {
		if (after_octal && s[i] >= '0' && s[i] <= '9')
			fprintf(out, "\\%03o", s[i]);
		else
			after_octal = kdk_btf_put_char(out, s[i], quote);
	}
}

/* A char array: its bytes up to the last non-NUL one and NULs as \000, as gdb shows comm. */
static void print_chars(const struct value_printer *p, const uint8_t *data, uint32_t count)
{
	uint32_t end = count;

	while (end && !data[end - 1])
		end--;
	/* gdb treats the final NUL as the terminator and shows the others */
	if (end < count && count)
		end = count - 1;
	fputc('"', p->out);
	/* gdb's "print elements" limit where the caller has one (crash's p, task and list: 256;
	 * its struct command shows every element): the rest as "..." after the quote */
	kdk_btf_put_chars(p->out, data, p->char_limit && end > p->char_limit ? p->char_limit : end, '"');
	fputc('"', p->out);
	if (p->char_limit && end > p->char_limit)
		fprintf(p->out, "...");
}

static void print_value(const struct value_printer *p, uint32_t id, uint64_t off, int indent,
			int depth);

/* A one-byte integer named char (char, signed char, unsigned char): gdb prints it as a character
 * and arrays of it as strings. pahole rarely sets BTF's CHAR encoding bit, so go by the name. */
static bool is_char(const struct kdk_btf *btf, uint32_t id)
{
	return kdk_btf_kind(btf, id) == KDK_BTF_INT && kdk_btf_size(btf, id) == 1 &&
	       strstr(kdk_btf_name(btf, id), "char");
}

static void print_members_values(const struct value_printer *p, uint32_t id, uint64_t off,
				 int indent, int depth)
{
	unsigned i, n = kdk_btf_vlen(p->btf, id);

	for (i = 0; i < n; i++) {
		const char *name;
		uint32_t type;
		uint64_t bits;
		unsigned width;

		if (kdk_btf_member_at(p->btf, id, i, &name, &type, &bits, &width))
			continue;
		fprintf(p->out, "%*s", indent + 2, "");
		if (name[0])
			fprintf(p->out, "%s = ", name);
		if (width) {
			uint64_t raw = 0, at = off + bits / 8;
			size_t len = (bits % 8 + width + 7) / 8 > 8 ? 8 : (bits % 8 + width + 7) / 8;

			if (at < off || !fits(p, at, len)) {
				fprintf(p->out, "<outside the object>");
			} else {
				memcpy(&raw, p->data + at, len);
				raw = (raw >> (bits % 8)) & (width >= 64 ? ~0ULL : (1ULL << width) - 1);
				print_number(p, kdk_btf_resolve(p->btf, type), raw, width);
			}
		} else {
			print_value(p, type, off + bits / 8, indent + 2, depth + 1);
		}
		fprintf(p->out, "%s\n", i + 1 < n ? "," : "");
	}
}

static void print_value(const struct value_printer *p, uint32_t id, uint64_t off, int indent,
			int depth)
{
	uint32_t type = kdk_btf_resolve(p->btf, id), elem, count, i;
	uint64_t size, raw;
	const char *name;
	int kind;

	if (depth > MAX_DEPTH || ++*p->values > MAX_ITEMS) {
		fprintf(p->out, "...");
		return;
	}
	kind = kdk_btf_kind(p->btf, type);
	size = kind == KDK_BTF_PTR ? 8 : kind == KDK_BTF_ARRAY ? 0 : kdk_btf_size(p->btf, type);
	if (!fits(p, off, size > 8 && kind != KDK_BTF_STRUCT && kind != KDK_BTF_UNION ? 8 : size)) {
		fprintf(p->out, "<outside the object>");
		return;
	}
	switch (kind) {
	case KDK_BTF_INT:
		raw = load(p->data + off, size);
		if (is_char(p->btf, type) && !p->hex) {
			/* char: the number and the character, as gdb does */
			fprintf(p->out, "%d '", strstr(kdk_btf_name(p->btf, type), "unsigned") ? (int)raw :
							  (int)(int8_t)raw);
			kdk_btf_put_char(p->out, (unsigned char)raw, '\'');
			fputc('\'', p->out);
		} else {
			print_number(p, type, raw, bits_of(size));
		}
		return;
	case KDK_BTF_ENUM: case KDK_BTF_ENUM64:
		raw = load(p->data + off, size);
		name = kdk_btf_enum_name(p->btf, type, sign_extend(raw, bits_of(size)));
		if (p->hex)
			fprintf(p->out, "0x%" PRIx64, raw & (size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (8 * size)) - 1));
		else if (name)
			fprintf(p->out, "%s", name);
		else
			fprintf(p->out, "%" PRId64, sign_extend(raw, bits_of(size)));
		return;
	case KDK_BTF_PTR:
		raw = load(p->data + off, 8);
		fprintf(p->out, "0x%" PRIx64, raw);
		/* gdb names what a pointer points at when that is a symbol (functions, static data);
		 * not for void pointers */
		if (raw && p->name_addr && !p->hex && kdk_btf_resolve(p->btf, kdk_btf_ref(p->btf, type)))
			p->name_addr(p->ctx, raw, p->out);
		return;
	case KDK_BTF_ARRAY:
		kdk_btf_array(p->btf, type, &elem, &count);
		if (is_char(p->btf, kdk_btf_resolve(p->btf, elem)) && !p->hex) {
			/* a flexible char array: gdb shows where it is, then the empty string */
			if (!count && p->addr) {
				uint64_t where = p->addr + off;

				fprintf(p->out, "0x%" PRIx64, where);
				if (p->name_addr)
					p->name_addr(p->ctx, where, p->out);
				fprintf(p->out, " ");
			}
			if (!fits(p, off, count)) {
				fprintf(p->out, "<outside the object>");
				return;
			}
			print_chars(p, p->data + off, count);
			return;
		}
		size = kdk_btf_size(p->btf, elem);
		if (!count && p->addr) {
			/* a flexible array: gdb shows where it starts */
			uint64_t where = p->addr + off;

			fprintf(p->out, "0x%" PRIx64, where);
			if (p->name_addr)
				p->name_addr(p->ctx, where, p->out);
			return;
		}
		fputc('{', p->out);
		for (i = 0; i < count; i++) {
			if (i)
				fprintf(p->out, ", ");
			/* an element past the object (or the endless run of a zero-size element that a
			 * damaged count asks for) ends the array */
			if (!fits(p, off + (uint64_t)i * size, size) || (!size && i)) {
				fprintf(p->out, "...");
				break;
			}
			/* gdb indents the members of struct elements one more level */
			print_value(p, elem, off + (uint64_t)i * size, indent + 2, depth + 1);
		}
		fputc('}', p->out);
		return;
	case KDK_BTF_STRUCT: case KDK_BTF_UNION:
		if (!kdk_btf_vlen(p->btf, type)) {
			fprintf(p->out, "{<No data fields>}");
			return;
		}
		fprintf(p->out, "{\n");
		print_members_values(p, type, off, indent, depth);
		fprintf(p->out, "%*s}", indent, "");
		return;
	case KDK_BTF_FLOAT:
		fprintf(p->out, "<float>");
		return;
	default:
		fprintf(p->out, "<?>");
	}
}

void kdk_btf_print_value(const struct kdk_btf *btf, uint32_t id, const uint8_t *data, uint64_t addr,
			 FILE *out, void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx)
{
	kdk_btf_print_value_limit(btf, id, data, addr, KDK_BTF_CHAR_LIMIT, out, name_addr, ctx);
}

void kdk_btf_print_value_limit(const struct kdk_btf *btf, uint32_t id, const uint8_t *data,
			       uint64_t addr, uint32_t char_limit, FILE *out,
			       void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx)
{
	unsigned values = 0;
	struct value_printer p = { btf, out, name_addr, ctx, data, kdk_btf_size(btf, id), addr, &values,
				   false, char_limit };
	char head[256];

	base_name(btf, id, head, sizeof(head));
	fprintf(out, "%s ", head);
	print_value(&p, id, 0, 0, 0);
	fputc('\n', out);
}

void kdk_btf_print_member_value(const struct kdk_btf *btf, uint32_t id, const char *name,
				const uint8_t *data, uint64_t addr, FILE *out,
				void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx)
{
	kdk_btf_print_member_value_limit(btf, id, name, data, addr, KDK_BTF_CHAR_LIMIT, out,
					 name_addr, ctx);
}

void kdk_btf_print_member_value_limit(const struct kdk_btf *btf, uint32_t id, const char *name,
				      const uint8_t *data, uint64_t addr, uint32_t char_limit,
				      FILE *out, void (*name_addr)(void *ctx, uint64_t addr, FILE *out),
				      void *ctx)
{
	unsigned values = 0;
	struct value_printer p = { btf, out, name_addr, ctx, data, kdk_btf_size(btf, id), addr, &values,
				   false, char_limit };

	fprintf(out, "  %s = ", name);
	print_value(&p, id, 0, 2, 0);
	fputc('\n', out);
}

void kdk_btf_print_plain(const struct kdk_btf *btf, uint32_t id, const uint8_t *data, uint64_t addr,
			 bool hex, int indent, FILE *out,
			 void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx)
{
	unsigned values = 0;
	struct value_printer p = { btf, out, name_addr, ctx, data, kdk_btf_size(btf, id), addr, &values,
				   hex, KDK_BTF_CHAR_LIMIT };

	print_value(&p, id, 0, indent, 0);
}
