/* elf_vmcore.c — ELF64 x86_64 vmcores: headers through libelf (any e_phoff, PN_XNUM), every
 * segment checked against the file, pages read through a sliding mmap window (pread where the
 * file cannot be mapped), partial and overlapping segments handled. */
#include "elf_vmcore.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

/* A mapped window of the file: /proc/vmcore maps since 3.11; big enough to amortise mmap. */
#define WINDOW_SIZE (4u << 20)
#define WINDOWS 4

struct file_window {
	unsigned char *map;        /* file bytes [offset, offset + len); NULL: unused */
	uint64_t offset;
	size_t len;
	uint64_t used;             /* window_clock at its last use */
};
/* Notes are a few KiB per CPU; more than this is not a vmcore's. */
#define MAX_NOTES_SIZE (64u << 20)
#define X86_64_PAGE_SIZE 4096

struct elf_state {
	struct kdk_elf_segment *segments;
	size_t nr_segments;
	/* Mapped windows of the file, the least recently used one remapped: a save reads memory's
	 * top and bottom in turn (lib/dump_save.c's save order), and each would otherwise cost a
	 * munmap and an mmap per batch. */
	struct file_window windows[WINDOWS];
	uint64_t window_clock;
	int use_pread;             /* mmap refused: read instead */
	/* Physical [start, end) pairs dumpsave could not read when it wrote this file (its
	 * "KDUMPKIT" note, type 1: docs/formats/elf-vmcore.md); they read as EIO, not as holes. */
	const unsigned char *unreadable;
	size_t nr_unreadable;
};

static int elf_probe(const unsigned char *head, size_t len)
{
	return len >= EI_NIDENT && !memcmp(head, ELFMAG, SELFMAG) && head[EI_CLASS] == ELFCLASS64;
}

static int cmp_segment(const void *a, const void *b)
{
	const struct kdk_elf_segment *x = a, *y = b;
	return x->paddr < y->paddr ? -1 : x->paddr > y->paddr;
}

