/* kexpr.h — C expressions over a kernel's memory, typed from BTF, for kcrash's `p`: globals,
 * members (. ->), [i], & and *, casts, sizeof, + - * / % << >> & | ^ and pointer arithmetic. */
#ifndef KDK_KEXPR_H
#define KDK_KEXPR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "btf.h"
#include "kdk_err.h"

/* Integer types an expression makes itself (literals, arithmetic, sizeof), when not BTF's. */
enum kexpr_builtin { KEXPR_BTF = 0, KEXPR_INT, KEXPR_UINT, KEXPR_LONG, KEXPR_ULONG };

/* A type: BTF type `id` (0 = void) or a builtin, under `ptr` levels of pointer, the whole an array
 * of `count` when is_array (count 0: size unknown, as `char linux_banner[]`). */
struct kexpr_type {
	uint32_t id;
	uint8_t builtin;
	uint8_t ptr;
	bool is_array;
	uint32_t count;
	bool unknown;              /* a symbol without type information (gdb's "no debug info") */
	bool base_const, base_volatile; /* qualifiers of the base type (after the last pointer),
					 * where the type came from DWARF (whatis declares them) */
};

/* An evaluated value: an object in kernel memory (lvalue, at addr; a bitfield within it when
 * bit_width) or a computed scalar in `scalar`. */
struct kexpr_value {
	struct kexpr_type type;
	bool lvalue;
	uint64_t addr;
	unsigned bit_offset, bit_width;
	uint64_t scalar;
};

/* What the evaluator asks of its caller: kernel memory, and a symbol's address with its type
 * when known (*type zeroed with .unknown set when not). */
struct kexpr_env {
	const struct kdk_btf *btf;
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len, struct kdk_err *err);
	int (*symbol)(void *ctx, const char *name, uint64_t *addr, struct kexpr_type *type,
		      struct kdk_err *err);
	/* names an address for printing (" <sym+off>"); may be NULL */
	void (*name_addr)(void *ctx, uint64_t addr, FILE *out);
	void *ctx;
};

/* Evaluate `text`; errors name the offending token and its column. */
int kexpr_eval(const struct kexpr_env *env, const char *text, struct kexpr_value *out,
	       struct kdk_err *err);

/* Whether text is one identifier (crash prints "name = $N = …" for those). */
bool kexpr_is_identifier(const char *text);

/* Parse a C type name ("struct task_struct *", "unsigned long", "u64") against BTF. */
int kexpr_parse_type(const struct kdk_btf *btf, const char *text, struct kexpr_type *type,
		     struct kdk_err *err);

/* Member `name` of struct/union `id` (anonymous members searched, as C does): its offset in bits,
 * type and bitfield width (0: not a bitfield); false when there is none. */
bool kexpr_member(const struct kdk_btf *btf, uint32_t id, const char *name, uint64_t *bits,
		  uint32_t *type, unsigned *width);

/* Size in bytes of a type (0 for void/unknown). */
uint64_t kexpr_type_size(const struct kdk_btf *btf, const struct kexpr_type *type);
/* The type written as C ("struct list_head *", "unsigned long"). */
void kexpr_type_name(const struct kdk_btf *btf, const struct kexpr_type *type, char *buf,
		     size_t size);

/* Print a value as gdb's print does, after "$N = ": scalars, "(struct x *) 0x… <sym>", char
 * arrays as strings, structs as "{\n  member = value,\n…}". hex: every integer in hex (px). */
int kexpr_print(const struct kexpr_env *env, const struct kexpr_value *v, bool hex, FILE *out,
		struct kdk_err *err);

#endif
