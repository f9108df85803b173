/* test_page_codec.c — page codecs: every codec round-trips text-like, random and zero pages;
 * a zero page compressed once equals compressing zeros;
 * incompressible pages are stored raw; zlib pages uncompress(), zstd pages equal level 1's, snappy
 * pages are snappy_compress's raw format (makedumpfile -p's; what crash's snappy_uncompress
 * reads); corrupt data and unknown flags fail. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include "diskdump_format.h"
#include "page_codec.h"

#define PAGE 4096

/* Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
static void fill_random(unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t x = seed | 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (unsigned char)x;
	}
}

/* A page that compresses: repeated words with a counter, like kernel text and slab data. */
static void fill_text(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)("kdumpkit page "[i % 14] + (i / 512) % 3);
}

static void round_trip(enum kdk_codec codec, const unsigned char *page, uint32_t expect_flags)
{
	struct kdk_page_codec *c = NULL;
	struct kdk_err err = { 0 };
	unsigned char *out, back[PAGE];
	uint32_t size = 0, flags = 0xff;

	assert_int_equal(kdk_page_codec_new(&c, codec, PAGE, &err), 0);
	out = malloc(kdk_page_codec_bound(c));
	assert_non_null(out);
	assert_int_equal(kdk_page_compress(c, page, out, kdk_page_codec_bound(c), &size, &flags, &err), 0);
	assert_int_equal(flags, expect_flags);
	if (flags == 0)
		assert_int_equal(size, PAGE);
	else
		assert_true(size < PAGE);
	memset(back, 0xaa, sizeof(back));
	assert_int_equal(kdk_page_decompress(c, flags, out, size, back, &err), 0);
	assert_memory_equal(back, page, PAGE);
	free(out);
	kdk_page_codec_free(c);
}

static void every_codec_round_trips_a_compressible_page(void **state)
{
	unsigned char page[PAGE];
	(void)state;
	fill_text(page, PAGE);
	round_trip(KDK_CODEC_ZLIB, page, KDK_DH_COMPRESSED_ZLIB);
	round_trip(KDK_CODEC_LZO, page, KDK_DH_COMPRESSED_LZO);
	round_trip(KDK_CODEC_ZSTD, page, KDK_DH_COMPRESSED_ZSTD);
	round_trip(KDK_CODEC_SNAPPY, page, KDK_DH_COMPRESSED_SNAPPY);
	round_trip(KDK_CODEC_NONE, page, 0);
}

static void every_codec_round_trips_a_zero_page(void **state)
{
	unsigned char page[PAGE] = { 0 };
	(void)state;
	round_trip(KDK_CODEC_ZLIB, page, KDK_DH_COMPRESSED_ZLIB);
	round_trip(KDK_CODEC_LZO, page, KDK_DH_COMPRESSED_LZO);
	round_trip(KDK_CODEC_ZSTD, page, KDK_DH_COMPRESSED_ZSTD);
	round_trip(KDK_CODEC_SNAPPY, page, KDK_DH_COMPRESSED_SNAPPY);
}

/* The zero page made once per context is what compressing zeros gives, before and after other
 * pages went through the context, and it decompresses to zeros. */
