/* page_class.c — classify struct pages for dump-level filtering from kernel numbers only (VMCOREINFO
 * or BTF): page flags by bit number, page types in every encoding since 4.18, both compound encodings. */
#include "page_class.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Rows with two names: VMCOREINFO's first, then the enumerator BTF has for the same fact
 * (enum pagetype's PGTY_* since 6.12, which VMCOREINFO exports shifted left by 24), or the name a
 * kernel renamed it from (page.compound_head became page.compound_info in 7.1). */
#define KEY(kind, name, field, have) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct kdk_page_layout, field, have)
const struct kdk_layout_key kdk_page_layout_keys[] = {
	KEY(SIZE, "page", page_size, have_page_size),
	KEY(OFFSET, "page.flags", off_flags, have_flags),
	KEY(OFFSET, "page.mapping", off_mapping, have_mapping),
	KEY(OFFSET, "page._mapcount", off_mapcount, have_mapcount),
	KEY(OFFSET, "page.private", off_private, have_private),
	KEY(OFFSET, "page.compound_info|page.compound_head", off_compound_head, have_compound_head),
	KEY(OFFSET, "page.compound_dtor", off_compound_dtor, have_compound_dtor),
	KEY(OFFSET, "folio._folio_dtor", off_folio_dtor, have_folio_dtor),
	KEY(NUMBER, "PG_lru", pg_lru, have_pg_lru),
	KEY(NUMBER, "PG_private", pg_private, have_pg_private),
	KEY(NUMBER, "PG_swapcache", pg_swapcache, have_pg_swapcache),
	KEY(NUMBER, "PG_swapbacked", pg_swapbacked, have_pg_swapbacked),
	KEY(NUMBER, "PG_slab", pg_slab, have_pg_slab),
	KEY(NUMBER, "PG_head_mask", pg_head_mask, have_pg_head_mask),
	KEY(NUMBER, "PG_hwpoison", pg_hwpoison, have_pg_hwpoison),
	KEY(NUMBER, "PG_hugetlb", pg_hugetlb, have_pg_hugetlb),
	KEY(NUMBER, "PAGE_BUDDY_MAPCOUNT_VALUE|PGTY_buddy", buddy_type, have_buddy_type),
	KEY(NUMBER, "PAGE_OFFLINE_MAPCOUNT_VALUE|PGTY_offline", offline_type, have_offline_type),
	KEY(NUMBER, "PAGE_SLAB_MAPCOUNT_VALUE|PGTY_slab", slab_type, have_slab_type),
	KEY(NUMBER, "PAGE_HUGETLB_MAPCOUNT_VALUE|PGTY_hugetlb", hugetlb_type, have_hugetlb_type),
	KEY(NUMBER, "PAGE_UNACCEPTED_MAPCOUNT_VALUE|PGTY_unaccepted", unaccepted_type,
	    have_unaccepted_type),
	KEY(NUMBER, "HUGETLB_PAGE_DTOR", hugetlb_dtor, have_hugetlb_dtor),
	KEY(LENGTH, "zone.free_area", free_area_length, have_free_area_length),
	{ 0, NULL, 0, 0 },
};
#undef KEY

/* page->mapping with bit 0 set points to an anon_vma (anonymous, or KSM with bit 1 too). */
#define PAGE_MAPPING_ANON 0x1ULL

/* Page types, as the exported value says (docs/formats/page-classes.md):
 * - top byte (6.12+, "mm: store page type in the top byte"): VMCOREINFO exports PGTY_x << 24, whose
 *   low 24 bits are zero; BTF's enum pagetype gives PGTY_x itself (0x80–0xff). The page has the
 *   type when page_type >> 24 equals it.
 * - cleared bit (4.18–6.11): page_type starts as all ones and a type clears one bit PG_x; VMCOREINFO
 *   exports ~PG_x. The kernel's test is (page_type & (PAGE_TYPE_BASE | PG_x)) == PAGE_TYPE_BASE,
 *   with PAGE_TYPE_BASE 0xf0000000 while the type bits sat low (PG_buddy 0x80 … PG_slab 0x1000)
 *   and 0x80000000 in 6.11 (PG_buddy 0x40000000 … PG_zsmalloc 0x01000000, commit "mm: allow reuse
 *   of the lower 16 bit of the page type with an actual type"). The base is the part of 0xf0000000
 *   above the highest type bit the kernel exports, so it is read from the values, not a version.
 * - one _mapcount value (before 4.18: PageBuddy() was _mapcount == PAGE_BUDDY_MAPCOUNT_VALUE, -128,
 *   include/linux/mm.h): a negative value with more than one bit cleared is compared whole. */
enum type_encoding { TYPE_NONE, TYPE_TOP_BYTE, TYPE_CLEARED_BIT, TYPE_EXACT };

static enum type_encoding decode_type(uint64_t exported, uint32_t *value)
{
	uint32_t v = (uint32_t)exported;

	if (exported >= 0x80 && exported <= 0xff) /* a PGTY_ enumerator from BTF */
		v = (uint32_t)exported << 24;
	if (v != 0 && (v & 0x00ffffffu) == 0) {
		*value = v >> 24;
		return TYPE_TOP_BYTE;
	}
	if (~v != 0 && (~v & (~v - 1)) == 0) { /* exactly one bit cleared */
		*value = ~v;
		return TYPE_CLEARED_BIT;
	}
	if (v & 0x80000000u) { /* a negative _mapcount value */
		*value = v;
		return TYPE_EXACT;
	}
	return TYPE_NONE;
}

static uint32_t page_type_base(const struct kdk_page_layout *l)
{
	const struct { bool have; uint64_t value; } types[] = {
		{ l->have_buddy_type, l->buddy_type }, { l->have_offline_type, l->offline_type },
		{ l->have_slab_type, l->slab_type }, { l->have_hugetlb_type, l->hugetlb_type },
		{ l->have_unaccepted_type, l->unaccepted_type },
	};
	uint32_t highest = 0, bit;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].have && decode_type(types[i].value, &bit) == TYPE_CLEARED_BIT && bit > highest)
			highest = bit;
	if (highest == 0 || highest >= 0x80000000u)
		return 0;
	return 0xf0000000u & ~((highest << 1) - 1);
}

