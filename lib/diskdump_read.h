/* diskdump_read.h — the kdump-compressed reader: the kdk_format_diskdump row (our files,
 * makedumpfile's, QEMU's) and the hooks the flattened row uses to read the same layout. */
#ifndef KDK_DISKDUMP_READ_H
#define KDK_DISKDUMP_READ_H

#include <stddef.h>
#include <stdint.h>

#include "diskdump_format.h"
#include "kdk_dump.h"
#include "kdk_err.h"

extern const struct kdk_dump_format kdk_format_diskdump;

/* Where the reader gets the bytes of a kdump-compressed image: the file itself, or a
 * flattened stream read through its record index (lib/flattened.c). */
struct kdk_diskdump_source {
	uint64_t size;     /* bytes of the image (reassembled size for a flattened stream) */
	/* Exactly len bytes at offset; offset + len ≤ size is checked by the caller. */
	int (*read)(void *ctx, uint64_t offset, void *buf, size_t len, struct kdk_err *err);
	void (*release)(void *ctx);   /* called when the dump closes, or when opening fails */
	void *ctx;
};

/* Open the image in src as dump's content: headers, bitmaps, notes, VMCOREINFO, pfn ranges.
 * Takes src->ctx over (released on error too). dump->path names the file in messages. */
int kdk_diskdump_open_source(struct kdk_dump *dump, const struct kdk_diskdump_source *src,
			     struct kdk_err *err);
/* kdk_format_diskdump's read_page and close, shared with kdk_format_flattened. */
int kdk_diskdump_read_page(struct kdk_dump *dump, uint64_t pfn, void *buf, struct kdk_err *err);
void kdk_diskdump_close(struct kdk_dump *dump);

/* The headers as read (NULL when dump is not kdump-compressed or flattened). The sub-header's
 * fields that the file's header_version does not have read as 0. Note: QEMU 7.2 writes
 * sub-header phys_base parsed as hex from VMCOREINFO's decimal: trust NUMBER(phys_base). */
const struct kdk_disk_dump_header *kdk_diskdump_header(const struct kdk_dump *dump);
const struct kdk_kdump_sub_header *kdk_diskdump_sub_header(const struct kdk_dump *dump);

/* 1 if pfn is set in the second bitmap (the dump has a descriptor for it), 0 if not, -EINVAL
 * if dump is not kdump-compressed. dump->ranges are the first bitmap (memory present). */
int kdk_diskdump_pfn_dumped(const struct kdk_dump *dump, uint64_t pfn);

#endif
