/* fake_phys_dump.h — a struct kdk_dump over a flat buffer of physical memory (page 0 at its
 * start; pages past its end are not in the dump), for the tests and fuzz harnesses of what reads
 * physical memory (lib/x86_64_vtop: page tables built in the buffer). */
#ifndef KDK_TESTS_FAKE_PHYS_DUMP_H
#define KDK_TESTS_FAKE_PHYS_DUMP_H

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "kdk_dump.h"

static int fake_phys_read_page(struct kdk_dump *dump, uint64_t pfn, void *buf, struct kdk_err *err)
{
	if (pfn >= dump->max_pfn)
		return kdk_err_set(err, ENOENT, "pfn 0x%llx not in the fake dump", (unsigned long long)pfn);
	memcpy(buf, (const unsigned char *)dump->format_data + pfn * 4096, 4096);
	return 0;
}

static const struct kdk_dump_format fake_phys_format = { .name = "fake", .read_page = fake_phys_read_page };

/* dump over pages × 4 KiB at mem; phys_page is the reader's one-page buffer (4096 bytes). */
static inline void fake_phys_dump_init(struct kdk_dump *dump, unsigned char *mem, uint64_t pages,
				       unsigned char *phys_page)
{
	memset(dump, 0, sizeof(*dump));
	dump->path = "fake";
	dump->format = &fake_phys_format;
	dump->format_data = mem;
	dump->page_size = 4096;
	dump->max_pfn = pages;
	dump->phys_page = phys_page;
	dump->phys_page_pfn = UINT64_MAX;
}

#endif
