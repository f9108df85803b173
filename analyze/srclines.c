/* srclines.c — addresses to source lines through libdw: the CU covering the address, its line
 * table's last statement row at or below it, the file made absolute by the CU's comp_dir. */
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
	if (l->dwarf)
		dwarf_end(l->dwarf);
	if (l->fd >= 0)
		close(l->fd);
	l->dwarf = NULL;
	l->fd = -1;
}

/* The line an address belongs to as gdb sees it: the last statement-start row (is_stmt) of the
 * CU's line table at or below the address. */
static Dwarf_Line *statement_line(Dwarf_Die *cu, uint64_t addr)
{
	Dwarf_Lines *table;
	Dwarf_Line *best = NULL;
	Dwarf_Addr best_addr = 0;
	size_t n, i;

	if (dwarf_getsrclines(cu, &table, &n))
		return NULL;
	for (i = 0; i < n; i++) {
		Dwarf_Line *line = dwarf_onesrcline(table, i);
		Dwarf_Addr a;
		bool stmt;

		if (!line || dwarf_lineaddr(line, &a) || a > addr || dwarf_linebeginstatement(line, &stmt) ||
		    !stmt)
			continue;
		if (!best || a >= best_addr) {
			best = line;
			best_addr = a;
		}
	}
	return best;
}

bool srclines_find(struct source_lines *l, uint64_t addr, char *buf, size_t size)
{
	Dwarf_Die cu;
	Dwarf_Line *line;
	const char *file;
	int lineno;

	if (!l->dwarf || !dwarf_addrdie(l->dwarf, addr - l->slide, &cu) ||
	    !(line = statement_line(&cu, addr - l->slide)) ||
	    !(file = dwarf_linesrc(line, NULL, NULL)) || dwarf_lineno(line, &lineno))
		return false;
	/* A relative file name is relative to the CU's compilation directory, as gdb shows it. */
	if (file[0] != '/') {
		Dwarf_Attribute attr;
		const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &attr));

		if (dir && dir[0]) {
			snprintf(buf, size, "%s/%s: %d", dir, file, lineno);
			return true;
		}
	}
	snprintf(buf, size, "%s: %d", file, lineno);
	return true;
}
