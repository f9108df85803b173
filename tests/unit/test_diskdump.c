/* test_diskdump.c — the kdump-compressed writer and reader on a synthetic dump: every codec read
 * back with holes and excluded pages, zero-page sharing, the incomplete flag, ENOSPC, misuse, and
 * corrupt descriptors reported with their pfn and offset. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "test_tmpdir.h"

#include "diskdump_format.h"
#include "diskdump_read.h"
#include "diskdump_gen.h"
#include "kdk_out.h"


/* Write the synthetic dump to path through the file sink. */
static void write_dump_file(const char *path, const struct gen_config *cfg)
{
	struct kdk_out *out = NULL;
	struct kdk_err err = { 0 };

	assert_int_equal(kdk_out_file_open(&out, path, KDK_OUT_OVERWRITE, &err), 0);
	if (gen_write(out, cfg, &err) < 0)
		fail_msg("writing %s: %s", path, err.msg);
	assert_int_equal(kdk_out_finish(out, &err), 0);
	kdk_out_release(out);
}

/* Every pfn reads back as generated; excluded pages and holes are ENOENT. */
static void check_every_page(struct kdk_dump *dump)
{
	unsigned char want[GEN_PAGE], got[GEN_PAGE];
	struct kdk_err err = { 0 };

	for (uint64_t pfn = 0; pfn < GEN_MAX_PFN + 8; pfn++) {
		int rc = kdk_diskdump_read_page(dump, pfn, got, &err);
		if (pfn < GEN_MAX_PFN && gen_dumped(pfn)) {
			if (rc != 0)
				fail_msg("pfn %llu: expected the page, got %d: %s", (unsigned long long)pfn,
					 rc, err.msg);
			gen_page(pfn, want);
			if (memcmp(want, got, GEN_PAGE) != 0)
				fail_msg("pfn %llu: content differs", (unsigned long long)pfn);
		} else if (rc != -ENOENT) {
			fail_msg("pfn %llu: expected -ENOENT, got %d", (unsigned long long)pfn, rc);
		}
	}
}

static void check_ranges(const struct kdk_dump *dump)
{
	static const struct kdk_pfn_range want[] = {
		{ 0, 100 }, { 160, 512 }, { 520, 900 }, { 977, GEN_MAX_PFN },
	};
	assert_int_equal(dump->ranges.len, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct kdk_pfn_range *r = kdk_array_at(&dump->ranges, i);
		assert_int_equal(r->start_pfn, want[i].start_pfn);
		assert_int_equal(r->end_pfn, want[i].end_pfn);
	}
}

/* Why a page is missing: a hole in memory is "not in the dump"; memory the dump left out names
 * the dump level and what it excludes (level 0 excludes nothing by its level: plain). */
static void check_missing_reasons(struct kdk_dump *dump, int32_t level)
{
	unsigned char got[GEN_PAGE];
	struct kdk_err err = { 0 };
	uint64_t pfn = 0;
	char want[160];

	assert_false(kdk_dump_describes(dump, 120));
	assert_int_equal(kdk_diskdump_read_page(dump, 120, got, &err), -ENOENT);  /* hole 100-160 */
	assert_non_null(strstr(err.msg, "pfn 0x78 is not in the dump"));
	assert_null(strstr(err.msg, "left out"));
	while (pfn < GEN_MAX_PFN && !(kdk_dump_describes(dump, pfn) && !gen_dumped(pfn)))
		pfn++;
	assert_true(pfn < GEN_MAX_PFN);
	assert_int_equal(kdk_diskdump_read_page(dump, pfn, got, &err), -ENOENT);
	if (level == 31)
		snprintf(want, sizeof(want), "pfn 0x%llx is not in the dump: it is memory the dump left "
			 "out (dump level 31: zero, page cache, user, free pages)", (unsigned long long)pfn);
	else if (level == 1)
		snprintf(want, sizeof(want), "(dump level 1: zero pages)");
	else
		snprintf(want, sizeof(want), "pfn 0x%llx is not in the dump", (unsigned long long)pfn);
	if (!strstr(err.msg, want))
		fail_msg("level %d, pfn 0x%llx: \"%s\" does not say \"%s\"", level,
			 (unsigned long long)pfn, err.msg, want);
	if (level == 0)
		assert_null(strstr(err.msg, "left out"));
}

