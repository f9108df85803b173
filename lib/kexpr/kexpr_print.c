/* kexpr_print.c — an evaluated expression printed the way gdb's print (and so crash's p) shows it:
 * typed pointers "(struct x *) 0x… <sym>", char pointers with their string, arrays, structs. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "kexpr/kexpr.h"

#define MAX_OBJECT (16u << 20)    /* bytes of one printed object */
#define MAX_STRING 4096           /* bytes of a string read through a char pointer */

static bool is_char_type(const struct kdk_btf *btf, const struct kexpr_type *t)
{
	uint32_t id;

	if (t->ptr || t->is_array || t->builtin || t->unknown)
		return false;
	id = kdk_btf_resolve(btf, t->id);
	return kdk_btf_kind(btf, id) == KDK_BTF_INT && kdk_btf_size(btf, id) == 1 &&
	       strstr(kdk_btf_name(btf, id), "char");
}

static bool is_pointer(const struct kdk_btf *btf, const struct kexpr_type *t)
{
	return !t->is_array && !t->unknown &&
	       (t->ptr || (!t->builtin && kdk_btf_kind(btf, kdk_btf_resolve(btf, t->id)) == KDK_BTF_PTR));
}

static struct kexpr_type pointee(const struct kdk_btf *btf, const struct kexpr_type *t)
{
	struct kexpr_type r = *t;

	if (t->ptr) {
		r.ptr--;
		return r;
	}
	memset(&r, 0, sizeof(r));
	r.id = kdk_btf_ref(btf, kdk_btf_resolve(btf, t->id));
	return r;
}

/* gdb's string: printable bytes, the rest as octal escapes; at most 256 (crash's print elements). */
static void print_string(const uint8_t *s, size_t len, FILE *out)
{
	fputc('"', out);
	kdk_btf_put_chars(out, s, len < 256 ? len : 256, '"');
	fputc('"', out);
	if (len > 256)
		fprintf(out, "...");
}

/* A NUL-terminated string at addr (at most MAX_STRING bytes; "..." when longer). */
static int print_c_string(const struct kexpr_env *env, uint64_t addr, FILE *out, struct kdk_err *err)
{
	uint8_t *buf = malloc(MAX_STRING);
	size_t len = 0;
	int rc = 0;

	if (!buf)
		return kdk_err_set(err, ENOMEM, "string at 0x%" PRIx64, addr);
	/* a byte at a time across page ends: the next page may be missing from the dump */
	while (len < MAX_STRING) {
		size_t chunk = 64 - ((addr + len) & 63);

		if (len + chunk > MAX_STRING)
			chunk = MAX_STRING - len;
		if (env->read(env->ctx, addr + len, buf + len, chunk, err)) {
			if (!len) {
				fprintf(out, "<error: cannot read 0x%" PRIx64 ">", addr);
				kdk_err_clear(err);
				free(buf);
				return 0;
			}
			kdk_err_clear(err);
			break;
		}
		if (memchr(buf + len, 0, chunk)) {
			len += (size_t)((uint8_t *)memchr(buf + len, 0, chunk) - (buf + len));
			break;
		}
		len += chunk;
	}
	print_string(buf, len, out);
	free(buf);
	return rc;
}

