/* kdk_dump.h — one open vmcore, whatever its format: its physical pages, its ELF notes
 * (NT_PRSTATUS per CPU, VMCOREINFO, QEMU's own), and the pfn ranges it holds.
 * Formats plug in as rows of struct kdk_dump_format (ELF, kdump-compressed, flattened). */
#ifndef KDK_DUMP_H
#define KDK_DUMP_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"

/* One ELF note found in the dump. name and desc point into dump->notes. */
struct kdk_dump_note {
	uint32_t type;        /* NT_PRSTATUS, VMCOREINFO's 0, … */
	const char *name;     /* "CORE", "VMCOREINFO", "QEMU" (NUL-terminated inside the note) */
	const void *desc;
	uint32_t desc_size;
};

/* A run of page frames [start_pfn, end_pfn) that the dump describes. */
struct kdk_pfn_range {
	uint64_t start_pfn;
	uint64_t end_pfn;
};

struct kdk_dump_format;

struct kdk_dump {
	char *path;
	int fd;
	uint64_t file_size;
	const struct kdk_dump_format *format;
	void *format_data;          /* the format's private state */

	uint32_t page_size;         /* bytes; 4096 on x86_64 */
	uint64_t max_pfn;           /* one past the highest pfn the dump describes */
	struct kdk_array ranges;    /* struct kdk_pfn_range, sorted, not overlapping */

	void *notes;                /* the raw ELF note bytes, as the source carried them */
	size_t notes_size;
	struct kdk_array note_index; /* struct kdk_dump_note, in file order */

	char *vmcoreinfo;           /* VMCOREINFO note text, NUL-terminated; NULL if absent */
	size_t vmcoreinfo_size;     /* without the NUL */

	bool truncated;             /* ELF: a PT_LOAD runs past the end of the file; its pages
				     * beyond the end fail to read (EIO), the others read */
	bool concurrent_reads;      /* the format's read_page(s) may run in several threads at
				     * once (a plain pread of the file, nothing cached): a save
				     * then lets each compression thread read its own batch */

	unsigned char *phys_page;   /* kdk_dump_read_phys's last page, page_size bytes */
	uint64_t phys_page_pfn;     /* UINT64_MAX when empty */
};

/* One row per dump format (libkdumpfile's format_ops). */
struct kdk_dump_format {
	const char *name;
	/* 1 if the first bytes of a file are this format's. */
	int (*probe)(const unsigned char *head, size_t head_len);
	/* Fill page_size, max_pfn, ranges, notes; check every size and offset against the file. */
	int (*open)(struct kdk_dump *dump, struct kdk_err *err);
	/* One page into buf (page_size bytes). -ENOENT when the dump does not hold that pfn
	 * (a hole, or a page the dump level excluded). */
	int (*read_page)(struct kdk_dump *dump, uint64_t pfn, void *buf, struct kdk_err *err);
	/* Optional: count consecutive pages in one read where the format stores them together;
	 * -EAGAIN when it cannot (then they are read one by one). */
	int (*read_pages)(struct kdk_dump *dump, uint64_t pfn, uint64_t count, void *buf,
			  struct kdk_err *err);
	void (*close)(struct kdk_dump *dump);
};

/* Open path, probing every known format. Errors name the file. */
int kdk_dump_open(const char *path, struct kdk_dump **out, struct kdk_err *err);
int kdk_dump_read_page(struct kdk_dump *dump, uint64_t pfn, void *buf, struct kdk_err *err);

/* Pages pfn … pfn+count-1 into buf, in one read where the format allows (an ELF segment holds
 * them back to back), else page by page. */
int kdk_dump_read_pages(struct kdk_dump *dump, uint64_t pfn, uint64_t count, void *buf,
			struct kdk_err *err);
/* true if pfn lies in one of dump->ranges: memory the crashed kernel had, whether or not the
 * dump kept its page. */
bool kdk_dump_describes(const struct kdk_dump *dump, uint64_t pfn);

/* Physical bytes across page boundaries; -ENOENT if any page is missing. */
int kdk_dump_read_phys(struct kdk_dump *dump, uint64_t paddr, void *buf, size_t len,
		       struct kdk_err *err);
void kdk_dump_close(struct kdk_dump *dump);

/* The table of formats kdk_dump_open probes, NULL-terminated (lib/dump_formats.c). */
extern const struct kdk_dump_format *const kdk_dump_formats[];

/* Copy the VMCOREINFO note of dump->note_index into dump->vmcoreinfo (no-op without one). */
int kdk_dump_take_vmcoreinfo(struct kdk_dump *dump, struct kdk_err *err);

/* Split raw ELF note bytes into struct kdk_dump_note entries (4-byte aligned name and desc,
 * every size checked against len). Shared by every format and by the loader's elfcorehdr. */
int kdk_notes_parse(const void *notes, size_t len, struct kdk_array *out, struct kdk_err *err);

#endif
