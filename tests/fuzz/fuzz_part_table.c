/* fuzz_part_table.c — the GPT/MBR reader (lib/part_table.c) and the vfat/ext4/xfs/btrfs probe
 * (lib/fs_probe.c) on arbitrary disk bytes, as the capture /init reads every disk it sees. */
#include "fuzz_common.h"
#include "fs_probe.h"
#include "part_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kdk_part_table table;
	struct kdk_fs_id id;
	struct kdk_err err = { 0 };
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof(path));
	size_t i;

	if (fd < 0)
		return 0;
	if (!kdk_part_table_read(path, &table, &err)) {
		for (i = 0; i < table.parts.len; i++) {
			const struct kdk_partition *p = kdk_array_at(&table.parts, i);
			(void)kdk_partition_matches(p, "PARTLABEL=kdump");
			(void)kdk_partition_matches(p, "PARTUUID=00000000-01");
		}
		kdk_part_table_free(&table);
	}
	if (!kdk_fs_probe(path, &id, &err))
		(void)kdk_fs_matches(&id, "LABEL=x");
	close(fd);
	return 0;
}
