/* dump_filter.h — which page frames a dump keeps at a dump level: one pass over a window of
 * pfns at a time (bounded memory, as makedumpfile's cyclic mode), reading struct pages through
 * mem_map and classifying them (page_class). Zero pages are left to the writer, which sees data. */
#ifndef KDK_DUMP_FILTER_H
#define KDK_DUMP_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_dump.h"
#include "kdk_err.h"
#include "kdk_kmem.h"
#include "mem_map.h"
#include "page_class.h"

struct kdk_filter_stats {
	uint64_t present;                  /* frames the dump holds */
	uint64_t excluded[KDK_PAGE_TAIL];  /* frames excluded, by class (KEEP unused) */
	uint64_t no_mem_map;               /* present frames no struct page describes: kept */
	uint64_t unreadable;               /* present frames whose struct page could not be read:
					    * kept, unfiltered (a dump is never lost to them) */
};

struct kdk_filter {
	struct kdk_dump *dump;
	unsigned dump_level;
	bool walk;                         /* struct pages are read at this level */
	struct kdk_page_layout page_layout;
	struct kdk_mem_map mem_map;
	kdk_read_virt_fn read_virt;
	void *read_ctx;
	uint64_t free_until_pfn;           /* a free buddy block that runs past the last window */
	uint64_t memory_end_pfn;           /* frames from here on are not the kernel's memory */
	unsigned char *pages;              /* a chunk of struct pages */
	uint64_t pages_first_pfn, pages_count;
	uint64_t head_vaddr;               /* the last compound head looked up */
	unsigned char *head;               /* its struct page and the one after it */
	struct kdk_page_info head_info;
	unsigned head_level;
	uint64_t unreadable_until_pfn;     /* frames kept unfiltered after a failed read */
	struct kdk_err unreadable_err;     /* the first such read's error (code 0: none) */
	struct kdk_filter_stats stats;
};

/* Set up filtering of dump at dump_level. page_layout and mem_map_layout come from VMCOREINFO
 * (NULL when the dump has none: then only levels 0 and 1 are possible). */
int kdk_filter_init(struct kdk_filter *f, struct kdk_dump *dump, unsigned dump_level,
		    const struct kdk_page_layout *page_layout,
		    const struct kdk_mem_map_layout *mem_map_layout, kdk_read_virt_fn read_virt,
		    void *read_ctx, struct kdk_err *err);

/* Start over from pfn 0 (a second pass over the same dump gives the same bits). */
void kdk_filter_rewind(struct kdk_filter *f);

/* Bits for [start_pfn, start_pfn + count): present[] gets 1 for frames the dump holds (the
 * diskdump's first bitmap), keep[] 1 for frames kept at the dump level (the second). Bit i is
 * bit i%8 of byte i/8. start_pfn must be a multiple of 8 and windows must come in order. */
int kdk_filter_window(struct kdk_filter *f, uint64_t start_pfn, uint64_t count,
		      unsigned char *present, unsigned char *keep, struct kdk_err *err);

void kdk_filter_free(struct kdk_filter *f);

#endif
