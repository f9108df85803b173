/* kexpr.c — a C expression parser that evaluates as it parses (recursive descent, C's
 * precedence), over types from BTF and memory read through the caller; objects stay lvalues
 * (an address and a type) until a scalar is needed, so sizeof and & read nothing. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "kexpr/kexpr.h"

#define MAX_DEPTH 64

enum tok { T_END, T_NUM, T_IDENT, T_PUNCT };

struct parser {
	const struct kexpr_env *env;
	const char *text, *pos;
	enum tok tok;
	const char *tok_start;
	size_t tok_len;
	uint64_t num;
	char punct[3];
	int depth;
	int no_read;               /* inside sizeof: types only, memory reads give zeros */
	struct kdk_err *err;
};

/* ---- types ---- */

static const struct kexpr_type builtin_types[] = {
	[KEXPR_INT] = { .builtin = KEXPR_INT }, [KEXPR_UINT] = { .builtin = KEXPR_UINT },
	[KEXPR_LONG] = { .builtin = KEXPR_LONG }, [KEXPR_ULONG] = { .builtin = KEXPR_ULONG },
};

enum shape { S_VOID, S_INT, S_ENUM, S_PTR, S_ARRAY, S_STRUCT, S_FUNC, S_FLOAT, S_UNKNOWN };

static enum shape shape_of(const struct kdk_btf *btf, const struct kexpr_type *t)
{
	uint32_t id;

	if (t->unknown)
		return S_UNKNOWN;
	if (t->is_array)
		return S_ARRAY;
	if (t->ptr)
		return S_PTR;
	if (t->builtin)
		return S_INT;
	id = kdk_btf_resolve(btf, t->id);
	switch (kdk_btf_kind(btf, id)) {
	case 0: return S_VOID;
	case KDK_BTF_INT: return S_INT;
	case KDK_BTF_ENUM: case KDK_BTF_ENUM64: return S_ENUM;
	case KDK_BTF_PTR: return S_PTR;
	case KDK_BTF_ARRAY: return S_ARRAY;
	case KDK_BTF_STRUCT: case KDK_BTF_UNION: case KDK_BTF_FWD: return S_STRUCT;
	case KDK_BTF_FUNC_PROTO: case KDK_BTF_FUNC: return S_FUNC;
	case KDK_BTF_FLOAT: return S_FLOAT;
	default: return S_UNKNOWN;
	}
}

/* What a pointer points to, or an array's element. */
static struct kexpr_type target_of(const struct kdk_btf *btf, const struct kexpr_type *t)
{
	struct kexpr_type r = *t;
	uint32_t id, elem, count;

	if (t->is_array) {
		r.is_array = false;
		r.count = 0;
		return r;
	}
	if (t->ptr) {
		r.ptr--;
		return r;
	}
	memset(&r, 0, sizeof(r));
	id = kdk_btf_resolve(btf, t->id);
	if (kdk_btf_kind(btf, id) == KDK_BTF_PTR) {
		r.id = kdk_btf_ref(btf, id);
	} else if (kdk_btf_kind(btf, id) == KDK_BTF_ARRAY && !kdk_btf_array(btf, id, &elem, &count)) {
		r.id = elem;
	}
	return r;
}

static struct kexpr_type pointer_to(const struct kexpr_type *t)
{
	struct kexpr_type r = *t;

	if (r.is_array) {
		/* &array: gdb's pointer-to-array; as a pointer to the element it scales the same
		 * way for the uses kcrash has */
		r.is_array = false;
		r.count = 0;
	}
	r.ptr++;
	return r;
}

uint64_t kexpr_type_size(const struct kdk_btf *btf, const struct kexpr_type *t)
{
	struct kexpr_type e;

	if (t->unknown)
		return 0;
	if (t->is_array) {
		e = target_of(btf, t);
		return (uint64_t)t->count * kexpr_type_size(btf, &e);
	}
	if (t->ptr)
		return 8;
	switch (t->builtin) {
	case KEXPR_INT: case KEXPR_UINT: return 4;
	case KEXPR_LONG: case KEXPR_ULONG: return 8;
	}
	return kdk_btf_size(btf, t->id);
}

static bool is_signed(const struct kdk_btf *btf, const struct kexpr_type *t)
{
	enum shape sh = shape_of(btf, t);

	if (t->builtin)
		return t->builtin == KEXPR_INT || t->builtin == KEXPR_LONG;
	if (sh == S_ENUM)
		return true;
	if (sh != S_INT)
		return false;
	return (kdk_btf_int_encoding(btf, kdk_btf_resolve(btf, t->id)) >> 24) & 1;
}