static int cmp_range(const void *a, const void *b)
{
	const struct kdk_pfn_range *x = a, *y = b;
	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/* Sorted, merged pfn ranges from the segments (overlaps such as kernel text over RAM merge). */
static int build_ranges(struct kdk_dump *dump, struct elf_state *st, struct kdk_err *err)
{
	size_t i, out = 0;

	for (i = 0; i < st->nr_segments; i++) {
		const struct kdk_elf_segment *s = &st->segments[i];
		struct kdk_pfn_range *r;
		if (!s->memsz)
			continue;
		if (!(r = kdk_array_push(&dump->ranges, err)))
			return -ENOMEM;
		r->start_pfn = s->paddr / dump->page_size;
		r->end_pfn = (s->paddr + s->memsz + dump->page_size - 1) / dump->page_size;
	}
	kdk_array_sort(&dump->ranges, cmp_range);
	for (i = 0; i < dump->ranges.len; i++) {
		struct kdk_pfn_range *r = kdk_array_at(&dump->ranges, i);
		struct kdk_pfn_range *last = out ? kdk_array_at(&dump->ranges, out - 1) : NULL;
		if (last && r->start_pfn <= last->end_pfn) {
			if (r->end_pfn > last->end_pfn)
				last->end_pfn = r->end_pfn;
		} else {
			*(struct kdk_pfn_range *)kdk_array_at(&dump->ranges, out++) = *r;
		}
	}
	dump->ranges.len = out;
	dump->max_pfn = out ? ((struct kdk_pfn_range *)kdk_array_at(&dump->ranges, out - 1))->end_pfn : 0;
	return 0;
}

static int read_notes(struct kdk_dump *dump, const GElf_Phdr *ph, size_t index, struct kdk_err *err)
{
	unsigned char *grown;

	if (ph->p_filesz > MAX_NOTES_SIZE || dump->notes_size + ph->p_filesz > MAX_NOTES_SIZE)
		return kdk_err_set(err, EINVAL, "PT_NOTE #%zu is 0x%llx bytes: too large for vmcore notes",
				   index, (unsigned long long)ph->p_filesz);
	grown = realloc(dump->notes, dump->notes_size + ph->p_filesz + 1);
	if (!grown)
		return kdk_err_set(err, ENOMEM, "out of memory for notes");
	dump->notes = grown;
	if (pread(dump->fd, grown + dump->notes_size, ph->p_filesz, (off_t)ph->p_offset) !=
	    (ssize_t)ph->p_filesz)
		return kdk_err_sys(err, errno ? errno : EIO, "reading PT_NOTE #%zu at offset 0x%llx", index,
				   (unsigned long long)ph->p_offset);
	dump->notes_size += ph->p_filesz;
	return 0;
}

static void elf_close(struct kdk_dump *dump)
{
	struct elf_state *st = dump->format_data;

	if (!st)
		return;
	for (unsigned i = 0; i < WINDOWS; i++)
		if (st->windows[i].map)
			munmap(st->windows[i].map, st->windows[i].len);
	free(st->segments);
	free(st);
	dump->format_data = NULL;
}

static int elf_open(struct kdk_dump *dump, struct kdk_err *err)
{
	struct elf_state *st;
	Elf *elf = NULL;
	GElf_Ehdr eh;
	struct statfs fs;
	size_t phnum, i;
	int rc = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return kdk_err_set(err, EINVAL, "libelf: %s", elf_errmsg(-1));
	if (!(st = calloc(1, sizeof(*st))))
		return kdk_err_set(err, ENOMEM, "out of memory");
	dump->format_data = st;
	dump->page_size = X86_64_PAGE_SIZE;
	/* /proc/vmcore reads page by page through ioremap, so its mmap (3.11+) is much faster; a
	 * regular file's pread copies once where a mapping faults and copies again. */
	if (fstatfs(dump->fd, &fs) == 0 && fs.f_type != PROC_SUPER_MAGIC)
		st->use_pread = 1;
	/* preads share nothing; the mapped windows are one thread's. (Mapping a regular file
	 * instead, so that the compressors read its pages in place, was slower: faulting and
	 * unmapping pages cost more than pread's copy; docs/benchmarks.md.) */
	dump->concurrent_reads = st->use_pread;
	elf = elf_begin(dump->fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		rc = kdk_err_set(err, EINVAL, "unreadable ELF header: %s", elf_errmsg(-1));
		goto out;
	}
	if (eh.e_type != ET_CORE || eh.e_machine != EM_X86_64) {
		rc = kdk_err_set(err, EINVAL, "ELF type %u machine %u: not an x86_64 core file (ET_CORE, EM_X86_64)",
				 eh.e_type, eh.e_machine);
		goto out;
	}
	if (elf_getphdrnum(elf, &phnum) < 0) {
		rc = kdk_err_set(err, EINVAL, "program headers: %s", elf_errmsg(-1));
		goto out;
	}
	if (eh.e_phoff > dump->file_size || phnum > (dump->file_size - eh.e_phoff) / sizeof(Elf64_Phdr)) {
		rc = kdk_err_set(err, EINVAL, "%zu program headers at offset 0x%llx run past end of file (file size 0x%llx)",
				 phnum, (unsigned long long)eh.e_phoff, (unsigned long long)dump->file_size);
		goto out;
	}
	if (!(st->segments = calloc(phnum ? phnum : 1, sizeof(*st->segments)))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(elf, (int)i, &ph)) {
			rc = kdk_err_set(err, EINVAL, "program header #%zu: %s", i, elf_errmsg(-1));
			goto out;
		}
		if (ph.p_type != PT_LOAD && ph.p_type != PT_NOTE)
			continue;
		/* A PT_LOAD past the end is a truncated copy (a disk filled while copying
		 * /proc/vmcore): its pages that are there read, the rest fail one by one, so a
		 * save keeps what exists and marks the rest. Notes must be whole. */
		if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz >= ph.p_offset &&
		    ph.p_offset + ph.p_filesz > dump->file_size) {
			dump->truncated = true;
		} else if (ph.p_offset > dump->file_size || ph.p_filesz > dump->file_size - ph.p_offset) {
			rc = kdk_err_set(err, EINVAL, "%s #%zu ends past end of file (offset 0x%llx + size 0x%llx, file size 0x%llx)",
					 ph.p_type == PT_LOAD ? "PT_LOAD" : "PT_NOTE", i,
					 (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz,
					 (unsigned long long)dump->file_size);
			goto out;
		}
		if (ph.p_type == PT_NOTE) {
			if ((rc = read_notes(dump, &ph, i, err)) < 0)
				goto out;
			continue;
		}
		if (ph.p_memsz < ph.p_filesz || ph.p_paddr + ph.p_memsz < ph.p_paddr) {
			rc = kdk_err_set(err, EINVAL, "PT_LOAD #%zu: memory size 0x%llx below file size 0x%llx or past 2^64",
					 i, (unsigned long long)ph.p_memsz, (unsigned long long)ph.p_filesz);
			goto out;
		}
		st->segments[st->nr_segments++] = (struct kdk_elf_segment){
			ph.p_paddr, ph.p_vaddr, ph.p_offset, ph.p_filesz, ph.p_memsz };
	}
	qsort(st->segments, st->nr_segments, sizeof(*st->segments), cmp_segment);
	if ((rc = build_ranges(dump, st, err)) < 0)
		goto out;
	if (dump->notes_size) {
		if ((rc = kdk_notes_parse(dump->notes, dump->notes_size, &dump->note_index, err)) < 0 ||
		    (rc = kdk_dump_take_vmcoreinfo(dump, err)) < 0)
			goto out;
		for (i = 0; i < dump->note_index.len; i++) {
			const struct kdk_dump_note *n = kdk_array_at(&dump->note_index, i);
			if (n->type == 1 && !strcmp(n->name, "KDUMPKIT")) {
				st->unreadable = n->desc;
				st->nr_unreadable = n->desc_size / 16;
			}
		}
	}
out:
	if (elf)
		elf_end(elf);
	return rc;
}

