/* fuzz_flattened.c — the flattened format (lib/flattened.c): its reader through kdk_dump_open,
 * and the reassembler (dumpsave -R) from the input as a stream into a scratch file. */
#include <fcntl.h>

#include "fuzz_dump_common.h"
#include "flattened.h"
#include "kdk_out.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_flat_stats stats;
	struct kdk_out *out = NULL;
	struct kdk_err err = { 0 };
	char in_path[64], out_path[64];
	int fd;

	fuzz_dump_once(data, size);
	if ((fd = fuzz_memfd(data, size, in_path, sizeof(in_path))) < 0)
		return 0;
	snprintf(out_path, sizeof(out_path), "/tmp/kdk-fuzz-flat.%d", (int)getpid());
	if (kdk_out_file_open(&out, out_path, KDK_OUT_OVERWRITE, &err) == 0) {
		lseek(fd, 0, SEEK_SET);
		if (kdk_flat_reassemble(fd, "fuzz-flat", out, &stats, &err) == 0)
			(void)kdk_out_finish(out, &err);
		kdk_out_release(out);
	}
	unlink(out_path);
	close(fd);
	return 0;
}
