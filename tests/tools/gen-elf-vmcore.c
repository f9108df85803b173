/* gen-elf-vmcore.c — write a synthetic ELF vmcore from a short description, for the tests:
 *   gen-elf-vmcore OUT [--load PADDR:SIZE[:FILL]]... [--vmcoreinfo FILE] [--prstatus N]
 *                      [--phoff N] [--truncate SIZE] [--load-past-eof] [--bad-note-size]
 * PT_LOAD data is filled with FILL (default: each page's pfn as 64-bit words, so misplaced pages
 * show). A generator may write bytes directly; the readers under test must not trust them. */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct load { unsigned long long paddr, size; int fill; };

static void die(const char *msg)
{
	fprintf(stderr, "gen-elf-vmcore: %s\n", msg);
	exit(2);
}

/* Append one note (name, type, desc) to buf at *len. */
static void add_note(unsigned char *buf, size_t *len, const char *name, unsigned type,
		     const void *desc, size_t desc_size, int bad_size)
{
	Elf64_Nhdr nh = { (Elf64_Word)strlen(name) + 1, (Elf64_Word)desc_size, type };
	if (bad_size)
		nh.n_descsz = 0x7fffffff;
	memcpy(buf + *len, &nh, sizeof(nh));
	*len += sizeof(nh);
	memcpy(buf + *len, name, strlen(name) + 1);
	*len += (strlen(name) + 1 + 3) & ~3UL;
	memcpy(buf + *len, desc, desc_size);
	*len += (desc_size + 3) & ~3UL;
}

int main(int argc, char **argv)
{
	struct load loads[16];
	int nloads = 0, prstatus = 0, load_past_eof = 0, bad_note = 0, i;
	long long truncate_to = -1;
	unsigned long long phoff = sizeof(Elf64_Ehdr);
	const char *out, *vmcoreinfo_file = NULL;
	static unsigned char notes[1 << 20];
	size_t notes_len = 0;
	Elf64_Ehdr eh;
	FILE *f;

	if (argc < 2)
		die("usage: gen-elf-vmcore OUT [options]");
	out = argv[1];
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--load") && i + 1 < argc) {
			struct load *l = &loads[nloads++];
			char *p = argv[++i];
			if (nloads > 16)
				die("too many --load");
			l->paddr = strtoull(p, &p, 0);
			l->size = *p == ':' ? strtoull(p + 1, &p, 0) : 0;
			l->fill = *p == ':' ? (int)strtol(p + 1, NULL, 0) : -1;
		} else if (!strcmp(argv[i], "--vmcoreinfo") && i + 1 < argc) {
			vmcoreinfo_file = argv[++i];
		} else if (!strcmp(argv[i], "--prstatus") && i + 1 < argc) {
			prstatus = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--phoff") && i + 1 < argc) {
			phoff = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--truncate") && i + 1 < argc) {
			truncate_to = strtoll(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--load-past-eof")) {
			load_past_eof = 1;
		} else if (!strcmp(argv[i], "--bad-note-size")) {
			bad_note = 1;
		} else {
			die("unknown option");
		}
	}
	for (i = 0; i < prstatus; i++) {
		unsigned char desc[336] = { 0 };  /* x86_64 struct elf_prstatus */
		desc[32] = (unsigned char)(i + 1); /* pr_pid */
		add_note(notes, &notes_len, "CORE", NT_PRSTATUS, desc, sizeof(desc), 0);
	}
	if (vmcoreinfo_file) {
		static char text[65536];
		FILE *v = fopen(vmcoreinfo_file, "r");
		size_t n;
		if (!v)
			die("cannot read --vmcoreinfo file");
		n = fread(text, 1, sizeof(text), v);
		fclose(v);
		add_note(notes, &notes_len, "VMCOREINFO", 0, text, n, bad_note);
	} else if (bad_note) {
		add_note(notes, &notes_len, "CORE", NT_PRSTATUS, "x", 1, 1);
	}

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = phoff;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (Elf64_Half)(1 + nloads);
	if (!(f = fopen(out, "w+")))
		die("cannot create OUT");
	fwrite(&eh, sizeof(eh), 1, f);
	{
		unsigned long long notes_off = phoff + (1 + nloads) * sizeof(Elf64_Phdr);
		unsigned long long data = (notes_off + notes_len + 4095) & ~4095ULL;
		Elf64_Phdr ph = { PT_NOTE, 0, notes_off, 0, 0, notes_len, notes_len, 0 };
		fseek(f, (long)phoff, SEEK_SET);
		fwrite(&ph, sizeof(ph), 1, f);
		for (i = 0; i < nloads; i++) {
			Elf64_Phdr lp = { PT_LOAD, PF_R | PF_W | PF_X, data, 0, loads[i].paddr,
					  loads[i].size, loads[i].size, 0 };
			if (load_past_eof && i == nloads - 1)
				lp.p_filesz = lp.p_memsz = loads[i].size + (1ULL << 30);
			fwrite(&lp, sizeof(lp), 1, f);
			data += loads[i].size;
		}
		fseek(f, (long)notes_off, SEEK_SET);
		fwrite(notes, 1, notes_len, f);
		data = (notes_off + notes_len + 4095) & ~4095ULL;
		fseek(f, (long)data, SEEK_SET);
		for (i = 0; i < nloads; i++) {
			unsigned long long off;
			for (off = 0; off < loads[i].size; off += 8) {
				unsigned long long word = loads[i].fill >= 0
					? 0x0101010101010101ULL * (unsigned char)loads[i].fill
					: (loads[i].paddr + off) >> 12;
				fwrite(&word, 8, 1, f);
			}
		}
	}
	if (fclose(f) != 0)
		die("write failed");
	if (truncate_to >= 0 && truncate(out, truncate_to) < 0)
		die("truncate failed");
	return 0;
}
