/* mem_map.c — pfn → struct page through SPARSEMEM_EXTREME's two-level mem_section table
 * (include/linux/mmzone.h), with the last root and section remembered. */
#include "mem_map.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct kdk_mem_map_layout, field)
const struct kdk_layout_key kdk_mem_map_layout_keys[] = {
	KEY(SYMBOL, "mem_section", mem_section),
	KEY(LENGTH, "mem_section", nr_roots),
	KEY(SIZE, "mem_section", mem_section_size),
	KEY(OFFSET, "mem_section.section_mem_map", off_section_mem_map),
	KEY(NUMBER, "SECTION_SIZE_BITS", section_size_bits),
	KEY(NUMBER, "MAX_PHYSMEM_BITS", max_physmem_bits),
	KEY(SIZE, "page", page_struct_size),
	{ 0, NULL, 0, 0 },
};
#undef KEY

/* section_mem_map's low bits are flags; these two have kept their meaning since 2.6. */
#define SECTION_MARKED_PRESENT 0x1ULL
#define SECTION_HAS_MEM_MAP 0x2ULL

int kdk_mem_map_init(struct kdk_mem_map *mm, const struct kdk_mem_map_layout *l,
		     unsigned page_shift, kdk_read_virt_fn read_virt, void *read_ctx,
		     struct kdk_err *err)
{
	uint64_t align, section_bytes;

	memset(mm, 0, sizeof(*mm));
	mm->layout = *l;
	mm->read_virt = read_virt;
	mm->read_ctx = read_ctx;
	mm->cached_root_nr = UINT64_MAX;
	mm->cached_section_nr = UINT64_MAX;
	if (l->section_size_bits <= page_shift || l->section_size_bits >= 64 ||
	    l->max_physmem_bits > 64 || l->max_physmem_bits < l->section_size_bits)
		return kdk_err_set(err, EINVAL,
				   "VMCOREINFO: SECTION_SIZE_BITS=%llu and MAX_PHYSMEM_BITS=%llu do not describe sparsemem",
				   (unsigned long long)l->section_size_bits,
				   (unsigned long long)l->max_physmem_bits);
	if (l->mem_section_size == 0 || l->mem_section_size > (1ULL << page_shift) ||
	    l->off_section_mem_map + 8 > l->mem_section_size || l->page_struct_size == 0)
		return kdk_err_set(err, EINVAL, "VMCOREINFO: SIZE(mem_section)=%llu is not usable",
				   (unsigned long long)l->mem_section_size);
	mm->pfn_section_shift = (unsigned)(l->section_size_bits - page_shift);
	mm->sections_per_root = (1ULL << page_shift) / l->mem_section_size;
	/* SPARSEMEM_EXTREME: roots × sections per root cover every possible section. */
	if (l->nr_roots * mm->sections_per_root != 1ULL << (l->max_physmem_bits - l->section_size_bits))
		return kdk_err_set(err, ENOTSUP,
				   "mem_section: %llu roots of %llu sections do not cover 2^%llu sections; only SPARSEMEM_EXTREME is supported",
				   (unsigned long long)l->nr_roots,
				   (unsigned long long)mm->sections_per_root,
				   (unsigned long long)(l->max_physmem_bits - l->section_size_bits));
	/* The encoded pointer (mem_map - first pfn of the section) is aligned to the smaller of
	 * a page (mem_map arrays are page aligned) and a section's worth of struct pages. */
	align = 1ULL << page_shift;
	section_bytes = (1ULL << mm->pfn_section_shift) * l->page_struct_size;
	if (section_bytes < align)
		align = section_bytes & -section_bytes;
	mm->map_mask = ~(align - 1);
	return 0;
}

int kdk_mem_map_page_addr(struct kdk_mem_map *mm, uint64_t pfn, uint64_t *page_vaddr,
			  struct kdk_err *err)
{
	const struct kdk_mem_map_layout *l = &mm->layout;
	uint64_t section_nr = pfn >> mm->pfn_section_shift;
	int rc;

	if (section_nr != mm->cached_section_nr) {
		uint64_t root_nr = section_nr / mm->sections_per_root;
		uint64_t coded = 0;

		if (root_nr >= l->nr_roots)
			return kdk_err_set(err, ENOENT, "pfn 0x%llx is past the last memory section",
					   (unsigned long long)pfn);
		if (root_nr != mm->cached_root_nr) {
			rc = mm->read_virt(mm->read_ctx, l->mem_section + root_nr * 8, &mm->cached_root,
					   8, err);
			if (rc < 0)
				return kdk_err_prefix(err, "mem_section root %llu: ",
						      (unsigned long long)root_nr);
			mm->cached_root_nr = root_nr;
		}
		if (mm->cached_root) {
			uint64_t section = mm->cached_root +
				(section_nr % mm->sections_per_root) * l->mem_section_size;
			rc = mm->read_virt(mm->read_ctx, section + l->off_section_mem_map, &coded, 8, err);
			if (rc < 0)
				return kdk_err_prefix(err, "mem_section %llu: ",
						      (unsigned long long)section_nr);
		}
		mm->cached_section_nr = section_nr;
		mm->cached_mem_map = (coded & SECTION_MARKED_PRESENT) && (coded & SECTION_HAS_MEM_MAP)
					     ? coded & mm->map_mask : 0;
	}
	if (!mm->cached_mem_map)
		return kdk_err_set(err, ENOENT, "pfn 0x%llx: memory section %llu has no mem_map",
				   (unsigned long long)pfn, (unsigned long long)section_nr);
	*page_vaddr = mm->cached_mem_map + pfn * l->page_struct_size;
	return 0;
}
