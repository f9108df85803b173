/* dump-inspect.c — look inside dumps through lib/'s readers, for the lab tests:
 *   dump-inspect kept DUMP         ranges of pfns the dump holds ("start-end" hex, inclusive)
 *   dump-inspect compare A B       every page A holds has the same bytes in B; prints the count
 *   dump-inspect info DUMP         format, page size, max_pfn, notes, OSRELEASE
 *   dump-inspect unreadable DUMP   runs of pfns the dump holds that do not read, and pfns that read
 *                                  as EIO (an ELF's KDUMPKIT note) ("start-end: why")
 *   dump-inspect compare-readable A B   compare, where pages of A that do not read are counted
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diskdump_read.h"
#include "flattened.h"
#include "kdk_dump.h"
#include "vmcoreinfo.h"

/* Does the dump hold pfn? Diskdumps answer from their second bitmap, others from their ranges. */
static int holds(struct kdk_dump *d, uint64_t pfn, size_t *range_hint)
{
	if (d->format == &kdk_format_diskdump || d->format == &kdk_format_flattened)
		return kdk_diskdump_pfn_dumped(d, pfn) > 0;
	while (*range_hint < d->ranges.len) {
		const struct kdk_pfn_range *r = kdk_array_at(&d->ranges, *range_hint);
		if (pfn < r->start_pfn)
			return 0;
		if (pfn < r->end_pfn)
			return 1;
		(*range_hint)++;
	}
	return 0;
}

static int kept(struct kdk_dump *d)
{
	uint64_t pfn, run_start = 0;
	size_t hint = 0;
	int in_run = 0;

	for (pfn = 0; pfn <= d->max_pfn; pfn++) {
		int h = pfn < d->max_pfn && holds(d, pfn, &hint);
		if (h && !in_run)
			run_start = pfn;
		if (!h && in_run)
			printf("%llx-%llx\n", (unsigned long long)run_start, (unsigned long long)pfn - 1);
		in_run = h;
	}
	return 0;
}

/* Runs of held pfns whose read fails, each with its first page's error. */
static int unreadable(struct kdk_dump *d)
{
	unsigned char *page = malloc(d->page_size);
	struct kdk_err err = { 0 }, first = { 0 };
	uint64_t pfn, run_start = 0, count = 0;
	size_t hint = 0;
	int in_run = 0;

	for (pfn = 0; pfn <= d->max_pfn; pfn++) {
		/* Held pages that fail, and pages an ELF file lists as unreadable (EIO, not a hole). */
		int bad = pfn < d->max_pfn && kdk_dump_read_page(d, pfn, page, &err) < 0 &&
			  (holds(d, pfn, &hint) || err.code == EIO);
		if (bad && !in_run) {
			run_start = pfn;
			first = err;
		}
		if (!bad && in_run)
			printf("%llx-%llx: %s\n", (unsigned long long)run_start,
			       (unsigned long long)pfn - 1, first.msg);
		count += bad;
		in_run = bad;
	}
	printf("%llu pages unreadable\n", (unsigned long long)count);
	free(page);
	return 0;
}

static int compare(struct kdk_dump *a, struct kdk_dump *b, int skip_unreadable)
{
	uint64_t bad = 0;
	unsigned char *pa = malloc(a->page_size), *pb = malloc(b->page_size);
	struct kdk_err err = { 0 };
	uint64_t pfn, same = 0;
	size_t hint = 0;

	for (pfn = 0; pfn < a->max_pfn; pfn++) {
		if (!holds(a, pfn, &hint))
			continue;
		if (skip_unreadable && kdk_dump_read_page(a, pfn, pa, &err) < 0) {
			bad++;
			continue;
		}
		if (kdk_dump_read_page(a, pfn, pa, &err) < 0 || kdk_dump_read_page(b, pfn, pb, &err) < 0) {
			fprintf(stderr, "dump-inspect: %s\n", err.msg);
			return 1;
		}
		if (memcmp(pa, pb, a->page_size)) {
			fprintf(stderr, "dump-inspect: pfn 0x%llx differs between %s and %s\n",
				(unsigned long long)pfn, a->path, b->path);
			return 1;
		}
		same++;
	}
	printf("%llu pages identical", (unsigned long long)same);
	if (skip_unreadable)
		printf(", %llu unreadable in %s", (unsigned long long)bad, a->path);
	printf("\n");
	free(pa);
	free(pb);
	return 0;
}

static int info(struct kdk_dump *d)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_err err = { 0 };
	size_t i, prstatus = 0;

	for (i = 0; i < d->note_index.len; i++)
		if (((struct kdk_dump_note *)kdk_array_at(&d->note_index, i))->type == 1)
			prstatus++;
	printf("format %s\npage_size %u\nmax_pfn 0x%llx\nranges %zu\nnotes %zu\nprstatus %zu\n",
	       d->format->name, d->page_size, (unsigned long long)d->max_pfn, d->ranges.len,
	       d->note_index.len, prstatus);
	if (d->format == &kdk_format_diskdump || d->format == &kdk_format_flattened)
		printf("incomplete %s\n",
		       kdk_diskdump_header(d)->status & KDK_DH_COMPRESSED_INCOMPLETE ? "yes" : "no");
	if (d->vmcoreinfo && kdk_vmcoreinfo_parse(d->vmcoreinfo, d->vmcoreinfo_size, &vi, &err) == 0) {
		const char *rel = kdk_vmcoreinfo_string(&vi, "OSRELEASE");
		printf("osrelease %s\n", rel ? rel : "?");
		kdk_vmcoreinfo_free(&vi);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kdk_dump *a = NULL, *b = NULL;
	struct kdk_err err = { 0 };
	int rc;

	if (argc < 3 || (!strncmp(argv[1], "compare", 7) && argc != 4)) {
		fprintf(stderr, "usage: dump-inspect kept|info|unreadable DUMP | compare|compare-readable A B\n");
		return 2;
	}
	if (kdk_dump_open(argv[2], &a, &err) < 0 || (argc == 4 && kdk_dump_open(argv[3], &b, &err) < 0)) {
		fprintf(stderr, "dump-inspect: %s\n", err.msg);
		kdk_dump_close(a);
		return 1;
	}
	if (!strcmp(argv[1], "kept"))
		rc = kept(a);
	else if (!strcmp(argv[1], "compare"))
		rc = compare(a, b, 0);
	else if (!strcmp(argv[1], "compare-readable"))
		rc = compare(a, b, 1);
	else if (!strcmp(argv[1], "unreadable"))
		rc = unreadable(a);
	else
		rc = info(a);
	kdk_dump_close(a);
	kdk_dump_close(b);
	return rc;
}
