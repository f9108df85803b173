/* fuzz_nfs_target.c — kdump.conf's nfs target and nfs_options (lib/nfs_target.c) on arbitrary
 * text: "SPEC\nOPTIONS" (no newline: no options), parsed, then the mount options built. */
#include "fuzz_common.h"
#include "nfs_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_nfs_target t;
	struct kdk_err err = { 0 };
	char *text = malloc(size + 1), *options, mount_data[256], source[256];
	const char *fstype;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((options = strchr(text, '\n')))
		*options++ = '\0';
	if (!kdk_nfs_target_parse("nfs", text, options, &t, &err)) {
		(void)kdk_nfs_mount_data(&t, t.minor, "10.0.2.2", "10.0.2.15", &fstype, mount_data,
					 sizeof(mount_data), &err);
		(void)kdk_nfs_mount_source(&t, "10.0.2.2", source, sizeof(source), &err);
		kdk_nfs_target_free(&t);
	}
	free(text);
	return 0;
}
