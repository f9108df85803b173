/* fuzz_kdump_settings.c — the /etc/default/kdump parser (lib/kdump_settings.c) on arbitrary
 * text, with a list of known keys like kdumpctl's. */
#include "fuzz_common.h"
#include "kdump_settings.h"

static const char *const known[] = { "KDUMP_COMMANDLINE_APPEND", "KDUMP_COMMANDLINE_REMOVE",
				     "KDUMP_KERNEL", "KDUMP_INITRD", "KDUMPCTL_ENABLED", NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_settings settings;
	struct kdk_err err = { 0 };
	FILE *in;

	if (!size)
		return 0;
	if (!(in = fmemopen((void *)data, size, "r")))
		return 0;
	memset(&settings, 0, sizeof(settings));
	if (!kdk_settings_parse(in, "fuzz-default", known, &settings, &err)) {
		(void)kdk_settings_get(&settings, "KDUMP_KERNEL");
		(void)kdk_settings_get(&settings, "KDUMP_COMMANDLINE_APPEND");
		kdk_settings_free(&settings);
	}
	fclose(in);
	return 0;
}
