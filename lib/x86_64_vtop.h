/* x86_64_vtop.h — kernel virtual → physical addresses in a dump: the kernel-text mapping
 * (phys_base) and, once its base is known, the direct map (page_offset_base) by arithmetic,
 * as the kernel's own __pa() does; everything else (vmemmap, vmalloc, modules) by walking
 * the kernel's 4- or 5-level page tables read from the dump. */
#ifndef KDK_X86_64_VTOP_H
#define KDK_X86_64_VTOP_H

#include <stdint.h>

#include "kdk_dump.h"
#include "kdk_err.h"

/* The lowest kernel address of either paging depth (5-level's direct map starts at 0xff11…; user
 * space ends below 0x0100000000000000 there, below 0x0000800000000000 with 4 levels). */
#define KDK_X86_64_KERNEL_HALF 0xff00000000000000ULL

/* The kernel-text mapping starts here on x86_64 (arch/x86/include/asm/page_64_types.h). */
#define KDK_X86_64_START_KERNEL_MAP 0xffffffff80000000ULL

struct kdk_x86_64_paging {
	uint64_t phys_base;          /* NUMBER(phys_base), two's complement (it can be negative) */
	uint64_t kernel_image_size;  /* NUMBER(KERNEL_IMAGE_SIZE); 0 means 1 GiB */
	uint64_t top_pgt_vaddr;      /* SYMBOL(init_top_pgt) (or swapper_pg_dir) */
	unsigned levels;             /* 5 if NUMBER(pgtable_l5_enabled) is 1, else 4 */
	uint64_t sme_mask;           /* NUMBER(sme_mask): the encryption bit to clear from entries */
};

/* A cached page-table page per level, so walking neighbouring addresses rereads nothing. */
struct kdk_vtop_table_cache {
	uint64_t paddr;              /* UINT64_MAX when empty */
	uint64_t entries[512];
};

struct kdk_x86_64_vtop {
	struct kdk_dump *dump;
	struct kdk_x86_64_paging paging;
	uint64_t top_pgt_paddr;
	struct kdk_vtop_table_cache cache[5]; /* index = level - 1 (0: PTE … 4: PML5) */
	uint64_t direct_map_base;    /* page_offset_base; direct_map_size 0 until it is known */
	uint64_t direct_map_size;    /* bytes of physical memory the dump describes */
};

/* Prepare translation for dump; checks that the top page table is readable. */
int kdk_x86_64_vtop_init(struct kdk_x86_64_vtop *vt, struct kdk_dump *dump,
			 const struct kdk_x86_64_paging *paging, struct kdk_err *err);

/* One page-table entry a walk read: its level (5 PML5 … 1 PTE), where it lies, its value. */
struct kdk_vtop_step {
	unsigned level;
	uint64_t entry_paddr;
	uint64_t entry;
};

/* What the page tables say of one address, entry by entry, as crash's vtop shows it. */
struct kdk_vtop_trace {
	uint64_t top_paddr;          /* the top table (init_top_pgt, or a task's pgd) */
	struct kdk_vtop_step steps[5];
	unsigned count;              /* entries read, top first */
	uint64_t page_size;          /* 4 KiB, 2 MiB or 1 GiB; 0 when the walk found no page */
	uint64_t paddr;              /* the address's physical address, when page_size */
};

/* The page-table walk of vaddr from the table at top_paddr (the kernel's top table when 0),
 * whatever the shortcuts would answer: 0 with page_size set, 0 with page_size 0 when an entry is
 * not present (the steps up to it filled), -errno when a table cannot be read. */
int kdk_x86_64_vtop_trace(struct kdk_x86_64_vtop *vt, uint64_t top_paddr, uint64_t vaddr,
			  struct kdk_vtop_trace *trace, struct kdk_err *err);

/* Each present page mapping in [start, end) of the tables at top_paddr (the kernel's top table
 * when 0), in address order: leaf(ctx, vaddr, paddr, size) with size 4 KiB, 2 MiB or 1 GiB (a
 * large page cut to the range). A table the dump cannot give is passed over. A non-zero return
 * from leaf stops the walk and is returned; -E2BIG when the tables lead to more tables than the
 * dump has pages (damaged ones whose every entry points on). */
typedef int (*kdk_vtop_leaf_fn)(void *ctx, uint64_t vaddr, uint64_t paddr, uint64_t size);
int kdk_x86_64_vtop_leaves(struct kdk_x86_64_vtop *vt, uint64_t top_paddr, uint64_t start, uint64_t end,
			   kdk_vtop_leaf_fn leaf, void *ctx);

/* Translate one address; -EFAULT with the level and entry when it is not mapped. */
int kdk_x86_64_vtop(struct kdk_x86_64_vtop *vt, uint64_t vaddr, uint64_t *paddr,
		    struct kdk_err *err);

/* The physical extent [*start, *end) of the kernel image as its own page tables map it: the
 * 2 MiB kernel-map entries whose page is the image's linear one (vaddr - __START_KERNEL_map +
 * phys_base); the kernel clears the others (cleanup_highmap), so this is _text.._end rounded
 * out to 2 MiB. -ENOENT when no entry maps the image. */
int kdk_x86_64_kernel_image(struct kdk_x86_64_vtop *vt, uint64_t *start, uint64_t *end,
			    struct kdk_err *err);

/* Translate the direct map [base, base + size) as paddr = vaddr - base from now on, without the
 * page tables: a damaged page-table page then hides no task, slab or file reached through it.
 * base must be a kernel-half address aligned to 1 GiB (the kernel places the direct map at
 * PUD granularity, randomized or not), and where the page tables still map the top page table's
 * own direct-map address, they must agree; -EINVAL, nothing changed, otherwise. */
int kdk_x86_64_vtop_set_direct_map(struct kdk_x86_64_vtop *vt, uint64_t base, uint64_t size,
				   struct kdk_err *err);

/* Where the page tables say the direct map starts when no page_offset_base variable exists
 * (kernels without CONFIG_RANDOMIZE_MEMORY): the first of the kernel's fixed bases for this
 * paging depth whose translation of the top page table's direct-map address is that table.
 * -ENOENT when none agrees (or the tables are too damaged to tell). */
int kdk_x86_64_vtop_find_direct_map(struct kdk_x86_64_vtop *vt, uint64_t *base, struct kdk_err *err);

/* Read len bytes of kernel virtual memory, page by page. */
int kdk_x86_64_read_virt(struct kdk_x86_64_vtop *vt, uint64_t vaddr, void *buf, size_t len,
			 struct kdk_err *err);

#endif