static void print_number(const struct kdk_btf *btf, const struct kexpr_type *t, uint64_t raw,
			 unsigned bits, bool hex, FILE *out)
{
	uint32_t id = t->builtin ? 0 : kdk_btf_resolve(btf, t->id);
	int kind = t->builtin ? KDK_BTF_INT : kdk_btf_kind(btf, id);
	bool sgn = t->builtin ? (t->builtin == KEXPR_INT || t->builtin == KEXPR_LONG)
			      : kind == KDK_BTF_ENUM || kind == KDK_BTF_ENUM64 ||
				((kdk_btf_int_encoding(btf, id) >> 24) & 1);
	uint64_t mask = bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
	const char *name;

	if (hex) {
		fprintf(out, "0x%" PRIx64, raw & mask);
		return;
	}
	if (kind == KDK_BTF_ENUM || kind == KDK_BTF_ENUM64) {
		if ((name = kdk_btf_enum_name(btf, id, (int64_t)raw))) {
			fprintf(out, "%s", name);
			return;
		}
	} else if (!t->builtin && (kdk_btf_int_encoding(btf, id) >> 24) & 4) {
		fprintf(out, "%s", raw & mask ? "true" : "false");
		return;
	} else if (is_char_type(btf, t)) {
		uint8_t c = (uint8_t)raw;

		fprintf(out, "%d '", strstr(kdk_btf_name(btf, id), "unsigned") ? (int)c : (int)(int8_t)c);
		kdk_btf_put_char(out, c, '\'');
		fputc('\'', out);
		return;
	}
	if (sgn)
		fprintf(out, "%" PRId64, (int64_t)raw);
	else
		fprintf(out, "%" PRIu64, raw & mask);
}

static int print_pointer(const struct kexpr_env *env, const struct kexpr_type *t, uint64_t value,
			 bool hex, bool top, FILE *out, struct kdk_err *err)
{
	struct kexpr_type to = pointee(env->btf, t);
	char name[512];

	if (hex && !top) {
		fprintf(out, "0x%" PRIx64, value);
		return 0;
	}
	if (is_char_type(env->btf, &to) && !hex) {
		fprintf(out, "0x%" PRIx64, value);
		if (env->name_addr)
			env->name_addr(env->ctx, value, out);
		if (!value)
			return 0;
		fputc(' ', out);
		return print_c_string(env, value, out, err);
	}
	if (top) {
		kexpr_type_name(env->btf, t, name, sizeof(name));
		fprintf(out, "(%s) ", name);
	}
	fprintf(out, "0x%" PRIx64, value);
	if (value && env->name_addr)
		env->name_addr(env->ctx, value, out);
	return 0;
}

static int print_at(const struct kexpr_env *env, const struct kexpr_value *v, bool hex, int indent,
		    bool top, FILE *out, struct kdk_err *err);

/* An array made by '@' or known from a symbol's declared type (not a BTF array type). */
static int print_array(const struct kexpr_env *env, const struct kexpr_value *v, bool hex,
		       int indent, FILE *out, struct kdk_err *err)
{
	struct kexpr_type elem = v->type;
	struct kexpr_value e;
	uint64_t esize, total;
	uint8_t *buf;
	uint32_t i;
	int rc;

	elem.is_array = false;
	elem.count = 0;
	esize = kexpr_type_size(env->btf, &elem);
	if (is_char_type(env->btf, &elem) && !hex) {
		if (!v->type.count)
			return print_c_string(env, v->addr, out, err);
		if (!(buf = malloc(v->type.count)))
			return kdk_err_set(err, ENOMEM, "array");
		if ((rc = env->read(env->ctx, v->addr, buf, v->type.count, err))) {
			free(buf);
			return rc;
		}
		total = v->type.count;
		/* trailing NULs: the last is the terminator, gdb shows the others */
		while (total && !buf[total - 1])
			total--;
		if (total < v->type.count)
			total = v->type.count - 1 > total ? v->type.count - 1 : total;
		print_string(buf, (size_t)total, out);
		free(buf);
		return 0;
	}
	if (!v->type.count) {
		fprintf(out, "0x%" PRIx64, v->addr);
		return 0;
	}
	if (esize * v->type.count > MAX_OBJECT)
		return kdk_err_set(err, EFBIG, "an array of %" PRIu64 " bytes: more than p prints",
				   esize * v->type.count);
	fputc('{', out);
	for (i = 0; i < v->type.count; i++) {
		if (i)
			fprintf(out, ", ");
		memset(&e, 0, sizeof(e));
		e.type = elem;
		e.lvalue = true;
		e.addr = v->addr + i * esize;
		if ((rc = print_at(env, &e, hex, indent + 2, false, out, err)))
			return rc;
	}
	fputc('}', out);
	return 0;
}

