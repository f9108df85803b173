/* fuzz_kallsyms.c — the kallsyms decoder (lib/kallsyms.c) over fake kernel memory: the input is
 * the first bytes of a 256 KiB region holding num_syms, relative_base, token index and table,
 * names and offsets at the addresses the VMCOREINFO below gives (tests/fuzz/make-seeds). */
#include "fuzz_kallsyms_common.h"

#define MEM_SIZE (256 * 1024)

static const char vmcoreinfo[] =
	"SYMBOL(kallsyms_num_syms)=ffffffff81000000\n"
	"SYMBOL(kallsyms_relative_base)=ffffffff81000008\n"
	"SYMBOL(kallsyms_token_index)=ffffffff81000100\n"
	"SYMBOL(kallsyms_token_table)=ffffffff81000400\n"
	"SYMBOL(kallsyms_names)=ffffffff81000800\n"
	"SYMBOL(kallsyms_offsets)=ffffffff81001000\n"
	"SYMBOL(_stext)=ffffffff81000000\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[MEM_SIZE];

	fuzz_kallsyms_run("fuzz_kallsyms", vmcoreinfo, mem, sizeof(mem), 0, data, size);
	return 0;
}