/* The segment holding paddr with data or a zero tail; among overlapping ones, the first. */
static const struct kdk_elf_segment *find_segment(const struct elf_state *st, uint64_t paddr)
{
	size_t lo = 0, hi = st->nr_segments, i;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (st->segments[mid].paddr <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Segments starting at or below paddr: the latest starts are the likeliest holders. */
	for (i = lo; i-- > 0;) {
		const struct kdk_elf_segment *s = &st->segments[i];
		if (paddr - s->paddr < s->memsz)
			return s;
		if (lo - i > 8)
			break;
	}
	return NULL;
}

/* The mapped window holding [offset, offset + len), mapping it in place of the least recently
 * used one when none does; NULL when it cannot be mapped (then reads use pread from now on). */
static const struct file_window *window_for(struct kdk_dump *dump, struct elf_state *st,
					    uint64_t offset, size_t len)
{
	uint64_t base = offset & ~(uint64_t)(WINDOW_SIZE - 1);
	struct file_window *w, *victim = &st->windows[0];
	size_t want = WINDOW_SIZE;
	unsigned i;
	void *map;

	st->window_clock++;
	for (i = 0; i < WINDOWS; i++) {
		w = &st->windows[i];
		if (w->map && offset >= w->offset && offset + len <= w->offset + w->len) {
			w->used = st->window_clock;
			return w;
		}
		if (!w->map || w->used < victim->used)
			victim = w;
		if (!victim->map)
			break;
	}
	if (base >= dump->file_size)
		return NULL;
	if (base + want > dump->file_size)
		want = (size_t)(dump->file_size - base);
	if (offset + len > base + want)
		return NULL;    /* across a window's end: this read goes through pread */
	if (victim->map)
		munmap(victim->map, victim->len);
	victim->map = NULL;
	map = mmap(NULL, want, PROT_READ, MAP_SHARED, dump->fd, (off_t)base);
	if (map == MAP_FAILED) {
		st->use_pread = 1;
		return NULL;
	}
	victim->map = map;
	victim->offset = base;
	victim->len = want;
	victim->used = st->window_clock;
	return victim;
}

static int read_file(struct kdk_dump *dump, struct elf_state *st, uint64_t offset, void *buf,
		     size_t len, struct kdk_err *err)
{
	if (!st->use_pread) {
		const struct file_window *w = window_for(dump, st, offset, len);

		if (w) {
			memcpy(buf, w->map + (offset - w->offset), len);
			return 0;
		}
	}
	ssize_t got = pread(dump->fd, buf, len, (off_t)offset);

	if (got < 0)
		return kdk_err_sys(err, errno, "read error at offset 0x%llx", (unsigned long long)offset);
	if ((size_t)got != len)
		return kdk_err_set(err, EIO, "read error at offset 0x%llx: the file ends at 0x%llx "
				   "(truncated: shorter than its PT_LOADs say)",
				   (unsigned long long)offset + (unsigned long long)got,
				   (unsigned long long)(dump->file_size > offset + (uint64_t)got ?
							offset + (uint64_t)got : dump->file_size));
	return 0;
}

static int elf_read_page(struct kdk_dump *dump, uint64_t pfn, void *buf, struct kdk_err *err)
{
	struct elf_state *st = dump->format_data;
	uint64_t start = pfn * dump->page_size, end = start + dump->page_size, addr = start;
	unsigned char *out = buf;
	int covered = 0, rc;

	while (addr < end) {
		const struct kdk_elf_segment *s = find_segment(st, addr);
		uint64_t seg_end, chunk_end, in_seg;

		if (!s) {
			/* A gap inside the page: zeros, as the kernel's vmcore does. */
			memset(out + (addr - start), 0, 1);
			addr++;
			continue;
		}
		covered = 1;
		seg_end = s->paddr + s->memsz;
		chunk_end = seg_end < end ? seg_end : end;
		in_seg = addr - s->paddr;
		if (in_seg < s->filesz) {
			uint64_t file_end = s->paddr + s->filesz < chunk_end ? s->paddr + s->filesz : chunk_end;
			if ((rc = read_file(dump, st, s->offset + in_seg, out + (addr - start),
					    (size_t)(file_end - addr), err)) < 0)
				return kdk_err_prefix(err, "%s: pfn 0x%llx: ", dump->path,
						      (unsigned long long)pfn);
			addr = file_end;
		}
		if (addr < chunk_end) {
			memset(out + (addr - start), 0, (size_t)(chunk_end - addr));
			addr = chunk_end;
		}
	}
	if (!covered) {
		size_t i;

		for (i = 0; i < st->nr_unreadable; i++) {
			uint64_t range[2];
			memcpy(range, st->unreadable + 16 * i, sizeof(range));
			if (start >= range[0] && start < range[1])
				return kdk_err_set(err, EIO, "%s: pfn 0x%llx could not be read when the "
						   "dump was saved (its KDUMPKIT note lists 0x%llx-0x%llx)",
						   dump->path, (unsigned long long)pfn,
						   (unsigned long long)range[0],
						   (unsigned long long)range[1] - 1);
		}
		return kdk_err_set(err, ENOENT, "%s: pfn 0x%llx is not in the dump", dump->path,
				   (unsigned long long)pfn);
	}
	return 0;
}

/* A run of pages that one segment holds entirely in the file: one read. */
static int elf_read_pages(struct kdk_dump *dump, uint64_t pfn, uint64_t count, void *buf,
			  struct kdk_err *err)
{
	struct elf_state *st = dump->format_data;
	uint64_t start = pfn * dump->page_size, len = count * dump->page_size;
	const struct kdk_elf_segment *s = find_segment(st, start);
	int rc;

	if (!s || start + len > s->paddr + s->filesz)
		return -EAGAIN;
	if ((rc = read_file(dump, st, s->offset + (start - s->paddr), buf, (size_t)len, err)) < 0)
		return kdk_err_prefix(err, "%s: pfn 0x%llx: ", dump->path, (unsigned long long)pfn);
	return 0;
}

const struct kdk_elf_segment *kdk_elf_segments(const struct kdk_dump *dump, size_t *count)
{
	const struct elf_state *st = dump->format == &kdk_format_elf ? dump->format_data : NULL;

	*count = st ? st->nr_segments : 0;
	return st ? st->segments : NULL;
}

const struct kdk_dump_format kdk_format_elf = {
	.name = "elf",
	.probe = elf_probe,
	.open = elf_open,
	.read_page = elf_read_page,
	.read_pages = elf_read_pages,
	.close = elf_close,
};
