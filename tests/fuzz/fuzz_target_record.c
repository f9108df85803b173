/* fuzz_target_record.c — the image's /etc/kdumpkit/targets parser (lib/target_record.c) on
 * arbitrary text; what parses is written back and must parse again. */
#include "fuzz_common.h"
#include "target_record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_array records, again;
	struct kdk_err err = { 0 };
	char *text = NULL;
	size_t len = 0, i;
	FILE *in, *out;

	if (!size || !(in = fmemopen((void *)data, size, "r")))
		return 0;
	if (kdk_target_records_parse(in, "fuzz-targets", &records, &err)) {
		fclose(in);
		return 0;
	}
	fclose(in);
	(void)kdk_target_record_find(&records, "/dev/sda1");
	if ((out = open_memstream(&text, &len))) {
		int rc = 0;

		for (i = 0; i < records.len && !rc; i++)
			rc = kdk_target_record_write(out, kdk_array_at(&records, i), &err);
		fclose(out);
		/* A record whose id is blank past its first space cannot come back: ids never are. */
		if (!rc && len && (in = fmemopen(text, len, "r"))) {
			if (!kdk_target_records_parse(in, "fuzz-again", &again, &err))
				kdk_target_records_free(&again);
			fclose(in);
		}
		free(text);
	}
	kdk_target_records_free(&records);
	return 0;
}
