/* elf_write.c — ELF64 x86_64 core file writer: headers at the front, notes, then page-aligned
 * segment data, every header and page written once at its final offset. */
#include "elf_write.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct kdk_elf_writer {
	struct kdk_out *sink;
	uint64_t nr_loads, loads_written;
	uint32_t page_size;
	uint64_t phdr_offset;         /* program header table */
	uint64_t data_offset;         /* where the next page goes */
	uint64_t run_start_pfn;       /* the open PT_LOAD, if run_pages */
	uint64_t run_offset;
	uint64_t run_pages;           /* frames with data */
	uint64_t run_tail;            /* left-out frames after them: zeros */
	struct kdk_elf_text text;
};

int kdk_elf_write_open(struct kdk_elf_writer **out, struct kdk_out *sink, uint64_t nr_loads,
		       const void *notes, size_t notes_size, uint32_t page_size,
		       const struct kdk_elf_text *text, struct kdk_err *err)
{
	struct kdk_elf_writer *w;
	Elf64_Ehdr eh;
	Elf64_Phdr note;
	uint64_t phnum = nr_loads + 1, headers;
	int xnum = phnum >= PN_XNUM, rc;

	*out = NULL;
	if (nr_loads > (UINT32_MAX - 1))
		return kdk_err_set(err, EOVERFLOW, "%llu segments do not fit an ELF file",
				   (unsigned long long)nr_loads);
	if (!(w = calloc(1, sizeof(*w))))
		return kdk_err_set(err, ENOMEM, "out of memory");
	w->sink = sink;
	w->nr_loads = nr_loads;
	w->page_size = page_size;
	if (text && text->start_vaddr)
		w->text = *text;
	else
		w->text.start_pfn = w->text.end_pfn = UINT64_MAX;
	/* ELF header, [section header 0 holding the real count], program headers, notes. */
	w->phdr_offset = sizeof(Elf64_Ehdr) + (xnum ? sizeof(Elf64_Shdr) : 0);
	headers = w->phdr_offset + phnum * sizeof(Elf64_Phdr);
	w->data_offset = (headers + notes_size + page_size - 1) & ~(uint64_t)(page_size - 1);

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = w->phdr_offset;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = xnum ? PN_XNUM : (Elf64_Half)phnum;
	if (xnum) {
		Elf64_Shdr sh;
		/* gABI: with PN_XNUM, section header 0's sh_info holds the program header count. */
		memset(&sh, 0, sizeof(sh));
		sh.sh_info = (Elf64_Word)phnum;
		eh.e_shoff = sizeof(Elf64_Ehdr);
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 1;
		if ((rc = kdk_out_write(sink, sizeof(eh), &sh, sizeof(sh), err)) < 0)
			goto fail;
	}
	memset(&note, 0, sizeof(note));
	note.p_type = PT_NOTE;
	note.p_offset = headers;
	note.p_filesz = notes_size;
	note.p_memsz = notes_size;
	if ((rc = kdk_out_write(sink, 0, &eh, sizeof(eh), err)) < 0 ||
	    (rc = kdk_out_write(sink, w->phdr_offset, &note, sizeof(note), err)) < 0 ||
	    (rc = kdk_out_write(sink, headers, notes, notes_size, err)) < 0)
		goto fail;
	*out = w;
	return 0;
fail:
	free(w);
	return rc;
}

/* Write the header of the open run. */
static int close_run(struct kdk_elf_writer *w, struct kdk_err *err)
{
	Elf64_Phdr ph;

	if (!w->run_pages && !w->run_tail)
		return 0;
	if (w->loads_written == w->nr_loads)
		return kdk_err_set(err, EINVAL, "%s: more PT_LOADs than the %llu counted", w->sink->name,
				   (unsigned long long)w->nr_loads);
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_LOAD;
	ph.p_flags = PF_R | PF_W | PF_X;
	/* A segment with no data has no file offset (makedumpfile writes 0 too). */
	ph.p_offset = w->run_pages ? w->run_offset : 0;
	if (w->run_start_pfn >= w->text.start_pfn && w->run_start_pfn < w->text.end_pfn)
		ph.p_vaddr = w->text.start_vaddr + (w->run_start_pfn - w->text.start_pfn) * w->page_size;
	ph.p_paddr = w->run_start_pfn * w->page_size;
	ph.p_filesz = w->run_pages * w->page_size;
	ph.p_memsz = (w->run_pages + w->run_tail) * w->page_size;
	w->loads_written++;
	w->run_pages = 0;
	w->run_tail = 0;
	return kdk_out_write(w->sink, w->phdr_offset + w->loads_written * sizeof(ph), &ph, sizeof(ph),
			     err);
}

static int run_open(const struct kdk_elf_writer *w)
{
	return w->run_pages || w->run_tail;
}

static uint64_t run_next(const struct kdk_elf_writer *w)
{
	return w->run_start_pfn + w->run_pages + w->run_tail;
}

int kdk_elf_write_page(struct kdk_elf_writer *w, uint64_t pfn, const void *page,
		       struct kdk_err *err)
{
	int rc;

	if (run_open(w) && (pfn != run_next(w) || w->run_tail || pfn == w->text.start_pfn) &&
	    (rc = close_run(w, err)) < 0)
		return rc;
	if (!run_open(w)) {
		w->run_start_pfn = pfn;
		w->run_offset = w->data_offset;
	}
	if ((rc = kdk_out_write(w->sink, w->data_offset, page, w->page_size, err)) < 0)
		return rc;
	w->data_offset += w->page_size;
	w->run_pages++;
	return 0;
}

int kdk_elf_write_excluded(struct kdk_elf_writer *w, uint64_t pfn, struct kdk_err *err)
{
	int rc;

	if (run_open(w) && pfn != run_next(w) && (rc = close_run(w, err)) < 0)
		return rc;
	if (!run_open(w)) {
		w->run_start_pfn = pfn;
		w->run_offset = w->data_offset;
	}
	w->run_tail++;
	return 0;
}

uint64_t kdk_elf_write_size(const struct kdk_elf_writer *w)
{
	return w->data_offset;
}

int kdk_elf_write_finish(struct kdk_elf_writer *w, struct kdk_err *err)
{
	int rc = close_run(w, err);

	if (rc == 0 && w->loads_written != w->nr_loads)
		rc = kdk_err_set(err, EINVAL, "%s: %llu of the %llu PT_LOADs counted were written",
				 w->sink->name, (unsigned long long)w->loads_written,
				 (unsigned long long)w->nr_loads);
	if (rc == 0)
		rc = kdk_out_sync(w->sink, err);
	free(w);
	return rc;
}

void kdk_elf_write_abort(struct kdk_elf_writer *w)
{
	free(w);
}