static void round_trip(enum kdk_codec codec, int32_t dump_level, uint32_t window, bool interleave)
{
	struct gen_config cfg = { .codec = codec, .dump_level = dump_level, .window = window,
				  .interleave = interleave };
	const char *path = tmp_path("round.kdump");
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	struct stat st;

	write_dump_file(path, &cfg);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	if (gen_open_row(&kdk_format_diskdump, path, &dump, &err) < 0)
		fail_msg("open %s: %s", path, err.msg);
	assert_int_equal(dump.page_size, GEN_PAGE);
	assert_int_equal(dump.max_pfn, GEN_MAX_PFN);
	check_ranges(&dump);
	check_every_page(&dump);
	check_missing_reasons(&dump, dump_level);

	const struct kdk_disk_dump_header *h = kdk_diskdump_header(&dump);
	const struct kdk_kdump_sub_header *s = kdk_diskdump_sub_header(&dump);
	assert_non_null(h);
	assert_int_equal(h->status, kdk_codec_flag(codec));   /* finished: no incomplete flag */
	assert_int_equal(h->header_version, 6);
	assert_string_equal(h->utsname.machine, "x86_64");
	assert_int_equal(h->nr_cpus, 2);
	assert_int_equal(s->phys_base, 0x6800000);
	assert_int_equal(s->dump_level, dump_level);
	assert_int_equal(s->max_mapnr_64, GEN_MAX_PFN);

	assert_non_null(dump.vmcoreinfo);
	assert_string_equal(dump.vmcoreinfo, gen_vmcoreinfo);
	assert_int_equal(dump.vmcoreinfo_size, strlen(gen_vmcoreinfo));
	assert_int_equal(dump.note_index.len, 3);
	assert_string_equal(((struct kdk_dump_note *)kdk_array_at(&dump.note_index, 2))->name,
			    "VMCOREINFO");
	/* makedumpfile's convention: offset_vmcoreinfo points inside the notes. */
	assert_true(s->offset_vmcoreinfo > s->offset_note &&
		    s->offset_vmcoreinfo < s->offset_note + (int64_t)s->size_note);
	gen_close_row(&dump);
}

static void every_codec_round_trips_with_holes_and_excluded_pages(void **state)
{
	(void)state;
	round_trip(KDK_CODEC_NONE, 31, 64, false);
	round_trip(KDK_CODEC_ZLIB, 31, 64, true);
	round_trip(KDK_CODEC_LZO, 1, 1000, false);
	round_trip(KDK_CODEC_ZSTD, 0, 8, true);
	round_trip(KDK_CODEC_ZLIB, 0, 1000, false);
}

/* The output depends on the pages only, not on how the caller windows its work. */
static void output_does_not_depend_on_windows(void **state)
{
	struct gen_config a = { .codec = KDK_CODEC_ZSTD, .dump_level = 31, .window = 64,
				.interleave = true };
	struct gen_config b = { .codec = KDK_CODEC_ZSTD, .dump_level = 31, .window = 1000 };
	struct mem_out ma, mb;
	(void)state;
	mem_out_init(&ma, "a", SIZE_MAX);
	mem_out_init(&mb, "b", SIZE_MAX);
	assert_int_equal(gen_write(&ma.out, &a, NULL), 0);
	assert_int_equal(gen_write(&mb.out, &b, NULL), 0);
	assert_int_equal(ma.size, mb.size);
	assert_memory_equal(ma.buf, mb.buf, ma.size);
	free(ma.buf);
	free(mb.buf);
}