void kexpr_type_name(const struct kdk_btf *btf, const struct kexpr_type *t, char *buf, size_t size)
{
	static const char *const builtin_names[] = {
		[KEXPR_INT] = "int", [KEXPR_UINT] = "unsigned int", [KEXPR_LONG] = "long",
		[KEXPR_ULONG] = "unsigned long",
	};
	char base[256];
	size_t len;
	unsigned i;

	if (t->unknown) {
		snprintf(buf, size, "<data variable, no debug info>");
		return;
	}
	if (t->builtin)
		snprintf(base, sizeof(base), "%s", builtin_names[t->builtin]);
	else
		kdk_btf_declaration(btf, t->id, "", base, sizeof(base));
	snprintf(buf, size, "%s", base);
	len = strlen(buf);
	if (t->ptr && len < size - 1 && buf[len - 1] != '*')
		buf[len++] = ' ', buf[len] = '\0';
	for (i = 0; i < t->ptr && len < size - 1; i++)
		buf[len++] = '*', buf[len] = '\0';
	if (t->is_array)
		snprintf(buf + len, size - len, " [%u]", t->count);
}

/* ---- type names ---- */

static const char *const int_words[] = { "unsigned", "signed", "short", "long", "int", "char",
					 "_Bool", "bool", "void", NULL };

static bool is_type_keyword(const char *s, size_t len)
{
	static const char *const words[] = { "struct", "union", "enum", "const", "volatile", NULL };
	const char *const *w;

	for (w = words; *w; w++)
		if (strlen(*w) == len && !strncmp(*w, s, len))
			return true;
	for (w = int_words; *w; w++)
		if (strlen(*w) == len && !strncmp(*w, s, len))
			return true;
	return false;
}

/* The compiler's (and so BTF's) name of a C integer type spelled with these words. */
static const char *int_type_name(int nunsigned, int nsigned, int nshort, int nlong, int nchar,
				 int nbool)
{
	if (nbool)
		return "_Bool";
	if (nchar)
		return nunsigned ? "unsigned char" : nsigned ? "signed char" : "char";
	if (nshort)
		return nunsigned ? "short unsigned int" : "short int";
	if (nlong >= 2)
		return nunsigned ? "long long unsigned int" : "long long int";
	if (nlong)
		return nunsigned ? "long unsigned int" : "long int";
	return nunsigned ? "unsigned int" : "int";
}

/* A type name at *pos: specifiers, then '*'s. Returns 1 when one was read, 0 when the text there
 * is no type name (pos unchanged), -errno on error. */
static int read_type(const struct kdk_btf *btf, const char **pos, struct kexpr_type *t,
		     struct kdk_err *err)
{
	const char *p = *pos;
	int nunsigned = 0, nsigned = 0, nshort = 0, nlong = 0, nint = 0, nchar = 0, nbool = 0;
	int nvoid = 0, words = 0;
	char name[256];

	memset(t, 0, sizeof(*t));
	for (;;) {
		const char *w;
		size_t len;

		while (isspace((unsigned char)*p))
			p++;
		w = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		len = (size_t)(p - w);
		if (!len) {
			p = w;
			break;
		}
#define WORD(s) (len == sizeof(s) - 1 && !strncmp(w, s, len))
		if (WORD("const") || WORD("volatile")) {
			continue;
		} else if (WORD("struct") || WORD("union") || WORD("enum")) {
			int kind = WORD("struct") ? KDK_BTF_STRUCT : WORD("union") ? KDK_BTF_UNION
								     : KDK_BTF_ENUM;
			const char *n;

			while (isspace((unsigned char)*p))
				p++;
			n = p;
			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			snprintf(name, sizeof(name), "%.*s", (int)(p - n), n);
			if (!name[0])
				return kdk_err_set(err, EINVAL, "%.*s: a name must follow", (int)len, w);
			t->id = kdk_btf_find(btf, kind, name);
			if (!t->id && kind == KDK_BTF_ENUM)
				t->id = kdk_btf_find(btf, KDK_BTF_ENUM64, name);
			if (!t->id && kind == KDK_BTF_STRUCT)
				t->id = kdk_btf_find(btf, KDK_BTF_FWD, name);
			if (!t->id)
				return kdk_err_set(err, ENOENT, "no %.*s %s in the kernel's BTF", (int)len, w,
						   name);
			words++;
			break;
		} else if (WORD("unsigned")) {
			nunsigned++;
		} else if (WORD("signed")) {
			nsigned++;
		} else if (WORD("short")) {
			nshort++;
		} else if (WORD("long")) {
			nlong++;
		} else if (WORD("int")) {
			nint++;
		} else if (WORD("char")) {
			nchar++;
		} else if (WORD("_Bool") || WORD("bool")) {
			nbool++;
		} else if (WORD("void")) {
			nvoid++;
		} else if (!words && !(nunsigned + nsigned + nshort + nlong + nint + nchar + nbool + nvoid)) {
			/* a typedef name (u64, pgd_t, atomic_t) */
			snprintf(name, sizeof(name), "%.*s", (int)len, w);
			if (!(t->id = kdk_btf_find(btf, KDK_BTF_TYPEDEF, name)))
				return 0;
			words++;
			break;
		} else {
			p = w;
			break;
		}
#undef WORD
		words++;
	}
	if (!words)
		return 0;
	if (!t->id && !nvoid) {
		const char *cname = int_type_name(nunsigned, nsigned, nshort, nlong, nchar, nbool);

		t->id = kdk_btf_find(btf, KDK_BTF_INT, cname);
		if (!t->id) {
			/* a kernel whose BTF lacks this integer: the builtin of that width */
			if (nlong || nchar || nshort || nbool)
				t->builtin = nlong ? (nunsigned ? KEXPR_ULONG : KEXPR_LONG) : 0;
			else
				t->builtin = nunsigned ? KEXPR_UINT : KEXPR_INT;
			if (!t->builtin)
				return kdk_err_set(err, ENOENT, "no type %s in the kernel's BTF", cname);
		}
	}
	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '*') {
			t->ptr++;
			p++;
		} else if (!strncmp(p, "const", 5) && !isalnum((unsigned char)p[5]) && p[5] != '_') {
			p += 5;
		} else {
			break;
		}
	}
	*pos = p;
	return 1;
}

