/* fuzz_elf_vmcore.c — the ELF vmcore reader and its notes (lib/elf_vmcore.c, kdk_notes_parse) through
 * kdk_dump_open on the input as a file; seeds are gen-elf-vmcore output and fixture slices. */
#include "fuzz_dump_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_dump_once(data, size);
	return 0;
}
