/* ksyms_elf.c — vmlinux symbols through libelf: every named FUNC/OBJECT/NOTYPE symbol, with an
 * nm-style type letter from its section (text, data, rodata, bss). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ksyms_elf.h"

static char type_letter(const GElf_Shdr *shdr, const GElf_Sym *sym)
{
	char c;

	if (sym->st_shndx == SHN_ABS)
		c = 'a';
	else if (shdr->sh_flags & SHF_EXECINSTR)
		c = 't';
	else if (shdr->sh_type == SHT_NOBITS)
		c = 'b';
	else if (shdr->sh_flags & SHF_WRITE)
		c = 'd';
	else
		c = 'r';
	return GELF_ST_BIND(sym->st_info) == STB_LOCAL ? c : (char)(c - 'a' + 'A');
}

static void read_build_id(Elf *elf, char *out, size_t size)
{
	Elf_Scn *scn = NULL;

	out[0] = '\0';
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;
		GElf_Nhdr nhdr;
		size_t at = 0, name_at, desc_at;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE || !(data = elf_getdata(scn, NULL)))
			continue;
		while ((at = gelf_getnote(data, at, &nhdr, &name_at, &desc_at)) > 0) {
			if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
			    !memcmp((char *)data->d_buf + name_at, "GNU", 4)) {
				const unsigned char *id = (const unsigned char *)data->d_buf + desc_at;
				size_t i;

				for (i = 0; i < nhdr.n_descsz && 2 * i + 2 < size; i++)
					sprintf(out + 2 * i, "%02x", id[i]);
				return;
			}
		}
	}
}

int kdk_symtab_load_elf(struct kdk_symtab *tab, const char *path, char *build_id, size_t size,
			struct kdk_err *err)
{
	Elf_Scn *scn = NULL;
	Elf *elf = NULL;
	int fd, rc = 0, found = 0;

	elf_version(EV_CURRENT);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdk_err_sys(err, errno, "%s", path);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		rc = kdk_err_set(err, EINVAL, "%s: not an ELF file", path);
		goto out;
	}
	read_build_id(elf, build_id, size);
	while ((scn = elf_nextscn(elf, scn)) && !rc) {
		GElf_Shdr shdr;
		Elf_Data *data;
		size_t count, i;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB || !shdr.sh_entsize ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		found = 1;
		count = shdr.sh_size / shdr.sh_entsize;
		for (i = 1; i < count && !rc; i++) {
			GElf_Sym sym;
			GElf_Shdr target;
			const char *name;
			int kind;

			if (!gelf_getsym(data, (int)i, &sym))
				continue;
			kind = GELF_ST_TYPE(sym.st_info);
			if (kind != STT_FUNC && kind != STT_OBJECT && kind != STT_NOTYPE)
				continue;
			name = elf_strptr(elf, shdr.sh_link, sym.st_name);
			/* .L names are the assembler's local labels (.LC0, a string constant), which
			 * the kernel's tools and crash never show */
			if (!name || !name[0] || sym.st_shndx == SHN_UNDEF || !strncmp(name, ".L", 2))
				continue;
			if (sym.st_shndx != SHN_ABS &&
			    !gelf_getshdr(elf_getscn(elf, sym.st_shndx), &target))
				continue;
			rc = kdk_symtab_add(tab, name, sym.st_value, type_letter(&target, &sym), err);
			if (!rc)
				KDK_ARRAY_AT(&tab->syms, struct kdk_ksym, tab->syms.len - 1)->declared_size =
					sym.st_size;
		}
	}
	if (!rc && !found)
		rc = kdk_err_set(err, ENOENT, "%s: no symbol table (stripped?)", path);
	if (!rc)
		rc = kdk_symtab_finish(tab, err);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return rc;
}
