/* page_class.h — what a struct page says about its frame, for dump levels: free (buddy), page
 * cache, private cache, user (anonymous, hugetlb), hwpoison, offline, or kernel data to keep.
 * Numbers come from VMCOREINFO or BTF; each encoding since 4.18 is told apart by its values. */
#ifndef KDK_PAGE_CLASS_H
#define KDK_PAGE_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_err.h"
#include "kdk_layout.h"

/* makedumpfile's dump-level bits (-d N). */
enum kdk_dump_level_bit {
	KDK_DL_ZERO = 1,          /* pages filled with zeros */
	KDK_DL_CACHE = 2,         /* page cache, not private */
	KDK_DL_CACHE_PRIVATE = 4, /* page cache, private too */
	KDK_DL_USER = 8,          /* user process data */
	KDK_DL_FREE = 16,         /* free pages */
	KDK_DL_MAX = 31,
};

struct kdk_page_layout {
	uint64_t page_size;            /* SIZE(page) */
	uint64_t off_flags;            /* OFFSET(page.flags) */
	uint64_t off_mapping;          /* OFFSET(page.mapping) */
	uint64_t off_mapcount;         /* OFFSET(page._mapcount): also page_type */
	uint64_t off_private;          /* OFFSET(page.private): the buddy order */
	uint64_t off_compound_head;    /* OFFSET(page.compound_info) (7.1+) or page.compound_head:
					* bit 0 marks a tail; the rest is the head's address, or a
					* mask that gives it from the tail's address */
	uint64_t off_compound_dtor;    /* OFFSET(page.compound_dtor), in the first tail (≤ 6.5) */
	uint64_t off_folio_dtor;       /* OFFSET(folio._folio_dtor): from the head (6.6) */
	uint64_t pg_lru, pg_private, pg_swapcache, pg_swapbacked;
	uint64_t pg_slab;              /* NUMBER(PG_slab) (≤ 6.9; later a page type) */
	uint64_t pg_head_mask;         /* NUMBER(PG_head_mask) */
	uint64_t pg_hwpoison;          /* NUMBER(PG_hwpoison) */
	uint64_t pg_hugetlb;           /* NUMBER(PG_hugetlb): a flag of the first tail (6.7–6.8) */
	uint64_t buddy_type;           /* NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE) or PGTY_buddy */
	uint64_t offline_type;         /* NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE) or PGTY_offline */
	uint64_t slab_type;            /* NUMBER(PAGE_SLAB_MAPCOUNT_VALUE) (6.10+) or PGTY_slab */
	uint64_t hugetlb_type;         /* NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE) (6.9+) or PGTY_hugetlb */
	uint64_t unaccepted_type;      /* NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE) or PGTY_unaccepted */
	uint64_t hugetlb_dtor;         /* NUMBER(HUGETLB_PAGE_DTOR) (≤ 6.6) */
	uint64_t free_area_length;     /* LENGTH(zone.free_area): orders are below it */
	bool have_page_size, have_flags, have_mapping, have_mapcount, have_private;
	bool have_compound_head, have_compound_dtor, have_folio_dtor;
	bool have_pg_lru, have_pg_private, have_pg_swapcache, have_pg_swapbacked, have_pg_slab;
	bool have_pg_head_mask, have_pg_hwpoison, have_pg_hugetlb;
	bool have_buddy_type, have_offline_type, have_slab_type, have_hugetlb_type;
	bool have_unaccepted_type, have_hugetlb_dtor;
	bool have_free_area_length;
	/* Derived once by kdk_page_layout_derive(), not read from the dump: the cleared-bit page
	 * types' PAGE_TYPE_BASE (page_class.c), so classifying a page does not recompute it. */
	uint32_t type_base;
	bool have_type_base;
};

/* The VMCOREINFO keys of struct kdk_page_layout, all optional: kdk_page_layout_check() says
 * which ones a dump level needs. */
extern const struct kdk_layout_key kdk_page_layout_keys[];

/* Work out what the filled layout implies (the page-type base) once, before pages are classified;
 * kdk_page_classify() computes it per call on a layout that was not derived. */
void kdk_page_layout_derive(struct kdk_page_layout *layout);

/* Refuse a dump level the layout cannot serve (-ENOENT), naming the missing key. Levels 0 and 1
 * need nothing from VMCOREINFO. */
int kdk_page_layout_check(const struct kdk_page_layout *layout, unsigned dump_level,
			  struct kdk_err *err);

/* The largest subset of wanted's bits the layout can serve: only the bits whose facts are
 * missing are dropped (31 → 15 when only the free-page facts are missing); bits 0 and 1 are always
 * possible. When a bit is dropped, why (may be NULL) says which bits and names the missing keys;
 * otherwise why is left alone. */
unsigned kdk_page_layout_best_level(const struct kdk_page_layout *layout, unsigned wanted,
				    struct kdk_err *why);

enum kdk_page_class {
	KDK_PAGE_KEEP = 0,      /* kernel data, slab, page tables, …: always dumped */
	KDK_PAGE_FREE,          /* a free buddy block (or unaccepted memory) of 1 << order frames */
	KDK_PAGE_CACHE,         /* page cache, not private */
	KDK_PAGE_CACHE_PRIVATE, /* page cache with private data (buffer heads…) */
	KDK_PAGE_USER,          /* anonymous or hugetlb: user process data */
	KDK_PAGE_HWPOISON,      /* a poisoned frame: never read it */
	KDK_PAGE_OFFLINE,       /* logically offline (ballooned out) */
	KDK_PAGE_TAIL,          /* part of a compound page: classify through its head */
};

struct kdk_page_info {
	enum kdk_page_class page_class;
	unsigned order;         /* KDK_PAGE_FREE: frames in the block = 1 << order */
	uint64_t head_vaddr;    /* KDK_PAGE_TAIL, pointer encoding: the head's struct page */
	uint64_t head_mask;     /* KDK_PAGE_TAIL, mask encoding (7.1+): head = tail address & mask */
};

/* The struct page address of a tail's head, given the tail's own struct page address. */
uint64_t kdk_page_tail_head(const struct kdk_page_info *info, uint64_t tail_vaddr);

/* Whether classifying a compound head needs the struct page after it (the hugetlb destructor or
 * PG_hugetlb lives in the first tail on kernels ≤ 6.8). */
bool kdk_page_layout_head_needs_next(const struct kdk_page_layout *layout);

/* Classify one struct page (layout->page_size bytes) for a dump level: the first class, in
 * makedumpfile's order (free, cache, private cache, user, hwpoison, offline), that the level
 * excludes; KDK_PAGE_KEEP if none. Hwpoison and offline frames are excluded at every level that
 * reads struct pages (reading a poisoned frame can machine-check). `next` is the following
 * struct page (a compound head's destructor lives there on kernels ≤ 6.8), or NULL.
 * A tail page gives KDK_PAGE_TAIL: classify its head (kdk_page_tail_head) and apply the head's
 * class to it. Unaccepted memory is excluded with free pages (level bit 16). */
void kdk_page_classify(const struct kdk_page_layout *layout, unsigned dump_level,
		       const unsigned char *page, const unsigned char *next,
		       struct kdk_page_info *info);

/* Whether the dump level needs struct pages: any of cache/user/free, or a kernel that exports
 * PG_hwpoison (poisoned frames must be skipped even at level 0). */
bool kdk_page_layout_walk_needed(const struct kdk_page_layout *layout, unsigned dump_level);

const char *kdk_page_class_name(enum kdk_page_class page_class);

#endif