static struct kdk_page_desc desc_of(const unsigned char *file, uint64_t pfn)
{
	const struct kdk_disk_dump_header *h = (const void *)file;
	uint64_t bs = (uint64_t)h->block_size, index = 0;
	struct kdk_page_desc d;

	for (uint64_t p = 0; p < pfn; p++)
		index += gen_dumped(p);
	memcpy(&d, file + (1 + (uint64_t)h->sub_hdr_size + h->bitmap_blocks) * bs + index * sizeof(d),
	       sizeof(d));
	return d;
}

static void zero_pages_share_one_block(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_ZLIB, .dump_level = 1, .window = 256 };
	const struct kdk_disk_dump_header *h;
	struct mem_out m;
	uint64_t data_start;
	(void)state;
	mem_out_init(&m, "zero", SIZE_MAX);
	assert_int_equal(gen_write(&m.out, &cfg, NULL), 0);
	h = (const void *)m.buf;
	data_start = (1 + (uint64_t)h->sub_hdr_size + h->bitmap_blocks) * GEN_PAGE +
		     gen_pages_dumped() * sizeof(struct kdk_page_desc);
	for (uint64_t pfn = 0; pfn < GEN_MAX_PFN; pfn++) {
		if (!gen_dumped(pfn) || !gen_is_zero(pfn))
			continue;
		struct kdk_page_desc d = desc_of(m.buf, pfn);
		assert_int_equal(d.offset, data_start);   /* the block opening the data area */
		assert_int_equal(d.size, GEN_PAGE);
		assert_int_equal(d.flags, 0);
	}
	/* A non-zero page's data follows the shared block. */
	assert_true(desc_of(m.buf, 1).offset == (int64_t)(data_start + GEN_PAGE));
	free(m.buf);

	/* Without bit 0 in the dump level, zero pages are stored one by one (and sharing is refused). */
	cfg.dump_level = 0;
	mem_out_init(&m, "nozero", SIZE_MAX);
	assert_int_equal(gen_write(&m.out, &cfg, NULL), 0);
	assert_true(desc_of(m.buf, 20).offset != desc_of(m.buf, 30).offset);
	assert_int_equal(desc_of(m.buf, 20).flags, KDK_DH_COMPRESSED_ZLIB);
	free(m.buf);
}

/* Page data in any order (save order: runs from the top of memory down), descriptors in pfn
 * order through seeks: every page reads back; a seek past the pages announced is refused. */
static void pages_written_out_of_pfn_order_read_back(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_ZSTD, .dump_level = 1, .window = 64,
				  .runs_down = 96 };
	const char *path = tmp_path("runs-down.kdump");
	struct kdk_diskdump_params p;
	struct kdk_diskdump_writer *w = NULL;
	unsigned char notes[2048];
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	struct mem_out m;
	(void)state;
	write_dump_file(path, &cfg);
	if (gen_open_row(&kdk_format_diskdump, path, &dump, &err) < 0)
		fail_msg("open %s: %s", path, err.msg);
	assert_false(kdk_diskdump_header(&dump)->status & KDK_DH_COMPRESSED_INCOMPLETE);
	check_every_page(&dump);
	gen_close_row(&dump);

	gen_params(&p, &cfg, notes, gen_notes(notes));
	mem_out_init(&m, "seek", SIZE_MAX);
	assert_int_equal(kdk_diskdump_write_open(&w, &m.out, &p, &err), 0);
	assert_int_equal(kdk_diskdump_write_seek(w, gen_pages_dumped(), &err), -EINVAL);
	assert_non_null(strstr(err.msg, "past the"));
	assert_int_equal(kdk_diskdump_write_seek(w, 3, &err), 0);
	assert_int_equal(kdk_diskdump_write_next_index(w), 3);
	kdk_diskdump_write_abort(w);
	free(m.buf);
}

