/* test_codec_without_zstd.c — page_codec in a link that does not take libzstd's table (Makefile:
 * this test, like the capture /init's kdump-init, is linked without -u kdk_zstd_linked_api):
 * zstd is said to be missing, naming the build that has it, a zstd codec is refused and a zstd
 * page reads as an error, never a crash; lzo and zlib work as in every build. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "diskdump_format.h"
#include "page_codec.h"

static void zstd_is_missing_and_says_where_it_is(void **state)
{
	char why[512] = "";
	(void)state;
	assert_false(kdk_codec_available(KDK_CODEC_ZSTD, why, sizeof(why)));
	assert_non_null(strstr(why, "zstd is not in this build"));
	assert_non_null(strstr(why, "kdump-init-zstd"));
	assert_true(kdk_codec_available(KDK_CODEC_LZO, why, sizeof(why)));
	assert_true(kdk_codec_available(KDK_CODEC_ZLIB, why, sizeof(why)));
}

static void a_zstd_codec_is_refused(void **state)
{
	struct kdk_page_codec *c = (void *)1;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_ZSTD, 4096, &err), -ENOTSUP);
	assert_null(c);
	assert_non_null(strstr(err.msg, "zstd is not in this build"));
}

static void a_zstd_page_is_an_error_and_lzo_round_trips(void **state)
{
	unsigned char page[4096], out[8192], back[4096];
	struct kdk_page_codec *c;
	struct kdk_err err = { 0 };
	uint32_t size, flags;
	(void)state;
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (unsigned char)("dump page "[i % 10] + i / 1024);
	assert_int_equal(kdk_page_codec_new(&c, KDK_CODEC_LZO, 4096, &err), 0);
	assert_int_equal(kdk_page_decompress(c, KDK_DH_COMPRESSED_ZSTD, page, 100, back, &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "zstd-compressed page"));
	assert_int_equal(kdk_page_compress(c, page, out, sizeof(out), &size, &flags, &err), 0);
	assert_int_equal(flags, KDK_DH_COMPRESSED_LZO);
	assert_int_equal(kdk_page_decompress(c, flags, out, size, back, &err), 0);
	assert_memory_equal(back, page, sizeof(page));
	kdk_page_codec_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zstd_is_missing_and_says_where_it_is),
		cmocka_unit_test(a_zstd_codec_is_refused),
		cmocka_unit_test(a_zstd_page_is_an_error_and_lzo_round_trips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
