/* srclines.h — source file:line of a kernel address from a vmlinux's DWARF (libdw), for dis -l,
 * bt -l, sym -l and triage; KASLR's slide applied. */
#ifndef KCRASH_SRCLINES_H
#define KCRASH_SRCLINES_H

#include <elfutils/libdw.h>
#include <stdbool.h>
#include <stdint.h>

#include "kdk_err.h"
#include "session.h"

struct line_entry;

struct source_lines {
	int fd;
	Dwarf *dwarf;
	uint64_t slide;            /* KERNELOFFSET: the dump's addresses minus the vmlinux's */
	/* The line table of the last CU asked about, as gdb records it (srclines.c) */
	Dwarf_Off cu_offset;
	bool have_cu;
	struct line_entry *entries;
	size_t n_entries;
};

/* ENOENT naming `who` when the session has no vmlinux or the vmlinux has no DWARF. */
int srclines_open(struct session *s, struct source_lines *l, const char *who, struct kdk_err *err);
void srclines_close(struct source_lines *l);
/* "FILE: LINE" of addr as binutils' addr2line names it (the last row at the greatest address at
 * or below it, a statement start or not; bt -l, sym -l, triage), false when the DWARF has none (a
 * module's address, an address without line rows). */
bool srclines_find(struct source_lines *l, uint64_t addr, char *buf, size_t size);
/* The same as gdb, and so crash's dis -l, names it: the last row at or below it as gdb records
 * the line program (srclines.c). */
bool srclines_find_as_gdb(struct source_lines *l, uint64_t addr, char *buf, size_t size);

#endif
