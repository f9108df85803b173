/* cmd_dis.c — `dis FUNCTION|ADDRESS [COUNT]`: x86_64 disassembly through capstone (AT&T syntax,
 * as crash shows it), each line "0xADDRESS <function+offset>:\tinstruction", direct call and
 * jump targets named. A function name disassembles the whole function; an address, COUNT
 * instructions (default 1). Source lines (-l) need DWARF: not yet. */
#include <capstone/capstone.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
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

int cmd_dis(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	const struct kdk_ksym *sym;
	uint64_t start, length, count = 0, off;
	uint8_t *code = NULL;
	csh handle;
	cs_insn *insn = NULL;
	size_t n, i;
	char *end, where[256];
	int rc;

	if (argc < 2 || argc > 3)
		return kdk_err_set(err, EINVAL, "usage: dis FUNCTION|ADDRESS [COUNT]");
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
	if (!(code = malloc(length)))
		return kdk_err_set(err, ENOMEM, "dis");
	if ((rc = session_read(s, start, code, length, err))) {
		free(code);
		return rc;
	}
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) {
		free(code);
		return kdk_err_set(err, EINVAL, "capstone: cannot open an x86_64 disassembler");
	}
	cs_option(handle, CS_OPT_SYNTAX, CS_OPT_SYNTAX_ATT);
	n = cs_disasm(handle, code, length, start, count, &insn);
	for (i = 0; i < n; i++) {
		uint64_t target;
		char *tail;

		char mnemonic[64], ops[256];

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
	if (!n)
		return kdk_err_set(err, EINVAL, "dis: no instruction decodes at 0x%" PRIx64, start);
	return 0;
}
