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

/* Of several symbols at one address, the first by name: crash names a branch target and a
 * %rip-relative operand from its own symbol table, sorted so (__memset, not memset; jiffies,
 * not jiffies_64; __x86_indirect_thunk_array, not __x86_indirect_thunk_rax). */
static const struct kdk_ksym *first_by_name(const struct kdk_symtab *tab, const struct kdk_ksym *sym)
{
	const struct kdk_ksym *end = (const struct kdk_ksym *)tab->syms.items + tab->syms.len, *alias;
	const struct kdk_ksym *best = sym;

	for (alias = sym ? sym + 1 : end; alias < end && alias->addr == sym->addr; alias++)
		if (strcmp(kdk_symtab_name(tab, alias), kdk_symtab_name(tab, best)) < 0)
			best = alias;
	return best;
}

/* "function+offset" with a decimal offset (hex with -x), as crash writes it. gdb names a GCC
 * clone foo.part.0 or foo.isra.0 by its source function, but keeps foo.constprop.0 (crash on
 * 6.1: 47 of 47 .part/.isra targets cut, 18 of 18 .constprop kept, foo.constprop.0.isra.0 shown
 * as foo.constprop.0). Of several symbols at a branch target's or %rip-relative operand's
 * address (target), the first by name. */
static bool where_of(struct session *s, uint64_t addr, bool hex, bool target, char *buf,
		     size_t size)
{
	static const char *const clone_marks[] = { ".part.", ".isra." };
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &off);
	const char *name;
	size_t len, i;

	/* A target past the vmlinux's size of the symbol before it (a string constant after an
	 * array) is not named, as gdb refuses a sized symbol that does not hold the address. */
	if (!sym || (sym->size && off >= sym->size) ||
	    (target && sym->declared_size && off >= sym->declared_size)) {
		snprintf(buf, size, "0x%" PRIx64, addr);
		return false;
	}
	if (target)
		sym = first_by_name(&s->syms, sym);
	name = kdk_symtab_name(&s->syms, sym);
	len = strlen(name);
	for (i = 0; i < sizeof(clone_marks) / sizeof(clone_marks[0]); i++) {
		const char *mark = strstr(name, clone_marks[i]);

		if (mark && (size_t)(mark - name) < len)
			len = (size_t)(mark - name);
	}
	if (off)
		snprintf(buf, size, hex ? "%.*s+0x%" PRIx64 : "%.*s+%" PRIu64, (int)len, name, off);
	else
		snprintf(buf, size, "%.*s", (int)len, name);
	return true;
}

/* Capstone's AT&T text rewritten the way GNU objdump (and so gdb and crash) writes it:
 *  - no size suffix when a register operand gives the size ("movq %rdx,%rbx" → "mov"), nor on
 *    call/jmp/ret/push/pop;
 *  - immediates as unsigned numbers of the operand's size ("$-0xe" → "$0xfffffffffffffff2");
 *  - a memory operand with an encoded displacement shows it even when 0, and an index register
 *    always has its scale ("(%rax,%rax)" → "0x0(%rax,%rax,1)");
 *  - the shift-by-one opcodes (d0, d1) have no "$0x1" operand ("shr %rdx"), and a port in %dx
 *    is "(%dx)";
 *  - prefixes, string instructions' implied segments and UD1: below. */
static const char *const sized_ops[] = {
	"mov", "push", "pop", "test", "xor", "add", "sub", "and", "or", "cmp", "lea", "inc", "dec",
	"neg", "not", "shl", "shr", "sar", "sal", "imul", "mul", "div", "idiv", "adc", "sbb", "xchg",
	"call", "jmp", "ret", "bt", "bts", "btr", "btc", "rol", "ror", "cmpxchg", "xadd", "movabs",
	"cmova", "cmovae", "cmovb", "cmovbe", "cmove", "cmovne", "cmovg", "cmovge", "cmovl", "cmovle",
	"cmovs", "cmovns", "cmovo", "cmovno", "cmovp", "cmovnp", "tzcnt", "lzcnt", "popcnt", "bsf", "bsr",
	"bswap", "shld", "shrd", "rcl", "rcr", "in", "out", "rdrand", "rdseed", "rdfsbase", "rdgsbase",
	"wrfsbase", "wrgsbase", "shlx", "shrx", "sarx", "rorx", "andn", "bzhi", "pdep", "pext", "mulx",
	"bextr", "blsi", "blsmsk", "blsr", "adcx", "adox", "movbe", "crc32", "ljmp", "lcall",
};

