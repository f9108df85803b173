/* elf_write.h — an ELF64 vmcore written as a stream: ELF header, PT_NOTE, one PT_LOAD per run of
 * kept page frames, the notes, then the page data in order. The number of runs is known first
 * (a counting pass with kdk_elf_count_page), so headers and data are written once each, in
 * bounded memory. */
#ifndef KDK_ELF_WRITE_H
#define KDK_ELF_WRITE_H

#include <stdint.h>

#include "kdk_err.h"
#include "kdk_out.h"

struct kdk_elf_writer;

/* The kernel-text mapping (x86_64: virtual __START_KERNEL_map + x ↔ physical phys_base + x, for
 * x below KERNEL_IMAGE_SIZE). As the kernel's own elfcorehdr gives its text segment a text
 * address, every PT_LOAD starting in [start_pfn, end_pfn) gets its text-mapping address, so
 * readers that find the page tables through it (drgn) can; runs break at start_pfn.
 * start_vaddr 0: no text addresses. */
struct kdk_elf_text {
	uint64_t start_pfn, end_pfn;
	uint64_t start_vaddr;   /* the virtual address of start_pfn's first byte */
};

/* Begin: nr_loads PT_LOADs will follow (more than 65534 go through PN_XNUM and section 0). */
int kdk_elf_write_open(struct kdk_elf_writer **out, struct kdk_out *sink, uint64_t nr_loads,
		       const void *notes, size_t notes_size, uint32_t page_size,
		       const struct kdk_elf_text *text, struct kdk_err *err);

/* Frames come in increasing pfn order, each either kept (its page written) or present but
 * left out. As makedumpfile does, left-out frames are not holes: they extend the PT_LOAD before
 * them as a zero tail (p_memsz > p_filesz), which readers such as crash read as zeros. A kept
 * frame after a tail, after a gap, or at the text window's first frame starts the next PT_LOAD. */
int kdk_elf_write_page(struct kdk_elf_writer *w, uint64_t pfn, const void *page,
		       struct kdk_err *err);
int kdk_elf_write_excluded(struct kdk_elf_writer *w, uint64_t pfn, struct kdk_err *err);

/* The same rule as a counter, for the pass that sizes the program header table. */
struct kdk_elf_run_counter {
	uint64_t runs;
	uint64_t next_pfn;
	int in_tail;           /* the current run ends with left-out frames */
	uint64_t text_pfn;     /* a run starts here too (UINT64_MAX: none) */
};

static inline void kdk_elf_count_frame(struct kdk_elf_run_counter *c, uint64_t pfn, int kept)
{
	int contiguous = c->runs && pfn == c->next_pfn;

	if (kept) {
		if (!contiguous || c->in_tail || pfn == c->text_pfn) {
			c->runs++;
			c->in_tail = 0;
		}
	} else {
		if (!contiguous)
			c->runs++;
		c->in_tail = 1;
	}
	c->next_pfn = pfn + 1;
}

/* Check that every PT_LOAD and page came; frees w. */
int kdk_elf_write_finish(struct kdk_elf_writer *w, struct kdk_err *err);
void kdk_elf_write_abort(struct kdk_elf_writer *w);
uint64_t kdk_elf_write_size(const struct kdk_elf_writer *w);

#endif
