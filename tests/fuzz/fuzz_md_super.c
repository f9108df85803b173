/* fuzz_md_super.c — md v1.x superblock reader of lib/activate: the input as a member device (all
 * three superblock places, memfd), the input as one superblock block, and as a UUID text. */
#include "fuzz_common.h"
#include "activate/md_super.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_md_super sb;
	struct kdk_err err = { 0 };
	char path[64], text[KDK_MD_UUID_TEXT], *copy;
	uint8_t uuid[16];
	unsigned minor;
	int fd;

	if ((fd = fuzz_memfd(data, size, path, sizeof(path))) >= 0) {
		if (!kdk_md_super_read(fd, size, path, &sb, &err)) {
			kdk_md_uuid_format(sb.set_uuid, text);
			(void)kdk_md_level_name(sb.level);
		}
		close(fd);
	}
	for (minor = 0; minor < 3; minor++)
		(void)kdk_md_super_parse(data, size, minor, minor == 2 ? 8 : 0, &sb, &err);
	if ((copy = malloc(size + 1))) {
		memcpy(copy, data, size);
		copy[size] = '\0';
		if (!kdk_md_uuid_parse(copy, uuid))
			kdk_md_uuid_format(uuid, text);
		free(copy);
	}
	return 0;
}
