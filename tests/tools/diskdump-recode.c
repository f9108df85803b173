/* diskdump-recode.c — read any dump through kdk_dump_open and write it again with lib/'s
 * kdump-compressed writer, for checking the writer against crash on real dumps:
 *   diskdump-recode [-c none|zlib|lzo|zstd] [-F] IN OUT     (-F: flattened; OUT "-" = stdout)
 * Pages the source holds are kept as they are; the header comes from the source's header (a
 * kdump-compressed source) or its notes and VMCOREINFO (ELF); phys_base from VMCOREINFO. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diskdump_read.h"
#include "diskdump_write.h"
#include "flattened.h"
#include "kdk_dump.h"
#include "kdk_out.h"
#include "page_codec.h"
#include "vmcoreinfo.h"

#define WINDOW (64 * 1024)   /* pfns per bitmap window: 8 KiB per bitmap */

/* Is pfn backed by memory? The ranges are sorted: *hint walks them as pfn grows. */
static bool present(const struct kdk_dump *dump, uint64_t pfn, size_t *hint)
{
	while (*hint < dump->ranges.len) {
		const struct kdk_pfn_range *r = kdk_array_at(&dump->ranges, *hint);
		if (pfn < r->start_pfn)
			return false;
		if (pfn < r->end_pfn)
			return true;
		(*hint)++;
	}
	return false;
}

/* Does the source hold pfn's page? A diskdump says so in its second bitmap; others by ranges. */
static bool holds(const struct kdk_dump *dump, uint64_t pfn, size_t *hint)
{
	if (kdk_diskdump_header(dump))
		return kdk_diskdump_pfn_dumped(dump, pfn) == 1;
	return present(dump, pfn, hint);
}

static void header_params(const struct kdk_dump *dump, const struct kdk_vmcoreinfo *vi,
			  struct kdk_diskdump_params *p)
{
	const struct kdk_disk_dump_header *h = kdk_diskdump_header(dump);
	const struct kdk_kdump_sub_header *s = kdk_diskdump_sub_header(dump);
	const char *release = vi ? kdk_vmcoreinfo_string(vi, "OSRELEASE") : NULL;
	const char *crashtime = vi ? kdk_vmcoreinfo_string(vi, "CRASHTIME") : NULL;
	int64_t phys_base;

	if (h) {
		p->utsname = h->utsname;
		p->timestamp_sec = h->timestamp_sec;
		p->timestamp_usec = h->timestamp_usec;
		p->nr_cpus = h->nr_cpus;
		p->phys_base = s->phys_base;
		p->dump_level = s->dump_level;
	} else {
		for (size_t i = 0; i < dump->note_index.len; i++) {
			const struct kdk_dump_note *n = kdk_array_at(&dump->note_index, i);
			p->nr_cpus += n->type == NT_PRSTATUS && strcmp(n->name, "CORE") == 0;
		}
		strcpy(p->utsname.sysname, "Linux");
	}
	if (!p->utsname.machine[0])
		strcpy(p->utsname.machine, "x86_64");
	if (!p->utsname.release[0] && release)
		snprintf(p->utsname.release, sizeof(p->utsname.release), "%s", release);
	if (!p->timestamp_sec && crashtime)
		p->timestamp_sec = strtoll(crashtime, NULL, 10);
	/* QEMU 7.2 writes the sub-header's phys_base wrongly: VMCOREINFO is the authority. */
	if (vi && kdk_vmcoreinfo_number(vi, "phys_base", &phys_base) == 0)
		p->phys_base = (uint64_t)phys_base;
}

static int recode(struct kdk_dump *dump, struct kdk_out *out, enum kdk_codec codec,
		  struct kdk_err *err)
{
	struct kdk_vmcoreinfo vi;
	bool have_vi = false;
	struct kdk_diskdump_params p;
	struct kdk_diskdump_writer *w = NULL;
	struct kdk_page_codec *pc = NULL;
	unsigned char present_bits[WINDOW / 8], dumped_bits[WINDOW / 8];
	unsigned char *page = malloc(dump->page_size), *packed = NULL;
	size_t hold_hint = 0, present_hint = 0;
	uint64_t pfn, start;
	int rc;

	memset(&p, 0, sizeof(p));
	if (dump->vmcoreinfo) {
		if ((rc = kdk_vmcoreinfo_parse(dump->vmcoreinfo, dump->vmcoreinfo_size, &vi, err)) < 0)
			goto out;
		have_vi = true;
	}
	header_params(dump, have_vi ? &vi : NULL, &p);
	p.page_size = dump->page_size;
	p.max_pfn = dump->max_pfn;
	p.notes = dump->notes;
	p.notes_size = dump->notes_size;
	p.vmcoreinfo = dump->vmcoreinfo;
	p.vmcoreinfo_size = dump->vmcoreinfo_size;
	p.codec = codec;
	for (pfn = 0; pfn < dump->max_pfn; pfn++)
		p.pages_to_dump += holds(dump, pfn, &hold_hint);

