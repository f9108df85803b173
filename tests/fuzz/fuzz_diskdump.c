/* fuzz_diskdump.c — the kdump-compressed reader (lib/diskdump_read.c): header, sub-header, bitmaps, page descriptors through
 * kdk_dump_open on the input as a file; seeds are the first KiB of fixture dumps and unit-test images. */
#include "fuzz_dump_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_dump_once(data, size);
	return 0;
}
