/* x86_64_vtop.c — kernel virtual address translation for x86_64 dumps: the kernel-text
 * shortcut through phys_base, the direct map's through page_offset_base, and a 4/5-level
 * page-table walk with one cached table per level. */
#include "x86_64_vtop.h"

#include <errno.h>
#include <string.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ULL << PAGE_SHIFT)
#define ENTRY_PRESENT 0x1ULL
#define ENTRY_LARGE 0x80ULL          /* PS: a 1 GiB (PUD) or 2 MiB (PMD) page */
#define ENTRY_ADDR_MASK 0x000ffffffffff000ULL
#define DEFAULT_KERNEL_IMAGE_SIZE (1ULL << 30)
#define PUD_SIZE (1ULL << 30)

/* The direct map's fixed base where the kernel does not randomize it (page_64_types.h'
 * __PAGE_OFFSET_BASE_L4/_L5), newest first: 4.20 moved both by 512 GiB (the LDT remap). */
static const uint64_t fixed_direct_map_l4[] = { 0xffff888000000000ULL, 0xffff880000000000ULL };
static const uint64_t fixed_direct_map_l5[] = { 0xff11000000000000ULL, 0xff10000000000000ULL };

static const char *const level_names[] = { "PTE", "PMD", "PUD", "P4D", "PML5" };

static int in_kernel_text(const struct kdk_x86_64_vtop *vt, uint64_t vaddr)
{
	uint64_t size = vt->paging.kernel_image_size ? vt->paging.kernel_image_size
						     : DEFAULT_KERNEL_IMAGE_SIZE;
	return vaddr >= KDK_X86_64_START_KERNEL_MAP && vaddr - KDK_X86_64_START_KERNEL_MAP < size;
}

/* Entry `index` of the page-table page at table_paddr, through the per-level cache. */
static int read_entry(struct kdk_x86_64_vtop *vt, unsigned level, uint64_t table_paddr,
		      unsigned index, uint64_t *entry, struct kdk_err *err)
{
	struct kdk_vtop_table_cache *c = &vt->cache[level - 1];

	if (c->paddr != table_paddr) {
		c->paddr = UINT64_MAX;
		if (kdk_dump_read_phys(vt->dump, table_paddr, c->entries, sizeof(c->entries), err) < 0)
			return kdk_err_prefix(err, "%s table at 0x%llx: ", level_names[level - 1],
					      (unsigned long long)table_paddr);
		c->paddr = table_paddr;
	}
	*entry = c->entries[index];
	return 0;
}

/* A present entry that maps a page itself: a 1 GiB (PUD) or 2 MiB (PMD) one with PS set. */
static int large_page(unsigned level, uint64_t entry)
{
	return (level == 3 || level == 2) && (entry & ENTRY_LARGE);
}

static uint64_t entry_addr(const struct kdk_x86_64_vtop *vt, uint64_t entry)
{
	return entry & ENTRY_ADDR_MASK & ~vt->paging.sme_mask;
}

/* Walk from the table at top; every entry read goes into trace when one is given. */
static int walk_from(struct kdk_x86_64_vtop *vt, uint64_t top, uint64_t vaddr, uint64_t *paddr,
		     struct kdk_vtop_trace *trace, struct kdk_err *err)
{
	uint64_t table = top;
	unsigned level;

	for (level = vt->paging.levels; level >= 1; level--) {
		unsigned shift = PAGE_SHIFT + 9 * (level - 1);
		unsigned index = (vaddr >> shift) & 511;
		uint64_t entry = 0;
		int rc = read_entry(vt, level, table, index, &entry, err);

		if (rc < 0)
			return rc;
		if (trace)
			trace->steps[trace->count++] = (struct kdk_vtop_step){
				level, table + index * 8ULL, entry };
		if (!(entry & ENTRY_PRESENT))
			return kdk_err_set(err, EFAULT, "0x%llx is not mapped (%s entry %u = 0x%llx)",
					   (unsigned long long)vaddr, level_names[level - 1], index,
					   (unsigned long long)entry);
		if (large_page(level, entry)) {
			uint64_t page_mask = (1ULL << shift) - 1;
			*paddr = (entry_addr(vt, entry) & ~page_mask) | (vaddr & page_mask);
			if (trace)
				trace->page_size = 1ULL << shift;
			return 0;
		}
		table = entry_addr(vt, entry);
	}
	*paddr = table | (vaddr & (PAGE_SIZE - 1));
	if (trace)
		trace->page_size = PAGE_SIZE;
	return 0;
}

