/* fuzz_triage.c — the crash verdict reader (lib/triage) on arbitrary console text: class,
 * culprit, frames and signature from lines no kernel printed. */
#include "fuzz_common.h"
#include "triage/triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_triage t;
	struct kdk_err err = { 0 };

	kdk_triage_init(&t);
	if (!kdk_triage_add_text(&t, (const char *)data, size, &err))
		(void)kdk_triage_analyse(&t, &err);
	kdk_triage_free(&t);
	return 0;
}
