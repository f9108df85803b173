/* test_kdk_log.c — kdk_log reaches the installed sink only for the levels in its mask. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kdk_log.h"

struct captured {
	int calls;
	enum kdk_log_level last_level;
	char last[256];
};

static void capture_sink(void *ctx, enum kdk_log_level level, const char *fmt, va_list ap)
{
	struct captured *c = ctx;
	c->calls++;
	c->last_level = level;
	vsnprintf(c->last, sizeof(c->last), fmt, ap);
}

static void masked_levels_are_dropped(void **state)
{
	struct captured c = { 0 };
	(void)state;

	kdk_log_set_sink(capture_sink, &c, KDK_LOG_ERROR | KDK_LOG_COMMON);
	kdk_log(KDK_LOG_DEBUG, "hidden %d", 1);
	assert_int_equal(c.calls, 0);
	kdk_log(KDK_LOG_ERROR, "shown %d", 2);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.last_level, KDK_LOG_ERROR);
	assert_string_equal(c.last, "shown 2");
	assert_true(kdk_log_enabled(KDK_LOG_COMMON));
	assert_false(kdk_log_enabled(KDK_LOG_REPORT));
}

static void no_sink_means_silence(void **state)
{
	(void)state;
	kdk_log_set_sink(NULL, NULL, ~0u);
	assert_false(kdk_log_enabled(KDK_LOG_ERROR));
	kdk_log(KDK_LOG_ERROR, "nobody hears this"); /* must not crash */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(masked_levels_are_dropped),
		cmocka_unit_test(no_sink_means_silence),
	};
	return cmocka_run_group_tests_name("kdk_log", tests, NULL, NULL);
}