static int walk(struct kdk_x86_64_vtop *vt, uint64_t vaddr, uint64_t *paddr, struct kdk_err *err)
{
	return walk_from(vt, vt->top_pgt_paddr, vaddr, paddr, NULL, err);
}

struct leaf_walk {
	struct kdk_x86_64_vtop *vt;
	uint64_t start, end;
	kdk_vtop_leaf_fn leaf;
	void *ctx;
	uint64_t tables, max_tables;   /* tables read so far; walk_table_budget() */
};

/* Damaged tables can point every entry at another "table": a real walk meets each table once,
 * and tables are pages, so it reads no more tables than the dump has pages (at most 4 Mi: 16 GiB
 * of page tables). */
#define MAX_WALK_TABLES (1ULL << 22)
static uint64_t walk_table_budget(const struct kdk_x86_64_vtop *vt)
{
	uint64_t pages = vt->dump->max_pfn;

	return pages < 4096 ? 4096 : pages > MAX_WALK_TABLES ? MAX_WALK_TABLES : pages;
}

/* The canonical address of a top-level slot: the bits above the paging depth copy its top bit. */
static uint64_t canonical(unsigned levels, uint64_t vaddr)
{
	unsigned bits = levels == 5 ? 57 : 48;

	return vaddr & (1ULL << (bits - 1)) ? vaddr | ~((1ULL << bits) - 1) : vaddr;
}

static int walk_leaves(struct leaf_walk *w, unsigned level, uint64_t table, uint64_t base)
{
	unsigned shift = PAGE_SHIFT + 9 * (level - 1), index;
	uint64_t span = 1ULL << shift;

	for (index = 0; index < 512; index++) {
		uint64_t lo = level == w->vt->paging.levels ? canonical(level, base + index * span)
							     : base + index * span;
		uint64_t hi = lo + span - 1, entry = 0, from, to;
		struct kdk_err ignored = { 0 };
		int rc;

		if (hi < w->start || lo >= w->end)
			continue;
		if (read_entry(w->vt, level, table, index, &entry, &ignored) < 0)
			return 0;          /* this table is not in the dump: nothing below it */
		if (!(entry & ENTRY_PRESENT))
			continue;
		if (level == 1 || large_page(level, entry)) {
			uint64_t page = entry_addr(w->vt, entry) & ~(span - 1);

			from = lo < w->start ? w->start & ~(PAGE_SIZE - 1) : lo;
			to = hi >= w->end ? w->end : hi + 1;
			if (to < from)
				continue;
			if ((rc = w->leaf(w->ctx, from, page + (from - lo), to - from)))
				return rc;
			continue;
		}
		if (++w->tables > w->max_tables)
			return -E2BIG;
		if ((rc = walk_leaves(w, level - 1, entry_addr(w->vt, entry), lo)))
			return rc;
		/* the caller's table is still its level's cached one: the levels cache apart */
	}
	return 0;
}

int kdk_x86_64_vtop_leaves(struct kdk_x86_64_vtop *vt, uint64_t top_paddr, uint64_t start, uint64_t end,
			   kdk_vtop_leaf_fn leaf, void *ctx)
{
	struct leaf_walk w = { vt, start, end, leaf, ctx, 0, walk_table_budget(vt) };

	if (end <= start)
		return 0;
	return walk_leaves(&w, vt->paging.levels, top_paddr ? top_paddr : vt->top_pgt_paddr, 0);
}