/* Shifts and rotates (name without its size suffix: len bytes). */
static bool shift_op(const char *name, size_t len)
{
	static const char *const shifts[] = { "shl", "shr", "sar", "sal", "rol", "ror", "rcl", "rcr",
					      "shld", "shrd" };
	size_t i;

	for (i = 0; i < sizeof(shifts) / sizeof(shifts[0]); i++)
		if (strlen(shifts[i]) == len && !strncmp(name, shifts[i], len))
			return true;
	return false;
}

/* A register operand that gives the operand size. A shift's or rotate's count in %cl does not
 * ("shlq %cl,0x10(%rsp)" keeps its q; "shr $0x6,%cl" shifts %cl itself). */
static bool has_register_operand(const char *ops, bool shift)
{
	if (shift && !strncmp(ops, "%cl,", 4))
		ops += 4;    /* the count, first in AT&T order */
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

/* How many legacy prefix bytes (lock, rep, segments, 66, 67) the instruction opens with. */
static unsigned legacy_prefixes(const cs_insn *insn)
{
	unsigned n = 0;

	while (n < insn->size && insn->bytes[n] &&
	       strchr("\xf0\xf2\xf3\x2e\x36\x3e\x26\x64\x65\x66\x67", insn->bytes[n]))
		n++;
	return n;
}

/* The first opcode byte, after the legacy and REX prefixes (0 if there is none). */
static uint8_t first_opcode(const cs_insn *insn)
{
	unsigned i = legacy_prefixes(insn);

	if (i < insn->size && (insn->bytes[i] & 0xf0) == 0x40)
		i++;
	return i < insn->size ? insn->bytes[i] : 0;
}

/* The opcode byte of a string instruction (a4-a7 movs/cmps, aa-af stos/lods/scas, 6c-6f ins/outs);
 * 0 for any other instruction. */
static uint8_t string_opcode(const cs_insn *insn)
{
	uint8_t opcode = first_opcode(insn);

	switch (opcode) {
	case 0xa4: case 0xa5: case 0xa6: case 0xa7: case 0xaa: case 0xab: case 0xac: case 0xad:
	case 0xae: case 0xaf: case 0x6c: case 0x6d: case 0x6e: case 0x6f:
		return opcode;
	}
	return 0;
}

/* Capstone's lock/rep text as objdump writes it: "repe "/"repne " are "repz "/"repnz ". */
static size_t rep_word(const char *text, size_t len, char *out, size_t size)
{
	if (len == 5 && !strncmp(text, "repe ", 5))
		return (size_t)snprintf(out, size, "repz ");
	if (len == 6 && !strncmp(text, "repne ", 6))
		return (size_t)snprintf(out, size, "repnz ");
	return (size_t)snprintf(out, size, "%.*s", (int)len, text);
}

/* Legacy prefixes as objdump names them in front of the mnemonic. In 64-bit mode the CS, SS, DS
 * and ES overrides do nothing, and objdump writes each as a word ("cs nopw 0x0(%rax,%rax,1)", the
 * "cs cs cs xor %eax,%eax" of patched-in padding, "ds wrmsr") where capstone folds them into a
 * memory operand ("%cs:") or drops them; DS before an indirect call or jmp is "notrack". An FS or
 * GS override is the operand's "%gs:" where there is a memory operand. Of repeated operand- and
 * address-size prefixes the last one counts and the others are "data16"/"addr32" (all of them
 * "addr32" where nothing is addressed, as in "addr32 call"). lock/rep keep capstone's word, in
 * its place among the others. String instructions keep capstone's text whole. Returns the
 * words, each followed by a space, in words; *null_segments gets the overrides written as words
 * (bit 0 CS, 1 SS, 2 DS, 3 ES), whose "%xs:" the operands then leave out. */
static void prefix_words(const cs_insn *insn, const char *capstone_prefix, size_t capstone_len,
			 char *words, size_t size, unsigned *null_segments)
{
	const char *mnemonic = insn->mnemonic + capstone_len;
	bool memory = strchr(insn->op_str, '(') != NULL;
	bool indirect = insn->op_str[0] == '*' &&
			(!strncmp(mnemonic, "call", 4) || !strncmp(mnemonic, "jmp", 3));
	bool lock_rep_written = false;
	unsigned n = 0, data16 = 0, addr32 = 0, seen16 = 0, seen32 = 0, i;
	size_t used = 0;

	*null_segments = 0;
	words[0] = '\0';
	for (i = 0; insn->detail && i < insn->detail->x86.op_count; i++)
		memory |= insn->detail->x86.operands[i].type == X86_OP_MEM;   /* "%gs:0x28" too */
	if (string_opcode(insn))
		goto capstone_only;
	n = legacy_prefixes(insn);
	for (i = 0; i < n; i++) {
		data16 += insn->bytes[i] == 0x66;
		addr32 += insn->bytes[i] == 0x67;
	}
	for (i = 0; i < n && used + 16 < size; i++) {
		const char *word = NULL;

		switch (insn->bytes[i]) {
		case 0x2e: word = "cs"; *null_segments |= 1; break;
		case 0x36: word = "ss"; *null_segments |= 2; break;
		case 0x3e: word = indirect ? "notrack" : "ds"; *null_segments |= 4; break;
		case 0x26: word = "es"; *null_segments |= 8; break;
		case 0x64: word = memory ? NULL : "fs"; break;
		case 0x65: word = memory ? NULL : "gs"; break;
		case 0x66: word = ++seen16 < data16 ? "data16" : NULL; break;
		case 0x67: word = ++seen32 < addr32 || !memory ? "addr32" : NULL; break;
		default:   /* lock, rep: capstone's word, once */
			if (!lock_rep_written && capstone_len) {
				used += rep_word(capstone_prefix, capstone_len, words + used, size - used);
				lock_rep_written = true;
			}
			break;
		}
		if (word)
			used += (size_t)snprintf(words + used, size - used, "%s ", word);
	}
	if (lock_rep_written || !capstone_len)
		return;
capstone_only:
	rep_word(capstone_prefix, capstone_len, words + strlen(words), size - strlen(words));
}

/* ops without the "%cs:", "%ss:", "%ds:", "%es:" overrides objdump writes as words instead. */
static void drop_null_segments(const char *ops, unsigned null_segments, char *out, size_t size)
{
	static const char *const names[] = { "%cs:", "%ss:", "%ds:", "%es:" };
	size_t j = 0;

	while (*ops && j + 1 < size) {
		unsigned k;
		bool dropped = false;

		for (k = 0; k < 4; k++)
			if ((null_segments & (1u << k)) && !strncmp(ops, names[k], 4)) {
				ops += 4;
				dropped = true;
				break;
			}
		if (!dropped)
			out[j++] = *ops++;
	}
	out[j] = '\0';
}

static void gnu_style(const cs_insn *insn, char *m_out, char *o_out, size_t size)
{
	const char *full = insn->mnemonic, *ops;
	const char *mnemonic = strrchr(full, ' ') ? strrchr(full, ' ') + 1 : full;   /* after "lock " */
	char words[128], ops_buf[256];
	unsigned null_segments;
	size_t prefix_len;
	uint8_t opcode, string_op;
	size_t mlen = strlen(mnemonic), j = 0, i;
	char suffix = mlen > 1 ? mnemonic[mlen - 1] : 0;
	bool drop = false;
	unsigned bits = suffix == 'q' ? 64 : suffix == 'l' ? 32 : suffix == 'w' ? 16 : suffix == 'b' ? 8 : 64;
	const cs_x86 *x86 = insn->detail ? &insn->detail->x86 : NULL;

	prefix_words(insn, full, (size_t)(mnemonic - full), words, sizeof(words), &null_segments);
	drop_null_segments(insn->op_str, null_segments, ops_buf, sizeof(ops_buf));
	ops = ops_buf;
	opcode = first_opcode(insn);
	if (opcode >= 0x91 && opcode <= 0x97) {
		/* xchg's short form: objdump writes the accumulator first ("xchg %rax,%rdx") */
		char *comma = strstr(ops_buf, ", ");

		if (comma) {
			char first[sizeof(ops_buf)];
			size_t len = (size_t)(comma - ops_buf);

			memcpy(first, ops_buf, len);
			first[len] = '\0';
			memmove(ops_buf, comma + 2, strlen(comma + 2) + 1);
			strcat(ops_buf, ", ");
			strcat(ops_buf, first);
		}
	}
	full = words;
	prefix_len = strlen(words);
	for (i = 0; i < sizeof(sized_ops) / sizeof(sized_ops[0]) && strchr("bwlq", suffix); i++) {
		if (strlen(sized_ops[i]) == mlen - 1 && !strncmp(mnemonic, sized_ops[i], mlen - 1)) {
			bool control = !strcmp(sized_ops[i], "call") || !strcmp(sized_ops[i], "jmp") ||
				       !strcmp(sized_ops[i], "ljmp") || !strcmp(sized_ops[i], "lcall") ||
				       !strcmp(sized_ops[i], "ret") || !strcmp(sized_ops[i], "push") ||
				       !strcmp(sized_ops[i], "pop");

			drop = control || has_register_operand(ops, shift_op(mnemonic, mlen - 1));
		}
	}
	/* string instructions with a register operand: objdump writes "stos %rax,%es:(%rdi)",
	 * "lods %ds:(%rsi),%al" (the register gives the size); ins/outs keep theirs ("(%dx)") */
	string_op = string_opcode(insn);
	if (string_op && (string_op & 0xf0) == 0xa0 && has_register_operand(ops, false))
		drop = true;
	/* pushf/popf and the descriptor-table loads and stores in 64-bit mode: objdump (and gdb)
	 * write no q */
	if (!strcmp(mnemonic, "pushfq") || !strcmp(mnemonic, "popfq") || !strcmp(mnemonic, "sidtq") ||
	    !strcmp(mnemonic, "sgdtq") || !strcmp(mnemonic, "lidtq") || !strcmp(mnemonic, "lgdtq"))
		drop = true;
	snprintf(m_out, size, "%.*s%.*s", (int)prefix_len, full, (int)(drop ? mlen - 1 : mlen), mnemonic);
	/* 66 90, the two-byte NOP, is "xchg %ax,%ax" to objdump */
	if (insn->size == 2 && insn->bytes[0] == 0x66 && insn->bytes[1] == 0x90) {
		snprintf(m_out, size, "xchg");
		snprintf(o_out, size, "%%ax,%%ax");
		return;
	}
	if ((opcode & 0xfe) == 0xd0 && !strncmp(ops, "$1, ", 4))
		ops += 4;    /* shift by one */
	while (*ops && j + 40 < size) {
		if (ops[0] == ' ' && j && o_out[j - 1] == ',') {
			ops++;
			continue;
		}
		if ((ops[0] == '$' && isdigit((unsigned char)ops[1]) && strncmp(ops + 1, "0x", 2)) ||
		    ((j == 0 || o_out[j - 1] == ',' || o_out[j - 1] == '-' || o_out[j - 1] == ':') &&
		     isdigit((unsigned char)ops[0]) &&
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
		/* a string instruction's implied segments: %es:(%rdi), %ds:(%rsi); its port (%dx) */
		if (string_op && !strncmp(ops, "(%rdi)", 6))
			j += (size_t)snprintf(o_out + j, size - j, "%%es:");
		if (string_op && !strncmp(ops, "(%rsi)", 6))
			j += (size_t)snprintf(o_out + j, size - j, "%%ds:");
		if (!strncmp(ops, "%dx", 3) && ((string_op & 0xf0) == 0x60 || (opcode & 0xfc) == 0xec)) {
			j += (size_t)snprintf(o_out + j, size - j, "(%%dx)");
			ops += 3;
			continue;
		}
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
			snprintf(o_out + j, size - j, x86->operands[i].mem.segment == X86_REG_FS ||
						      x86->operands[i].mem.segment == X86_REG_GS ?
				 "        # 0x%" PRIx64 " " : "        # 0x%" PRIx64, target);
			break;
		}
	}
}

/* 0f b9 is UD1 Gv,Ev (the kernel's WARN and UBSAN traps use it with operands: "ud1 %esp,%ecx",
 * "ud1 (%edx),%rdi"). Capstone 4 calls it "ud2b", shows no operands and ends it before its ModRM
 * byte, so the instructions after it would decode out of step. imul (0f af) has the same Gv,Ev
 * operands: a copy of the bytes with that opcode decodes to UD1's true length and operands.
 * NULL where the copy does not decode. `after` and `left` are the bytes after capstone's end. */
static cs_insn *ud1_decode(csh handle, const cs_insn *insn, const uint8_t *after, size_t left)
{
	uint8_t copy[16];
	size_t avail = insn->size, i;
	cs_insn *decoded = NULL;

	memcpy(copy, insn->bytes, insn->size);
	while (avail < sizeof(copy) && left) {
		copy[avail++] = *after++;
		left--;
	}
	for (i = 0; i + 1 < insn->size; i++)
		if (copy[i] == 0x0f && copy[i + 1] == 0xb9)
			break;
	if (i + 1 >= insn->size)
		return NULL;
	copy[i + 1] = 0xaf;
	if (cs_disasm(handle, copy, avail, insn->address, 1, &decoded) != 1)
		return NULL;
	if (decoded->id != X86_INS_IMUL || decoded->size < insn->size) {
		cs_free(decoded, 1);
		return NULL;
	}
	decoded->bytes[i + 1] = 0xb9;
	return decoded;
}

/* A string instruction whose 66 comes before its rep (66 f3 ab, "rep stos %ax,%es:(%rdi)"):
 * capstone 4 loses the operand size. The same prefixes with 66 last decode right; NULL when
 * the instruction is not such a one. */
static cs_insn *string_size_decode(csh handle, const cs_insn *insn)
{
	uint8_t copy[16];
	size_t n = 0, i, used = 0;
	bool data16 = false, rep_after = false;
	cs_insn *decoded = NULL;

	if (!string_opcode(insn) || insn->size > sizeof(copy))
		return NULL;
	n = legacy_prefixes(insn);
	for (i = 0; i < n; i++) {
		data16 |= insn->bytes[i] == 0x66;
		rep_after |= data16 && (insn->bytes[i] == 0xf2 || insn->bytes[i] == 0xf3);
	}
	if (!rep_after)
		return NULL;
	for (i = 0; i < n; i++)
		if (insn->bytes[i] != 0x66)
			copy[used++] = insn->bytes[i];
	for (i = 0; i < n; i++)
		if (insn->bytes[i] == 0x66)
			copy[used++] = 0x66;
	memcpy(copy + used, insn->bytes + n, insn->size - n);
	if (cs_disasm(handle, copy, insn->size, insn->address, 1, &decoded) != 1)
		return NULL;
	if (decoded->size != insn->size) {
		cs_free(decoded, 1);
		return NULL;
	}
	memcpy(decoded->bytes, insn->bytes, insn->size);   /* the prefix words follow the real order */
	return decoded;
}

/* The imul copy's mnemonic, after any prefix words, renamed ud1. */
static void ud1_name(char *mnemonic, size_t size)
{
	char *name = strstr(mnemonic, "imul");

	if (name)
		snprintf(name, size - (size_t)(name - mnemonic), "ud1");
}

/* Instructions kernels use that capstone 4 does not decode (or decodes as another: 66 0f 01 cf is
 * not encls), as objdump writes them. Tried before capstone at each address. */
static const struct {
	uint8_t len;
	uint8_t bytes[4];
	const char *text;
} unknown_to_capstone[] = {
	{ 3, { 0x0f, 0x01, 0xe8 }, "serialize" },
	{ 3, { 0x0f, 0x01, 0xc6 }, "wrmsrns" },
	{ 4, { 0x66, 0x0f, 0x01, 0xcc }, "tdcall" },
	{ 4, { 0x66, 0x0f, 0x01, 0xcd }, "seamret" },
	{ 4, { 0x66, 0x0f, 0x01, 0xce }, "seamops" },
	{ 4, { 0x66, 0x0f, 0x01, 0xcf }, "seamcall" },
	{ 3, { 0x0f, 0x01, 0xee }, "rdpkru" },
	{ 3, { 0x0f, 0x01, 0xef }, "wrpkru" },
	{ 4, { 0xf3, 0x0f, 0x01, 0xfe }, "rmpadjust" },    /* AMD SEV-SNP */
	{ 4, { 0xf2, 0x0f, 0x01, 0xfe }, "rmpupdate" },
	{ 4, { 0xf2, 0x0f, 0x01, 0xff }, "pvalidate" },
	{ 4, { 0xf3, 0x0f, 0x01, 0xff }, "psmash" },
	{ 4, { 0xf3, 0x0f, 0x01, 0xd9 }, "vmgexit" },      /* capstone: vmmcall */
	{ 4, { 0xf2, 0x0f, 0x01, 0xd9 }, "vmgexit" },
};

/* The length of the instruction at code that capstone 4 does not know, its text in *text; 0 when
 * it is not one of them. */
static size_t unknown_instruction(const uint8_t *code, size_t left, const char **text)
{
	size_t i;

	for (i = 0; i < sizeof(unknown_to_capstone) / sizeof(unknown_to_capstone[0]); i++)
		if (left >= unknown_to_capstone[i].len &&
		    !memcmp(code, unknown_to_capstone[i].bytes, unknown_to_capstone[i].len)) {
			*text = unknown_to_capstone[i].text;
			return unknown_to_capstone[i].len;
		}
	return 0;
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

	if (!srclines_find_as_gdb(l, addr, here, sizeof(here)) || !strcmp(here, last))
		return;
	fprintf(out, "%s\n", here);
	snprintf(last, size, "%s", here);
}

/* What dis was asked: crash's options, the start of the decode and what of it is shown. */
struct dis_request {
	bool with_lines, reverse, forward, hex_offsets;
	uint64_t start;          /* where decoding starts */
	uint64_t length;         /* bytes read from start */
	uint64_t show_from;      /* instructions before this address are decoded, not shown */
	uint64_t stop_at;        /* -r: the last instruction shown is the first at or past it */
	uint64_t count;          /* instructions shown at most; 0: all of length */
};

/* A text address as crash takes it: SYMBOL, SYMBOL+OFFSET (decimal, or hex with 0x, as gdb
 * reads it), a hexadecimal address with or without 0x, any of them in parentheses. *alone is
 * the symbol when the argument is a symbol alone (NULL otherwise). */
static int text_address(struct session *s, const char *arg, uint64_t *addr,
			const struct kdk_ksym **alone, struct kdk_err *err)
{
	char name[512], *end, *sign;
	size_t len = strlen(arg);
	const struct kdk_ksym *sym;
	uint64_t offset = 0;
	bool minus = false;

	if (len >= 2 && arg[0] == '(' && arg[len - 1] == ')') {
		arg++;
		len -= 2;
	}
	if (!len || len >= sizeof(name))
		return kdk_err_set(err, EINVAL, "dis: %s is not an address or a symbol", arg);
	memcpy(name, arg, len);
	name[len] = '\0';
	/* a symbol by that name first: "add" or "dead" could be read as hex */
	if ((*alone = kdk_symtab_by_name(&s->syms, name))) {
		*addr = (*alone)->addr;
		return 0;
	}
	*addr = strtoull(name, &end, 16);
	if (!*end)
		return 0;
	if (!(sign = strpbrk(name + 1, "+-")))
		return kdk_err_set(err, ENOENT, "dis: %s: no such symbol", name);
	minus = *sign == '-';
	*sign = '\0';
	offset = strtoull(sign + 1, &end, 0);
	if (!sign[1] || *end)
		return kdk_err_set(err, EINVAL, "dis: offset %s of %s is not a number", sign + 1, name);
	if (!(sym = kdk_symtab_by_name(&s->syms, name)))
		return kdk_err_set(err, ENOENT, "dis: %s: no such symbol", name);
	*addr = minus ? sym->addr - offset : sym->addr + offset;
	return 0;
}

/* A function's bytes: the ELF's size where the vmlinux gives it (as gdb's, without the padding
 * to the next function), else up to the next symbol. */
static uint64_t function_size(const struct kdk_ksym *sym)
{
	return sym->declared_size && sym->declared_size <= sym->size ? sym->declared_size : sym->size;
}

/* The function an address is in, for -r and -f: its start and end. */
static int containing_function(struct session *s, uint64_t addr, uint64_t *start, uint64_t *end,
			       struct kdk_err *err)
{
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &off);

	if (!sym || !sym->size || off >= sym->size)
		return kdk_err_set(err, ENOENT, "dis: 0x%" PRIx64 " is in no function of known size", addr);
	*start = sym->addr;
	*end = sym->addr + (off < function_size(sym) ? function_size(sym) : sym->size);
	return 0;
}

/* dis [-rflx] FUNCTION|ADDRESS [COUNT], as crash: a function name alone is the whole function,
 * an address COUNT instructions (default 1); -r from the function's start up to the address,
 * -f from the address to the function's end (both decoded from the function's start, so the
 * instructions shown are the function's own); -x offsets in hex. */
static int dis_request_parse(struct session *s, int argc, char **argv, struct dis_request *r,
			     struct kdk_err *err)
{
	static const char usage[] = "usage: dis [-rflx] FUNCTION|SYMBOL+OFFSET|ADDRESS [COUNT]";
	uint64_t addr = 0, fn_start = 0, fn_end = 0;
	const struct kdk_ksym *alone = NULL;
	char *end;
	int i = 1, rc;

	memset(r, 0, sizeof(*r));
	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o;

		for (o = argv[i] + 1; *o; o++) {
			switch (*o) {
			case 'l': r->with_lines = true; break;
			case 'r': r->reverse = true; break;
			case 'f': r->forward = true; break;
			case 'x': r->hex_offsets = true; break;
			case 'd': r->hex_offsets = false; break;
			case 'u':
				return kdk_err_set(err, EINVAL, "dis -u: user-space text is not read by kcrash");
			case 's':
				return kdk_err_set(err, EINVAL, "dis -s: source listings are not shown; "
								"dis -l names each instruction's source line");
			default:
				return kdk_err_set(err, EINVAL, "dis: unknown option -%c; %s", *o, usage);
			}
		}
	}
	if (r->reverse && r->forward)
		return kdk_err_set(err, EINVAL, "dis: -r and -f exclude each other");
	if (argc - i < 1 || argc - i > 2)
		return kdk_err_set(err, EINVAL, "%s", usage);
	if (argc - i == 2 && (!(r->count = strtoull(argv[i + 1], &end, 0)) || *end))
		return kdk_err_set(err, EINVAL, "dis: count %s is not a positive number", argv[i + 1]);
	if ((rc = text_address(s, argv[i], &addr, &alone, err)))
		return rc;
	if (r->reverse || r->forward) {
		if ((rc = containing_function(s, addr, &fn_start, &fn_end, err)))
			return rc;
		r->start = fn_start;
		r->show_from = r->forward ? addr : fn_start;
		/* -r: up to the instruction at or past the address, which may end past it */
		r->length = r->forward ? fn_end - fn_start : addr - fn_start + 16;
		r->stop_at = r->reverse ? addr : UINT64_MAX;
		r->count = 0;
		return 0;
	}
	r->start = r->show_from = addr;
	r->stop_at = UINT64_MAX;
	if (alone && !r->count) {
		r->length = alone->size ? function_size(alone) : 64;     /* the whole function */
		return 0;
	}
	if (!r->count)
		r->count = 1;
	r->length = 16 * r->count;
	return 0;
}

