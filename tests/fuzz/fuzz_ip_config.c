/* fuzz_ip_config.c — the kernel-style ip= value parser (lib/ip_config.c) on arbitrary text. */
#include "fuzz_common.h"
#include "ip_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_ip_config cfg;
	struct kdk_err err = { 0 };
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	(void)kdk_ip_config_parse(text, &cfg, &err);
	free(text);
	return 0;
}