int kexpr_parse_type(const struct kdk_btf *btf, const char *text, struct kexpr_type *type,
		     struct kdk_err *err)
{
	const char *p = text;
	int rc = read_type(btf, &p, type, err);

	if (rc < 0)
		return rc;
	while (isspace((unsigned char)*p))
		p++;
	if (!rc || *p)
		return kdk_err_set(err, EINVAL, "\"%s\" is not a type the kernel's BTF has", text);
	return 0;
}

/* ---- lexer ---- */

static int fail(struct parser *ps, int code, const char *what)
{
	return kdk_err_set(ps->err, code, "%s at column %d of \"%s\"", what,
			   (int)(ps->tok_start - ps->text) + 1, ps->text);
}

static int next(struct parser *ps)
{
	static const char *const two[] = { "->", "<<", ">>", "==", "!=", "<=", ">=", "&&", "||", NULL };
	const char *p = ps->pos;
	const char *const *t;

	while (isspace((unsigned char)*p))
		p++;
	ps->tok_start = p;
	if (!*p) {
		ps->tok = T_END;
		ps->tok_len = 0;
		ps->pos = p;
		return 0;
	}
	if (isdigit((unsigned char)*p)) {
		char *end;

		errno = 0;
		ps->num = strtoull(p, &end, 0);
		if (errno || isalnum((unsigned char)*end) || *end == '_') {
			/* crash users type bare hex addresses ("ff4167e9811f0890"): one word of hex
			 * digits is that */
			const char *q = p;

			while (isxdigit((unsigned char)*q))
				q++;
			if (isalnum((unsigned char)*q) || *q == '_' || q - p > 16)
				return fail(ps, EINVAL, "a malformed number");
			ps->num = strtoull(p, &end, 16);
		}
		while (*end == 'u' || *end == 'U' || *end == 'l' || *end == 'L')
			end++;
		ps->tok = T_NUM;
		ps->tok_len = (size_t)(end - p);
		ps->pos = end;
		return 0;
	}
	if (*p == '\'') {
		if (p[1] == '\\' && p[2] && p[3] == '\'') {
			ps->num = p[2] == 'n' ? '\n' : p[2] == 't' ? '\t' : p[2] == '0' ? 0 : (unsigned char)p[2];
			ps->pos = p + 4;
		} else if (p[1] && p[2] == '\'') {
			ps->num = (unsigned char)p[1];
			ps->pos = p + 3;
		} else {
			return fail(ps, EINVAL, "a malformed character constant");
		}
		ps->tok = T_NUM;
		ps->tok_len = (size_t)(ps->pos - p);
		return 0;
	}
	if (isalpha((unsigned char)*p) || *p == '_') {
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		ps->tok = T_IDENT;
		ps->tok_len = (size_t)(p - ps->tok_start);
		ps->pos = p;
		return 0;
	}
	for (t = two; *t; t++)
		if (p[0] == (*t)[0] && p[1] == (*t)[1]) {
			memcpy(ps->punct, *t, 3);
			ps->tok = T_PUNCT;
			ps->tok_len = 2;
			ps->pos = p + 2;
			return 0;
		}
	if (!strchr("+-*/%&|^~!<>()[].@", *p))
		return fail(ps, EINVAL, "an unexpected character");
	ps->punct[0] = *p;
	ps->punct[1] = '\0';
	ps->tok = T_PUNCT;
	ps->tok_len = 1;
	ps->pos = p + 1;
	return 0;
}