int kdk_x86_64_vtop_trace(struct kdk_x86_64_vtop *vt, uint64_t top_paddr, uint64_t vaddr,
			  struct kdk_vtop_trace *trace, struct kdk_err *err)
{
	int rc;

	memset(trace, 0, sizeof(*trace));
	trace->top_paddr = top_paddr ? top_paddr : vt->top_pgt_paddr;
	rc = walk_from(vt, trace->top_paddr, vaddr, &trace->paddr, trace, err);
	if (rc == -EFAULT) {
		kdk_err_clear(err);
		return 0;
	}
	return rc;
}

int kdk_x86_64_vtop(struct kdk_x86_64_vtop *vt, uint64_t vaddr, uint64_t *paddr,
		    struct kdk_err *err)
{
	/* The kernel image is mapped linearly at __START_KERNEL_map + (paddr - phys_base). */
	if (in_kernel_text(vt, vaddr)) {
		*paddr = vaddr - KDK_X86_64_START_KERNEL_MAP + vt->paging.phys_base;
		return 0;
	}
	/* The direct map is linear by definition (__pa): a page the kernel unmapped from it
	 * (DEBUG_PAGEALLOC, secretmem) still holds what the dump saved of it. */
	if (vt->direct_map_size && vaddr >= vt->direct_map_base &&
	    vaddr - vt->direct_map_base < vt->direct_map_size) {
		*paddr = vaddr - vt->direct_map_base;
		return 0;
	}
	return walk(vt, vaddr, paddr, err);
}

/* 1 when base's translation of the top page table's own direct-map address is that table,
 * 0 when the tables map it elsewhere, -1 when they cannot say (not mapped, unreadable). */
static int tables_agree(struct kdk_x86_64_vtop *vt, uint64_t base)
{
	struct kdk_err ignored = { 0 };
	uint64_t paddr;

	if (walk(vt, base + vt->top_pgt_paddr, &paddr, &ignored) < 0)
		return -1;
	return paddr == vt->top_pgt_paddr;
}

int kdk_x86_64_vtop_set_direct_map(struct kdk_x86_64_vtop *vt, uint64_t base, uint64_t size,
				   struct kdk_err *err)
{
	if (base < KDK_X86_64_KERNEL_HALF || base % PUD_SIZE || base + size < base ||
	    (base < KDK_X86_64_START_KERNEL_MAP && base + size > KDK_X86_64_START_KERNEL_MAP))
		return kdk_err_set(err, EINVAL, "0x%llx is no direct-map base (a kernel-half address "
						"aligned to 1 GiB)", (unsigned long long)base);
	if (tables_agree(vt, base) == 0)
		return kdk_err_set(err, EINVAL, "the page tables do not map 0x%llx + 0x%llx to 0x%llx: "
						"0x%llx is not the direct map's base",
				   (unsigned long long)base, (unsigned long long)vt->top_pgt_paddr,
				   (unsigned long long)vt->top_pgt_paddr, (unsigned long long)base);
	vt->direct_map_base = base;
	vt->direct_map_size = size;
	return 0;
}

int kdk_x86_64_vtop_find_direct_map(struct kdk_x86_64_vtop *vt, uint64_t *base, struct kdk_err *err)
{
	const uint64_t *bases = vt->paging.levels == 5 ? fixed_direct_map_l5 : fixed_direct_map_l4;
	size_t count = vt->paging.levels == 5 ? sizeof(fixed_direct_map_l5) / sizeof(*bases)
					      : sizeof(fixed_direct_map_l4) / sizeof(*bases);
	size_t i;

	for (i = 0; i < count; i++)
		if (tables_agree(vt, bases[i]) == 1) {
			*base = bases[i];
			return 0;
		}
	return kdk_err_set(err, ENOENT, "the page tables map none of the kernel's fixed direct-map "
					"bases to memory");
}

