/* cmd_dis.c — `dis FUNCTION|ADDRESS [COUNT]`: x86_64 disassembly through capstone (AT&T syntax,
 * as crash shows it), each line "0xADDRESS <function+offset>:\tinstruction", direct call and
 * jump targets named. A function name disassembles the whole function; an address, COUNT
 * instructions (default 1). -l adds the source line before each instruction that starts one,
 * from the vmlinux's DWARF (libdw), as crash's dis -l does. */
#include <capstone/capstone.h>
#include <ctype.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "commands.h"
#include "srclines.h"

#define MAX_BYTES (1 << 20)

/* "function+offset" with a decimal offset, as gdb (and so crash) writes it. gdb names a GCC
 * clone (foo.part.0, foo.isra.0, foo.constprop.0) by its source function. */
static void where_of(struct session *s, uint64_t addr, char *buf, size_t size)
{
	static const char *const clone_marks[] = { ".part.", ".isra.", ".constprop." };
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &off);
	const char *name;
	size_t len, i;

	if (!sym || (sym->size && off >= sym->size)) {
		snprintf(buf, size, "0x%" PRIx64, addr);
		return;
	}
	name = kdk_symtab_name(&s->syms, sym);
	len = strlen(name);
	for (i = 0; i < sizeof(clone_marks) / sizeof(clone_marks[0]); i++) {
		const char *mark = strstr(name, clone_marks[i]);

		if (mark && (size_t)(mark - name) < len)
			len = (size_t)(mark - name);
	}
	if (off)
		snprintf(buf, size, "%.*s+%" PRIu64, (int)len, name, off);
	else
		snprintf(buf, size, "%.*s", (int)len, name);
}

/* Capstone's AT&T text rewritten the way GNU objdump (and so gdb and crash) writes it:
 *  - no size suffix when a register operand gives the size ("movq %rdx,%rbx" → "mov"), nor on
 *    call/jmp/ret/push/pop;
 *  - immediates as unsigned numbers of the operand's size ("$-0xe" → "$0xfffffffffffffff2");
 *  - a memory operand with an encoded displacement shows it even when 0, and an index register
 *    always has its scale ("(%rax,%rax)" → "0x0(%rax,%rax,1)"). */
static const char *const sized_ops[] = {
	"mov", "push", "pop", "test", "xor", "add", "sub", "and", "or", "cmp", "lea", "inc", "dec",
	"neg", "not", "shl", "shr", "sar", "sal", "imul", "mul", "div", "idiv", "adc", "sbb", "xchg",
	"call", "jmp", "ret", "bt", "bts", "btr", "btc", "rol", "ror", "cmpxchg", "xadd", "movabs",
	"cmova", "cmovae", "cmovb", "cmovbe", "cmove", "cmovne", "cmovg", "cmovge", "cmovl", "cmovle",
	"cmovs", "cmovns", "cmovo", "cmovno", "cmovp", "cmovnp", "tzcnt", "lzcnt", "popcnt", "bsf", "bsr",
};

static bool has_register_operand(const char *ops)
{
	int depth = 0;

	for (; *ops; ops++) {
		if (*ops == '(')
			depth++;
		else if (*ops == ')')
			depth--;
		else if (*ops == '%' && !depth) {
			/* a segment override ("%gs:…") is not a sized register operand */
			const char *name_end = ops + 1;

			while (isalnum((unsigned char)*name_end))
				name_end++;
			if (*name_end != ':')
				return true;
		}
	}
	return false;
}

