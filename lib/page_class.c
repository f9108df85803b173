/* page_class.c — classify struct pages for dump-level filtering, from VMCOREINFO numbers only:
 * page flags by bit number, page types in both encodings the kernel has used. */
#include "page_class.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#define KEY(kind, name, field, have) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct kdk_page_layout, field, have)
const struct kdk_layout_key kdk_page_layout_keys[] = {
	KEY(SIZE, "page", page_size, have_page_size),
	KEY(OFFSET, "page.flags", off_flags, have_flags),
	KEY(OFFSET, "page.mapping", off_mapping, have_mapping),
	KEY(OFFSET, "page._mapcount", off_mapcount, have_mapcount),
	KEY(OFFSET, "page.private", off_private, have_private),
	KEY(OFFSET, "page.compound_head", off_compound_head, have_compound_head),
	KEY(OFFSET, "page.compound_dtor", off_compound_dtor, have_compound_dtor),
	KEY(NUMBER, "PG_lru", pg_lru, have_pg_lru),
	KEY(NUMBER, "PG_private", pg_private, have_pg_private),
	KEY(NUMBER, "PG_swapcache", pg_swapcache, have_pg_swapcache),
	KEY(NUMBER, "PG_swapbacked", pg_swapbacked, have_pg_swapbacked),
	KEY(NUMBER, "PG_slab", pg_slab, have_pg_slab),
	KEY(NUMBER, "PG_head_mask", pg_head_mask, have_pg_head_mask),
	KEY(NUMBER, "PG_hwpoison", pg_hwpoison, have_pg_hwpoison),
	KEY(NUMBER, "PAGE_BUDDY_MAPCOUNT_VALUE", buddy_type, have_buddy_type),
	KEY(NUMBER, "PAGE_OFFLINE_MAPCOUNT_VALUE", offline_type, have_offline_type),
	KEY(NUMBER, "PAGE_SLAB_MAPCOUNT_VALUE", slab_type, have_slab_type),
	KEY(NUMBER, "PAGE_HUGETLB_MAPCOUNT_VALUE", hugetlb_type, have_hugetlb_type),
	KEY(NUMBER, "HUGETLB_PAGE_DTOR", hugetlb_dtor, have_hugetlb_dtor),
	KEY(LENGTH, "zone.free_area", free_area_length, have_free_area_length),
	{ 0, NULL, 0, 0 },
};
#undef KEY

/* page->mapping with bit 0 set points to an anon_vma (anonymous, or KSM with bit 1 too). */
#define PAGE_MAPPING_ANON 0x1ULL

/* Until 6.11 a page type was a cleared bit in a page_type that starts as all ones, with
 * PAGE_TYPE_BASE in the top nibble; VMCOREINFO exports ~bit. Since 6.12 ("mm: store page
 * type in the top byte") the type is the top byte and VMCOREINFO exports type << 24, whose
 * low 24 bits are zero: the value itself tells which encoding the kernel uses. */
#define OLD_PAGE_TYPE_BASE 0xf0000000u

static bool has_page_type(uint32_t page_type, uint64_t exported)
{
	uint32_t value = (uint32_t)exported;

	if ((value & 0x00ffffffu) == 0)
		return (page_type >> 24) == (value >> 24);
	return (page_type & (OLD_PAGE_TYPE_BASE | ~value)) == OLD_PAGE_TYPE_BASE;
}

