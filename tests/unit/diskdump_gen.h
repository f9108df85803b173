/* diskdump_gen.h — a synthetic kdump-compressed dump for the diskdump and flattened tests: holes,
 * excluded pages, zero, compressible and incompressible pages, notes with VMCOREINFO. */
#ifndef TEST_DISKDUMP_GEN_H
#define TEST_DISKDUMP_GEN_H

#include <elf.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diskdump_write.h"
#include "kdk_dump.h"
#include "page_codec.h"

#define GEN_PAGE 4096
#define GEN_MAX_PFN 1000   /* not a multiple of 8: the last bitmap byte is partial */

struct gen_config {
	enum kdk_codec codec;
	int32_t dump_level;    /* bit 0: zero pages share one block */
	uint32_t window;       /* bitmap window, pfns (a multiple of 8) */
	bool interleave;       /* each window's pages right after its bitmaps */
	bool abort_midway;     /* stop after half the pages, abort instead of finish */
	uint32_t runs_down;    /* not 0: pages in runs of this many pfns, the runs from the top
				* of memory down, each after a seek to its descriptor index */
};

static const char gen_vmcoreinfo[] =
	"OSRELEASE=6.1.0-test\nPAGESIZE=4096\nNUMBER(phys_base)=109051904\nCRASHTIME=1700000000\n";

/* Memory holes at [100,160), [512,520), [900,977): the first bitmap is clear there. */
static inline bool gen_present(uint64_t pfn)
{
	return !((pfn >= 100 && pfn < 160) || (pfn >= 512 && pfn < 520) || (pfn >= 900 && pfn < 977));
}

/* Every 7th page (pfn % 7 == 3) excluded by the "dump level". */
static inline bool gen_dumped(uint64_t pfn) { return gen_present(pfn) && pfn % 7 != 3; }

static inline bool gen_is_zero(uint64_t pfn) { return pfn % 10 == 0; }

static inline void gen_page(uint64_t pfn, unsigned char *page)
{
	if (gen_is_zero(pfn)) {
		memset(page, 0, GEN_PAGE);
	} else if (pfn % 13 == 5) {   /* incompressible: stored raw */
		uint64_t x = pfn * 0x9e3779b97f4a7c15ULL | 1;
		for (size_t i = 0; i < GEN_PAGE; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			page[i] = (unsigned char)x;
		}
	} else {
		for (size_t i = 0; i < GEN_PAGE; i++)
			page[i] = (unsigned char)("page text "[i % 10] + (pfn % 5));
		memcpy(page + 100, &pfn, sizeof(pfn));
	}
}

static inline uint64_t gen_pages_dumped(void)
{
	uint64_t n = 0;
	for (uint64_t pfn = 0; pfn < GEN_MAX_PFN; pfn++)
		n += gen_dumped(pfn);
	return n;
}

/* One ELF note: header, name and desc each padded to 4 bytes. Returns the new size. */
static inline size_t gen_add_note(unsigned char *buf, size_t at, const char *name, uint32_t type,
			   const void *desc, uint32_t desc_size)
{
	Elf64_Nhdr h = { .n_namesz = (Elf64_Word)strlen(name) + 1, .n_descsz = desc_size,
			 .n_type = type };
	memcpy(buf + at, &h, sizeof(h));
	at += sizeof(h);
	memset(buf + at, 0, (h.n_namesz + 3) & ~3u);
	memcpy(buf + at, name, h.n_namesz);
	at += (h.n_namesz + 3) & ~3u;
	memset(buf + at, 0, (desc_size + 3) & ~3u);
	memcpy(buf + at, desc, desc_size);
	return at + ((desc_size + 3) & ~3u);
}

