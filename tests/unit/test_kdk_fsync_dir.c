/* test_kdk_fsync_dir.c — kdk_fsync_parent_dir(): the directory holding a path is opened and
 * fsynced (a file in a directory, one at the root, a bare name in the working directory), and a
 * missing directory is an error that names it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kdk_out.h"
#include "test_tmpdir.h"

static void parent_directories_are_synced(void **state)
{
	struct kdk_err err = { 0 };
	char cwd[4096];
	(void)state;
	if (kdk_fsync_parent_dir(tmp_path("vmcore"), &err))
		fail_msg("expected 0 for %s, got: %s", tmp_path("vmcore"), err.msg);
	if (kdk_fsync_parent_dir("/vmcore", &err))
		fail_msg("expected 0 for /vmcore (the root directory), got: %s", err.msg);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(test_dir), 0);
	if (kdk_fsync_parent_dir("vmcore", &err))
		fail_msg("expected 0 for a bare name (.), got: %s", err.msg);
	assert_int_equal(chdir(cwd), 0);
}

static void a_missing_directory_is_named(void **state)
{
	struct kdk_err err = { 0 };
	char want[256];
	(void)state;
	snprintf(want, sizeof(want), "%s/gone: cannot open the directory to fsync it: No such file or directory",
		 test_dir);
	assert_int_equal(kdk_fsync_parent_dir(tmp_path("gone/vmcore"), &err), -ENOENT);
	if (strcmp(err.msg, want))
		fail_msg("expected: %s\ngot:      %s", want, err.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parent_directories_are_synced),
		cmocka_unit_test(a_missing_directory_is_named),
	};
	return cmocka_run_group_tests_name("kdk_fsync_dir", tests, tmpdir_setup, tmpdir_teardown);
}
