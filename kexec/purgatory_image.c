/* purgatory_image.c — laying out and relocating the purgatory object with libelf. */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "purgatory_image.h"

static int elf_error(struct kdk_err *err, const char *what)
{
	return kdk_err_set(err, EINVAL, "purgatory object: %s: %s", what, elf_errmsg(-1));
}

int kexec_purgatory_open(struct kexec_purgatory *purg, const void *blob, size_t blob_size,
			 struct kdk_err *err)
{
	Elf *elf;
	GElf_Ehdr ehdr;
	Elf_Scn *scn = NULL;
	uint64_t offset = 0;

	memset(purg, 0, sizeof(*purg));
	if (elf_version(EV_CURRENT) == EV_NONE)
		return elf_error(err, "libelf");
	purg->object = malloc(blob_size);
	if (!purg->object)
		return kdk_err_sys(err, ENOMEM, "purgatory object");
	memcpy(purg->object, blob, blob_size);
	purg->object_size = blob_size;
	elf = elf_memory((char *)purg->object, blob_size);
	if (!elf || !gelf_getehdr(elf, &ehdr)) {
		kexec_purgatory_close(purg);
		return elf_error(err, "not ELF");
	}
	purg->elf = elf;
	if (ehdr.e_type != ET_REL || ehdr.e_machine != EM_X86_64 ||
	    elf_getshdrnum(elf, &purg->section_count)) {
		kexec_purgatory_close(purg);
		return kdk_err_set(err, EINVAL, "purgatory object: not an x86_64 relocatable object");
	}
	purg->section_offset = malloc(purg->section_count * sizeof(*purg->section_offset));
	if (!purg->section_offset) {
		kexec_purgatory_close(purg);
		return kdk_err_sys(err, ENOMEM, "purgatory sections");
	}
	for (size_t i = 0; i < purg->section_count; i++)
		purg->section_offset[i] = UINT64_MAX;
	purg->align = 16;
	/* Pass 1: offsets of every allocated section, each at its own alignment. */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;

		if (!gelf_getshdr(scn, &shdr))
			return elf_error(err, "section header");
		if (!(shdr.sh_flags & SHF_ALLOC) || !shdr.sh_size)
			continue;
		if (shdr.sh_addralign > 1)
			offset = (offset + shdr.sh_addralign - 1) & ~(shdr.sh_addralign - 1);
		if (shdr.sh_addralign > purg->align)
			purg->align = shdr.sh_addralign;
		purg->section_offset[elf_ndxscn(scn)] = offset;
		offset += shdr.sh_size;
	}
	purg->size = (size_t)offset;
	purg->buf = calloc(1, purg->size ? purg->size : 1);
	if (!purg->buf) {
		kexec_purgatory_close(purg);
		return kdk_err_sys(err, ENOMEM, "purgatory segment");
	}
	/* Pass 2: the bytes of every PROGBITS section (NOBITS stays zero). */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;
		uint64_t at = purg->section_offset[elf_ndxscn(scn)];

		if (at == UINT64_MAX || !gelf_getshdr(scn, &shdr) || shdr.sh_type == SHT_NOBITS)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || data->d_size > shdr.sh_size)
			return elf_error(err, "section data");
		memcpy(purg->buf + at, data->d_buf, data->d_size);
	}
	return 0;
}

static Elf_Scn *symbol_table(const struct kexec_purgatory *purg, GElf_Shdr *shdr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(purg->elf, scn)))
		if (gelf_getshdr(scn, shdr) && shdr->sh_type == SHT_SYMTAB)
			return scn;
	return NULL;
}

/* The run-time address of symbol `sym` (a section-relative value in a relocatable object). */
static int symbol_address(const struct kexec_purgatory *purg, const GElf_Sym *sym, uint64_t *addr,
			  struct kdk_err *err)
{
	if (sym->st_shndx == SHN_ABS) {
		*addr = sym->st_value;
		return 0;
	}
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= purg->section_count ||
	    purg->section_offset[sym->st_shndx] == UINT64_MAX)
		return kdk_err_set(err, EINVAL, "purgatory object: symbol in section %u is not loaded "
						"(undefined symbol? purgatory must be self-contained)",
				   sym->st_shndx);
	*addr = purg->load_addr + purg->section_offset[sym->st_shndx] + sym->st_value;
	return 0;
}

static int apply_one(struct kexec_purgatory *purg, uint8_t *where, uint64_t place, uint32_t type,
		     uint64_t value, struct kdk_err *err)
{
	int64_t relative;

	switch (type) {
	case R_X86_64_NONE:
		return 0;
	case R_X86_64_64:
		memcpy(where, &value, 8);
		return 0;
	case R_X86_64_32:
		if (value > UINT32_MAX)
			break;
		memcpy(where, &(uint32_t){ (uint32_t)value }, 4);
		return 0;
	case R_X86_64_32S:
		if ((int64_t)value != (int32_t)value)
			break;
		memcpy(where, &(int32_t){ (int32_t)value }, 4);
		return 0;
	case R_X86_64_PC32:
	case R_X86_64_PLT32:
		relative = (int64_t)(value - place);
		if (relative != (int32_t)relative)
			break;
		memcpy(where, &(int32_t){ (int32_t)relative }, 4);
		return 0;
	default:
		return kdk_err_set(err, EINVAL, "purgatory object: relocation type %u not supported", type);
	}
	(void)purg;
	return kdk_err_set(err, ERANGE, "purgatory object: relocation type %u overflows at 0x%llx",
			   type, (unsigned long long)place);
}