static bool is_punct(const struct parser *ps, const char *s)
{
	return ps->tok == T_PUNCT && !strcmp(ps->punct, s);
}

static bool is_word(const struct parser *ps, const char *s)
{
	return ps->tok == T_IDENT && ps->tok_len == strlen(s) && !strncmp(ps->tok_start, s, ps->tok_len);
}

static int expect(struct parser *ps, const char *s)
{
	char what[64];

	if (!is_punct(ps, s)) {
		snprintf(what, sizeof(what), "'%s' expected", s);
		return fail(ps, EINVAL, what);
	}
	return next(ps);
}

/* ---- values ---- */

static int read_mem(struct parser *ps, uint64_t addr, void *buf, size_t len)
{
	if (ps->no_read) {
		memset(buf, 0, len);
		return 0;
	}
	return ps->env->read(ps->env->ctx, addr, buf, len, ps->err);
}

static struct kexpr_value scalar(const struct kexpr_type *t, uint64_t v)
{
	struct kexpr_value r;

	memset(&r, 0, sizeof(r));
	r.type = *t;
	r.scalar = v;
	return r;
}

/* The value of a scalar (integer, enum, pointer) as 64 bits, sign-extended by its type. */
static int load(struct parser *ps, const struct kexpr_value *v, uint64_t *out)
{
	const struct kdk_btf *btf = ps->env->btf;
	enum shape sh = shape_of(btf, &v->type);
	uint64_t size = kexpr_type_size(btf, &v->type), raw = 0;
	unsigned bits;
	int rc;

	if (sh == S_UNKNOWN)
		return fail(ps, EINVAL, "a symbol of unknown type (no debug info: cast it to its "
					"declared type, as \"(unsigned long)jiffies\")");
	if (sh == S_ARRAY) {
		/* an array decays to a pointer to its first element */
		if (!v->lvalue)
			return fail(ps, EINVAL, "an array that is not in memory");
		*out = v->addr;
		return 0;
	}
	if (sh == S_STRUCT || sh == S_VOID || sh == S_FUNC || sh == S_FLOAT) {
		if (sh == S_FUNC && v->lvalue) {
			*out = v->addr;
			return 0;
		}
		return fail(ps, EINVAL, "not a scalar (a struct, union, void or float)");
	}
	if (!v->lvalue) {
		*out = v->scalar;
		return 0;
	}
	if (size > 8 || !size)
		return fail(ps, EINVAL, "a scalar of an unexpected size");
	if (v->bit_width) {
		size_t len = (v->bit_offset + v->bit_width + 7) / 8;

		if ((rc = read_mem(ps, v->addr, &raw, len > 8 ? 8 : len)))
			return rc;
		raw >>= v->bit_offset;
		bits = v->bit_width;
		raw &= bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
	} else {
		if ((rc = read_mem(ps, v->addr, &raw, (size_t)size)))
			return rc;
		bits = (unsigned)size * 8;
	}
	if (is_signed(btf, &v->type) && bits < 64 && (raw >> (bits - 1)) & 1)
		raw |= ~0ULL << bits;
	*out = raw;
	return 0;
}

/* The type arithmetic on a and b gives (C's usual conversions, for the widths the kernel has). */
static struct kexpr_type arith_type(const struct kdk_btf *btf, const struct kexpr_value *a,
				    const struct kexpr_value *b)
{
	uint64_t sa = kexpr_type_size(btf, &a->type), sb = b ? kexpr_type_size(btf, &b->type) : 0;
	uint64_t width = sa > sb ? sa : sb;
	bool uns = (sa == width && !is_signed(btf, &a->type)) ||
		   (b && sb == width && !is_signed(btf, &b->type));

	if (width < 4) {
		width = 4;
		uns = false;
	}
	if (width > 4)
		return builtin_types[uns ? KEXPR_ULONG : KEXPR_LONG];
	return builtin_types[uns ? KEXPR_UINT : KEXPR_INT];
}

static uint64_t truncate_to(const struct kdk_btf *btf, const struct kexpr_type *t, uint64_t v)
{
	uint64_t size = kexpr_type_size(btf, t);

	if (size >= 8 || !size)
		return v;
	v &= (1ULL << (size * 8)) - 1;
	if (is_signed(btf, t) && (v >> (size * 8 - 1)) & 1)
		v |= ~0ULL << (size * 8);
	return v;
}

/* ---- the grammar ---- */

