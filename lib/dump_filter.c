/* dump_filter.c — per-window dump-level filtering: holes from the dump's pfn ranges, then each
 * present frame's struct page classified; free buddy blocks and compound pages span frames. */
#include "dump_filter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Struct pages read at a time: 512 × 64 bytes = 32 KiB. */
#define PAGES_PER_CHUNK 512

static void set_bit(unsigned char *bits, uint64_t i) { bits[i / 8] |= (unsigned char)(1u << (i % 8)); }

static bool is_compound_head(const struct kdk_page_layout *l, const unsigned char *page)
{
	uint64_t flags;
	memcpy(&flags, page + l->off_flags, sizeof(flags));
	return l->have_pg_head_mask && (flags & l->pg_head_mask);
}

/* The end of the last memory section with a mem_map: frames above it are memory the kernel did
 * not use (mem=, firmware regions the dump carries). As makedumpfile, the dump ends there. */
static int find_memory_end(struct kdk_filter *f, struct kdk_err *err)
{
	uint64_t section_pages = kdk_mem_map_section_pages(&f->mem_map);
	uint64_t section = f->dump->max_pfn ? (f->dump->max_pfn - 1) / section_pages + 1 : 0;
	uint64_t vaddr;
	int rc;

	while (section-- > 0) {
		rc = kdk_mem_map_page_addr(&f->mem_map, section * section_pages, &vaddr, err);
		if (rc == 0) {
			uint64_t end = (section + 1) * section_pages;
			if (end < f->memory_end_pfn)
				f->memory_end_pfn = end;
			return 0;
		}
		if (rc != -ENOENT)
			return rc;
	}
	return 0; /* no section has a mem_map: no limit */
}

int kdk_filter_init(struct kdk_filter *f, struct kdk_dump *dump, unsigned dump_level,
		    const struct kdk_page_layout *page_layout,
		    const struct kdk_mem_map_layout *mem_map_layout, kdk_read_virt_fn read_virt,
		    void *read_ctx, struct kdk_err *err)
{
	static const struct kdk_page_layout no_layout;
	unsigned page_shift;
	int rc;

	memset(f, 0, sizeof(*f));
	f->dump = dump;
	f->dump_level = dump_level;
	f->read_virt = read_virt;
	f->read_ctx = read_ctx;
	f->page_layout = page_layout ? *page_layout : no_layout;
	kdk_page_layout_derive(&f->page_layout);
	f->head_vaddr = UINT64_MAX;
	if ((rc = kdk_page_layout_check(&f->page_layout, dump_level, err)) < 0)
		return rc;
	f->walk = page_layout && mem_map_layout && read_virt &&
		  kdk_page_layout_walk_needed(&f->page_layout, dump_level);
	f->memory_end_pfn = dump->max_pfn;
	if (mem_map_layout && read_virt) {
		if (dump->page_size == 0 || (dump->page_size & (dump->page_size - 1)))
			return kdk_err_set(err, EINVAL, "%s: page size %u is not a power of two",
					   dump->path, dump->page_size);
		page_shift = (unsigned)__builtin_ctz(dump->page_size);
		rc = kdk_mem_map_init(&f->mem_map, mem_map_layout, page_shift, read_virt, read_ctx, err);
		if (rc == 0)
			rc = find_memory_end(f, err);
		/* Levels that need no struct page go on without the limit. */
		if (rc < 0 && f->walk)
			return rc;
	}
	if (!f->walk)
		return 0;
	f->pages = malloc(PAGES_PER_CHUNK * f->page_layout.page_size);
	f->head = malloc(2 * f->page_layout.page_size);
	if (!f->pages || !f->head) {
		kdk_filter_free(f);
		return kdk_err_set(err, ENOMEM, "out of memory for struct page buffers");
	}
	return 0;
}

void kdk_filter_rewind(struct kdk_filter *f)
{
	f->free_until_pfn = 0;
	f->pages_count = 0;
	f->head_vaddr = UINT64_MAX;
	f->unreadable_until_pfn = 0;
	kdk_err_clear(&f->unreadable_err);
	memset(&f->stats, 0, sizeof(f->stats));
}

/* A struct page (or its compound head) that cannot be read does not fail the dump: the frames of
 * that chunk are kept unfiltered, counted, and the first error remembered for the report. */
static void keep_unreadable(struct kdk_filter *f, uint64_t pfn, uint64_t stop, struct kdk_err *err)
{
	uint64_t until = (pfn | (PAGES_PER_CHUNK - 1)) + 1;

	if (err && !f->unreadable_err.code)
		f->unreadable_err = *err;
	if (err)
		kdk_err_clear(err);
	f->unreadable_until_pfn = until < stop ? until : stop;
}

void kdk_filter_free(struct kdk_filter *f)
{
	free(f->pages);
	free(f->head);
	f->pages = NULL;
	f->head = NULL;
}

/* The struct page of pfn, reading a chunk that stays inside pfn's memory section. NULL with
 * -ENOENT when the section has no mem_map. */
static const unsigned char *struct_page(struct kdk_filter *f, uint64_t pfn, uint64_t limit_pfn,
					int *rc, struct kdk_err *err)
{
	uint64_t size = f->page_layout.page_size, section_end, vaddr, count;

	if (pfn >= f->pages_first_pfn && pfn < f->pages_first_pfn + f->pages_count)
		return f->pages + (pfn - f->pages_first_pfn) * size;
	if ((*rc = kdk_mem_map_page_addr(&f->mem_map, pfn, &vaddr, err)) < 0)
		return NULL;
	section_end = (pfn | (kdk_mem_map_section_pages(&f->mem_map) - 1)) + 1;
	count = PAGES_PER_CHUNK;
	if (count > section_end - pfn)
		count = section_end - pfn;
	if (count > limit_pfn - pfn)
		count = limit_pfn - pfn;
	if ((*rc = f->read_virt(f->read_ctx, vaddr, f->pages, count * size, err)) < 0) {
		f->pages_count = 0;
		kdk_err_prefix(err, "struct page of pfn 0x%llx: ", (unsigned long long)pfn);
		return NULL;
	}
	f->pages_first_pfn = pfn;
	f->pages_count = count;
	return f->pages;
}

