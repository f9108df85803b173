/* diskdump_write.h — a streaming kdump-compressed writer in bounded memory: bitmaps window by
 * window, then already-compressed pages in pfn order, through a kdk_out (file or flattened). */
#ifndef KDK_DISKDUMP_WRITE_H
#define KDK_DISKDUMP_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "diskdump_format.h"
#include "kdk_err.h"
#include "kdk_out.h"
#include "page_codec.h"

struct kdk_diskdump_params {
	uint32_t page_size;               /* bytes, a power of two: also the block size */
	uint64_t max_pfn;                 /* one past the highest pfn the bitmaps describe */
	struct kdk_new_utsname utsname;   /* crash wants machine "x86_64"; release from OSRELEASE */
	int64_t timestamp_sec;            /* crash time (VMCOREINFO CRASHTIME), 0 if unknown */
	int64_t timestamp_usec;
	int32_t nr_cpus;
	uint64_t phys_base;
	int32_t dump_level;               /* bit 0 (KDK_DL_EXCLUDE_ZERO): zero pages share one block */
	const void *notes;                /* raw ELF note bytes, copied into the sub-header area */
	size_t notes_size;
	const char *vmcoreinfo;           /* VMCOREINFO text; pointed to inside the notes when the
					   * notes carry it byte for byte, else stored after them */
	size_t vmcoreinfo_size;
	enum kdk_codec codec;             /* its flag goes into the header's status */
	uint64_t pages_to_dump;           /* bits that will be set in the second bitmap */
};

struct kdk_diskdump_writer;

/* Write the main header (marked KDK_DH_COMPRESSED_INCOMPLETE) and the sub-header area. The
 * sink stays the caller's: it is neither finished nor released by the writer. */
int kdk_diskdump_write_open(struct kdk_diskdump_writer **out, struct kdk_out *sink,
			    const struct kdk_diskdump_params *params, struct kdk_err *err);

/* Bitmap bits for [start_pfn, start_pfn + count): present = the first bitmap (pfns backed by
 * memory), dumped = the second (pfns whose page follows). Bit i is bit i%8 of byte i/8.
 * Windows come in order, without gaps, starting at 0; start_pfn is a multiple of 8 and only
 * the last window (ending at max_pfn) may have a count that is not. */
int kdk_diskdump_write_bitmaps(struct kdk_diskdump_writer *w, uint64_t start_pfn, uint64_t count,
			       const unsigned char *present, const unsigned char *dumped,
			       struct kdk_err *err);

/* Page descriptors are in pfn order (the n-th page the second bitmap keeps has the n-th), but
 * their data may lie in any order: a save may write the pages a reader needs first (the kernel
 * image, then the top of memory) so that a dump cut short by a full disk still opens. Seek puts
 * the pages that follow at descriptor `index` (0-based, < pages announced); pages after it go
 * in increasing pfn order until the next seek. Each page must be written exactly once. */
int kdk_diskdump_write_seek(struct kdk_diskdump_writer *w, uint64_t index, struct kdk_err *err);
/* The descriptor index the next page gets without a seek. */
uint64_t kdk_diskdump_write_next_index(const struct kdk_diskdump_writer *w);

/* The next dumped page, in increasing pfn order since the last seek: size bytes (1..page_size)
 * stored with page descriptor flags 0 (raw: size == page_size) or the codec's flag —
 * kdk_page_compress output. */
int kdk_diskdump_write_page(struct kdk_diskdump_writer *w, uint64_t pfn, const void *data,
			    uint32_t size, uint32_t flags, struct kdk_err *err);

/* The next dumped page is all zeros: its descriptor points at the shared zero block. Only when
 * the dump level has KDK_DL_EXCLUDE_ZERO (as makedumpfile, which writes the block only then). */
int kdk_diskdump_write_zero_page(struct kdk_diskdump_writer *w, uint64_t pfn,
				 struct kdk_err *err);

/* The next dumped page could not be read from the source: its descriptor says so (offset 0,
 * size 0: crash reports "page incomplete" there, lib/diskdump_read.c an EIO naming the pfn). */
int kdk_diskdump_write_unreadable_page(struct kdk_diskdump_writer *w, uint64_t pfn,
				       struct kdk_err *err);

/* Flush, check that every bitmap window and every counted page came, sync the sink, then
 * rewrite the header without the incomplete flag and sync again. Frees w whatever happens;
 * on error the output stays marked incomplete. */
int kdk_diskdump_write_finish(struct kdk_diskdump_writer *w, struct kdk_err *err);

/* Free w without finishing: what was written stays, marked incomplete. */
void kdk_diskdump_write_abort(struct kdk_diskdump_writer *w);

/* Bytes written so far (including buffered), for progress and statistics. */
uint64_t kdk_diskdump_write_size(const struct kdk_diskdump_writer *w);

#endif
