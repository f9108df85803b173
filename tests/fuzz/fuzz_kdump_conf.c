/* fuzz_kdump_conf.c — the kdump.conf parser (lib/kdump_conf.c) on arbitrary text: an
 * administrator's file, read by kdumpctl and mkdumprd as root. */
#include "fuzz_common.h"
#include "kdump_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_kdump_conf conf;
	struct kdk_err err = { 0 };
	FILE *in;

	if (!size)
		return 0;
	if (!(in = fmemopen((void *)data, size, "r")))
		return 0;
	memset(&conf, 0, sizeof(conf));
	if (!kdk_kdump_conf_parse(in, "fuzz.conf", &conf, &err))
		kdk_kdump_conf_free(&conf);
	fclose(in);
	return 0;
}
