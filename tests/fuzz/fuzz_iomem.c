/* fuzz_iomem.c — the /proc/iomem reader (lib/mem_ranges.c) on arbitrary text, then the
 * range arithmetic kexec builds on it. */
#include "fuzz_common.h"
#include "mem_ranges.h"
#include "kdk_array.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_array entries;
	struct kdk_err err = { 0 };
	FILE *in;

	if (!size)
		return 0;
	if (!(in = fmemopen((void *)data, size, "r")))
		return 0;
	kdk_array_init(&entries, sizeof(struct kdk_iomem_entry));
	if (!kdk_iomem_read(in, "fuzz-iomem", &entries, &err))
		kdk_iomem_free(&entries);
	fclose(in);
	return 0;
}