void kdk_page_layout_derive(struct kdk_page_layout *l)
{
	l->type_base = page_type_base(l);
	l->have_type_base = true;
}

static bool has_page_type(const struct kdk_page_layout *l, uint32_t page_type, bool have,
			  uint64_t exported)
{
	uint32_t value, base;

	if (!have || !l->have_mapcount)
		return false;
	switch (decode_type(exported, &value)) {
	case TYPE_TOP_BYTE:
		return (page_type >> 24) == value;
	case TYPE_CLEARED_BIT:
		base = l->have_type_base ? l->type_base : page_type_base(l);
		return base != 0 && (page_type & (base | value)) == base;
	case TYPE_EXACT:
		return page_type == value;
	case TYPE_NONE:
		break;
	}
	return false;
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

/* A flag by bit number. Numbers of 64 and more are not page flags: BTF's NUMBER(PG_slab) and
 * NUMBER(PG_hugetlb) are enum pagetype values on kernels where those became page types. */
static bool flag_set(uint64_t flags, bool have, uint64_t bit)
{
	return have && bit < 64 && (flags & (1ULL << bit));
}

bool kdk_page_layout_walk_needed(const struct kdk_page_layout *l, unsigned dump_level)
{
	return (dump_level & (KDK_DL_CACHE | KDK_DL_CACHE_PRIVATE | KDK_DL_USER | KDK_DL_FREE)) ||
	       (l->have_pg_hwpoison && l->have_flags && l->have_page_size);
}

bool kdk_page_layout_head_needs_next(const struct kdk_page_layout *l)
{
	return (l->have_hugetlb_dtor && (l->have_compound_dtor || l->have_folio_dtor)) ||
	       (l->have_pg_hugetlb && l->pg_hugetlb < 64);
}

struct need { unsigned levels; bool have; const char *key; };

#define ANY_WALK (KDK_DL_CACHE | KDK_DL_CACHE_PRIVATE | KDK_DL_USER | KDK_DL_FREE)
#define CACHE_BITS (KDK_DL_CACHE | KDK_DL_CACHE_PRIVATE)

/* What each level bit needs; fills needs[] and returns how many rows. */
static size_t level_needs(const struct kdk_page_layout *l, struct need *needs)
{
	const struct need rows[] = {
		{ ANY_WALK, l->have_page_size, "SIZE(page)" },
		{ ANY_WALK, l->have_flags, "OFFSET(page.flags)" },
		{ ANY_WALK, l->have_compound_head,
		  "OFFSET(page.compound_info) or OFFSET(page.compound_head)" },
		{ CACHE_BITS | KDK_DL_USER, l->have_mapping, "OFFSET(page.mapping)" },
		{ CACHE_BITS, l->have_pg_lru, "NUMBER(PG_lru)" },
		{ CACHE_BITS, l->have_pg_swapcache, "NUMBER(PG_swapcache)" },
		{ CACHE_BITS, l->have_pg_private, "NUMBER(PG_private)" },
		{ KDK_DL_FREE, l->have_buddy_type, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)" },
		{ KDK_DL_FREE, l->have_mapcount, "OFFSET(page._mapcount)" },
		{ KDK_DL_FREE, l->have_private, "OFFSET(page.private)" },
	};
	memcpy(needs, rows, sizeof(rows));
	return sizeof(rows) / sizeof(rows[0]);
}
#define MAX_NEEDS 10

static bool page_size_sane(const struct kdk_page_layout *l)
{
	return !l->have_page_size || (l->page_size >= 8 && l->page_size <= 1024);
}

int kdk_page_layout_check(const struct kdk_page_layout *l, unsigned dump_level,
			  struct kdk_err *err)
{
	struct need needs[MAX_NEEDS];
	size_t i, n = level_needs(l, needs);

	if (dump_level > KDK_DL_MAX)
		return kdk_err_set(err, EINVAL, "dump level %u is out of range (0-31)", dump_level);
	for (i = 0; i < n; i++)
		if ((dump_level & needs[i].levels) && !needs[i].have)
			return kdk_err_set(err, ENOENT,
					   "dump level %u needs VMCOREINFO's %s, which this dump does not have",
					   dump_level, needs[i].key);
	if (!page_size_sane(l))
		return kdk_err_set(err, EINVAL, "VMCOREINFO's SIZE(page)=%llu is not a struct page size",
				   (unsigned long long)l->page_size);
	return 0;
}

unsigned kdk_page_layout_best_level(const struct kdk_page_layout *l, unsigned wanted,
				    struct kdk_err *why)
{
	struct need needs[MAX_NEEDS];
	size_t i, n = level_needs(l, needs), used = 0;
	unsigned level = wanted & KDK_DL_MAX, dropped = 0;
	char missing[KDK_ERR_MSG_MAX] = "";

	for (i = 0; i < n; i++) {
		if (!(level & needs[i].levels) || needs[i].have)
			continue;
		dropped |= level & needs[i].levels;
		if (used < sizeof(missing)) {
			int w = snprintf(missing + used, sizeof(missing) - used, "%s%s",
					 used ? ", " : "", needs[i].key);
			used += w > 0 ? (size_t)w : 0;
		}
	}
	if ((level & ANY_WALK & ~dropped) && !page_size_sane(l)) {
		dropped |= level & ANY_WALK;
		if (used < sizeof(missing))
			snprintf(missing + used, sizeof(missing) - used, "%sa struct page size (SIZE(page)=%llu)",
				 used ? ", " : "", (unsigned long long)l->page_size);
	}
	level &= ~dropped;
	if (dropped && why)
		kdk_err_set(why, ENOENT, "dump level %u lowered to %u (bits %u dropped): no %s",
			    wanted & KDK_DL_MAX, level, dropped, missing);
	return level;
}

uint64_t kdk_page_tail_head(const struct kdk_page_info *info, uint64_t tail_vaddr)
{
	return info->head_mask ? tail_vaddr & info->head_mask : info->head_vaddr;
}

/* A tail's compound_head/compound_info word, bit 0 set. Before 7.1 the rest is the head's address.
 * 7.1 ("compound_info") stores, when struct page's size is a power of two and the vmemmap may be
 * optimised, a mask instead: head = tail address & info (seen on 7.2.13: 0xffffffffffffc001 in
 * the tails of an order-8 folio of 64-byte struct pages). A mask is all ones down to some bit k
 * ≥ 1 and zeros below it — never a struct page address, which lies inside the vmemmap area and not
 * in the address space's top 2^k bytes. */
static void decode_tail(uint64_t word, struct kdk_page_info *info)
{
	uint64_t rest = word & ~1ULL, low = ~rest;

	info->page_class = KDK_PAGE_TAIL;
	if (rest != 0 && (low & (low + 1)) == 0)
		info->head_mask = rest;
	else
		info->head_vaddr = rest;
}

/* Hugetlb on a compound head, in the encoding the kernel exports: a page type (6.9+), PG_hugetlb in
 * the first tail's flags (6.7–6.8), or HUGETLB_PAGE_DTOR in the first tail's destructor byte
 * (page.compound_dtor ≤ 6.5; folio._folio_dtor, counted from the head, in 6.6). */
static bool is_hugetlb(const struct kdk_page_layout *l, uint64_t flags, uint32_t page_type,
		       const unsigned char *next)
{
	bool head = l->have_pg_head_mask && (flags & l->pg_head_mask);

	if (has_page_type(l, page_type, l->have_hugetlb_type, l->hugetlb_type))
		return true;
	if (!head || !next)
		return false;
	if (l->have_pg_hugetlb && l->pg_hugetlb < 64 && l->have_flags &&
	    flag_set(get_u64(next, l->off_flags), true, l->pg_hugetlb))
		return true;
	if (l->have_hugetlb_dtor && l->have_compound_dtor && l->off_compound_dtor < l->page_size &&
	    next[l->off_compound_dtor] == (unsigned char)l->hugetlb_dtor)
		return true;
	if (l->have_hugetlb_dtor && l->have_folio_dtor && l->off_folio_dtor >= l->page_size &&
	    l->off_folio_dtor < 2 * l->page_size &&
	    next[l->off_folio_dtor - l->page_size] == (unsigned char)l->hugetlb_dtor)
		return true;
	return false;
}

void kdk_page_classify(const struct kdk_page_layout *l, unsigned dump_level,
		       const unsigned char *page, const unsigned char *next,
		       struct kdk_page_info *info)
{
	uint64_t flags = l->have_flags ? get_u64(page, l->off_flags) : 0;
	uint64_t mapping = l->have_mapping ? get_u64(page, l->off_mapping) : 0;
	uint32_t page_type = l->have_mapcount ? get_u32(page, l->off_mapcount) : UINT32_MAX;
	bool slab, anon, cache, hugetlb;

	memset(info, 0, sizeof(*info));
	if (l->have_compound_head) {
		uint64_t word = get_u64(page, l->off_compound_head);
		if (word & 1) {
			decode_tail(word, info);
			return;
		}
	}
	slab = flag_set(flags, l->have_pg_slab, l->pg_slab) ||
	       has_page_type(l, page_type, l->have_slab_type, l->slab_type);

	if ((dump_level & KDK_DL_FREE) && !slab &&
	    has_page_type(l, page_type, l->have_buddy_type, l->buddy_type)) {
		uint64_t order = l->have_private ? get_u64(page, l->off_private) : 0;
		/* An order past the buddy allocator's range is not a free block: keep the page. */
		if ((l->have_free_area_length && order >= l->free_area_length) || order >= 64)
			return;
		info->page_class = KDK_PAGE_FREE;
		info->order = (unsigned)order;
		return;
	}
	/* Unaccepted memory (never touched by this kernel; reading it can fault in a confidential
	 * guest) comes in blocks of MAX_PAGE_ORDER, typed on the first page (mm/page_alloc.c
	 * __free_unaccepted); MAX_PAGE_ORDER is LENGTH(zone.free_area) - 1. */
	if ((dump_level & KDK_DL_FREE) && !slab &&
	    has_page_type(l, page_type, l->have_unaccepted_type, l->unaccepted_type)) {
		info->page_class = KDK_PAGE_FREE;
		if (l->have_free_area_length && l->free_area_length >= 1 && l->free_area_length <= 64)
			info->order = (unsigned)(l->free_area_length - 1);
		return;
	}

	/* A slab page's mapping word belongs to struct slab (6.12 keeps bit 0 set there): slab
	 * pages are never cache or user data, whatever that word looks like. */
	anon = !slab && (mapping & PAGE_MAPPING_ANON);
	/* PG_swapcache means swap cache only together with PG_swapbacked (4.10+). */
	cache = !slab && (flag_set(flags, l->have_pg_lru, l->pg_lru) ||
			  (flag_set(flags, l->have_pg_swapcache, l->pg_swapcache) &&
			   (!l->have_pg_swapbacked || flag_set(flags, true, l->pg_swapbacked))));
	hugetlb = !slab && is_hugetlb(l, flags, page_type, next);

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
	else if (!slab && has_page_type(l, page_type, l->have_offline_type, l->offline_type))
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