static void compressed_zero_page_equals_compressing_zeros(void **state)
{
	static const enum kdk_codec codecs[] = { KDK_CODEC_NONE, KDK_CODEC_ZLIB, KDK_CODEC_LZO,
						 KDK_CODEC_ZSTD, KDK_CODEC_SNAPPY };
	unsigned char zeros[PAGE] = { 0 }, text[PAGE], back[PAGE];
	(void)state;
	fill_text(text, PAGE);
	for (unsigned i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		struct kdk_page_codec *c = NULL;
		struct kdk_err err = { 0 };
		unsigned char *direct, *cached;
		uint32_t direct_size, direct_flags, size, flags;
		size_t bound;

		assert_int_equal(kdk_page_codec_new(&c, codecs[i], PAGE, &err), 0);
		bound = kdk_page_codec_bound(c);
		direct = malloc(bound);
		cached = malloc(bound);
		assert_int_equal(kdk_page_compress(c, zeros, direct, bound, &direct_size, &direct_flags, &err), 0);
		for (int round = 0; round < 2; round++) {
			memset(cached, 0xa5, bound);
			assert_int_equal(kdk_page_compress_zero(c, cached, bound, &size, &flags, &err), 0);
			assert_int_equal(size, direct_size);
			assert_int_equal(flags, direct_flags);
			assert_memory_equal(cached, direct, size);
			memset(back, 0xff, PAGE);
			assert_int_equal(kdk_page_decompress(c, flags, cached, size, back, &err), 0);
			assert_memory_equal(back, zeros, PAGE);
			/* another page between the two */
			assert_int_equal(kdk_page_compress(c, text, direct + 0, bound, &size, &flags, &err), 0);
			assert_int_equal(kdk_page_compress(c, zeros, direct, bound, &direct_size, &direct_flags, &err), 0);
		}
		assert_int_equal(kdk_page_compress_zero(c, cached, 16, &size, &flags, &err), -EINVAL);
		free(direct);
		free(cached);
		kdk_page_codec_free(c);
	}
}

/* makedumpfile's rule: a compressed form that is not smaller is not used. */
static void incompressible_page_is_stored_raw(void **state)
{
	unsigned char page[PAGE];
	(void)state;
	fill_random(page, PAGE, 42);
	round_trip(KDK_CODEC_ZLIB, page, 0);
	round_trip(KDK_CODEC_LZO, page, 0);
	round_trip(KDK_CODEC_ZSTD, page, 0);
	round_trip(KDK_CODEC_SNAPPY, page, 0);
}

/* zlib pages come from libdeflate, not zlib: what crash and makedumpfile run on them is zlib's
 * uncompress(), which must restore each page; the context keeps nothing from page to page (the
 * same page gives the same bytes after another one). */
static void zlib_output_is_what_uncompress_reads(void **state)
{
	struct kdk_page_codec *c = NULL;
	unsigned char page[PAGE], ours[PAGE + 1024], first[PAGE + 1024], back[PAGE];
	uLongf back_size;
	uint32_t size, first_size = 0, flags;
	(void)state;
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_ZLIB, PAGE, NULL), 0);
	for (int round = 0; round < 4; round++) {
		fill_text(page, PAGE);
		if (round < 3)
			page[round * 100] ^= 0x5a;
		assert_int_equal(kdk_page_compress(c, page, ours, sizeof(ours), &size, &flags, NULL), 0);
		assert_int_equal(flags, KDK_DH_COMPRESSED_ZLIB);
		assert_true(size < PAGE);
		back_size = sizeof(back);
		assert_int_equal(uncompress(back, &back_size, ours, size), Z_OK);
		assert_int_equal(back_size, PAGE);
		assert_memory_equal(back, page, PAGE);
		if (round == 0) {
			memcpy(first, ours, size);
			first_size = size;
		}
	}
	/* round 3 compressed round 0's page again (the xor undone) */
	fill_text(page, PAGE);
	page[0] ^= 0x5a;
	assert_int_equal(kdk_page_compress(c, page, ours, sizeof(ours), &size, &flags, NULL), 0);
	assert_int_equal(size, first_size);
	assert_memory_equal(ours, first, size);
	kdk_page_codec_free(c);
}

/* zstd's level is set once per context: the bytes must be ZSTD_compress(level 1)'s, page after page. */
static void zstd_output_equals_level_1(void **state)
{
	struct kdk_page_codec *c = NULL;
	unsigned char page[PAGE], ours[PAGE + 1024], ref[PAGE + 1024];
	uint32_t size, flags;
	size_t ref_size;
	(void)state;
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_ZSTD, PAGE, NULL), 0);
	for (int round = 0; round < 3; round++) {
		fill_text(page, PAGE);
		page[round * 100] ^= 0x5a;
		ref_size = ZSTD_compress(ref, sizeof(ref), page, PAGE, 1);
		assert_false(ZSTD_isError(ref_size));
		assert_int_equal(kdk_page_compress(c, page, ours, sizeof(ours), &size, &flags, NULL), 0);
		assert_int_equal(size, ref_size);
		assert_memory_equal(ours, ref, size);
	}
	kdk_page_codec_free(c);
}