static uint64_t get_u64(const unsigned char *p, uint64_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p, uint64_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static bool flag_set(uint64_t flags, bool have, uint64_t bit)
{
	return have && bit < 64 && (flags & (1ULL << bit));
}

bool kdk_page_layout_walk_needed(const struct kdk_page_layout *l, unsigned dump_level)
{
	return (dump_level & (KDK_DL_CACHE | KDK_DL_CACHE_PRIVATE | KDK_DL_USER | KDK_DL_FREE)) ||
	       (l->have_pg_hwpoison && l->have_flags && l->have_page_size);
}

int kdk_page_layout_check(const struct kdk_page_layout *l, unsigned dump_level,
			  struct kdk_err *err)
{
	struct need { unsigned levels; bool have; const char *key; };
	const unsigned any = KDK_DL_CACHE | KDK_DL_CACHE_PRIVATE | KDK_DL_USER | KDK_DL_FREE;
	const unsigned cache = KDK_DL_CACHE | KDK_DL_CACHE_PRIVATE;
	const struct need needs[] = {
		{ any, l->have_page_size, "SIZE(page)" },
		{ any, l->have_flags, "OFFSET(page.flags)" },
		{ any, l->have_compound_head, "OFFSET(page.compound_head)" },
		{ cache | KDK_DL_USER, l->have_mapping, "OFFSET(page.mapping)" },
		{ cache, l->have_pg_lru, "NUMBER(PG_lru)" },
		{ cache, l->have_pg_swapcache, "NUMBER(PG_swapcache)" },
		{ cache, l->have_pg_private, "NUMBER(PG_private)" },
		{ KDK_DL_FREE, l->have_buddy_type, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)" },
		{ KDK_DL_FREE, l->have_mapcount, "OFFSET(page._mapcount)" },
		{ KDK_DL_FREE, l->have_private, "OFFSET(page.private)" },
	};
	size_t i;

	if (dump_level > KDK_DL_MAX)
		return kdk_err_set(err, EINVAL, "dump level %u is out of range (0-31)", dump_level);
	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if ((dump_level & needs[i].levels) && !needs[i].have)
			return kdk_err_set(err, ENOENT,
					   "dump level %u needs VMCOREINFO's %s, which this dump does not have",
					   dump_level, needs[i].key);
	if (l->have_page_size && (l->page_size < 8 || l->page_size > 1024))
		return kdk_err_set(err, EINVAL, "VMCOREINFO's SIZE(page)=%llu is not a struct page size",
				   (unsigned long long)l->page_size);
	return 0;
}

void kdk_page_classify(const struct kdk_page_layout *l, unsigned dump_level,
		       const unsigned char *page, const unsigned char *next,
		       struct kdk_page_info *info)
{
	uint64_t flags = l->have_flags ? get_u64(page, l->off_flags) : 0;
	uint64_t mapping = l->have_mapping ? get_u64(page, l->off_mapping) : 0;
	uint32_t page_type = l->have_mapcount ? get_u32(page, l->off_mapcount) : UINT32_MAX;
	bool slab, anon, cache, hugetlb = false;

	memset(info, 0, sizeof(*info));
	if (l->have_compound_head) {
		uint64_t head = get_u64(page, l->off_compound_head);
		if (head & 1) {
			info->page_class = KDK_PAGE_TAIL;
			info->head_vaddr = head - 1;
			return;
		}
	}
	slab = flag_set(flags, l->have_pg_slab, l->pg_slab) ||
	       (l->have_slab_type && l->have_mapcount && has_page_type(page_type, l->slab_type));

	if ((dump_level & KDK_DL_FREE) && !slab && l->have_buddy_type && l->have_mapcount &&
	    has_page_type(page_type, l->buddy_type)) {
		uint64_t order = l->have_private ? get_u64(page, l->off_private) : 0;
		/* An order past the buddy allocator's range is not a free block: keep the page. */
		if ((l->have_free_area_length && order >= l->free_area_length) || order >= 64)
			return;
		info->page_class = KDK_PAGE_FREE;
		info->order = (unsigned)order;
		return;
	}

	/* A slab page's mapping word belongs to struct slab (6.12 keeps bit 0 set there): slab
	 * pages are never cache or user data, whatever that word looks like. */
	anon = !slab && (mapping & PAGE_MAPPING_ANON);
	/* PG_swapcache means swap cache only together with PG_swapbacked (4.10+). */
	cache = !slab && (flag_set(flags, l->have_pg_lru, l->pg_lru) ||
			  (flag_set(flags, l->have_pg_swapcache, l->pg_swapcache) &&
			   (!l->have_pg_swapbacked || flag_set(flags, true, l->pg_swapbacked))));
	if (!slab && l->have_hugetlb_type && l->have_mapcount &&
	    has_page_type(page_type, l->hugetlb_type))
		hugetlb = true;
	if (!slab && l->have_hugetlb_dtor && l->have_compound_dtor && next &&
	    (flags & l->pg_head_mask) && l->off_compound_dtor < l->page_size &&
	    next[l->off_compound_dtor] == (unsigned char)l->hugetlb_dtor)
		hugetlb = true;

	if ((dump_level & KDK_DL_CACHE) && cache && !anon &&
	    !flag_set(flags, l->have_pg_private, l->pg_private))
		info->page_class = KDK_PAGE_CACHE;
	else if ((dump_level & KDK_DL_CACHE_PRIVATE) && cache && !anon)
		info->page_class = flag_set(flags, l->have_pg_private, l->pg_private)
					   ? KDK_PAGE_CACHE_PRIVATE : KDK_PAGE_CACHE;
	else if ((dump_level & KDK_DL_USER) && (anon || hugetlb))
		info->page_class = KDK_PAGE_USER;
	else if (flag_set(flags, l->have_pg_hwpoison, l->pg_hwpoison))
		info->page_class = KDK_PAGE_HWPOISON;
	else if (!slab && l->have_offline_type && l->have_mapcount &&
		 has_page_type(page_type, l->offline_type))
		info->page_class = KDK_PAGE_OFFLINE;
	else
		info->page_class = KDK_PAGE_KEEP;
}

const char *kdk_page_class_name(enum kdk_page_class page_class)
{
	static const char *const names[] = {
		[KDK_PAGE_KEEP] = "kept", [KDK_PAGE_FREE] = "free", [KDK_PAGE_CACHE] = "cache",
		[KDK_PAGE_CACHE_PRIVATE] = "cache private", [KDK_PAGE_USER] = "user",
		[KDK_PAGE_HWPOISON] = "hwpoison", [KDK_PAGE_OFFLINE] = "offline",
		[KDK_PAGE_TAIL] = "compound tail",
	};
	return (unsigned)page_class < sizeof(names) / sizeof(names[0]) ? names[page_class] : "?";
}
