/* test_background_sync.c — the background fdatasync thread: requests are flushed and drained, a
 * failed flush's errno is handed to the next drain once (then forgotten), a file that cannot be
 * synced (a pipe: EINVAL) is not a failure, and stopping with a request pending returns. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "background_sync.h"
#include "test_tmpdir.h"

static void requests_are_flushed_and_drained(void **state)
{
	struct kdk_background_sync *bs;
	struct kdk_err err = { 0 };
	char page[4096];
	int fd, i;
	(void)state;
	fd = open(tmp_path("dump"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	memset(page, 0x5a, sizeof(page));
	assert_int_equal(kdk_background_sync_start(&bs, fd, &err), 0);
	for (i = 0; i < 64; i++) {
		assert_int_equal(pwrite(fd, page, sizeof(page), (off_t)i * 4096), (ssize_t)sizeof(page));
		kdk_background_sync_request(bs);
	}
	assert_int_equal(kdk_background_sync_drain(bs), 0);
	assert_int_equal(kdk_background_sync_drain(bs), 0);   /* nothing asked: returns at once */
	kdk_background_sync_stop(bs);
	assert_int_equal(close(fd), 0);
}

static void a_failed_flush_is_drained_once(void **state)
{
	struct kdk_background_sync *bs;
	struct kdk_err err = { 0 };
	int fd;
	(void)state;
	fd = open(tmp_path("gone"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(close(fd), 0);             /* fdatasync of it now fails: EBADF */
	assert_int_equal(kdk_background_sync_start(&bs, fd, &err), 0);
	kdk_background_sync_request(bs);
	kdk_background_sync_request(bs);
	assert_int_equal(kdk_background_sync_drain(bs), EBADF);
	assert_int_equal(kdk_background_sync_drain(bs), 0);
	kdk_background_sync_request(bs);
	assert_int_equal(kdk_background_sync_drain(bs), EBADF);
	kdk_background_sync_stop(bs);
}

static void a_file_that_cannot_sync_is_not_a_failure(void **state)
{
	struct kdk_background_sync *bs;
	struct kdk_err err = { 0 };
	int pipe_fds[2];
	(void)state;
	assert_int_equal(pipe(pipe_fds), 0);
	assert_int_equal(kdk_background_sync_start(&bs, pipe_fds[1], &err), 0);
	kdk_background_sync_request(bs);
	assert_int_equal(kdk_background_sync_drain(bs), 0);
	kdk_background_sync_request(bs);            /* pending at stop: stop still returns */
	kdk_background_sync_stop(bs);
	kdk_background_sync_stop(NULL);
	close(pipe_fds[0]);
	close(pipe_fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(requests_are_flushed_and_drained),
		cmocka_unit_test(a_failed_flush_is_drained_once),
		cmocka_unit_test(a_file_that_cannot_sync_is_not_a_failure),
	};
	return cmocka_run_group_tests_name("background_sync", tests, tmpdir_setup, tmpdir_teardown);
}