static int expr(struct parser *ps, struct kexpr_value *v);
static int unary(struct parser *ps, struct kexpr_value *v);

/* A member of a struct or union by name, looking into anonymous members as C does. */
static bool find_member(const struct kdk_btf *btf, uint32_t id, const char *name, size_t len,
			uint64_t *bits, uint32_t *type, unsigned *width, int depth)
{
	unsigned i, n;

	id = kdk_btf_resolve(btf, id);
	n = kdk_btf_vlen(btf, id);
	if (depth > MAX_DEPTH)
		return false;
	for (i = 0; i < n; i++) {
		const char *mname;
		uint32_t mtype;
		uint64_t mbits, inner;
		unsigned mwidth;

		if (kdk_btf_member_at(btf, id, i, &mname, &mtype, &mbits, &mwidth))
			continue;
		if (strlen(mname) == len && !strncmp(mname, name, len)) {
			*bits = mbits;
			*type = mtype;
			*width = mwidth;
			return true;
		}
		if (!mname[0] && find_member(btf, mtype, name, len, &inner, type, width, depth + 1)) {
			*bits = mbits + inner;
			return true;
		}
	}
	return false;
}

bool kexpr_member(const struct kdk_btf *btf, uint32_t id, const char *name, uint64_t *bits,
		  uint32_t *type, unsigned *width)
{
	return find_member(btf, id, name, strlen(name), bits, type, width, 0);
}

static int member(struct parser *ps, struct kexpr_value *v, bool arrow)
{
	const struct kdk_btf *btf = ps->env->btf;
	struct kexpr_value obj = *v;
	uint64_t bits, ptr;
	uint32_t type;
	unsigned width;
	int rc;

	if (ps->tok != T_IDENT)
		return fail(ps, EINVAL, "a member name expected");
	/* gdb lets '.' reach through a pointer too */
	if (shape_of(btf, &obj.type) == S_PTR) {
		if ((rc = load(ps, &obj, &ptr)))
			return rc;
		obj.type = target_of(btf, &obj.type);
		obj.lvalue = true;
		obj.addr = ptr;
		obj.bit_width = 0;
	} else if (arrow) {
		return fail(ps, EINVAL, "'->' on something that is not a pointer");
	}
	if (shape_of(btf, &obj.type) != S_STRUCT || obj.type.ptr)
		return fail(ps, EINVAL, "a member of something that is not a struct or union");
	if (!obj.lvalue)
		return fail(ps, EINVAL, "a member of a struct that is not in memory");
	if (!find_member(btf, obj.type.id, ps->tok_start, ps->tok_len, &bits, &type, &width, 0)) {
		char tname[256], what[512];

		kexpr_type_name(btf, &obj.type, tname, sizeof(tname));
		snprintf(what, sizeof(what), "%s has no member %.*s", tname, (int)ps->tok_len,
			 ps->tok_start);
		return fail(ps, ENOENT, what);
	}
	memset(v, 0, sizeof(*v));
	v->type.id = type;
	v->lvalue = true;
	v->addr = obj.addr + bits / 8;
	if (width) {
		v->bit_offset = bits % 8;
		v->bit_width = width;
	}
	return next(ps);
}

/* p[i] or array[i]: the element, an lvalue. */
static int subscript(struct parser *ps, struct kexpr_value *v, const struct kexpr_value *index)
{
	const struct kdk_btf *btf = ps->env->btf;
	enum shape sh = shape_of(btf, &v->type);
	struct kexpr_type elem;
	uint64_t base, i;
	int rc;

	if (sh != S_PTR && sh != S_ARRAY)
		return fail(ps, EINVAL, "a subscript of something that is neither array nor pointer");
	if ((rc = load(ps, v, &base)) || (rc = load(ps, index, &i)))
		return rc;
	elem = target_of(btf, &v->type);
	memset(v, 0, sizeof(*v));
	v->type = elem;
	v->lvalue = true;
	v->addr = base + i * kexpr_type_size(btf, &elem);
	return 0;
}

static int identifier(struct parser *ps, struct kexpr_value *v)
{
	char name[256];
	int64_t enum_value;
	struct kdk_err sym_err = { 0 };

	snprintf(name, sizeof(name), "%.*s", (int)ps->tok_len, ps->tok_start);
	memset(v, 0, sizeof(*v));
	if (!ps->env->symbol(ps->env->ctx, name, &v->addr, &v->type, &sym_err)) {
		v->lvalue = true;
		return next(ps);
	}
	if (!kdk_btf_enum_value(ps->env->btf, name, &enum_value)) {
		*v = scalar(&builtin_types[KEXPR_LONG], (uint64_t)enum_value);
		return next(ps);
	}
	if (strlen(name) <= 16 && strspn(name, "0123456789abcdefABCDEF") == strlen(name)) {
		*v = scalar(&builtin_types[KEXPR_ULONG], strtoull(name, NULL, 16));
		return next(ps);
	}
	return fail(ps, ENOENT, sym_err.msg[0] ? sym_err.msg : "no such symbol");
}

