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

/* Begin: nr_loads PT_LOADs will follow (more than 65534 go through PN_XNUM and section 0). */
int kdk_elf_write_open(struct kdk_elf_writer **out, struct kdk_out *sink, uint64_t nr_loads,
		       const void *notes, size_t notes_size, uint32_t page_size, struct kdk_err *err);

/* The next kept page, in increasing pfn order. A pfn that does not follow the previous one
 * closes the current PT_LOAD (its header is written then) and starts the next. Segments carry
 * physical addresses; p_vaddr is 0 (readers take phys_base from VMCOREINFO). */
int kdk_elf_write_page(struct kdk_elf_writer *w, uint64_t pfn, const void *page,
		       struct kdk_err *err);

/* Runs of consecutive pfns: what a counting pass feeds to kdk_elf_write_open's nr_loads. */
struct kdk_elf_run_counter {
	uint64_t runs;
	uint64_t next_pfn;     /* UINT64_MAX before the first page */
};

static inline void kdk_elf_count_page(struct kdk_elf_run_counter *c, uint64_t pfn)
{
	if (c->runs == 0 || pfn != c->next_pfn)
		c->runs++;
	c->next_pfn = pfn + 1;
}

/* Check that every PT_LOAD and page came; frees w. */
int kdk_elf_write_finish(struct kdk_elf_writer *w, struct kdk_err *err);
void kdk_elf_write_abort(struct kdk_elf_writer *w);
uint64_t kdk_elf_write_size(const struct kdk_elf_writer *w);

#endif