int kdk_x86_64_vtop_init(struct kdk_x86_64_vtop *vt, struct kdk_dump *dump,
			 const struct kdk_x86_64_paging *paging, struct kdk_err *err)
{
	unsigned i;
	uint64_t probe;

	memset(vt, 0, sizeof(*vt));
	vt->dump = dump;
	vt->paging = *paging;
	if (vt->paging.levels != 4 && vt->paging.levels != 5)
		return kdk_err_set(err, EINVAL, "x86_64 paging with %u levels is not 4 or 5",
				   vt->paging.levels);
	for (i = 0; i < 5; i++)
		vt->cache[i].paddr = UINT64_MAX;
	if (!in_kernel_text(vt, paging->top_pgt_vaddr))
		return kdk_err_set(err, EINVAL,
				   "top page table 0x%llx is outside the kernel image mapping",
				   (unsigned long long)paging->top_pgt_vaddr);
	vt->top_pgt_paddr = paging->top_pgt_vaddr - KDK_X86_64_START_KERNEL_MAP + paging->phys_base;
	if (vt->top_pgt_paddr & (PAGE_SIZE - 1))
		return kdk_err_set(err, EINVAL, "top page table 0x%llx is not page aligned",
				   (unsigned long long)vt->top_pgt_paddr);
	return read_entry(vt, vt->paging.levels, vt->top_pgt_paddr, 0, &probe, err);
}

int kdk_x86_64_kernel_image(struct kdk_x86_64_vtop *vt, uint64_t *start, uint64_t *end,
			    struct kdk_err *err)
{
	const uint64_t step = 1ULL << 21;
	uint64_t size = vt->paging.kernel_image_size ? vt->paging.kernel_image_size
						     : DEFAULT_KERNEL_IMAGE_SIZE;
	uint64_t low = UINT64_MAX, high = 0, offset;

	for (offset = 0; offset < size; offset += step) {
		struct kdk_err unmapped = { 0 };
		uint64_t linear = offset + vt->paging.phys_base, paddr;

		if (walk(vt, KDK_X86_64_START_KERNEL_MAP + offset, &paddr, &unmapped) < 0 ||
		    paddr != linear)
			continue;
		if (paddr < low)
			low = paddr;
		if (paddr + step > high)
			high = paddr + step;
	}
	if (low == UINT64_MAX)
		return kdk_err_set(err, ENOENT, "no kernel-map page-table entry maps the kernel image "
				   "(phys_base 0x%llx)", (unsigned long long)vt->paging.phys_base);
	*start = low;
	*end = high;
	return 0;
}

int kdk_x86_64_read_virt(struct kdk_x86_64_vtop *vt, uint64_t vaddr, void *buf, size_t len,
			 struct kdk_err *err)
{
	unsigned char *out = buf;
	uint64_t run_vaddr = vaddr, run_paddr = 0;
	size_t run_len = 0;
	int rc;

	/* Pages that lie next to each other in physical memory too (the direct map, vmemmap's
	 * 2 MiB mappings, the kernel image) are read as one run: one read of the source, not one
	 * per page. */
	while (len > 0) {
		uint64_t paddr;
		size_t chunk = PAGE_SIZE - (vaddr & (PAGE_SIZE - 1));

		if (chunk > len)
			chunk = len;
		rc = kdk_x86_64_vtop(vt, vaddr, &paddr, err);
		if (rc < 0)
			break;
		if (run_len && paddr != run_paddr + run_len) {
			if ((rc = kdk_dump_read_phys(vt->dump, run_paddr, out, run_len, err)) < 0)
				goto failed;
			out += run_len;
			run_vaddr += run_len;
			run_len = 0;
		}
		if (!run_len)
			run_paddr = paddr;
		run_len += chunk;
		vaddr += chunk;
		len -= chunk;
	}
	if (len > 0)
		return rc;      /* a page is not mapped: the translation's error */
	if (run_len && (rc = kdk_dump_read_phys(vt->dump, run_paddr, out, run_len, err)) < 0)
		goto failed;
	return 0;
failed:
	return kdk_err_prefix(err, "reading 0x%llx: ", (unsigned long long)run_vaddr);
}
