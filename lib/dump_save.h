/* dump_save.h — saving a dump in the kdump-compressed format: the dump level's filter run window
 * by window (bounded memory whatever the machine's size), pages read, zero pages shared, the
 * rest compressed by worker threads while the next pages are read and earlier ones written
 * (output identical for any thread count). The page data goes in save order: the kernel image
 * first, then from both ends of memory inward (the top holds memblock's early allocations:
 * per-CPU areas, page tables, struct pages; the bottom the buddy allocator's first pages: the
 * first tasks), so that a dump a full disk cut short keeps what a reader needs first; the
 * descriptors stay in pfn order, as the format wants. */
#ifndef KDK_DUMP_SAVE_H
#define KDK_DUMP_SAVE_H

#include <stdint.h>

#include "diskdump_write.h"
#include "elf_write.h"
#include "dump_filter.h"
#include "kdk_dump.h"
#include "kdk_out.h"
#include "page_codec.h"

struct kdk_save_params {
	enum kdk_codec codec;
	unsigned num_threads;        /* 0: the caller reads, compresses and writes each batch;
				      * N: a pipeline — the caller reads, N threads compress, a
				      * writer thread writes (progress is then called from it) */
	uint64_t window_pfns;        /* frames per filter window; 0: the default (1 GiB of frames) */
	/* Called now and then with pages written so far and the total; may be NULL. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
	/* kdump-compressed: the kernel image's frames, saved first; end_pfn 0: not known. Save
	 * order applies when both bitmaps of the dump fit the bits cache (64 GiB of 4 KiB frames);
	 * larger dumps are saved in pfn order. */
	struct kdk_pfn_range first;
};

/* The ELF note that lists unreadable pages: name, type (docs/formats/elf-vmcore.md). */
#define KDK_NOTE_NAME "KDUMPKIT"
#define KDK_NOTE_UNREADABLE 1

/* Room for the list of unreadable runs in a message (the count is always whole). */
#define KDK_UNREADABLE_TEXT 1024

/* Kept pages the source could not give (EIO on /proc/vmcore, a truncated copy): saved marked
 * unreadable, never dropped silently and never passed off as zeros — kdump-compressed: a page
 * descriptor with offset 0 and size 0; ELF: left out of every PT_LOAD and listed in a KDUMPKIT
 * note (docs/formats/kdump-compressed.md, elf-vmcore.md). */
struct kdk_unreadable_run {
	uint64_t start_pfn, end_pfn;    /* end exclusive */
	int code;                       /* the first page's errno */
};

struct kdk_unreadable {
	uint64_t pages;                 /* frames marked */
	uint64_t ranges;                /* runs of consecutive ones */
	uint64_t listed;                /* runs that text holds */
	struct kdk_array runs;          /* the save's own: struct kdk_unreadable_run, as found (pages
					 * may come out of pfn order); empty once the save returns */
	char first_error[KDK_ERR_MSG_MAX];
	/* "0xSTART-0xEND (pfns 0xA-0xB, PATH offsets 0xX-0xY): why; …" — physical bytes, ends
	 * inclusive; the source's file offsets where it is an ELF file. */
	char text[KDK_UNREADABLE_TEXT];
};

struct kdk_save_stats {
	struct kdk_filter_stats filter; /* from the last pass */
	struct kdk_unreadable unreadable;
	uint64_t pages_dumped;          /* descriptors written (zero pages included) */
	uint64_t zero_pages;            /* of those, sharing the zero block */
	uint64_t bytes_written;
	/* Seconds each step took, as makedumpfile's report gives them ("STEP [...]"): the pass
	 * over struct pages that decides what is kept, the bitmaps (kdump-compressed only), and
	 * the pages read, compressed and written (to the sink: the final sync is the caller's). */
	double exclude_seconds, bitmap_seconds, copy_seconds;
};

/* Count the frames the filter keeps (a pass over struct pages only). */
int kdk_save_count(struct kdk_filter *filter, uint64_t max_pfn, uint64_t window_pfns,
		   uint64_t *kept, struct kdk_err *err);

/* Write dump to sink as kdump-compressed. header holds what the caller knows from VMCOREINFO
 * (utsname, timestamp, nr_cpus, phys_base, notes, vmcoreinfo); page_size, max_pfn, dump_level,
 * codec and pages_to_dump are filled here. On error the sink holds a dump marked incomplete. */
int kdk_save_kdump(struct kdk_dump *dump, struct kdk_filter *filter,
		   const struct kdk_diskdump_params *header, struct kdk_out *sink,
		   const struct kdk_save_params *params, struct kdk_save_stats *stats,
		   struct kdk_err *err);

/* Write dump to sink as an ELF vmcore: the dump's notes, one PT_LOAD per run of kept frames.
 * With dump level bit 1, zero pages are left out too (read twice: counted, then written). */
int kdk_save_elf(struct kdk_dump *dump, struct kdk_filter *filter, struct kdk_out *sink,
		 const struct kdk_elf_text *text, const struct kdk_save_params *params,
		 struct kdk_save_stats *stats, struct kdk_err *err);

#endif
