/* vmcoreinfo.h — the VMCOREINFO note parsed into one table: SYMBOL/OFFSET/SIZE/LENGTH/NUMBER
 * keys with their values, and the other keys (OSRELEASE, BUILD-ID, CRASHTIME, …) as strings.
 * Lookups say "not present" explicitly. */
#ifndef KDK_VMCOREINFO_H
#define KDK_VMCOREINFO_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"
#include "kdk_layout.h"

struct kdk_vmcoreinfo_entry {
	char *key;                   /* "SYMBOL(init_uts_ns)", "OSRELEASE", … as in the note */
	char *value;                 /* text after '=' */
};

struct kdk_vmcoreinfo {
	struct kdk_array entries;    /* struct kdk_vmcoreinfo_entry, in note order */
	unsigned malformed_lines;    /* lines without '=' or with an empty key: skipped */
};

/* Parse len bytes of VMCOREINFO text (need not be NUL-terminated). */
int kdk_vmcoreinfo_parse(const char *text, size_t len, struct kdk_vmcoreinfo *vi,
			 struct kdk_err *err);
void kdk_vmcoreinfo_free(struct kdk_vmcoreinfo *vi);

/* The value text of a key ("OSRELEASE", "SYMBOL(prb)"), or NULL when absent. */
const char *kdk_vmcoreinfo_string(const struct kdk_vmcoreinfo *vi, const char *key);

/* Typed lookups: 0, -ENOENT when absent, -EINVAL when the value is not a number.
 * SYMBOL values are hex; OFFSET/SIZE/LENGTH decimal; NUMBER decimal (may be negative, stored
 * as two's complement) or 0x-prefixed hex (6.12's VMALLOC_START). */
int kdk_vmcoreinfo_symbol(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value);
int kdk_vmcoreinfo_offset(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value);
int kdk_vmcoreinfo_size(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value);
int kdk_vmcoreinfo_length(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value);
int kdk_vmcoreinfo_number(const struct kdk_vmcoreinfo *vi, const char *name, int64_t *value);

/* kdk_layout_lookup_fn over a struct kdk_vmcoreinfo (pass it as ctx). */
int kdk_vmcoreinfo_layout_lookup(void *vi, enum kdk_layout_kind kind, const char *name,
				 uint64_t *value);

#endif
