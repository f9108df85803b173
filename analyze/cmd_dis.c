/* cmd_dis.c — `dis FUNCTION|ADDRESS [COUNT]`: x86_64 disassembly through capstone (AT&T syntax,
 * as crash shows it), each line "0xADDRESS <function+offset>:\tinstruction", direct call and
 * jump targets named. A function name disassembles the whole function; an address, COUNT
 * instructions (default 1). -l adds the source line before each instruction that starts one,
 * from the vmlinux's DWARF (libdw), as crash's dis -l does. */
#include <capstone/capstone.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "commands.h"

#define MAX_BYTES (1 << 20)

/* "function+offset" with a decimal offset, as gdb (and so crash) writes it. */
static void where_of(struct session *s, uint64_t addr, char *buf, size_t size)
{
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &off);

	if (!sym || (sym->size && off >= sym->size))
		snprintf(buf, size, "0x%" PRIx64, addr);
	else if (off)
		snprintf(buf, size, "%s+%" PRIu64, kdk_symtab_name(&s->syms, sym), off);
	else
		snprintf(buf, size, "%s", kdk_symtab_name(&s->syms, sym));
}

/* Capstone's AT&T spelling made closer to binutils': no q suffix on call/ret/jmp, no blank
 * after the commas inside an operand list. */
static void gnu_style(const char *mnemonic, const char *ops, char *m_out, char *o_out, size_t size)
{
	size_t j = 0;

	if (!strcmp(mnemonic, "callq") || !strcmp(mnemonic, "retq") || !strcmp(mnemonic, "jmpq"))
		snprintf(m_out, size, "%.*s", (int)strlen(mnemonic) - 1, mnemonic);
	else
		snprintf(m_out, size, "%s", mnemonic);
	for (; *ops && j + 1 < size; ops++) {
		if (*ops == ' ' && j && o_out[j - 1] == ',')
			continue;
		o_out[j++] = *ops;
	}
	o_out[j] = '\0';
}

/* Source lines through libdw: the vmlinux's link-time addresses are the dump's minus KASLR's
 * KERNELOFFSET. */
struct source_lines {
	int fd;
	Dwarf *dwarf;
	uint64_t slide;
	char last[512];
};

static int lines_open(struct session *s, struct source_lines *l, struct kdk_err *err)
{
	const char *offset = kdk_vmcoreinfo_string(&s->vi, "KERNELOFFSET");

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (!s->symbols_path || strcmp(s->syms.source, "vmlinux"))
		return kdk_err_set(err, ENOENT, "dis -l: source lines need a vmlinux with debuginfo "
						"(kcrash VMLINUX VMCORE)");
	if ((l->fd = open(s->symbols_path, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", s->symbols_path);
	if (!(l->dwarf = dwarf_begin(l->fd, DWARF_C_READ))) {
		close(l->fd);
		return kdk_err_set(err, ENOENT, "dis -l: %s has no DWARF: %s", s->symbols_path,
				   dwarf_errmsg(-1));
	}
	l->slide = offset ? strtoull(offset, NULL, 16) : 0;
	return 0;
}

static void lines_close(struct source_lines *l)
{
	if (l->dwarf)
		dwarf_end(l->dwarf);
	if (l->fd >= 0)
		close(l->fd);
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

/* Print "file: line" when addr starts a different line than the last one printed. */
static void line_of(struct source_lines *l, uint64_t addr, FILE *out)
{
	Dwarf_Die cu;
	Dwarf_Line *line;
	const char *file;
	int lineno;
	char here[512];

	if (!dwarf_addrdie(l->dwarf, addr - l->slide, &cu) ||
	    !(line = statement_line(&cu, addr - l->slide)) ||
	    !(file = dwarf_linesrc(line, NULL, NULL)) || dwarf_lineno(line, &lineno))
		return;
	/* A relative file name is relative to the CU's compilation directory, as gdb shows it. */
	if (file[0] != '/') {
		Dwarf_Attribute attr;
		const char *dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &attr));

		if (dir && dir[0])
			snprintf(here, sizeof(here), "%s/%s: %d", dir, file, lineno);
		else
			snprintf(here, sizeof(here), "%s: %d", file, lineno);
	} else {
		snprintf(here, sizeof(here), "%s: %d", file, lineno);
	}
	if (strcmp(here, l->last)) {
		fprintf(out, "%s\n", here);
		snprintf(l->last, sizeof(l->last), "%s", here);
	}
}

int cmd_dis(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct source_lines lines = { .fd = -1 };
	bool with_lines = false;
	const struct kdk_ksym *sym;
	uint64_t start, length, count = 0, off;
	uint8_t *code = NULL;
	csh handle;
	cs_insn *insn = NULL;
	size_t n, i;
	char *end, where[256];
	int rc;

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		with_lines = true;
		argc--;
		argv++;
	}
	if (argc < 2 || argc > 3)
		return kdk_err_set(err, EINVAL, "usage: dis [-l] FUNCTION|ADDRESS [COUNT]");
	if (with_lines && (rc = lines_open(s, &lines, err)))
		return rc;
	if (argc == 3 && (!(count = strtoull(argv[2], &end, 0)) || *end))
		return kdk_err_set(err, EINVAL, "dis: count %s is not a positive number", argv[2]);
	start = strtoull(argv[1], &end, 16);
	if (*end || !argv[1][0]) {
		if (!(sym = kdk_symtab_by_name(&s->syms, argv[1])))
			return kdk_err_set(err, ENOENT, "dis: %s: no such symbol", argv[1]);
		start = sym->addr;
		length = sym->size ? sym->size : 64;
	} else {
		length = 16 * (count ? count : 1);
	}
	if (!count && !(*end || !argv[1][0]))
		count = 1;
	if (length > MAX_BYTES)
		return kdk_err_set(err, E2BIG, "dis: %" PRIu64 " bytes is more than it will show", length);
	if (!(code = malloc(length))) {
		lines_close(&lines);
		return kdk_err_set(err, ENOMEM, "dis");
	}
	if ((rc = session_read(s, start, code, length, err))) {
		free(code);
		lines_close(&lines);
		return rc;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
		free(code);
		lines_close(&lines);
		return kdk_err_set(err, EINVAL, "capstone: cannot open an x86_64 disassembler");
	}
	cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n = cs_disasm(handle, code, length, start, count, &insn);
	for (i = 0; i < n; i++) {
		uint64_t target;
		char *tail;

		char mnemonic[64], ops[256];

		if (with_lines)
			line_of(&lines, insn[i].address, s->out);
		where_of(s, insn[i].address, where, sizeof(where));
		gnu_style(insn[i].mnemonic, insn[i].op_str, mnemonic, ops, sizeof(ops));
		fprintf(s->out, "0x%016" PRIx64 " <%s>:\t%-6s %s", insn[i].address, where, mnemonic, ops);
		/* Name a direct branch target. */
		if ((!strncmp(insn[i].mnemonic, "call", 4) || insn[i].mnemonic[0] == 'j') &&
		    !strncmp(insn[i].op_str, "0x", 2) &&
		    (target = strtoull(insn[i].op_str, &tail, 16), !*tail) &&
		    kdk_symtab_by_addr(&s->syms, target, &off)) {
			where_of(s, target, where, sizeof(where));
			fprintf(s->out, " <%s>", where);
		}
		fputc('\n', s->out);
	}
	if (n)
		cs_free(insn, n);
	cs_close(&handle);
	free(code);
	lines_close(&lines);
	if (!n)
		return kdk_err_set(err, EINVAL, "dis: no instruction decodes at 0x%" PRIx64, start);
	return 0;
}
