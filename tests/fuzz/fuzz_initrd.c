/* fuzz_initrd.c — kdumpctl estimate's reading of the capture initramfs (lib/initrd_contents.c:
 * libarchive's decompressors and cpio reader, and what we count from the entries) on the input
 * as an image. */
#include "fuzz_common.h"
#include "initrd_contents.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_initrd_contents c;
	struct kdk_err err = { 0 };

	if (!kdk_initrd_contents_read_memory(data, size, "fuzz input", &c, &err) &&
	    (c.nr_modules > c.nr_files || (c.nr_files && !c.unpacked)))
		abort();     /* counted modules are files; counted files have bytes */
	return 0;
}