/* A snappy page is what snappy_compress makes of it and snappy_uncompress (crash's reader, and
 * libkdumpfile's) restores. */
static void snappy_output_is_the_raw_snappy_format(void **state)
{
	struct kdk_page_codec *c = NULL;
	unsigned char page[PAGE], ours[PAGE * 2], ref[PAGE * 2], back[PAGE];
	size_t ref_size, back_size;
	uint32_t size, flags;
	char why[KDK_ERR_MSG_MAX] = "";
	(void)state;

	if (!kdk_codec_available(KDK_CODEC_SNAPPY, why, sizeof(why)))
		fail_msg("snappy not available: %s", why);
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_SNAPPY, PAGE, NULL), 0);
	assert_true(kdk_page_codec_bound(c) >= snappy_max_compressed_length(PAGE));
	for (int round = 0; round < 3; round++) {
		fill_text(page, PAGE);
		page[round * 100] ^= 0x5a;
		ref_size = sizeof(ref);
		assert_int_equal(snappy_compress((const char *)page, PAGE, (char *)ref, &ref_size), SNAPPY_OK);
		assert_int_equal(kdk_page_compress(c, page, ours, sizeof(ours), &size, &flags, NULL), 0);
		assert_int_equal(flags, KDK_DH_COMPRESSED_SNAPPY);
		assert_int_equal(size, ref_size);
		assert_memory_equal(ours, ref, size);
		back_size = sizeof(back);
		assert_int_equal(snappy_uncompress((const char *)ours, size, (char *)back, &back_size), SNAPPY_OK);
		assert_int_equal(back_size, PAGE);
		assert_memory_equal(back, page, PAGE);
	}
	kdk_page_codec_free(c);
}

/* A reading context (NONE) decodes pages of every kind, one after another. */
static void one_context_decodes_every_kind(void **state)
{
	struct kdk_page_codec *w[4], *r = NULL;
	enum kdk_codec codecs[4] = { KDK_CODEC_ZLIB, KDK_CODEC_LZO, KDK_CODEC_ZSTD, KDK_CODEC_SNAPPY };
	unsigned char page[PAGE], out[PAGE * 2], back[PAGE];
	uint32_t size, flags;
	(void)state;
	fill_text(page, PAGE);
	assert_int_equal(kdk_page_codec_new(&r, KDK_CODEC_NONE, PAGE, NULL), 0);
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < 4; i++) {
			assert_int_equal(kdk_page_codec_new(&w[i], codecs[i], PAGE, NULL), 0);
			assert_int_equal(kdk_page_compress(w[i], page, out, sizeof(out), &size, &flags,
							   NULL), 0);
			assert_int_equal(flags, kdk_codec_flag(codecs[i]));
			assert_int_equal(kdk_page_decompress(r, flags, out, size, back, NULL), 0);
			assert_memory_equal(back, page, PAGE);
			kdk_page_codec_free(w[i]);
		}
	}
	kdk_page_codec_free(r);
}

static void corrupt_stream_is_an_error(void **state)
{
	struct kdk_page_codec *c = NULL;
	struct kdk_err err = { 0 };
	unsigned char page[PAGE], out[PAGE * 2], back[PAGE];
	uint32_t size, flags;
	enum kdk_codec codecs[4] = { KDK_CODEC_ZLIB, KDK_CODEC_LZO, KDK_CODEC_ZSTD, KDK_CODEC_SNAPPY };
	(void)state;
	fill_text(page, PAGE);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(kdk_page_codec_new(&c, codecs[i], PAGE, NULL), 0);
		assert_int_equal(kdk_page_compress(c, page, out, sizeof(out), &size, &flags, NULL), 0);
		/* Cut the stream short: it must not decode to a whole page. */
		assert_int_equal(kdk_page_decompress(c, flags, out, size / 2, back, &err), -EINVAL);
		assert_non_null(strstr(err.msg, kdk_codec_name(codecs[i])));
		kdk_page_codec_free(c);
	}
}