static void gnu_style(const cs_insn *insn, char *m_out, char *o_out, size_t size)
{
	const char *full = insn->mnemonic, *ops = insn->op_str;
	const char *mnemonic = strrchr(full, ' ') ? strrchr(full, ' ') + 1 : full;   /* after "lock " */
	size_t prefix_len = (size_t)(mnemonic - full);
	size_t mlen = strlen(mnemonic), j = 0, i;
	char suffix = mlen > 1 ? mnemonic[mlen - 1] : 0;
	bool drop = false;
	unsigned bits = suffix == 'q' ? 64 : suffix == 'l' ? 32 : suffix == 'w' ? 16 : suffix == 'b' ? 8 : 64;
	const cs_x86 *x86 = insn->detail ? &insn->detail->x86 : NULL;

	for (i = 0; i < sizeof(sized_ops) / sizeof(sized_ops[0]) && strchr("bwlq", suffix); i++) {
		if (strlen(sized_ops[i]) == mlen - 1 && !strncmp(mnemonic, sized_ops[i], mlen - 1)) {
			bool control = !strcmp(sized_ops[i], "call") || !strcmp(sized_ops[i], "jmp") ||
				       !strcmp(sized_ops[i], "ret") || !strcmp(sized_ops[i], "push") ||
				       !strcmp(sized_ops[i], "pop");

			drop = control || has_register_operand(ops);
		}
	}
	/* string stores: objdump writes "stos %rax,%es:(%rdi)" (the register gives the size) */
	if (!strncmp(mnemonic, "stos", 4) && mlen == 5 && has_register_operand(ops))
		drop = true;
	snprintf(m_out, size, "%.*s%.*s", (int)prefix_len, full, (int)(drop ? mlen - 1 : mlen), mnemonic);
	/* 66 90, the two-byte NOP, is "xchg %ax,%ax" to objdump */
	if (insn->size == 2 && insn->bytes[0] == 0x66 && insn->bytes[1] == 0x90) {
		snprintf(m_out, size, "xchg");
		snprintf(o_out, size, "%%ax,%%ax");
		return;
	}
	while (*ops && j + 40 < size) {
		if (ops[0] == ' ' && j && o_out[j - 1] == ',') {
			ops++;
			continue;
		}
		if ((ops[0] == '$' && isdigit((unsigned char)ops[1]) && strncmp(ops + 1, "0x", 2)) ||
		    ((j == 0 || o_out[j - 1] == ',' || o_out[j - 1] == '-') && isdigit((unsigned char)ops[0]) &&
		     strncmp(ops, "0x", 2))) {
			/* capstone writes small numbers in decimal; objdump always in hex */
			char *end;
			unsigned long long v;

			if (ops[0] == '$')
				o_out[j++] = *ops++;
			v = strtoull(ops, &end, 10);
			if (*end == '(' || *end == ',' || !*end) {
				j += (size_t)snprintf(o_out + j, size - j, "0x%llx", v);
				ops = end;
				continue;
			}
		}
		if (ops[0] == '$' && ops[1] == '-') {
			/* a negative immediate: two's complement in the operand's width */
			char *end;
			uint64_t v = strtoull(ops + 2, &end, 16);
			uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;

			j += (size_t)snprintf(o_out + j, size - j, "$0x%" PRIx64, (0 - v) & mask);
			ops = end;
			continue;
		}
		if (ops[0] == '(' && x86 && x86->encoding.disp_size && x86->disp == 0 &&
		    (j == 0 || o_out[j - 1] == ',' || o_out[j - 1] == ':'))
			j += (size_t)snprintf(o_out + j, size - j, "0x0");
		if (ops[0] == '(' && !strncmp(ops, "(%rdi)", 6) &&
		    (!strncmp(mnemonic, "stos", 4) || !strncmp(mnemonic, "movs", 4)) && mlen <= 5)
			j += (size_t)snprintf(o_out + j, size - j, "%%es:");   /* implied destination */
		if (ops[0] == '(') {
			/* copy the parenthesised operand, adding ",1" when there is an index and no scale */
			const char *close = strchr(ops, ')');
			size_t len = close ? (size_t)(close - ops) : strlen(ops);
			int commas = 0;

			for (i = 0; i < len; i++) {
				if (ops[i] == ' ')
					continue;
				if (ops[i] == ',')
					commas++;
				o_out[j++] = ops[i];
			}
			if (commas == 1)
				j += (size_t)snprintf(o_out + j, size - j, ",1");
			ops += len;
			continue;
		}
		o_out[j++] = *ops++;
	}
	o_out[j] = '\0';
	/* gdb names what a %rip-relative operand points at */
	for (i = 0; x86 && i < x86->op_count; i++) {
		if (x86->operands[i].type == X86_OP_MEM && x86->operands[i].mem.base == X86_REG_RIP) {
			uint64_t target = insn->address + insn->size + (uint64_t)x86->operands[i].mem.disp;

			/* with a segment base (%gs: per-CPU data) the sum is an offset: no symbol */
			snprintf(o_out + j, size - j, x86->operands[i].mem.segment != X86_REG_INVALID ?
				 "        # 0x%" PRIx64 " " : "        # 0x%" PRIx64, target);
			break;
		}
	}
}

