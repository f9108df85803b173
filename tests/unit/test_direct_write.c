/* test_direct_write.c — large positioned writes with their whole blocks around the page cache:
 * the file holds exactly what was written, at any offset and length, interleaved with small
 * writes elsewhere and rewrites of what was written before; the whole blocks go direct where the
 * file system takes O_DIRECT (ext4, XFS, btrfs) and nothing does elsewhere; a file that is not a
 * regular one gets no direct description. The scratch directories are /tmp's and the test
 * binary's own (in the clone's build tree), so that one of them is usually a disk file system. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "direct_write.h"
#include "kdk_out.h"

#define FILE_SIZE (6u << 20)

static bool fs_takes_direct(const char *dir)
{
	struct statfs fs;

	if (statfs(dir, &fs) < 0)
		return false;
	return (unsigned long)fs.f_type == EXT4_SUPER_MAGIC ||
	       (unsigned long)fs.f_type == XFS_SUPER_MAGIC ||
	       (unsigned long)fs.f_type == BTRFS_SUPER_MAGIC;
}

static uint64_t next_random(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return *state >> 33;
}

/* Writes at random offsets and lengths (a stream of large ones front to back, small ones and
 * rewrites between them) through kdk_direct_write_at; the file read back equals the model. */
static void writes_land_as_written_in(const char *base)
{
	char dir[256], path[300];
	unsigned char *model = calloc(1, FILE_SIZE), *chunk = malloc(FILE_SIZE), *back = malloc(FILE_SIZE);
	struct kdk_direct_write *dw = NULL;
	struct kdk_err err = { 0 };
	uint64_t state = 42, stream = 12345, direct = 0;
	size_t got;
	int fd, i;

	assert_non_null(model);
	assert_non_null(chunk);
	assert_non_null(back);
	snprintf(dir, sizeof(dir), "%s/kdk-direct.XXXXXX", base);
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/dump", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(kdk_direct_write_open(&dw, fd, path, &err), 0);
	if (fs_takes_direct(dir))
		assert_non_null(dw);
	else
		assert_null(dw);
	if (!dw) {
		print_message("# %s: no O_DIRECT on this file system; the page-cache path only\n", dir);
		close(fd);
		goto out;
	}
	for (i = 0; i < 200 && stream < FILE_SIZE - 4096; i++) {
		uint64_t offset, len, b;
		size_t cached;

		switch (next_random(&state) % 4) {
		case 0:         /* small, anywhere before the stream's end (descriptors, headers) */
			len = 1 + next_random(&state) % 5000;
			offset = next_random(&state) % stream;
			break;
		case 1:         /* a rewrite across blocks already written */
			len = 4096 + next_random(&state) % (200u << 10);
			offset = next_random(&state) % stream;
			break;
		default:        /* the stream: large, odd lengths, front to back */
			len = 1 + next_random(&state) % (1200u << 10);
			offset = stream;
			break;
		}
		if (offset + len > FILE_SIZE)
			len = FILE_SIZE - offset;
		for (b = 0; b < len; b++)
			chunk[b] = (unsigned char)next_random(&state);
		assert_int_equal(kdk_direct_write_at(dw, offset, chunk, len, &cached, &err), 0);
		assert_true(cached <= len);
		direct += len - cached;
		memcpy(model + offset, chunk, len);
		if (offset + len > stream)
			stream = offset + len;
	}
	assert_true(direct > 0);
	assert_int_equal(direct % 4096, 0);
	kdk_direct_write_close(dw);
	assert_int_equal(close(fd), 0);

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(kdk_read_full(fd, path, 0, back, FILE_SIZE, &got, &err), 0);
	assert_int_equal(got, stream);
	assert_memory_equal(back, model, stream);
	close(fd);
out:
	unlink(path);
	rmdir(dir);
	free(model);
	free(chunk);
	free(back);
}

static void writes_land_as_written_in_tmp(void **state)
{
	(void)state;
	writes_land_as_written_in("/tmp");
}

/* The directory the test binary is in (the build tree, on the clone's file system). */
static const char *binary_dir(void)
{
	static char dir[4096];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	char *slash;

	assert_true(n > 0);
	dir[n] = 0;
	slash = strrchr(dir, '/');
	assert_non_null(slash);
	*slash = 0;
	return dir;
}

static void writes_land_as_written_in_the_build_tree(void **state)
{
	(void)state;
	writes_land_as_written_in(binary_dir());
}

static void a_pipe_gets_no_direct_description(void **state)
{
	struct kdk_direct_write *dw = (void *)1;
	struct kdk_err err = { 0 };
	int fds[2];
	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(kdk_direct_write_open(&dw, fds[1], "/dev/null", &err), 0);
	assert_null(dw);
	close(fds[0]);
	close(fds[1]);
}

/* The sink with KDK_OUT_DIRECT: the same bytes as without (the writers' view does not change). */
static void the_file_sink_writes_the_same_bytes(void **state)
{
	char path_a[4200], path_b[4200];
	unsigned char *data = malloc(3u << 20), *a = malloc(3u << 20), *b = malloc(3u << 20);
	struct kdk_out *out;
	struct kdk_err err = { 0 };
	size_t got_a, got_b, i;
	int fd;
	(void)state;
	snprintf(path_a, sizeof(path_a), "%s/kdk-direct-sink-a.XXXXXX", binary_dir());
	snprintf(path_b, sizeof(path_b), "%s/kdk-direct-sink-b.XXXXXX", binary_dir());
	assert_non_null(data);
	for (i = 0; i < (3u << 20); i++)
		data[i] = (unsigned char)(i * 131 + i / 4099);
	for (int pass = 0; pass < 2; pass++) {
		char *path = pass ? path_b : path_a;
		assert_true((fd = mkstemp(path)) >= 0);
		close(fd);
		unlink(path);
		assert_int_equal(kdk_out_file_open(&out, path, pass ? KDK_OUT_DIRECT : 0, &err), 0);
		assert_int_equal(kdk_out_write(out, 0, data, 100, &err), 0);
		assert_int_equal(kdk_out_write(out, 5000, data + 5000, (1u << 20) + 77, &err), 0);
		assert_int_equal(kdk_out_write(out, 100, data + 100, 4900, &err), 0);
		assert_int_equal(kdk_out_write(out, 5077 + (1u << 20), data + 5077 + (1u << 20),
					       (2u << 20) - 5077, &err), 0);
		assert_int_equal(kdk_out_finish(out, &err), 0);
		kdk_out_release(out);
	}
	fd = open(path_a, O_RDONLY);
	assert_int_equal(kdk_read_full(fd, path_a, 0, a, 3u << 20, &got_a, &err), 0);
	close(fd);
	fd = open(path_b, O_RDONLY);
	assert_int_equal(kdk_read_full(fd, path_b, 0, b, 3u << 20, &got_b, &err), 0);
	close(fd);
	assert_int_equal(got_a, 3u << 20);
	assert_int_equal(got_b, 3u << 20);
	assert_memory_equal(a, data, 3u << 20);
	assert_memory_equal(b, data, 3u << 20);
	unlink(path_a);
	unlink(path_b);
	free(data);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writes_land_as_written_in_tmp),
		cmocka_unit_test(writes_land_as_written_in_the_build_tree),
		cmocka_unit_test(a_pipe_gets_no_direct_description),
		cmocka_unit_test(the_file_sink_writes_the_same_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
