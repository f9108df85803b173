/* mem_map.h — where a page frame's struct page is: sparsemem (SPARSEMEM_EXTREME, as every
 * x86_64 distribution kernel) through mem_section, all sizes from VMCOREINFO. */
#ifndef KDK_MEM_MAP_H
#define KDK_MEM_MAP_H

#include <stdint.h>

#include "kdk_err.h"
#include "kdk_kmem.h"
#include "kdk_layout.h"

struct kdk_mem_map_layout {
	uint64_t mem_section;        /* SYMBOL(mem_section): the array of section roots */
	uint64_t nr_roots;           /* LENGTH(mem_section) */
	uint64_t mem_section_size;   /* SIZE(mem_section) */
	uint64_t off_section_mem_map;/* OFFSET(mem_section.section_mem_map) */
	uint64_t section_size_bits;  /* NUMBER(SECTION_SIZE_BITS) */
	uint64_t max_physmem_bits;   /* NUMBER(MAX_PHYSMEM_BITS) */
	uint64_t page_struct_size;   /* SIZE(page) */
};

extern const struct kdk_layout_key kdk_mem_map_layout_keys[];

struct kdk_mem_map {
	struct kdk_mem_map_layout layout;
	kdk_read_virt_fn read_virt;
	void *read_ctx;
	unsigned pfn_section_shift;  /* SECTION_SIZE_BITS - PAGE_SHIFT */
	uint64_t sections_per_root;
	uint64_t map_mask;           /* clears section_mem_map's flag bits */
	uint64_t cached_root_nr;     /* UINT64_MAX when empty */
	uint64_t cached_root;        /* the root's address (0: no sections there) */
	uint64_t cached_section_nr;  /* UINT64_MAX when empty */
	uint64_t cached_mem_map;     /* decoded: struct page of pfn = cached_mem_map + pfn * size; 0: none */
};

int kdk_mem_map_init(struct kdk_mem_map *mm, const struct kdk_mem_map_layout *layout,
		     unsigned page_shift, kdk_read_virt_fn read_virt, void *read_ctx,
		     struct kdk_err *err);

/* The struct page of pfn; -ENOENT (err set) when its section has no mem_map. */
int kdk_mem_map_page_addr(struct kdk_mem_map *mm, uint64_t pfn, uint64_t *page_vaddr,
			  struct kdk_err *err);

/* Frames per section: a read of struct pages never needs to cross a section. */
static inline uint64_t kdk_mem_map_section_pages(const struct kdk_mem_map *mm)
{
	return 1ULL << mm->pfn_section_shift;
}

#endif