static void header_says_incomplete_until_finish(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_LZO, .dump_level = 31, .window = 64 };
	unsigned char notes[2048];
	struct kdk_diskdump_params p;
	struct kdk_diskdump_writer *w = NULL;
	const struct kdk_disk_dump_header *h;
	struct mem_out m;
	(void)state;
	mem_out_init(&m, "open", SIZE_MAX);
	gen_params(&p, &cfg, notes, gen_notes(notes));
	assert_int_equal(kdk_diskdump_write_open(&w, &m.out, &p, NULL), 0);
	h = (const void *)m.buf;
	assert_memory_equal(h->signature, "KDUMP   ", 8);
	assert_int_equal(h->status, KDK_DH_COMPRESSED_INCOMPLETE | KDK_DH_COMPRESSED_LZO);
	kdk_diskdump_write_abort(w);
	h = (const void *)m.buf;
	assert_int_equal(h->status & KDK_DH_COMPRESSED_INCOMPLETE, KDK_DH_COMPRESSED_INCOMPLETE);
	free(m.buf);
}

/* An aborted dump stays readable: what was not saved is ENOENT "incomplete", never garbage. */
static void aborted_dump_reads_as_incomplete(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_ZSTD, .dump_level = 31, .window = 64,
				  .abort_midway = true };
	const char *path = tmp_path("aborted.kdump");
	unsigned char got[GEN_PAGE];
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	(void)state;
	write_dump_file(path, &cfg);
	if (gen_open_row(&kdk_format_diskdump, path, &dump, &err) < 0)
		fail_msg("open %s: %s", path, err.msg);
	assert_true(kdk_diskdump_header(&dump)->status & KDK_DH_COMPRESSED_INCOMPLETE);
	assert_int_equal(kdk_diskdump_read_page(&dump, 1, got, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "pfn 0x1 was not saved (incomplete dump)"));
	assert_int_equal(kdk_diskdump_read_page(&dump, 3, got, &err), -ENOENT);  /* excluded */
	gen_close_row(&dump);
}

static void enospc_is_an_error_naming_the_offset(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_NONE, .dump_level = 31, .window = 64 };
	struct kdk_err err = { 0 };
	struct mem_out m;
	(void)state;
	/* Space for the headers and bitmaps and some pages, not all. */
	mem_out_init(&m, "/var/crash/vmcore", 1u << 20);
	assert_int_equal(gen_write(&m.out, &cfg, &err), -ENOSPC);
	assert_non_null(strstr(err.msg, "/var/crash/vmcore: write of "));
	assert_non_null(strstr(err.msg, "at offset 0x"));
	assert_non_null(strstr(err.msg, "No space left on device"));
	assert_true(((const struct kdk_disk_dump_header *)m.buf)->status &
		    KDK_DH_COMPRESSED_INCOMPLETE);
	free(m.buf);

	/* Not even the header fits. */
	mem_out_init(&m, "tiny", 100);
	assert_int_equal(gen_write(&m.out, &cfg, &err), -ENOSPC);
	free(m.buf);
}

static void writer_refuses_to_go_on_after_a_failed_write(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_NONE, .dump_level = 0, .window = 64 };
	unsigned char notes[2048], page[GEN_PAGE] = { 1 }, bits[GEN_MAX_PFN / 8 + 1];
	struct kdk_diskdump_params p;
	struct kdk_diskdump_writer *w = NULL;
	struct kdk_err err = { 0 };
	struct mem_out m;
	(void)state;
	gen_params(&p, &cfg, notes, gen_notes(notes));
	mem_out_init(&m, "full", 3 * GEN_PAGE);   /* headers fit; the bitmaps do not */
	assert_int_equal(kdk_diskdump_write_open(&w, &m.out, &p, &err), 0);
	memset(bits, 0xff, sizeof(bits));
	assert_int_equal(kdk_diskdump_write_bitmaps(w, 0, 64, bits, bits, &err), -ENOSPC);
	assert_int_equal(kdk_diskdump_write_page(w, 0, page, GEN_PAGE, 0, &err), -EIO);
	assert_string_equal(err.msg, "full: an earlier write failed; the dump can only be aborted");
	assert_int_equal(kdk_diskdump_write_finish(w, &err), -EIO);
	free(m.buf);
}

