/* kdk_layout.h — kernel-structure access as data: a module declares the VMCOREINFO keys it needs
 * (SYMBOL/OFFSET/SIZE/LENGTH/NUMBER) as a table of rows, each naming a field of its layout struct;
 * one filler looks them all up and names the first required key that is missing. */
#ifndef KDK_LAYOUT_H
#define KDK_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

enum kdk_layout_kind {
	KDK_KEY_SYMBOL,   /* SYMBOL(name)=hex address */
	KDK_KEY_OFFSET,   /* OFFSET(struct.member)=decimal */
	KDK_KEY_SIZE,     /* SIZE(name)=decimal */
	KDK_KEY_LENGTH,   /* LENGTH(name)=decimal */
	KDK_KEY_NUMBER,   /* NUMBER(name)=decimal (may be negative) or 0x… hex */
	/* No VMCOREINFO key has these; BTF and DWARF answer them for any member, bitfields too:
	 * BIT_OFFSET(struct.member) its offset in bits from the struct's start, BIT_SIZE(…) its
	 * width in bits (8 × its size when it is no bitfield). */
	KDK_KEY_BIT_OFFSET,
	KDK_KEY_BIT_SIZE,
};

/* Marks "no presence flag": the key is required. */
#define KDK_LAYOUT_REQUIRED ((size_t)-1)

struct kdk_layout_key {
	enum kdk_layout_kind kind;
	const char *name;        /* as VMCOREINFO spells it inside the parentheses; names a kernel
				  * renamed are alternatives "new|old", tried in that order */
	size_t field;            /* offsetof(layout, value field); a uint64_t (NUMBERs as two's complement) */
	size_t present;          /* offsetof(layout, bool flag) for optional keys, else KDK_LAYOUT_REQUIRED */
};

#define KDK_LAYOUT_KEY(kind, name, type, field) \
	{ kind, name, offsetof(type, field), KDK_LAYOUT_REQUIRED }
#define KDK_LAYOUT_OPTIONAL(kind, name, type, field, flag) \
	{ kind, name, offsetof(type, field), offsetof(type, flag) }

/* A source of key values (VMCOREINFO today; BTF or DWARF later). Returns 0, or -ENOENT. */
typedef int (*kdk_layout_lookup_fn)(void *ctx, enum kdk_layout_kind kind, const char *name,
				    uint64_t *value);

/* Fill layout from the rows of keys (terminated by a row with a NULL name). A row's name may list
 * alternatives ("page.compound_info|page.compound_head"): the first one the lookup knows fills the
 * field. A missing required key fails with ENOENT and a message naming every alternative, e.g.
 * "VMCOREINFO has no OFFSET(page.compound_info) or OFFSET(page.compound_head)". */
int kdk_layout_fill(const struct kdk_layout_key *keys, void *layout, kdk_layout_lookup_fn lookup,
		    void *lookup_ctx, struct kdk_err *err);

/* Look one row up, its alternatives in order: 0 with *value, and the alternative that answered in
 * answered (may be NULL; always terminated), or -ENOENT. For callers that report which name a
 * source knew (a row's name itself may hold "a|b" and is no single key). */
int kdk_layout_lookup_key(const struct kdk_layout_key *key, kdk_layout_lookup_fn lookup, void *ctx,
			  uint64_t *value, char *answered, size_t answered_size);

/* Write "OFFSET(a) or OFFSET(b)" for a row's name into buf (always terminated). */
void kdk_layout_key_describe(enum kdk_layout_kind kind, const char *name, char *buf, size_t size);

/* "SYMBOL", "OFFSET", … */
const char *kdk_layout_kind_name(enum kdk_layout_kind kind);

#endif