/* crash marks the 5-byte NOP that ftrace patches at a function's start (after endbr64). */
static bool ftrace_nop(const cs_insn *insn, uint64_t function_offset)
{
	static const uint8_t nop5[] = { 0x0f, 0x1f, 0x44, 0x00, 0x00 };

	/* crash marks it only where a symbol starts */
	return insn->size == 5 && !memcmp(insn->bytes, nop5, 5) && function_offset == 0;
}

/* Print "file: line" when addr starts a different line than the last one printed. */
static void line_of(struct source_lines *l, uint64_t addr, char *last, size_t size, FILE *out)
{
	char here[600];

	if (!srclines_find(l, addr, here, sizeof(here)) || !strcmp(here, last))
		return;
	fprintf(out, "%s\n", here);
	snprintf(last, size, "%s", here);
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
	char *end, where[256], last[600] = "";
	int rc;

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		with_lines = true;
		argc--;
		argv++;
	}
	if (argc < 2 || argc > 3)
		return kdk_err_set(err, EINVAL, "usage: dis [-l] FUNCTION|ADDRESS [COUNT]");
	if (with_lines && (rc = srclines_open(s, &lines, "dis -l", err)))
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
		srclines_close(&lines);
		return kdk_err_set(err, ENOMEM, "dis");
	}
	if ((rc = session_read(s, start, code, length, err))) {
		free(code);
		srclines_close(&lines);
		return rc;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
		free(code);
		srclines_close(&lines);
		return kdk_err_set(err, EINVAL, "capstone: cannot open an x86_64 disassembler");
	}
	cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON);
	n = cs_disasm(handle, code, length, start, count, &insn);
	for (i = 0; i < n; i++) {
		uint64_t target;
		char *tail, mnemonic[256], ops[256];
		bool segment_relative;

		if (with_lines)
			line_of(&lines, insn[i].address, last, sizeof(last), s->out);
		where_of(s, insn[i].address, where, sizeof(where));
		gnu_style(&insn[i], mnemonic, ops, sizeof(ops));
		tail = strstr(ops, "        # 0x");
		segment_relative = tail && tail[strlen(tail) - 1] == ' ';
		if (segment_relative)
			tail[strlen(tail) - 1] = '\0';        /* a %gs-relative offset: no name */
		fprintf(s->out, "0x%016" PRIx64 " <%s>:\t%-6s %s", insn[i].address, where, mnemonic, ops);
		if (tail && !segment_relative &&
		    kdk_symtab_by_addr(&s->syms, strtoull(tail + 12, NULL, 16), &off)) {
			where_of(s, strtoull(tail + 12, NULL, 16), where, sizeof(where));
			fprintf(s->out, " <%s>", where);
		}
		if (kdk_symtab_by_addr(&s->syms, insn[i].address, &off) && ftrace_nop(&insn[i], off))
			fprintf(s->out, " [FTRACE NOP]");
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
	srclines_close(&lines);
	if (!n)
		return kdk_err_set(err, EINVAL, "dis: no instruction decodes at 0x%" PRIx64, start);
	return 0;
}