static void writer_rejects_misuse(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_ZLIB, .dump_level = 0, .window = 64 };
	unsigned char notes[2048], page[GEN_PAGE] = { 0 }, present[128], dumped[128];
	struct kdk_diskdump_params p;
	struct kdk_diskdump_writer *w = NULL;
	struct kdk_err err = { 0 };
	struct mem_out m;
	(void)state;
	gen_params(&p, &cfg, notes, gen_notes(notes));
	mem_out_init(&m, "misuse", SIZE_MAX);
	assert_int_equal(kdk_diskdump_write_open(&w, &m.out, &p, &err), 0);

	gen_bitmaps(0, 64, present, dumped);
	assert_int_equal(kdk_diskdump_write_bitmaps(w, 8, 64, present, dumped, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "expected 0x0"));
	assert_int_equal(kdk_diskdump_write_bitmaps(w, 0, 64, present, dumped, &err), 0);
	gen_bitmaps(64, 64, present, dumped);
	dumped[(104 - 64) / 8] |= 1;   /* pfn 104 is in a hole */
	assert_int_equal(kdk_diskdump_write_bitmaps(w, 64, 64, present, dumped, &err), -EINVAL);
	assert_string_equal(err.msg, "misuse: pfn 0x68 is marked dumped but not present");
	assert_int_equal(kdk_diskdump_write_bitmaps(w, 64, 60, present, present, &err), -EINVAL);

	assert_int_equal(kdk_diskdump_write_page(w, 5, page, GEN_PAGE, 0, &err), 0);
	assert_int_equal(kdk_diskdump_write_page(w, 5, page, GEN_PAGE, 0, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "increasing pfn order"));
	assert_int_equal(kdk_diskdump_write_page(w, 6, page, 100, 0, &err), -EINVAL);
	assert_string_equal(err.msg, "misuse: pfn 0x6: raw page of 100 bytes, not 4096");
	assert_int_equal(kdk_diskdump_write_page(w, 6, page, 100, KDK_DH_COMPRESSED_LZO, &err),
			 -EINVAL);
	assert_int_equal(kdk_diskdump_write_zero_page(w, 6, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "zero pages are shared only"));
	assert_int_equal(kdk_diskdump_write_page(w, GEN_MAX_PFN, page, GEN_PAGE, 0, &err), -EINVAL);
	/* Finishing early: bitmaps and pages missing. */
	assert_int_equal(kdk_diskdump_write_finish(w, &err), -EINVAL);
	assert_string_equal(err.msg, "misuse: bitmaps written up to pfn 0x40 of 0x3e8");
	free(m.buf);
}

static void too_many_pages_are_refused(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_NONE, .dump_level = 0, .window = 64 };
	unsigned char notes[2048], page[GEN_PAGE] = { 0 };
	struct kdk_diskdump_params p;
	struct kdk_diskdump_writer *w = NULL;
	struct kdk_err err = { 0 };
	struct mem_out m;
	(void)state;
	gen_params(&p, &cfg, notes, gen_notes(notes));
	p.pages_to_dump = 2;
	mem_out_init(&m, "count", SIZE_MAX);
	assert_int_equal(kdk_diskdump_write_open(&w, &m.out, &p, &err), 0);
	assert_int_equal(kdk_diskdump_write_page(w, 1, page, GEN_PAGE, 0, &err), 0);
	assert_int_equal(kdk_diskdump_write_page(w, 2, page, GEN_PAGE, 0, &err), 0);
	assert_int_equal(kdk_diskdump_write_page(w, 3, page, GEN_PAGE, 0, &err), -EINVAL);
	assert_string_equal(err.msg, "count: pfn 0x3 is one page more than the 2 announced");
	kdk_diskdump_write_abort(w);
	free(m.buf);
}

/* Reader checks: a descriptor pointing past the file, or too big, is an error naming the pfn and
 * the descriptor's offset; a file cut short without the incomplete flag is an error too. */