/* A compound tail takes its head's class; the last head is remembered (tails come in runs). */
static int classify_head(struct kdk_filter *f, uint64_t head_vaddr, struct kdk_page_info *info,
			 struct kdk_err *err)
{
	uint64_t size = f->page_layout.page_size;
	int rc;

	if (head_vaddr != f->head_vaddr || f->head_level != f->dump_level) {
		if ((rc = f->read_virt(f->read_ctx, head_vaddr, f->head, 2 * size, err)) < 0)
			return kdk_err_prefix(err, "compound head at 0x%llx: ",
					      (unsigned long long)head_vaddr);
		kdk_page_classify(&f->page_layout, f->dump_level, f->head, f->head + size,
				  &f->head_info);
		/* A head that claims to be a tail is corrupt: keep its tails. */
		if (f->head_info.page_class == KDK_PAGE_TAIL || f->head_info.page_class == KDK_PAGE_FREE)
			f->head_info.page_class = KDK_PAGE_KEEP;
		f->head_vaddr = head_vaddr;
		f->head_level = f->dump_level;
	}
	*info = f->head_info;
	return 0;
}

int kdk_filter_window(struct kdk_filter *f, uint64_t start_pfn, uint64_t count,
		      unsigned char *present, unsigned char *keep, struct kdk_err *err)
{
	const struct kdk_array *ranges = &f->dump->ranges;
	uint64_t end_pfn = start_pfn + count, size = f->page_layout.page_size;
	size_t r;
	int rc = 0;

	if (start_pfn % 8)
		return kdk_err_set(err, EINVAL, "filter window starts at pfn 0x%llx, not a multiple of 8",
				   (unsigned long long)start_pfn);
	memset(present, 0, (count + 7) / 8);
	memset(keep, 0, (count + 7) / 8);
	for (r = 0; r < ranges->len; r++) {
		const struct kdk_pfn_range *range = kdk_array_at(ranges, r);
		uint64_t pfn = range->start_pfn > start_pfn ? range->start_pfn : start_pfn;
		uint64_t stop = range->end_pfn < end_pfn ? range->end_pfn : end_pfn;

		if (stop > f->memory_end_pfn)
			stop = f->memory_end_pfn;

		for (; pfn < stop; pfn++) {
			struct kdk_page_info info;
			const unsigned char *page;
			uint64_t i = pfn - start_pfn;

			set_bit(present, i);
			f->stats.present++;
			if (!f->walk) {
				set_bit(keep, i);
				continue;
			}
			if (pfn < f->unreadable_until_pfn) {
				f->stats.unreadable++;
				set_bit(keep, i);
				continue;
			}
			if (pfn < f->free_until_pfn) {
				f->stats.excluded[KDK_PAGE_FREE]++;
				continue;
			}
			page = struct_page(f, pfn, stop, &rc, err);
			if (!page && rc != -ENOENT) {
				keep_unreadable(f, pfn, stop, err);
				f->stats.unreadable++;
				set_bit(keep, i);
				continue;
			}
			if (!page) {
				/* No struct page to judge by (a section without mem_map below the
				 * memory's end): keep the frame, as makedumpfile does. */
				f->stats.no_mem_map++;
				set_bit(keep, i);
				continue;
			}
			kdk_page_classify(&f->page_layout, f->dump_level, page,
					  pfn + 1 < f->pages_first_pfn + f->pages_count ? page + size : NULL,
					  &info);
			/* A compound head at the end of the chunk: its destructor or PG_hugetlb is in
			 * the next struct page (kernels ≤ 6.8), so read the two together. */
			if (info.page_class == KDK_PAGE_KEEP &&
			    kdk_page_layout_head_needs_next(&f->page_layout) &&
			    pfn + 1 >= f->pages_first_pfn + f->pages_count &&
			    is_compound_head(&f->page_layout, page)) {
				uint64_t vaddr;
				if ((rc = kdk_mem_map_page_addr(&f->mem_map, pfn, &vaddr, err)) < 0 ||
				    (rc = classify_head(f, vaddr, &info, err)) < 0)
					info.page_class = KDK_PAGE_KEEP;   /* kept, as it was */
				if (err)
					kdk_err_clear(err);
			}
			if (info.page_class == KDK_PAGE_TAIL) {
				uint64_t tail_vaddr = 0;
				/* 7.1+ may store a mask: the head comes from the tail's address. */
				if ((info.head_mask &&
				     kdk_mem_map_page_addr(&f->mem_map, pfn, &tail_vaddr, err) < 0) ||
				    classify_head(f, kdk_page_tail_head(&info, tail_vaddr), &info, err) < 0) {
					keep_unreadable(f, pfn, pfn + 1, err);
					f->stats.unreadable++;
					set_bit(keep, i);
					continue;
				}
			}
			if (info.page_class == KDK_PAGE_FREE) {
				f->free_until_pfn = pfn + (1ULL << info.order);
				f->stats.excluded[KDK_PAGE_FREE]++;
				continue;
			}
			if (info.page_class == KDK_PAGE_KEEP) {
				set_bit(keep, i);
				continue;
			}
			f->stats.excluded[info.page_class]++;
		}
	}
	return 0;
}
