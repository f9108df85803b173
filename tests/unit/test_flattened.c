/* test_flattened.c — the flattened stream: exact start block, records reassembled byte for byte
 * into the file a direct write gives, overlapping records (later wins), a flattened dump read in
 * place, and truncated or foreign streams refused. */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_tmpdir.h"

#include "diskdump_read.h"
#include "diskdump_gen.h"
#include "flattened.h"
#include "kdk_out.h"


static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* A sink that scrambles the record order: each write first puts garbage over its range, then the
 * real bytes in two overlapping halves, second half first. Applied in order, the result is the
 * same file; a reader must let later records win to see it. */
struct scramble_out {
	struct kdk_out out;
	struct kdk_out *inner;
};

static int scramble_write_at(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
			     struct kdk_err *err)
{
	struct kdk_out *inner = ((struct scramble_out *)out)->inner;
	const unsigned char *p = buf;
	unsigned char *garbage = malloc(len);
	size_t half = len / 2, overlap = half / 2;
	int rc;

	memset(garbage, 0xee, len);
	rc = kdk_out_write(inner, offset, garbage, len, err);
	free(garbage);
	if (rc == 0)
		rc = kdk_out_write(inner, offset + half, p + half, len - half, err);
	if (rc == 0)
		rc = kdk_out_write(inner, offset, p, half + overlap < len ? half + overlap : len, err);
	return rc;
}

static int scramble_finish(struct kdk_out *out, struct kdk_err *err)
{
	return kdk_out_finish(((struct scramble_out *)out)->inner, err);
}

/* The synthetic dump written flattened into path (optionally through the scrambler). */
static void write_flat(const char *path, const struct gen_config *cfg, bool scramble)
{
	struct kdk_out *flat = NULL;
	struct scramble_out s = { .out = { .name = "scramble", .write_at = scramble_write_at,
					   .finish = scramble_finish } };
	struct kdk_err err = { 0 };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(kdk_flat_out_open(&flat, fd, "stdout", &err), 0);
	s.inner = flat;
	if (gen_write(scramble ? &s.out : flat, cfg, &err) < 0)
		fail_msg("flattened write: %s", err.msg);
	assert_int_equal(kdk_out_finish(flat, &err), 0);
	kdk_out_release(flat);
	close(fd);
}

static void write_direct(const char *path, const struct gen_config *cfg)
{
	struct kdk_out *out = NULL;
	struct kdk_err err = { 0 };

	assert_int_equal(kdk_out_file_open(&out, path, KDK_OUT_OVERWRITE, &err), 0);
	assert_int_equal(gen_write(out, cfg, &err), 0);
	assert_int_equal(kdk_out_finish(out, &err), 0);
	kdk_out_release(out);
}

static int reassemble(const char *in, const char *out_path, struct kdk_flat_stats *stats,
		      struct kdk_err *err)
{
	struct kdk_out *out = NULL;
	int fd = open(in, O_RDONLY), rc;

	assert_true(fd >= 0);
	assert_int_equal(kdk_out_file_open(&out, out_path, KDK_OUT_OVERWRITE, err), 0);
	rc = kdk_flat_reassemble(fd, in, out, stats, err);
	if (rc == 0)
		rc = kdk_out_finish(out, err);
	kdk_out_release(out);
	close(fd);
	return rc;
}

static void assert_same_file(const char *a, const char *b)
{
	size_t na, nb;
	unsigned char *x = slurp(a, &na), *y = slurp(b, &nb);

	assert_int_equal(na, nb);
	assert_memory_equal(x, y, na);
	free(x);
	free(y);
}

/* The start block and the end marker, byte for byte: big-endian whatever the host. */
static void stream_framing_is_big_endian(void **state)
{
	static const unsigned char head[32] = {
		'm', 'a', 'k', 'e', 'd', 'u', 'm', 'p', 'f', 'i', 'l', 'e', 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 1,   /* type 1 */
		0, 0, 0, 0, 0, 0, 0, 1,   /* version 1 */
	};
	static const unsigned char record[16] = {
		0, 0, 0, 0, 0, 0, 0x12, 0x34,   /* offset 0x1234 */
		0, 0, 0, 0, 0, 0, 0, 3,         /* 3 bytes */
	};
	const char *path = tmp_path("framing.flat");
	struct kdk_out *flat = NULL;
	struct kdk_err err = { 0 };
	unsigned char *buf, zeros[4096 - 32] = { 0 }, end[16];
	size_t n;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	(void)state;
	assert_int_equal(kdk_flat_out_open(&flat, fd, "stdout", &err), 0);
	assert_int_equal(kdk_out_write(flat, 0x1234, "abc", 3, &err), 0);
	assert_int_equal(kdk_out_write(flat, 0x9999, "", 0, &err), 0);   /* no record of size 0 */
	assert_int_equal(kdk_out_finish(flat, &err), 0);
	kdk_out_release(flat);
	close(fd);
	buf = slurp(path, &n);
	assert_int_equal(n, 4096 + 16 + 3 + 16);
	assert_memory_equal(buf, head, sizeof(head));
	assert_memory_equal(buf + 32, zeros, sizeof(zeros));
	assert_memory_equal(buf + 4096, record, sizeof(record));
	assert_memory_equal(buf + 4096 + 16, "abc", 3);
	memset(end, 0xff, sizeof(end));
	assert_memory_equal(buf + 4096 + 19, end, sizeof(end));
	free(buf);
}