static void corrupt_descriptor_names_pfn_and_offset(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_ZLIB, .dump_level = 31, .window = 64 };
	const char *path = tmp_path("corrupt.kdump");
	unsigned char got[GEN_PAGE];
	struct kdk_err err = { 0 };
	struct kdk_page_desc d;
	struct kdk_dump dump;
	uint64_t desc_at;
	struct mem_out m;
	char want[160];
	(void)state;
	mem_out_init(&m, "gen", SIZE_MAX);
	assert_int_equal(gen_write(&m.out, &cfg, NULL), 0);
	const struct kdk_disk_dump_header *h = (const void *)m.buf;
	/* pfn 2 is the third dumped page: descriptor index 2. */
	desc_at = (1 + (uint64_t)h->sub_hdr_size + h->bitmap_blocks) * GEN_PAGE + 2 * sizeof(d);
	memcpy(&d, m.buf + desc_at, sizeof(d));
	d.offset = (int64_t)m.size + 10;
	memcpy(m.buf + desc_at, &d, sizeof(d));
	gen_write_file(path, m.buf, m.size);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), 0);
	assert_int_equal(kdk_diskdump_read_page(&dump, 2, got, &err), -EIO);
	snprintf(want, sizeof(want), "%s: pfn 0x2: page descriptor at offset 0x%llx points at", path,
		 (unsigned long long)desc_at);
	if (!strstr(err.msg, want))
		fail_msg("expected \"%s…\", got \"%s\"", want, err.msg);
	assert_int_equal(kdk_diskdump_read_page(&dump, 1, got, &err), 0);   /* others still read */
	gen_close_row(&dump);

	/* A size larger than a page. */
	d.offset = (int64_t)m.size - 100;
	d.size = GEN_PAGE + 1;
	memcpy(m.buf + desc_at, &d, sizeof(d));
	gen_write_file(path, m.buf, m.size);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), 0);
	assert_int_equal(kdk_diskdump_read_page(&dump, 2, got, &err), -EIO);
	assert_non_null(strstr(err.msg, "pfn 0x2: corrupt page descriptor at offset"));
	gen_close_row(&dump);

	/* Garbage data where the descriptor points: the codec's error, with pfn and offsets. */
	d.size = 50;
	d.flags = KDK_DH_COMPRESSED_ZLIB;
	d.offset = (int64_t)(desc_at + 4096 * 8);
	memcpy(m.buf + desc_at, &d, sizeof(d));
	gen_write_file(path, m.buf, m.size);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), 0);
	assert_int_equal(kdk_diskdump_read_page(&dump, 2, got, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "pfn 0x2: page data at offset"));
	assert_non_null(strstr(err.msg, "zlib"));
	gen_close_row(&dump);

	/* Cut the file in the middle of the page data: late pages are errors, not zeros. */
	gen_write_file(path, m.buf, m.size / 2);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), 0);
	assert_int_equal(kdk_diskdump_read_page(&dump, 998, got, &err), -EIO);
	assert_non_null(strstr(err.msg, "past the end of the file"));
	gen_close_row(&dump);

	/* Cut inside the bitmaps: the open fails and says where. */
	gen_write_file(path, m.buf, 3 * GEN_PAGE);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), -EIO);
	assert_non_null(strstr(err.msg, "past the end of the file"));
	free(m.buf);
}

static void bad_headers_are_refused(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_NONE, .dump_level = 0, .window = 1000 };
	const char *path = tmp_path("badhdr.kdump");
	struct kdk_disk_dump_header *h;
	struct kdk_kdump_sub_header *s;
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	struct mem_out m;
	(void)state;
	mem_out_init(&m, "gen", SIZE_MAX);
	assert_int_equal(gen_write(&m.out, &cfg, NULL), 0);
	h = (void *)m.buf;
	s = (void *)(m.buf + GEN_PAGE);

	h->block_size = 3000;
	gen_write_file(path, m.buf, m.size);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "block size 3000"));
	h->block_size = GEN_PAGE;

	s->max_mapnr_64 = 1u << 30;   /* more pfns than the bitmaps hold */
	gen_write_file(path, m.buf, m.size);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "max_mapnr 0x40000000 does not fit"));
	s->max_mapnr_64 = GEN_MAX_PFN;

	s->size_note = 1ull << 40;    /* notes past the end of the file */
	gen_write_file(path, m.buf, m.size);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), -EIO);
	assert_non_null(strstr(err.msg, "ELF notes at offset 0x"));
	free(m.buf);
}