	if ((rc = kdk_page_codec_new(&pc, codec, dump->page_size, err)) < 0)
		goto out;
	packed = malloc(kdk_page_codec_bound(pc));
	if (!page || !packed) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = kdk_diskdump_write_open(&w, out, &p, err)) < 0)
		goto out;
	hold_hint = 0;
	for (start = 0; start < dump->max_pfn; start += WINDOW) {
		uint64_t count = dump->max_pfn - start < WINDOW ? dump->max_pfn - start : WINDOW;
		memset(present_bits, 0, sizeof(present_bits));
		memset(dumped_bits, 0, sizeof(dumped_bits));
		for (uint64_t i = 0; i < count; i++) {
			if (present(dump, start + i, &present_hint))
				present_bits[i / 8] |= (unsigned char)(1u << (i % 8));
			if (holds(dump, start + i, &hold_hint))
				dumped_bits[i / 8] |= (unsigned char)(1u << (i % 8));
		}
		if ((rc = kdk_diskdump_write_bitmaps(w, start, count, present_bits, dumped_bits, err)) < 0)
			goto out;
	}
	hold_hint = 0;
	for (pfn = 0; pfn < dump->max_pfn; pfn++) {
		uint32_t size, flags;
		bool zero;

		if (!holds(dump, pfn, &hold_hint))
			continue;
		if ((rc = kdk_dump_read_page(dump, pfn, page, err)) < 0)
			goto out;
		zero = page[0] == 0 && memcmp(page, page + 1, dump->page_size - 1) == 0;
		if (zero && (p.dump_level & KDK_DL_EXCLUDE_ZERO)) {
			rc = kdk_diskdump_write_zero_page(w, pfn, err);
		} else if ((rc = kdk_page_compress(pc, page, packed, kdk_page_codec_bound(pc), &size,
						   &flags, err)) == 0) {
			rc = kdk_diskdump_write_page(w, pfn, packed, size, flags, err);
		}
		if (rc < 0)
			goto out;
	}
	rc = kdk_diskdump_write_finish(w, err);
	w = NULL;
out:
	kdk_diskdump_write_abort(w);
	kdk_page_codec_free(pc);
	if (have_vi)
		kdk_vmcoreinfo_free(&vi);
	free(page);
	free(packed);
	return rc;
}

int main(int argc, char **argv)
{
	enum kdk_codec codec = KDK_CODEC_ZLIB;
	struct kdk_err err = { 0 };
	struct kdk_dump *dump = NULL;
	struct kdk_out *out = NULL;
	bool flattened = false;
	int opt, rc, flat_fd = -1;

	while ((opt = getopt(argc, argv, "c:F")) != -1) {
		if (opt == 'c' && kdk_codec_parse(optarg, &codec, &err) == 0)
			continue;
		if (opt == 'F') {
			flattened = true;
			continue;
		}
		fprintf(stderr, "%s%susage: diskdump-recode [-c none|zlib|lzo|zstd] [-F] IN OUT\n",
			err.msg, err.msg[0] ? "\n" : "");
		return 2;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: diskdump-recode [-c none|zlib|lzo|zstd] [-F] IN OUT\n");
		return 2;
	}
	if ((rc = kdk_dump_open(argv[optind], &dump, &err)) < 0)
		goto out;
	if (flattened && strcmp(argv[optind + 1], "-") == 0) {
		rc = kdk_flat_out_open(&out, STDOUT_FILENO, "stdout", &err);
	} else if (flattened) {
		if ((flat_fd = open(argv[optind + 1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
			rc = kdk_err_sys(&err, errno, "%s: cannot create", argv[optind + 1]);
			goto out;
		}
		rc = kdk_flat_out_open(&out, flat_fd, argv[optind + 1], &err);
	} else {
		rc = kdk_out_file_open(&out, argv[optind + 1], KDK_OUT_OVERWRITE, &err);
	}
	if (rc < 0)
		goto out;
	if ((rc = recode(dump, out, codec, &err)) == 0)
		rc = kdk_out_finish(out, &err);
out:
	kdk_out_release(out);
	if (flat_fd >= 0 && close(flat_fd) < 0 && rc == 0)
		rc = kdk_err_sys(&err, errno, "%s: close", argv[optind + 1]);
	kdk_dump_close(dump);
	if (rc < 0) {
		fprintf(stderr, "diskdump-recode: %s\n", err.msg);
		return 1;
	}
	return 0;
}
