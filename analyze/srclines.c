/* srclines.c — addresses to source lines through libdw: the CU covering the address, the row
 * for it in its line table as addr2line picks it, or as gdb (crash's dis -l) does, the file made
 * absolute by the CU's comp_dir. */
#include <dwarf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srclines.h"

int srclines_open(struct session *s, struct source_lines *l, const char *who, struct kdk_err *err)
{
	const char *offset = kdk_vmcoreinfo_string(&s->vi, "KERNELOFFSET");

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (!s->symbols_path || strcmp(s->syms.source, "vmlinux"))
		return kdk_err_set(err, ENOENT, "%s: source lines need a vmlinux with debuginfo "
						"(kcrash VMLINUX VMCORE)", who);
	if ((l->fd = open(s->symbols_path, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", s->symbols_path);
	if (!(l->dwarf = dwarf_begin(l->fd, DWARF_C_READ))) {
		close(l->fd);
		l->fd = -1;
		return kdk_err_set(err, ENOENT, "%s: %s has no DWARF: %s", who, s->symbols_path,
				   dwarf_errmsg(-1));
	}
	l->slide = offset ? strtoull(offset, NULL, 16) : 0;
	return 0;
}

void srclines_close(struct source_lines *l)
{
	free(l->entries);
	l->entries = NULL;
	l->n_entries = 0;
	l->have_cu = false;
	if (l->dwarf)
		dwarf_end(l->dwarf);
	if (l->fd >= 0)
		close(l->fd);
	l->dwarf = NULL;
	l->fd = -1;
}

/* gdb's line table, which crash's dis -l shows, is not the DWARF rows as they are: gdb's DWARF
 * reader records them per source file (a "subfile") as it runs the line program. A row of
 * line 0 is dropped; so is a non-statement row that switches file at an address where a
 * statement row was already seen. When the file changes, the old file gets an end marker
 * (line 0) at the new row's address, which deletes the old file's rows at that same address,
 * and so does a sequence's end. A row repeating the line before it in the same file is not
 * recorded when that line has had a non-zero discriminator (gdb's PR 17276). For an address
 * gdb takes the row at the greatest address at or below it (the file whose rows survived
 * there), the last of that address's rows, or the statement row just before it when that one
 * is not a statement. Statement rows alone (what dis -l took before) put an inlined call's
 * lines on the wrong instructions: 6.1's vfs_write differed from crash in 33 places. */
struct line_entry {
	uint64_t pc;
	Dwarf_Line *row;           /* NULL: an end marker */
	const char *file;
	uint32_t order;            /* in the line program */
	bool stmt, deleted;
};

struct recorder {
	struct line_entry *v;
	size_t n, cap;
	bool failed;
};

static void record(struct recorder *r, const char *file, uint64_t pc, Dwarf_Line *row, bool stmt)
{
	struct line_entry *e;

	if (!row)        /* an end marker deletes the file's rows at its address */
		for (size_t i = r->n; i-- > 0 && r->v[i].pc == pc;)
			if (!strcmp(r->v[i].file, file))
				r->v[i].deleted = true;
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		struct line_entry *v = realloc(r->v, cap * sizeof(*v));

		if (!v) {
			r->failed = true;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	e = &r->v[r->n];
	*e = (struct line_entry){ .pc = pc, .row = row, .file = file, .order = (uint32_t)r->n,
				  .stmt = stmt };
	r->n++;
}

static int by_pc(const void *a, const void *b)
{
	const struct line_entry *x = a, *y = b;

	if (x->pc != y->pc)
		return x->pc < y->pc ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Runs the CU's rows (libdw keeps each sequence's program order) as gdb's reader does. */
static int load_cu(struct source_lines *l, Dwarf_Die *cu)
{
	struct recorder r = { 0 };
	const char *last_file = NULL;
	Dwarf_Addr last_addr = 0;
	bool have_last_addr = false, stmt_at_addr = false, discriminated = false;
	int last_line = 0, register_line = -1;
	Dwarf_Lines *table;
	size_t n, i, kept = 0;

	if (dwarf_getsrclines(cu, &table, &n))
		return -1;
	for (i = 0; i < n && !r.failed; i++) {
		Dwarf_Line *row = dwarf_onesrcline(table, i);
		const char *file;
		Dwarf_Addr addr;
		bool stmt, end, changed, ignore;
		unsigned int discriminator = 0;
		int line;

		if (!row || dwarf_lineaddr(row, &addr) || dwarf_lineendsequence(row, &end) ||
		    dwarf_linebeginstatement(row, &stmt) || dwarf_lineno(row, &line) ||
		    !(file = dwarf_linesrc(row, NULL, NULL)))
			continue;
		if (end) {
			if (last_file)
				record(&r, last_file, addr, NULL, true);
			last_file = NULL;        /* the next sequence starts afresh */
			last_line = 0;
			register_line = -1;
			have_last_addr = stmt_at_addr = discriminated = false;
			continue;
		}
		/* whether the line register's current line has had a non-zero discriminator */
		dwarf_linediscriminator(row, &discriminator);
		discriminated = line == register_line ? discriminated || discriminator : discriminator;
		register_line = line;
		changed = !last_file || strcmp(last_file, file);
		ignore = (changed && have_last_addr && last_addr == addr && !stmt && stmt_at_addr) ||
			 !line;
		if (changed && !ignore && last_file)
			record(&r, last_file, addr, NULL, true);
		if (!ignore) {
			if (changed || line != last_line || !discriminated)
				record(&r, file, addr, row, stmt);
			last_file = file;
			last_line = line;
		}
		if (!have_last_addr || last_addr != addr) {
			stmt_at_addr = false;
			last_addr = addr;
			have_last_addr = true;
		}
		stmt_at_addr |= stmt;
	}
	if (r.failed) {
		free(r.v);
		return -1;
	}
	for (i = 0; i < r.n; i++)
		if (!r.v[i].deleted)
			r.v[kept++] = r.v[i];
	qsort(r.v, kept, sizeof(*r.v), by_pc);
	free(l->entries);
	l->entries = r.v;
	l->n_entries = kept;
	return 0;
}

/* The row gdb names addr by, NULL for none (no row at or below it, or an end marker there). */
static Dwarf_Line *gdb_line(struct source_lines *l, Dwarf_Die *cu, uint64_t addr)
{
	size_t lo = 0, hi, i, best = SIZE_MAX;

	if (!l->have_cu || l->cu_offset != dwarf_dieoffset(cu)) {
		l->have_cu = false;
		if (load_cu(l, cu))
			return NULL;
		l->cu_offset = dwarf_dieoffset(cu);
		l->have_cu = true;
	}
	for (hi = l->n_entries; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->entries[mid].pc <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* Of the rows at that address, the last that is not an end marker... */
	for (i = lo; i-- > 0 && l->entries[i].pc == l->entries[lo - 1].pc;)
		if (l->entries[i].row) {
			best = i;
			break;
		}
	if (best == SIZE_MAX)
		return NULL;
	/* ...or the statement row before it at the same address in the same file. */
	for (i = best; !l->entries[best].stmt && i-- > 0 && l->entries[i].pc == l->entries[best].pc;)
		if (l->entries[i].row && l->entries[i].stmt &&
		    !strcmp(l->entries[i].file, l->entries[best].file))
			return l->entries[i].row;
	return l->entries[best].row;
}

/* The line an address belongs to as binutils' addr2line (and the kernel's own
 * decode_stacktrace.sh) reads it: of the rows at the greatest address at or below it, the last
 * one, a statement start or not — libdw's dwarf_getsrc_die; none where that is an
 * end-of-sequence row. */
static Dwarf_Line *statement_line(Dwarf_Die *cu, uint64_t addr)
{
	Dwarf_Line *line = dwarf_getsrc_die(cu, addr);
	bool end;

	return line && !dwarf_lineendsequence(line, &end) && !end ? line : NULL;
}

static bool format_line(Dwarf_Die *cu, Dwarf_Line *line, char *buf, size_t size)
{
	const char *file;
	int lineno;

	if (!line || !(file = dwarf_linesrc(line, NULL, NULL)) || dwarf_lineno(line, &lineno))
		return false;
	/* A relative file name is relative to the CU's compilation directory, as gdb shows it. */
	if (file[0] != '/') {
		Dwarf_Attribute attr;
		const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &attr));

		if (dir && dir[0]) {
			snprintf(buf, size, "%s/%s: %d", dir, file, lineno);
			return true;
		}
	}
	snprintf(buf, size, "%s: %d", file, lineno);
	return true;
}

bool srclines_find(struct source_lines *l, uint64_t addr, char *buf, size_t size)
{
	Dwarf_Die cu;

	return l->dwarf && dwarf_addrdie(l->dwarf, addr - l->slide, &cu) &&
	       format_line(&cu, statement_line(&cu, addr - l->slide), buf, size);
}

bool srclines_find_as_gdb(struct source_lines *l, uint64_t addr, char *buf, size_t size)
{
	Dwarf_Die cu;

	return l->dwarf && dwarf_addrdie(l->dwarf, addr - l->slide, &cu) &&
	       format_line(&cu, gdb_line(l, &cu, addr - l->slide), buf, size);
}