/* A PRSTATUS-like note for two CPUs, then VMCOREINFO. */
static inline size_t gen_notes(unsigned char *buf)
{
	unsigned char prstatus[336];
	size_t n = 0;
	for (int cpu = 0; cpu < 2; cpu++) {
		memset(prstatus, 0x10 + cpu, sizeof(prstatus));
		n = gen_add_note(buf, n, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	}
	return gen_add_note(buf, n, "VMCOREINFO", 0, gen_vmcoreinfo, sizeof(gen_vmcoreinfo) - 1);
}

static inline void gen_params(struct kdk_diskdump_params *p, const struct gen_config *cfg,
		       const unsigned char *notes, size_t notes_size)
{
	memset(p, 0, sizeof(*p));
	p->page_size = GEN_PAGE;
	p->max_pfn = GEN_MAX_PFN;
	strcpy(p->utsname.sysname, "Linux");
	strcpy(p->utsname.release, "6.1.0-test");
	strcpy(p->utsname.machine, "x86_64");
	p->timestamp_sec = 1700000000;
	p->nr_cpus = 2;
	p->phys_base = 0x6800000;
	p->dump_level = cfg->dump_level;
	p->notes = notes;
	p->notes_size = notes_size;
	p->vmcoreinfo = gen_vmcoreinfo;
	p->vmcoreinfo_size = sizeof(gen_vmcoreinfo) - 1;
	p->codec = cfg->codec;
	p->pages_to_dump = gen_pages_dumped();
}

static inline int gen_write_pages(struct kdk_diskdump_writer *w, struct kdk_page_codec *codec,
			   const struct gen_config *cfg, uint64_t from, uint64_t to,
			   uint64_t *written, struct kdk_err *err)
{
	unsigned char page[GEN_PAGE], out[2 * GEN_PAGE];
	uint32_t size, flags;
	int rc;

	for (uint64_t pfn = from; pfn < to; pfn++) {
		if (!gen_dumped(pfn))
			continue;
		if (cfg->abort_midway && *written == gen_pages_dumped() / 2)
			return 1;
		gen_page(pfn, page);
		if ((cfg->dump_level & 1) && gen_is_zero(pfn)) {
			rc = kdk_diskdump_write_zero_page(w, pfn, err);
		} else {
			if ((rc = kdk_page_compress(codec, page, out, sizeof(out), &size, &flags, err)) < 0)
				return rc;
			rc = kdk_diskdump_write_page(w, pfn, out, size, flags, err);
		}
		if (rc < 0)
			return rc;
		++*written;
	}
	return 0;
}

static inline void gen_bitmaps(uint64_t start, uint64_t count, unsigned char *present,
			unsigned char *dumped)
{
	memset(present, 0, (count + 7) / 8);
	memset(dumped, 0, (count + 7) / 8);
	for (uint64_t i = 0; i < count; i++) {
		if (gen_present(start + i))
			present[i / 8] |= (unsigned char)(1u << (i % 8));
		if (gen_dumped(start + i))
			dumped[i / 8] |= (unsigned char)(1u << (i % 8));
	}
}

/* Write the whole synthetic dump into sink. Returns 0, or the first error. */
static inline int gen_write(struct kdk_out *sink, const struct gen_config *cfg, struct kdk_err *err)
{
	unsigned char notes[2048], present[GEN_MAX_PFN / 8 + 1], dumped[GEN_MAX_PFN / 8 + 1];
	struct kdk_diskdump_params p;
	struct kdk_diskdump_writer *w = NULL;
	struct kdk_page_codec *codec = NULL;
	uint64_t written = 0, start;
	int rc;

	gen_params(&p, cfg, notes, gen_notes(notes));
	if ((rc = kdk_page_codec_new(&codec, cfg->codec, GEN_PAGE, err)) < 0)
		return rc;
	if ((rc = kdk_diskdump_write_open(&w, sink, &p, err)) < 0)
		goto out;
	for (start = 0; start < GEN_MAX_PFN; start += cfg->window) {
		uint64_t count = GEN_MAX_PFN - start < cfg->window ? GEN_MAX_PFN - start : cfg->window;
		gen_bitmaps(start, count, present, dumped);
		if ((rc = kdk_diskdump_write_bitmaps(w, start, count, present, dumped, err)) < 0)
			goto out;
		if (cfg->interleave &&
		    (rc = gen_write_pages(w, codec, cfg, start, start + count, &written, err)) != 0)
			goto out;
	}
	if (cfg->runs_down) {
		for (uint64_t end = GEN_MAX_PFN; end > 0;) {
			uint64_t from = end > cfg->runs_down ? end - cfg->runs_down : 0, index = 0;

			for (uint64_t pfn = 0; pfn < from; pfn++)
				index += gen_dumped(pfn);
			if (index < gen_pages_dumped() &&
			    (rc = kdk_diskdump_write_seek(w, index, err)) < 0)
				goto out;
			if ((rc = gen_write_pages(w, codec, cfg, from, end, &written, err)) != 0)
				goto out;
			end = from;
		}
	} else if (!cfg->interleave &&
		   (rc = gen_write_pages(w, codec, cfg, 0, GEN_MAX_PFN, &written, err)) != 0) {
		goto out;
	}
	rc = kdk_diskdump_write_finish(w, err);
	w = NULL;
out:
	if (w)
		kdk_diskdump_write_abort(w);
	kdk_page_codec_free(codec);
	return rc < 0 ? rc : 0;
}

/* ---- a sink in memory, which can run out of space ---- */

struct mem_out {
	struct kdk_out out;
	unsigned char *buf;
	size_t size, cap;
	size_t limit;          /* writes ending past this fail with ENOSPC (SIZE_MAX: never) */
	unsigned writes;
};

static inline int mem_write_at(struct kdk_out *out, uint64_t offset, const void *data, size_t len,
			struct kdk_err *err)
{
	struct mem_out *m = (struct mem_out *)out;

	if (offset + len > m->limit)
		return kdk_err_sys(err, ENOSPC, "%s: write of %zu bytes at offset 0x%llx failed",
				   out->name, len, (unsigned long long)offset);
	if (offset + len > m->cap) {
		size_t cap = m->cap ? m->cap : 65536;
		while (cap < offset + len)
			cap *= 2;
		m->buf = realloc(m->buf, cap);
		memset(m->buf + m->cap, 0, cap - m->cap);
		m->cap = cap;
	}
	memcpy(m->buf + offset, data, len);
	if (offset + len > m->size)
		m->size = offset + len;
	m->writes++;
	return 0;
}

static inline void mem_out_init(struct mem_out *m, const char *name, size_t limit)
{
	memset(m, 0, sizeof(*m));
	m->out.name = name;
	m->out.write_at = mem_write_at;
	m->limit = limit;
}

/* ---- opening a file with one format row, as kdk_dump_open would ---- */

static inline int gen_open_row(const struct kdk_dump_format *format, const char *path,
			struct kdk_dump *dump, struct kdk_err *err)
{
	memset(dump, 0, sizeof(*dump));
	dump->path = (char *)path;
	dump->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (dump->fd < 0)
		return kdk_err_sys(err, errno, "%s: open", path);
	dump->format = format;
	dump->file_size = (uint64_t)lseek(dump->fd, 0, SEEK_END);
	int rc = format->open(dump, err);
	if (rc < 0) {
		close(dump->fd);
		dump->fd = -1;
	}
	return rc;
}

static inline void gen_close_row(struct kdk_dump *dump)
{
	dump->format->close(dump);
	close(dump->fd);
}

static inline void gen_write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (write(fd, buf, len) != (ssize_t)len)
			len = 0;
		close(fd);
	}
}

#endif
