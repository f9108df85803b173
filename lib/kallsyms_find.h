/* kallsyms_find.h — where the kernel's kallsyms tables are in a dump. Since Linux 6.0 VMCOREINFO
 * says (SYMBOL(kallsyms_names) and the rest); before, they are found in the kernel image itself
 * by their shape (docs/formats/kallsyms.md, "Kernels before 6.0"). Either way the decoder
 * (kallsyms.c) then checks the result against VMCOREINFO's SYMBOL(_stext). */
#ifndef KDK_KALLSYMS_FIND_H
#define KDK_KALLSYMS_FIND_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"
#include "kdk_kmem.h"
#include "vmcoreinfo.h"

enum kdk_kallsyms_array_kind {
	KDK_KALLSYMS_OFFSETS,      /* kallsyms_offsets: s32 per symbol */
	KDK_KALLSYMS_ADDRESSES,    /* kallsyms_addresses: u64 per symbol */
};

/* Where the per-symbol address array may start; the decoder tries each in turn. */
struct kdk_kallsyms_array {
	enum kdk_kallsyms_array_kind kind;
	uint64_t addr;
};

#define KDK_KALLSYMS_ARRAY_CANDIDATES 3

struct kdk_kallsyms_tables {
	uint64_t num_syms, names, token_table, token_index;   /* kernel virtual addresses */
	int have_relative_base;
	uint64_t relative_base;                                /* address of the u64 */
	struct kdk_kallsyms_array arrays[KDK_KALLSYMS_ARRAY_CANDIDATES];
	size_t nr_arrays;
	const char *found_by;      /* "VMCOREINFO" or "the kernel image" */
};

/* How far past _stext the image is searched: text and read-only data of any distribution
 * kernel (the tables are in .rodata). */
#define KDK_KALLSYMS_SCAN_BYTES (256ULL << 20)

/* The tables VMCOREINFO names; ENOENT naming the first missing key. */
int kdk_kallsyms_tables_from_vmcoreinfo(const struct kdk_vmcoreinfo *vi,
					 struct kdk_kallsyms_tables *t, struct kdk_err *err);

/* Search [stext, stext + scan_bytes) — up to the first address that does not read — for the
 * token table and index, then the markers, names, symbol count and address array before them
 * in the order scripts/kallsyms.c wrote them until 6.0. ENOENT when no candidate checks out. */
int kdk_kallsyms_tables_find(uint64_t stext, uint64_t scan_bytes, kdk_read_virt_fn read,
			     void *ctx, struct kdk_kallsyms_tables *t, struct kdk_err *err);

#endif
