/* elfcorehdr.c — building the crash kernel's ELF core header. For every program header,
 * p_offset is the physical address (the capture kernel reads old memory there, and rewrites the
 * offsets when it builds /proc/vmcore). */
#include <elf.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "elfcorehdr.h"
#include "mem_ranges.h"

/* The first 1 MiB is handed to the capture kernel as RAM (its real-mode trampoline needs low
 * memory), so what it holds at dump time is the capture kernel's, not the crashed kernel's. The
 * crashed kernel kept it reserved since Linux 5.13 (x86/setup: always reserve the first 1M), and
 * the kernel's own kexec_file elfcorehdr leaves it out; so do we. */
#define LOW_MEMORY_END 0x100000ULL

static void set_phdr(Elf64_Phdr *phdr, uint32_t type, uint32_t flags, uint64_t paddr,
		     uint64_t vaddr, uint64_t size)
{
	phdr->p_type = type;
	phdr->p_flags = flags;
	phdr->p_offset = paddr;
	phdr->p_paddr = paddr;
	phdr->p_vaddr = vaddr;
	phdr->p_filesz = size;
	phdr->p_memsz = size;
	phdr->p_align = 0;
}

int kexec_elfcorehdr_build(const struct kexec_crash_info *info, uint8_t **buf, size_t *size,
			   struct kdk_err *err)
{
	size_t ram = 0, phnum, i, n = 0;
	Elf64_Ehdr *ehdr;
	Elf64_Phdr *phdr;

	for (i = 0; i < info->crash_ranges.len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(&info->crash_ranges, struct kdk_mem_range, i);

		if (r->type == KDK_RANGE_RAM && r->end >= LOW_MEMORY_END)
			ram++;
	}
	phnum = info->cpu_notes.len + 1 + 1 + ram;
	if (phnum >= PN_XNUM)
		return kdk_err_set(err, E2BIG, "%zu program headers: more than an ELF header counts", phnum);
	*size = sizeof(*ehdr) + phnum * sizeof(*phdr);
	*buf = calloc(1, *size);
	if (!*buf)
		return kdk_err_sys(err, ENOMEM, "elfcorehdr");
	ehdr = (Elf64_Ehdr *)*buf;
	phdr = (Elf64_Phdr *)(*buf + sizeof(*ehdr));
	memcpy(ehdr->e_ident, ELFMAG, SELFMAG);
	ehdr->e_ident[EI_CLASS] = ELFCLASS64;
	ehdr->e_ident[EI_DATA] = ELFDATA2LSB;
	ehdr->e_ident[EI_VERSION] = EV_CURRENT;
	ehdr->e_ident[EI_OSABI] = ELFOSABI_NONE;
	ehdr->e_type = ET_CORE;
	ehdr->e_machine = EM_X86_64;
	ehdr->e_version = EV_CURRENT;
	ehdr->e_phoff = sizeof(*ehdr);
	ehdr->e_ehsize = sizeof(*ehdr);
	ehdr->e_phentsize = sizeof(*phdr);
	ehdr->e_phnum = (uint16_t)phnum;

	for (i = 0; i < info->cpu_notes.len; i++) {
		const struct kexec_note_range *note =
			KDK_ARRAY_AT(&info->cpu_notes, struct kexec_note_range, i);

		set_phdr(&phdr[n++], PT_NOTE, 0, note->paddr, 0, note->size);
	}
	set_phdr(&phdr[n++], PT_NOTE, 0, info->vmcoreinfo.paddr, 0, info->vmcoreinfo.size);
	set_phdr(&phdr[n++], PT_LOAD, PF_R | PF_W | PF_X, info->text_paddr, info->text_vaddr,
		 info->text_size);
	for (i = 0; i < info->crash_ranges.len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(&info->crash_ranges, struct kdk_mem_range, i);

		uint64_t start = r->start < LOW_MEMORY_END ? LOW_MEMORY_END : r->start;

		if (r->type == KDK_RANGE_RAM && r->end >= LOW_MEMORY_END)
			set_phdr(&phdr[n++], PT_LOAD, PF_R | PF_W | PF_X, start,
				 info->page_offset + start, r->end - start + 1);
	}
	return 0;
}

void kexec_elfcorehdr_print(const uint8_t *buf, size_t size, FILE *out)
{
	const Elf64_Ehdr *ehdr = (const Elf64_Ehdr *)buf;
	const Elf64_Phdr *phdr = (const Elf64_Phdr *)(buf + sizeof(*ehdr));
	unsigned i;

	fprintf(out, "elfcorehdr: %zu bytes, %u program headers\n", size, ehdr->e_phnum);
	for (i = 0; i < ehdr->e_phnum; i++)
		fprintf(out, "  %-7s paddr 0x%016" PRIx64 " vaddr 0x%016" PRIx64 " size 0x%" PRIx64 "\n",
			phdr[i].p_type == PT_NOTE ? "PT_NOTE" : "PT_LOAD", (uint64_t)phdr[i].p_paddr,
			(uint64_t)phdr[i].p_vaddr, (uint64_t)phdr[i].p_memsz);
}
