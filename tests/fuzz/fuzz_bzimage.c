/* fuzz_bzimage.c — the kexec bzImage probe (kexec/bzimage.c): the setup header checks on
 * whatever file the administrator names as the capture kernel. */
#include "fuzz_common.h"
#include "../../kexec/bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kexec_bzimage image;
	struct kdk_err err = { 0 };
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	if (kexec_bzimage_load(path, &image, &err) == 0)
		kexec_bzimage_free(&image);
	close(fd);
	return 0;
}