static int primary(struct parser *ps, struct kexpr_value *v)
{
	int rc;

	if (ps->tok == T_NUM) {
		*v = scalar(&builtin_types[ps->num > 0x7fffffff ? (ps->num >> 63 ? KEXPR_ULONG : KEXPR_LONG)
								: KEXPR_INT], ps->num);
		return next(ps);
	}
	if (ps->tok == T_IDENT)
		return identifier(ps, v);
	if (is_punct(ps, "(")) {
		if ((rc = next(ps)) || (rc = expr(ps, v)))
			return rc;
		return expect(ps, ")");
	}
	return fail(ps, EINVAL, ps->tok == T_END ? "an operand expected at the end" : "an operand expected");
}

static int postfix(struct parser *ps, struct kexpr_value *v)
{
	struct kexpr_value index;
	int rc;

	if ((rc = primary(ps, v)))
		return rc;
	for (;;) {
		if (is_punct(ps, ".") || is_punct(ps, "->")) {
			bool arrow = is_punct(ps, "->");

			if ((rc = next(ps)) || (rc = member(ps, v, arrow)))
				return rc;
		} else if (is_punct(ps, "[")) {
			if ((rc = next(ps)) || (rc = expr(ps, &index)) || (rc = expect(ps, "]")) ||
			    (rc = subscript(ps, v, &index)))
				return rc;
		} else {
			return 0;
		}
	}
}

/* After '(': a type name and ')' when the text there is one (a cast or sizeof's operand). */
static int try_type(struct parser *ps, struct kexpr_type *t)
{
	const char *p;
	int rc;

	if (ps->tok != T_IDENT)
		return 0;
	if (!is_type_keyword(ps->tok_start, ps->tok_len)) {
		/* a typedef, unless the name is also a symbol (then it is an expression) */
		char name[256];
		struct kexpr_type st;
		uint64_t addr;
		struct kdk_err e = { 0 };

		snprintf(name, sizeof(name), "%.*s", (int)ps->tok_len, ps->tok_start);
		if (!kdk_btf_find(ps->env->btf, KDK_BTF_TYPEDEF, name) ||
		    !ps->env->symbol(ps->env->ctx, name, &addr, &st, &e))
			return 0;
	}
	p = ps->tok_start;
	if ((rc = read_type(ps->env->btf, &p, t, ps->err)) <= 0)
		return rc;
	ps->pos = p;
	if ((rc = next(ps)) || (rc = expect(ps, ")")))
		return rc;
	return 1;
}

static int cast(struct parser *ps, const struct kexpr_type *t, struct kexpr_value *v)
{
	const struct kdk_btf *btf = ps->env->btf;
	struct kexpr_type to = *t;
	enum shape sh = shape_of(btf, &to), from = shape_of(btf, &v->type);
	uint64_t raw;
	int rc;

	if (from == S_UNKNOWN || ((sh == S_STRUCT || sh == S_ARRAY) && v->lvalue)) {
		/* gdb: a symbol without debug info cast to T is the object at its address read as
		 * T; an object in memory cast to a struct is reinterpreted */
		if (!v->lvalue)
			return fail(ps, EINVAL, "a cast to a struct of a value that is not in memory");
		v->type = to;
		v->bit_width = 0;
		return 0;
	}
	if (sh == S_STRUCT || sh == S_ARRAY || sh == S_FUNC)
		return fail(ps, EINVAL, "a cast of a scalar to a struct, array or function");
	if ((rc = load(ps, v, &raw)))
		return rc;
	*v = scalar(&to, sh == S_VOID ? 0 : truncate_to(btf, &to, raw));
	return 0;
}

static int sizeof_operand(struct parser *ps, struct kexpr_value *v)
{
	struct kexpr_type t;
	struct kexpr_value e;
	int rc;

	ps->no_read++;
	if (is_punct(ps, "(")) {
		if ((rc = next(ps)))
			goto out;
		if ((rc = try_type(ps, &t)) < 0)
			goto out;
		if (rc == 1) {
			rc = 0;
			goto done;
		}
		if ((rc = expr(ps, &e)) || (rc = expect(ps, ")")))
			goto out;
		t = e.type;
	} else {
		if ((rc = unary(ps, &e)))
			goto out;
		t = e.type;
	}
done:
	if (t.unknown) {
		rc = fail(ps, EINVAL, "sizeof of a symbol of unknown type");
		goto out;
	}
	*v = scalar(&builtin_types[KEXPR_ULONG], kexpr_type_size(ps->env->btf, &t));
out:
	ps->no_read--;
	return rc;
}

