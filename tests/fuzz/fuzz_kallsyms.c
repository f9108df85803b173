/* fuzz_kallsyms.c — the kallsyms decoder (lib/kallsyms.c) over fake kernel memory: the input is
 * the first bytes of a 256 KiB region holding num_syms, relative_base, token index and table,
 * names and offsets at the addresses the VMCOREINFO below gives (tests/fuzz/make-seeds). */
#include "fuzz_common.h"
#include "kallsyms.h"
#include "ksyms.h"
#include "vmcoreinfo.h"

#define BASE 0xffffffff81000000ULL
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
	static struct kdk_vmcoreinfo vi;
	static int ready;
	static uint8_t mem[MEM_SIZE];
	struct fuzz_mem m = { BASE, mem, sizeof(mem) };
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };

	if (!ready) {
		if (kdk_vmcoreinfo_parse(vmcoreinfo, sizeof(vmcoreinfo) - 1, &vi, &err)) {
			fprintf(stderr, "fuzz_kallsyms: %s\n", err.msg);
			abort();
		}
		ready = 1;
	}
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data, size < sizeof(mem) ? size : sizeof(mem));
	if (kdk_kallsyms_read(&vi, fuzz_mem_read, &m, &tab, &err) == 0)
		kdk_symtab_free(&tab);
	return 0;
}