static int print_at(const struct kexpr_env *env, const struct kexpr_value *v, bool hex, int indent,
		    bool top, FILE *out, struct kdk_err *err)
{
	const struct kdk_btf *btf = env->btf;
	const struct kexpr_type *t = &v->type;
	uint64_t size = kexpr_type_size(btf, t), raw = 0;
	unsigned bits;
	uint8_t *data;
	int rc, kind;

	if (t->unknown)
		return kdk_err_set(err, EINVAL, "a symbol of unknown type (no debug info): cast it to its "
						"declared type, as \"(unsigned long)jiffies\", or give kcrash "
						"the vmlinux");
	if (t->is_array)
		return print_array(env, v, hex, indent, out, err);
	kind = t->ptr || t->builtin ? 0 : kdk_btf_kind(btf, kdk_btf_resolve(btf, t->id));
	if (t->ptr || t->builtin || kind == KDK_BTF_INT || kind == KDK_BTF_PTR || kind == KDK_BTF_ENUM ||
	    kind == KDK_BTF_ENUM64) {
		if (!v->lvalue) {
			raw = v->scalar;
			bits = size ? (unsigned)size * 8 : 64;
		} else if (v->bit_width) {
			size_t len = (v->bit_offset + v->bit_width + 7) / 8;

			if ((rc = env->read(env->ctx, v->addr, &raw, len > 8 ? 8 : len, err)))
				return rc;
			bits = v->bit_width;
			raw = (raw >> v->bit_offset) & (bits >= 64 ? ~0ULL : (1ULL << bits) - 1);
		} else {
			if (size > 8 || !size)
				return kdk_err_set(err, EINVAL, "a scalar of %" PRIu64 " bytes", size);
			if ((rc = env->read(env->ctx, v->addr, &raw, (size_t)size, err)))
				return rc;
			bits = (unsigned)size * 8;
		}
		if (is_pointer(btf, t))
			return print_pointer(env, t, raw, hex, top, out, err);
		if (bits < 64 && (raw >> (bits - 1)) & 1 &&
		    (t->builtin == KEXPR_INT || t->builtin == KEXPR_LONG || kind == KDK_BTF_ENUM ||
		     kind == KDK_BTF_ENUM64 ||
		     (kind == KDK_BTF_INT && (kdk_btf_int_encoding(btf, kdk_btf_resolve(btf, t->id)) >> 24) & 1)))
			raw |= ~0ULL << bits;
		print_number(btf, t, raw, bits, hex, out);
		return 0;
	}
	if (kind == 0)
		return kdk_err_set(err, EINVAL, "a void value");
	if (!v->lvalue)
		return kdk_err_set(err, EINVAL, "an aggregate that is not in memory");
	if (size > MAX_OBJECT)
		return kdk_err_set(err, EFBIG, "an object of %" PRIu64 " bytes: more than p prints", size);
	if (kind == KDK_BTF_FUNC_PROTO || kind == KDK_BTF_FUNC) {
		fprintf(out, "{<text variable>} 0x%" PRIx64, v->addr);
		if (env->name_addr)
			env->name_addr(env->ctx, v->addr, out);
		return 0;
	}
	if (!(data = malloc(size ? size : 1)))
		return kdk_err_set(err, ENOMEM, "%" PRIu64 " bytes", size);
	if ((rc = env->read(env->ctx, v->addr, data, (size_t)size, err))) {
		free(data);
		return rc;
	}
	kdk_btf_print_plain(btf, t->id, data, v->addr, hex, indent, out, env->name_addr, env->ctx);
	free(data);
	return 0;
}

int kexpr_print(const struct kexpr_env *env, const struct kexpr_value *v, bool hex, FILE *out,
		struct kdk_err *err)
{
	return print_at(env, v, hex, 0, true, out, err);
}
