/* btf_format.h — BTF types written as C: "struct list_head tasks", "char comm[16]",
 * "void (*fn)(struct callback_head *)", and whole struct definitions the way crash's `struct`
 * shows them (with -o: each member's byte offset). */
#ifndef KDK_BTF_FORMAT_H
#define KDK_BTF_FORMAT_H

#include <stdbool.h>
#include <stdio.h>

#include "btf.h"

/* One character inside gdb's quotes (quote: '"' in a string, '\'' in a char): printable ones as
 * they are, the quote and backslash escaped, \a \b \t \n \v \f \r by name, the rest in octal.
 * true if it was printed as an octal escape. */
bool kdk_btf_put_char(FILE *out, unsigned char c, char quote);

/* n characters of a string inside gdb's quotes (the quotes not printed): as kdk_btf_put_char,
 * and a digit right after an octal escape in octal too, as gdb prints it ("\214\064", not
 * "\2144", which a reader would take for one escape). */
void kdk_btf_put_chars(FILE *out, const uint8_t *s, size_t n, char quote);

/* A declaration of `name` (may be "") with type id, into buf. */
void kdk_btf_declaration(const struct kdk_btf *btf, uint32_t id, const char *name, char *buf,
			 size_t size);

/* "struct NAME {" … "}" with "SIZE: n"; offsets: "[off] " before each member. */
void kdk_btf_print_struct(const struct kdk_btf *btf, uint32_t id, bool offsets, FILE *out);
/* The same with each member's address in an object at addr ("  [ffff…] type name;"), as crash's
 * `struct -o NAME ADDRESS`. */
void kdk_btf_print_struct_at(const struct kdk_btf *btf, uint32_t id, uint64_t addr, FILE *out);

/* The value of a `type` object whose bytes are data (kdk_btf_size bytes), as gdb prints it:
 * "struct NAME {\n  member = value,\n  …\n}"; addr is where data lives. name_addr names addresses ("0x… <sym>") when
 * non-NULL (function pointers). */
void kdk_btf_print_value(const struct kdk_btf *btf, uint32_t id, const uint8_t *data, uint64_t addr,
			 FILE *out, void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx);

/* One member's value: "  name = value". */
void kdk_btf_print_member_value(const struct kdk_btf *btf, uint32_t id, const char *name,
				const uint8_t *data, uint64_t addr, FILE *out,
				void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx);

/* gdb's "print elements" as crash sets it for p, task and list: a char array shows this many
 * characters, then "...". Its struct command shows them all: the _limit forms with 0. */
#define KDK_BTF_CHAR_LIMIT 256
void kdk_btf_print_value_limit(const struct kdk_btf *btf, uint32_t id, const uint8_t *data,
			       uint64_t addr, uint32_t char_limit, FILE *out,
			       void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx);
void kdk_btf_print_member_value_limit(const struct kdk_btf *btf, uint32_t id, const char *name,
				      const uint8_t *data, uint64_t addr, uint32_t char_limit,
				      FILE *out, void (*name_addr)(void *ctx, uint64_t addr, FILE *out),
				      void *ctx);

/* The value alone, as gdb's print shows it after "$N = " ("{\n  member = value,\n…}", a number, a
 * string), members indented from indent; hex: numbers in hex (gdb's print/x). */
void kdk_btf_print_plain(const struct kdk_btf *btf, uint32_t id, const uint8_t *data, uint64_t addr,
			 bool hex, int indent, FILE *out,
			 void (*name_addr)(void *ctx, uint64_t addr, FILE *out), void *ctx);

#endif