static void reassembled_stream_equals_direct_write(void **state)
{
	static const struct gen_config cfgs[] = {
		{ .codec = KDK_CODEC_ZLIB, .dump_level = 31, .window = 64 },
		{ .codec = KDK_CODEC_NONE, .dump_level = 0, .window = 1000, .interleave = true },
		{ .codec = KDK_CODEC_ZSTD, .dump_level = 1, .window = 8, .interleave = true },
	};
	const char *direct = tmp_path("direct.kdump"), *flat = tmp_path("dump.flat");
	const char *back = tmp_path("back.kdump");
	struct kdk_flat_stats stats;
	struct kdk_err err = { 0 };
	(void)state;
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		write_direct(direct, &cfgs[i]);
		for (int scramble = 0; scramble < 2; scramble++) {
			write_flat(flat, &cfgs[i], scramble);
			if (reassemble(flat, back, &stats, &err) < 0)
				fail_msg("reassemble: %s", err.msg);
			assert_true(stats.records > 3);
			assert_same_file(direct, back);
		}
	}
}

static void flattened_dump_reads_in_place(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_LZO, .dump_level = 31, .window = 64 };
	const char *path = tmp_path("inplace.flat");
	unsigned char want[GEN_PAGE], got[GEN_PAGE], head[64];
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	int fd;
	(void)state;
	for (int scramble = 0; scramble < 2; scramble++) {
		write_flat(path, &cfg, scramble);
		fd = open(path, O_RDONLY);
		assert_int_equal(read(fd, head, sizeof(head)), sizeof(head));
		close(fd);
		assert_true(kdk_format_flattened.probe(head, sizeof(head)));
		assert_false(kdk_format_diskdump.probe(head, sizeof(head)));
		if (gen_open_row(&kdk_format_flattened, path, &dump, &err) < 0)
			fail_msg("open %s: %s", path, err.msg);
		assert_int_equal(dump.max_pfn, GEN_MAX_PFN);
		assert_int_equal(dump.ranges.len, 4);
		assert_string_equal(dump.vmcoreinfo, gen_vmcoreinfo);
		assert_int_equal(kdk_diskdump_header(&dump)->status, KDK_DH_COMPRESSED_LZO);
		for (uint64_t pfn = 0; pfn < GEN_MAX_PFN; pfn++) {
			int rc = kdk_diskdump_read_page(&dump, pfn, got, &err);
			if (!gen_dumped(pfn)) {
				assert_int_equal(rc, -ENOENT);
				continue;
			}
			if (rc < 0)
				fail_msg("pfn %llu: %s", (unsigned long long)pfn, err.msg);
			gen_page(pfn, want);
			assert_memory_equal(got, want, GEN_PAGE);
		}
		gen_close_row(&dump);
	}
}

static void truncated_stream_is_an_error(void **state)
{
	struct gen_config cfg = { .codec = KDK_CODEC_ZLIB, .dump_level = 31, .window = 64 };
	const char *path = tmp_path("cut.flat"), *back = tmp_path("cut.kdump");
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	unsigned char *buf;
	size_t n;
	(void)state;
	write_flat(path, &cfg, false);
	buf = slurp(path, &n);

	gen_write_file(path, buf, n - 16);   /* only the end marker missing */
	assert_int_equal(reassemble(path, back, NULL, &err), -EIO);
	assert_non_null(strstr(err.msg, "without the end marker"));
	assert_int_equal(gen_open_row(&kdk_format_flattened, path, &dump, &err), -EIO);
	assert_non_null(strstr(err.msg, "without the end marker"));

	gen_write_file(path, buf, n / 2);    /* cut inside a record's data */
	assert_int_equal(reassemble(path, back, NULL, &err), -EIO);
	assert_non_null(strstr(err.msg, "stream ends inside record data"));
	assert_int_equal(gen_open_row(&kdk_format_flattened, path, &dump, &err), -EIO);
	assert_non_null(strstr(err.msg, "runs past the end of the file"));

	buf[0] = 'M';                        /* not a flattened stream */
	gen_write_file(path, buf, n);
	assert_int_equal(reassemble(path, back, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no \"makedumpfile\" signature"));
	buf[0] = 'm';
	buf[23] = 2;                         /* type 2 */
	gen_write_file(path, buf, n);
	assert_int_equal(reassemble(path, back, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "type 2"));
	free(buf);
}

/* makedumpfile -F -E flattens an ELF vmcore: reading that in place is refused with a hint. */
static void flattened_elf_is_not_read_in_place(void **state)
{
	const char *path = tmp_path("elf.flat");
	struct kdk_out *flat = NULL;
	struct kdk_err err = { 0 };
	struct kdk_dump dump;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	(void)state;
	assert_int_equal(kdk_flat_out_open(&flat, fd, "stdout", &err), 0);
	assert_int_equal(kdk_out_write(flat, 0, "\177ELF\2\1\1", 7, &err), 0);
	assert_int_equal(kdk_out_finish(flat, &err), 0);
	kdk_out_release(flat);
	close(fd);
	assert_int_equal(gen_open_row(&kdk_format_flattened, path, &dump, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "reassemble it with dumpsave -R first"));
}

/* A write error on the stream (a closed pipe) is reported with the stream offset. */
static void stream_write_error_names_the_position(void **state)
{
	struct kdk_out *flat = NULL;
	struct kdk_err err = { 0 };
	int fds[2];
	(void)state;
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(kdk_flat_out_open(&flat, fds[1], "stdout", &err), -EPIPE);
	assert_string_equal(err.msg, "stdout: write of 4096 bytes at offset 0x0 failed: Broken pipe");
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_framing_is_big_endian),
		cmocka_unit_test(reassembled_stream_equals_direct_write),
		cmocka_unit_test(flattened_dump_reads_in_place),
		cmocka_unit_test(truncated_stream_is_an_error),
		cmocka_unit_test(flattened_elf_is_not_read_in_place),
		cmocka_unit_test(stream_write_error_names_the_position),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