int cmd_dis(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct source_lines lines = { .fd = -1 };
	struct dis_request r;
	uint64_t start, length, off;
	uint8_t *code = NULL;
	csh handle;
	cs_insn *insn, *ud1 = NULL, *redecoded = NULL;
	const uint8_t *next;
	size_t n = 0, left;
	uint64_t address;
	char where[256], last[600] = "";
	bool done = false;
	int rc;

	/* Module symbols join the table when the kernel's structures are first read; a dump whose
	 * BTF cannot be read still disassembles vmlinux's functions. */
	if (!session_kstructs(s, err))
		kdk_err_clear(err);
	if ((rc = dis_request_parse(s, argc, argv, &r, err)))
		return rc;
	if (r.with_lines && (rc = srclines_open(s, &lines, "dis -l", err)))
		return rc;
	start = r.start;
	length = r.length;
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
	if (!(insn = cs_malloc(handle))) {
		cs_close(&handle);
		free(code);
		srclines_close(&lines);
		return kdk_err_set(err, ENOMEM, "dis");
	}
	next = code;
	left = length;
	address = start;
	while ((!r.count || n < r.count) && left && !done) {
		const cs_insn *in = insn;
		const char *text = "(bad)";
		uint64_t target;
		char *tail, mnemonic[256], ops[256];
		bool segment_relative;
		size_t skip = unknown_instruction(next, left, &text);

		/* What capstone does not decode is objdump's text, or "(bad)" for one byte, as gdb
		 * shows it, and the bytes after it are decoded on (capstone alone would stop). */
		if (skip || !cs_disasm_iter(handle, &next, &left, &address, insn)) {
			if (!skip)
				skip = 1;
			if (address >= r.show_from) {
				if (r.with_lines)
					line_of(&lines, address, last, sizeof(last), s->out);
				where_of(s, address, r.hex_offsets, false, where, sizeof(where));
				fprintf(s->out, "0x%016" PRIx64 " <%s>:\t%-6s \n", address, where, text);
				n++;
				done = address >= r.stop_at;
			}
			next += skip;
			left -= skip;
			address += skip;
			continue;
		}
		if (insn->id == X86_INS_UD2B && (ud1 = ud1_decode(handle, insn, next, left))) {
			/* capstone 4 ends 0f b9 before its ModRM byte: go on after the real end */
			next += ud1->size - insn->size;
			left -= ud1->size - insn->size;
			address += ud1->size - insn->size;
			in = ud1;
		} else if ((redecoded = string_size_decode(handle, insn))) {
			in = redecoded;
		}
		if (in->address < r.show_from)
			goto release;        /* -f: decoded from the function's start, shown from here */
		n++;
		done = in->address >= r.stop_at;
		if (r.with_lines)
			line_of(&lines, in->address, last, sizeof(last), s->out);
		where_of(s, in->address, r.hex_offsets, false, where, sizeof(where));
		gnu_style(in, mnemonic, ops, sizeof(ops));
		if (in == ud1)
			ud1_name(mnemonic, sizeof(mnemonic));
		tail = strstr(ops, "        # 0x");
		segment_relative = tail && tail[strlen(tail) - 1] == ' ';
		if (segment_relative)
			tail[strlen(tail) - 1] = '\0';        /* a %gs-relative offset: no name */
		/* A one-byte 90 is objdump's and gdb's "nop" without the padding other mnemonics get
		 * (xchg %eax,%eax renamed by the decoder after its padding is chosen). */
		if (in->size == 1 && in->bytes[0] == 0x90)
			fprintf(s->out, "0x%016" PRIx64 " <%s>:\tnop", in->address, where);
		else
			fprintf(s->out, "0x%016" PRIx64 " <%s>:\t%-6s %s", in->address, where, mnemonic,
				ops);
		if (tail && !segment_relative &&
		    where_of(s, strtoull(tail + 12, NULL, 16), r.hex_offsets, true, where, sizeof(where)))
			fprintf(s->out, " <%s>", where);
		if (kdk_symtab_by_addr(&s->syms, in->address, &off) && ftrace_nop(in, off))
			fprintf(s->out, " [FTRACE NOP]");
		/* Name a direct branch target. */
		if ((!strncmp(in->mnemonic, "call", 4) || in->mnemonic[0] == 'j') &&
		    !strncmp(in->op_str, "0x", 2) &&
		    (target = strtoull(in->op_str, &tail, 16), !*tail) &&
		    where_of(s, target, r.hex_offsets, true, where, sizeof(where)))
			fprintf(s->out, " <%s>", where);
		fputc('\n', s->out);
release:
		if (ud1) {
			cs_free(ud1, 1);
			ud1 = NULL;
		}
		if (redecoded) {
			cs_free(redecoded, 1);
			redecoded = NULL;
		}
	}
	cs_free(insn, 1);
	cs_close(&handle);
	free(code);
	srclines_close(&lines);
	if (!n)
		return kdk_err_set(err, EINVAL, "dis: no instruction decodes at 0x%" PRIx64, start);
	return 0;
}