static void file_sink_refuses_to_overwrite_and_makes_0600(void **state)
{
	const char *path = tmp_path("exists");
	struct kdk_out *out = NULL;
	struct kdk_err err = { 0 };
	struct stat st;
	(void)state;
	gen_write_file(path, "x", 1);
	chmod(path, 0644);
	assert_int_equal(kdk_out_file_open(&out, path, 0, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "exists (a file or a link): not overwriting it"));
	assert_int_equal(kdk_out_file_open(&out, path, KDK_OUT_OVERWRITE, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(kdk_out_finish(out, &err), 0);
	kdk_out_release(out);
}

/* A link planted at the output path never receives the image: O_EXCL|O_NOFOLLOW refuses it,
 * and even KDK_OUT_OVERWRITE does not write through it (ELOOP); its target is untouched. */
static void file_sink_never_writes_through_a_link(void **state)
{
	const char *target = tmp_path("link-target"), *link = tmp_path("planted-link");
	struct kdk_out *out = NULL;
	struct kdk_err err = { 0 };
	struct stat st;
	(void)state;
	gen_write_file(target, "precious", 8);
	unlink(link);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(kdk_out_file_open(&out, link, 0, &err), -EEXIST);
	assert_int_equal(kdk_out_file_open(&out, link, KDK_OUT_OVERWRITE, &err), -ELOOP);
	assert_non_null(strstr(err.msg, "is a symbolic link: not writing through it"));
	assert_null(out);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 8);
	unlink(link);
	assert_int_equal(symlink(tmp_path("no-such-target"), link), 0);
	assert_int_equal(kdk_out_file_open(&out, link, 0, &err), -EEXIST);
	assert_int_equal(lstat(tmp_path("no-such-target"), &st), -1);
}

static void pfn_dumped_follows_the_second_bitmap(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_LZO, .dump_level = 31, .window = 64 };
	const char *path = tmp_path("bits.kdump");
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	(void)state;
	write_dump_file(path, &cfg);
	assert_int_equal(gen_open_row(&kdk_format_diskdump, path, &dump, &err), 0);
	for (uint64_t pfn = 0; pfn < GEN_MAX_PFN; pfn++)
		assert_int_equal(kdk_diskdump_pfn_dumped(&dump, pfn), gen_dumped(pfn));
	assert_int_equal(kdk_diskdump_pfn_dumped(&dump, GEN_MAX_PFN), 0);
	gen_close_row(&dump);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_codec_round_trips_with_holes_and_excluded_pages),
		cmocka_unit_test(output_does_not_depend_on_windows),
		cmocka_unit_test(zero_pages_share_one_block),
		cmocka_unit_test(pages_written_out_of_pfn_order_read_back),
		cmocka_unit_test(header_says_incomplete_until_finish),
		cmocka_unit_test(aborted_dump_reads_as_incomplete),
		cmocka_unit_test(enospc_is_an_error_naming_the_offset),
		cmocka_unit_test(writer_refuses_to_go_on_after_a_failed_write),
		cmocka_unit_test(writer_rejects_misuse),
		cmocka_unit_test(too_many_pages_are_refused),
		cmocka_unit_test(corrupt_descriptor_names_pfn_and_offset),
		cmocka_unit_test(bad_headers_are_refused),
		cmocka_unit_test(file_sink_refuses_to_overwrite_and_makes_0600),
		cmocka_unit_test(file_sink_never_writes_through_a_link),
		cmocka_unit_test(pfn_dumped_follows_the_second_bitmap),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
