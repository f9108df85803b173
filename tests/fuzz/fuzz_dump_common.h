/* fuzz_dump_common.h — one dump opened through kdk_dump_open (the format picked by its probe,
 * as kcrash and dumpsave do), its notes and VMCOREINFO taken, a few pages of each range read. */
#ifndef KDK_FUZZ_DUMP_COMMON_H
#define KDK_FUZZ_DUMP_COMMON_H

#include "fuzz_common.h"
#include "kdk_dump.h"
#include "vmcoreinfo.h"

static inline void fuzz_dump_once(const uint8_t *data, size_t size)
{
	struct kdk_dump *dump = NULL;
	struct kdk_err err = { 0 };
	char path[64];
	int fd = fuzz_memfd(data, size, path, sizeof(path));
	size_t i;

	if (fd < 0)
		return;
	if (kdk_dump_open(path, &dump, &err) == 0) {
		uint8_t *page = malloc(dump->page_size);

		if (kdk_dump_take_vmcoreinfo(dump, &err) == 0 && dump->vmcoreinfo) {
			struct kdk_vmcoreinfo vi;

			memset(&vi, 0, sizeof(vi));
			if (!kdk_vmcoreinfo_parse(dump->vmcoreinfo, dump->vmcoreinfo_size, &vi, &err))
				kdk_vmcoreinfo_free(&vi);
		}
		for (i = 0; page && i < dump->ranges.len && i < 8; i++) {
			const struct kdk_pfn_range *r = kdk_array_at(&dump->ranges, i);
			uint64_t pfn;

			for (pfn = r->start_pfn; pfn < r->end_pfn && pfn < r->start_pfn + 4; pfn++)
				(void)kdk_dump_read_page(dump, pfn, page, &err);
			(void)kdk_dump_read_phys(dump, r->start_pfn * dump->page_size + 8, page, 64, &err);
		}
		if (page)
			(void)kdk_dump_read_page(dump, UINT64_MAX / 4096, page, &err);
		free(page);
		kdk_dump_close(dump);
	}
	close(fd);
}

#endif
