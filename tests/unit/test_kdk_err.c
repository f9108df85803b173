/* test_kdk_err.c — kdk_err: codes are returned negative, messages formatted and prefixed. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "kdk_err.h"

static void set_returns_negative_code_and_formats(void **state)
{
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(kdk_err_set(&err, EIO, "PT_LOAD #%d past end", 3), -EIO);
	assert_int_equal(err.code, EIO);
	assert_string_equal(err.msg, "PT_LOAD #3 past end");
}

static void zero_or_negative_code_never_means_success(void **state)
{
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(kdk_err_set(&err, 0, "x"), -EINVAL);
	assert_int_equal(kdk_err_set(&err, -ENOSPC, "x"), -ENOSPC);
	assert_int_equal(err.code, ENOSPC);
}

static void sys_appends_strerror(void **state)
{
	struct kdk_err err = { 0 };
	(void)state;
	kdk_err_sys(&err, ENOENT, "open %s", "/nope");
	assert_string_equal(err.msg, "open /nope: No such file or directory");
}

static void prefix_adds_context(void **state)
{
	struct kdk_err err = { 0 };
	(void)state;
	kdk_err_set(&err, EINVAL, "bad note size");
	assert_int_equal(kdk_err_prefix(&err, "%s: ", "vmcore"), -EINVAL);
	assert_string_equal(err.msg, "vmcore: bad note size");
}

static void null_err_still_returns_code(void **state)
{
	(void)state;
	assert_int_equal(kdk_err_set(NULL, EPERM, "x"), -EPERM);
}

static void long_messages_are_truncated_not_overflowed(void **state)
{
	struct kdk_err err = { 0 };
	char big[2 * KDK_ERR_MSG_MAX];
	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	kdk_err_set(&err, EINVAL, "%s", big);
	assert_int_equal(strlen(err.msg), KDK_ERR_MSG_MAX - 1);
	kdk_err_prefix(&err, "prefix: ");
	assert_int_equal(strlen(err.msg), KDK_ERR_MSG_MAX - 1);
	assert_memory_equal(err.msg, "prefix: aaa", 11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_returns_negative_code_and_formats),
		cmocka_unit_test(zero_or_negative_code_never_means_success),
		cmocka_unit_test(sys_appends_strerror),
		cmocka_unit_test(prefix_adds_context),
		cmocka_unit_test(null_err_still_returns_code),
		cmocka_unit_test(long_messages_are_truncated_not_overflowed),
	};
	return cmocka_run_group_tests_name("kdk_err", tests, NULL, NULL);
}