static int unary(struct parser *ps, struct kexpr_value *v)
{
	const struct kdk_btf *btf = ps->env->btf;
	struct kexpr_type t;
	uint64_t raw;
	char op;
	int rc;

	if (++ps->depth > MAX_DEPTH)
		return fail(ps, EINVAL, "an expression nested too deeply");
	if (is_word(ps, "sizeof")) {
		if ((rc = next(ps)))
			return rc;
		rc = sizeof_operand(ps, v);
		ps->depth--;
		return rc;
	}
	if (is_punct(ps, "(")) {
		const char *save_pos = ps->pos, *save_start = ps->tok_start;

		if ((rc = next(ps)))
			return rc;
		if ((rc = try_type(ps, &t)) < 0)
			return rc;
		if (rc == 1) {
			if ((rc = unary(ps, v)) || (rc = cast(ps, &t, v)))
				return rc;
			ps->depth--;
			return 0;
		}
		/* not a cast: back to the parenthesis, an expression */
		ps->pos = save_pos;
		ps->tok_start = save_start;
		ps->tok = T_PUNCT;
		strcpy(ps->punct, "(");
	}
	if (ps->tok == T_PUNCT && strchr("-+~!*&", ps->punct[0]) && !ps->punct[1]) {
		op = ps->punct[0];
		if ((rc = next(ps)) || (rc = unary(ps, v)))
			return rc;
		switch (op) {
		case '&':
			if (!v->lvalue || v->bit_width)
				return fail(ps, EINVAL, "'&' of something that is not in memory");
			if (v->type.unknown) {
				/* gdb: "(<data variable, no debug info> *)": usable as an address */
				*v = scalar(&v->type, v->addr);
				v->type.unknown = false;
				v->type.builtin = 0;
				v->type.id = 0;
				v->type.ptr = 1;
				break;
			}
			t = pointer_to(&v->type);
			*v = scalar(&t, v->addr);
			break;
		case '*': {
			enum shape sh = shape_of(btf, &v->type);

			if (sh != S_PTR && sh != S_ARRAY)
				return fail(ps, EINVAL, "'*' of something that is not a pointer");
			if ((rc = load(ps, v, &raw)))
				return rc;
			t = target_of(btf, &v->type);
			if (shape_of(btf, &t) == S_VOID)
				return fail(ps, EINVAL, "'*' of a void pointer (cast it first)");
			memset(v, 0, sizeof(*v));
			v->type = t;
			v->lvalue = true;
			v->addr = raw;
			break;
		}
		default:
			if ((rc = load(ps, v, &raw)))
				return rc;
			t = arith_type(btf, v, NULL);
			raw = op == '-' ? -raw : op == '~' ? ~raw : op == '!' ? !raw : raw;
			*v = scalar(op == '!' ? &builtin_types[KEXPR_INT] : &t, truncate_to(btf, &t, raw));
		}
		ps->depth--;
		return 0;
	}
	rc = postfix(ps, v);
	ps->depth--;
	return rc;
}

/* C's binary operators by precedence, lowest first; '@' (gdb's artificial array) lowest of all. */
static const char *const levels[][5] = {
	{ "@" }, { "||" }, { "&&" }, { "|" }, { "^" }, { "&" }, { "==", "!=" },
	{ "<", ">", "<=", ">=" }, { "<<", ">>" }, { "+", "-" }, { "*", "/", "%" },
};
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