int kexec_purgatory_relocate(struct kexec_purgatory *purg, uint64_t load_addr, struct kdk_err *err)
{
	GElf_Shdr symtab_shdr;
	Elf_Scn *symtab = symbol_table(purg, &symtab_shdr), *scn = NULL;
	Elf_Data *symbols;

	if (!symtab || !(symbols = elf_getdata(symtab, NULL)))
		return kdk_err_set(err, EINVAL, "purgatory object: no symbol table");
	purg->load_addr = load_addr;
	while ((scn = elf_nextscn(purg->elf, scn))) {
		GElf_Shdr shdr, target;
		Elf_Data *relocs;
		uint64_t base;
		size_t count, i;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_RELA)
			continue;
		if (shdr.sh_info >= purg->section_count || purg->section_offset[shdr.sh_info] == UINT64_MAX)
			continue;   /* relocations of a section that is not loaded (debug info) */
		if (!gelf_getshdr(elf_getscn(purg->elf, shdr.sh_info), &target) ||
		    !(relocs = elf_getdata(scn, NULL)) || !shdr.sh_entsize)
			return elf_error(err, "relocation section");
		base = purg->section_offset[shdr.sh_info];
		count = shdr.sh_size / shdr.sh_entsize;
		for (i = 0; i < count; i++) {
			GElf_Rela rela;
			GElf_Sym sym;
			uint64_t sym_addr;
			int rc;

			if (!gelf_getrela(relocs, (int)i, &rela) ||
			    !gelf_getsym(symbols, (int)GELF_R_SYM(rela.r_info), &sym))
				return elf_error(err, "relocation entry");
			if (rela.r_offset + 8 > target.sh_size && GELF_R_TYPE(rela.r_info) == R_X86_64_64)
				return kdk_err_set(err, EINVAL, "purgatory object: relocation past its section");
			if (rela.r_offset + 4 > target.sh_size)
				return kdk_err_set(err, EINVAL, "purgatory object: relocation past its section");
			if ((rc = symbol_address(purg, &sym, &sym_addr, err)))
				return rc;
			rc = apply_one(purg, purg->buf + base + rela.r_offset,
				       load_addr + base + rela.r_offset, (uint32_t)GELF_R_TYPE(rela.r_info),
				       sym_addr + (uint64_t)rela.r_addend, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int kexec_purgatory_symbol(const struct kexec_purgatory *purg, const char *name, uint64_t *addr,
			   size_t *size, struct kdk_err *err)
{
	GElf_Shdr shdr;
	Elf_Scn *symtab = symbol_table(purg, &shdr);
	Elf_Data *symbols;
	size_t count, i;

	if (!symtab || !(symbols = elf_getdata(symtab, NULL)) || !shdr.sh_entsize)
		return kdk_err_set(err, EINVAL, "purgatory object: no symbol table");
	count = shdr.sh_size / shdr.sh_entsize;
	for (i = 0; i < count; i++) {
		GElf_Sym sym;
		const char *sym_name;

		if (!gelf_getsym(symbols, (int)i, &sym))
			continue;
		sym_name = elf_strptr(purg->elf, shdr.sh_link, sym.st_name);
		if (!sym_name || strcmp(sym_name, name) || GELF_ST_BIND(sym.st_info) != STB_GLOBAL)
			continue;
		if (size)
			*size = sym.st_size;
		return symbol_address(purg, &sym, addr, err);
	}
	return kdk_err_set(err, ENOENT, "purgatory object: no symbol %s", name);
}

int kexec_purgatory_set(struct kexec_purgatory *purg, const char *name, const void *value,
			size_t len, struct kdk_err *err)
{
	uint64_t addr;
	size_t size;
	int rc = kexec_purgatory_symbol(purg, name, &addr, &size, err);

	if (rc)
		return rc;
	if (len > size || addr < purg->load_addr || addr - purg->load_addr + len > purg->size)
		return kdk_err_set(err, EINVAL, "purgatory object: %s holds %zu bytes, not %zu", name,
				   size, len);
	memcpy(purg->buf + (addr - purg->load_addr), value, len);
	return 0;
}

void kexec_purgatory_close(struct kexec_purgatory *purg)
{
	if (purg->elf)
		elf_end(purg->elf);
	free(purg->object);
	free(purg->section_offset);
	free(purg->buf);
	memset(purg, 0, sizeof(*purg));
}
