/* fuzz_kallsyms_find.c — the search for kallsyms tables in a kernel image (lib/kallsyms_find.c, for
 * kernels before 6.0) and the decode that follows: fake memory of 512 KiB from _stext whose second
 * half starts with the input, VMCOREINFO with only SYMBOL(_stext) (seeds: tests/fuzz/make-seeds,
 * the layout scripts/kallsyms.c wrote until 6.0). */
#include "fuzz_kallsyms_common.h"

#define MEM_SIZE (512 * 1024)
#define INPUT_AT (256 * 1024)    /* room below for the windows the search reads before a table */

static const char vmcoreinfo[] = "OSRELEASE=5.10.0-fuzz\nSYMBOL(_stext)=ffffffff81000000\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[MEM_SIZE];

	fuzz_kallsyms_run("fuzz_kallsyms_find", vmcoreinfo, mem, sizeof(mem), INPUT_AT, data, size);
	return 0;
}
