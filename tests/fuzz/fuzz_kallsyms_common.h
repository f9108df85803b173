/* fuzz_kallsyms_common.h — one run of kdk_kallsyms_read for the kallsyms harnesses: VMCOREINFO
 * parsed once, the input copied at input_at into zeroed fake memory from BASE. */
#ifndef FUZZ_KALLSYMS_COMMON_H
#define FUZZ_KALLSYMS_COMMON_H

#include "fuzz_common.h"
#include "kallsyms.h"
#include "ksyms.h"
#include "vmcoreinfo.h"

#define FUZZ_KALLSYMS_BASE 0xffffffff81000000ULL

static inline void fuzz_kallsyms_run(const char *harness, const char *vmcoreinfo, uint8_t *mem,
				     size_t mem_size, size_t input_at, const uint8_t *data, size_t size)
{
	static struct kdk_vmcoreinfo vi;
	static int ready;
	struct fuzz_mem m = { FUZZ_KALLSYMS_BASE, mem, mem_size };
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };

	if (!ready) {
		if (kdk_vmcoreinfo_parse(vmcoreinfo, strlen(vmcoreinfo), &vi, &err)) {
			fprintf(stderr, "%s: %s\n", harness, err.msg);
			abort();
		}
		ready = 1;
	}
	memset(mem, 0, mem_size);
	memcpy(mem + input_at, data, size < mem_size - input_at ? size : mem_size - input_at);
	if (kdk_kallsyms_read(&vi, fuzz_mem_read, &m, &tab, &err) == 0)
		kdk_symtab_free(&tab);
}

#endif