static void raw_page_of_wrong_size_is_an_error(void **state)
{
	struct kdk_page_codec *c = NULL;
	struct kdk_err err = { 0 };
	unsigned char page[PAGE] = { 0 }, back[PAGE];
	(void)state;
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_NONE, PAGE, NULL), 0);
	assert_int_equal(kdk_page_decompress(c, 0, page, 100, back, &err), -EINVAL);
	assert_string_equal(err.msg, "raw page of 100 bytes, not 4096");
	kdk_page_codec_free(c);
}

/* Snappy data whose announced length is not a page is refused before it is decoded; flag bits
 * no codec owns, or two codecs at once, are not guessed at. */
static void snappy_length_and_unknown_flags_are_errors(void **state)
{
	struct kdk_page_codec *c = NULL;
	struct kdk_err err = { 0 };
	unsigned char page[PAGE * 2], out[PAGE * 3], back[PAGE * 2], in[16] = { 0 };
	size_t size = sizeof(out);
	(void)state;
	fill_text(page, sizeof(page));
	assert_int_equal(snappy_compress((const char *)page, sizeof(page), (char *)out, &size), SNAPPY_OK);
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_NONE, PAGE, NULL), 0);
	assert_int_equal(kdk_page_decompress(c, KDK_DH_COMPRESSED_SNAPPY, out, (uint32_t)size, back,
					     &err), -EINVAL);
	assert_non_null(strstr(err.msg, "decompresses to 8192 bytes, not 4096"));
	in[0] = 0xff; /* a varint that never ends */
	assert_int_equal(kdk_page_decompress(c, KDK_DH_COMPRESSED_SNAPPY, in, 1, back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "snappy data of 1 bytes has no valid length"));
	assert_int_equal(kdk_page_decompress(c, 0x40, in, sizeof(in), back, &err), -ENOTSUP);
	assert_int_equal(kdk_page_decompress(c, KDK_DH_COMPRESSED_SNAPPY | KDK_DH_COMPRESSED_LZO, in,
					     sizeof(in), back, &err), -ENOTSUP);
	kdk_page_codec_free(c);
}

static void names_parse_and_print(void **state)
{
	enum kdk_codec codec;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(kdk_codec_parse("lzo", &codec, &err), 0);
	assert_int_equal(codec, KDK_CODEC_LZO);
	assert_string_equal(kdk_codec_name(KDK_CODEC_ZSTD), "zstd");
	assert_int_equal(kdk_codec_parse("snappy", &codec, &err), 0);
	assert_int_equal(codec, KDK_CODEC_SNAPPY);
	assert_int_equal(kdk_codec_flag(KDK_CODEC_SNAPPY), KDK_DH_COMPRESSED_SNAPPY);
	assert_int_equal(kdk_codec_parse("lz4", &codec, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown compression \"lz4\" (none, zlib, lzo, zstd or snappy)");
	assert_int_equal(kdk_codec_flag(KDK_CODEC_NONE), 0);
}

static void bad_page_size_is_refused(void **state)
{
	struct kdk_page_codec *c = NULL;
	(void)state;
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_ZLIB, 3000, NULL), -EINVAL);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_codec_round_trips_a_compressible_page),
		cmocka_unit_test(every_codec_round_trips_a_zero_page),
		cmocka_unit_test(compressed_zero_page_equals_compressing_zeros),
		cmocka_unit_test(incompressible_page_is_stored_raw),
		cmocka_unit_test(zlib_output_is_what_uncompress_reads),
		cmocka_unit_test(zstd_output_equals_level_1),
		cmocka_unit_test(one_context_decodes_every_kind),
		cmocka_unit_test(corrupt_stream_is_an_error),
		cmocka_unit_test(raw_page_of_wrong_size_is_an_error),
		cmocka_unit_test(snappy_output_is_the_raw_snappy_format),
		cmocka_unit_test(snappy_length_and_unknown_flags_are_errors),
		cmocka_unit_test(names_parse_and_print),
		cmocka_unit_test(bad_page_size_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