static int binary_op(struct parser *ps, const char *op, struct kexpr_value *a,
		     const struct kexpr_value *b)
{
	const struct kdk_btf *btf = ps->env->btf;
	bool pa = shape_of(btf, &a->type) == S_PTR || shape_of(btf, &a->type) == S_ARRAY;
	bool pb = shape_of(btf, &b->type) == S_PTR || shape_of(btf, &b->type) == S_ARRAY;
	struct kexpr_type t;
	uint64_t x, y, r, scale;
	int rc;

	if (!strcmp(op, "@")) {
		/* gdb's left@count: count objects like left, from its address */
		if (!a->lvalue || a->bit_width)
			return fail(ps, EINVAL, "'@' of something that is not in memory");
		if (a->type.is_array)
			return fail(ps, EINVAL, "'@' of an array");
		if ((rc = load(ps, b, &y)))
			return rc;
		if (!y || y > (1u << 20))
			return fail(ps, EINVAL, "'@' needs a count from 1 to 1048576");
		a->type.is_array = true;
		a->type.count = (uint32_t)y;
		return 0;
	}
	if ((rc = load(ps, a, &x)) || (rc = load(ps, b, &y)))
		return rc;
	if ((op[0] == '+' || op[0] == '-') && !op[1] && (pa || pb)) {
		if (pa && pb && op[0] == '-') {
			struct kexpr_type e = target_of(btf, &a->type);

			scale = kexpr_type_size(btf, &e);
			*a = scalar(&builtin_types[KEXPR_LONG], (uint64_t)((int64_t)(x - y) /
									  (int64_t)(scale ? scale : 1)));
			return 0;
		}
		if (pa && pb)
			return fail(ps, EINVAL, "two pointers added");
		t = pa ? a->type : b->type;
		if (t.is_array) {
			/* the array decays to a pointer to its element */
			t = target_of(btf, pa ? &a->type : &b->type);
			t = pointer_to(&t);
		}
		{
			struct kexpr_type e = target_of(btf, &t);

			scale = kexpr_type_size(btf, &e);
		}
		if (!scale)
			scale = 1;     /* void *: gdb steps bytes */
		if (pa)
			r = op[0] == '+' ? x + y * scale : x - y * scale;
		else
			r = y + x * scale;
		*a = scalar(&t, r);
		return 0;
	}
	t = arith_type(btf, a, b);
	switch (op[0]) {
	case '+': r = x + y; break;
	case '-': r = x - y; break;
	case '*': r = x * y; break;
	case '/': case '%':
		if (!y)
			return fail(ps, EDOM, "a division by zero");
		if (is_signed(btf, &t))
			r = op[0] == '/' ? (uint64_t)((int64_t)x / (int64_t)y) : (uint64_t)((int64_t)x % (int64_t)y);
		else
			r = op[0] == '/' ? x / y : x % y;
		break;
	case '<':
		if (op[1] == '<')
			r = y >= 64 ? 0 : x << y;
		else
			r = is_signed(btf, &t) ? (op[1] ? (int64_t)x <= (int64_t)y : (int64_t)x < (int64_t)y)
					       : (op[1] ? x <= y : x < y);
		break;
	case '>':
		if (op[1] == '>')
			r = y >= 64 ? 0 : is_signed(btf, &t) ? (uint64_t)((int64_t)x >> y) : x >> y;
		else
			r = is_signed(btf, &t) ? (op[1] ? (int64_t)x >= (int64_t)y : (int64_t)x > (int64_t)y)
					       : (op[1] ? x >= y : x > y);
		break;
	case '=': r = x == y; break;
	case '!': r = x != y; break;
	case '&': r = op[1] ? (x && y) : x & y; break;
	case '|': r = op[1] ? (x || y) : x | y; break;
	case '^': r = x ^ y; break;
	default: return fail(ps, EINVAL, "an unknown operator");
	}
	if (strchr("<>=!", op[0]) && strcmp(op, "<<") && strcmp(op, ">>"))
		t = builtin_types[KEXPR_INT];
	if (!strcmp(op, "&&") || !strcmp(op, "||"))
		t = builtin_types[KEXPR_INT];
	*a = scalar(&t, truncate_to(btf, &t, r));
	return 0;
}

static int binary(struct parser *ps, struct kexpr_value *v, size_t level)
{
	struct kexpr_value rhs;
	size_t i;
	int rc;

	if (level == NLEVELS)
		return unary(ps, v);
	if ((rc = binary(ps, v, level + 1)))
		return rc;
	for (;;) {
		const char *op = NULL;
		char held[3];

		for (i = 0; i < 5 && levels[level][i]; i++)
			if (is_punct(ps, levels[level][i]))
				op = levels[level][i];
		if (!op)
			return 0;
		snprintf(held, sizeof(held), "%s", op);
		if ((rc = next(ps)) || (rc = binary(ps, &rhs, level + 1)) ||
		    (rc = binary_op(ps, held, v, &rhs)))
			return rc;
	}
}

static int expr(struct parser *ps, struct kexpr_value *v)
{
	return binary(ps, v, 0);
}

int kexpr_eval(const struct kexpr_env *env, const char *text, struct kexpr_value *out,
	       struct kdk_err *err)
{
	struct parser ps = { .env = env, .text = text, .pos = text, .err = err };
	int rc;

	if ((rc = next(&ps)) || (rc = expr(&ps, out)))
		return rc;
	if (ps.tok != T_END)
		return fail(&ps, EINVAL, "unexpected text after the expression");
	return 0;
}

bool kexpr_is_identifier(const char *text)
{
	const char *p = text;

	while (isspace((unsigned char)*p))
		p++;
	if (!isalpha((unsigned char)*p) && *p != '_')
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	return !*p;
}
