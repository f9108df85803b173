/* fuzz_vmcoreinfo.c — the VMCOREINFO note text parser (lib/vmcoreinfo.c) and its typed lookups,
 * on arbitrary bytes: the note comes from the crashed kernel's memory. */
#include "fuzz_common.h"
#include "vmcoreinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_err err = { 0 };
	uint64_t u;
	int64_t s;

	memset(&vi, 0, sizeof(vi));
	if (kdk_vmcoreinfo_parse((const char *)data, size, &vi, &err))
		return 0;
	(void)kdk_vmcoreinfo_string(&vi, "OSRELEASE");
	(void)kdk_vmcoreinfo_symbol(&vi, "init_uts_ns", &u);
	(void)kdk_vmcoreinfo_offset(&vi, "page.flags", &u);
	(void)kdk_vmcoreinfo_size(&vi, "page", &u);
	(void)kdk_vmcoreinfo_length(&vi, "mem_section", &u);
	(void)kdk_vmcoreinfo_number(&vi, "PG_slab", &s);
	(void)kdk_vmcoreinfo_number(&vi, "phys_base", &s);
	(void)kdk_vmcoreinfo_string(&vi, "");
	kdk_vmcoreinfo_free(&vi);
	return 0;
}
