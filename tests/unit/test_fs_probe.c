/* test_fs_probe.c — the capture /init finds its target by UUID= or LABEL= from the superblock:
 * a real ext4 image from mkfs.ext4, and xfs/btrfs superblocks laid out by hand; and the dump
 * directory's name and creation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_dir.h"
#include "fs_probe.h"
#include "test_tmpdir.h"

static const uint8_t uuid_bytes[16] = { 0x5e, 0x1f, 0x0c, 0x1e, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0xab };
#define UUID_TEXT "5e1f0c1e-0000-4000-8000-0000000000ab"

static void ext4_from_mkfs(void **state)
{
	struct kdk_fs_id id;
	struct kdk_err err = { 0 };
	char cmd[512];
	(void)state;

	snprintf(cmd, sizeof(cmd), "mkfs.ext4 -q -F -L kdktarget -U " UUID_TEXT " %s 4M",
		 tmp_path("ext4.img"));
	assert_int_equal(system(cmd), 0);
	assert_int_equal(kdk_fs_probe(tmp_path("ext4.img"), &id, &err), 0);
	assert_string_equal(id.type, "ext4");
	assert_string_equal(id.uuid, UUID_TEXT);
	assert_string_equal(id.label, "kdktarget");
	assert_true(kdk_fs_matches(&id, "LABEL=kdktarget"));
	assert_true(kdk_fs_matches(&id, "UUID=5E1F0C1E-0000-4000-8000-0000000000AB"));
	assert_false(kdk_fs_matches(&id, "LABEL=other"));
	assert_false(kdk_fs_matches(&id, "/dev/vda"));
}

static void write_image(const char *path, uint64_t offset, const void *bytes, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(pwrite(fd, bytes, len, (off_t)offset), (ssize_t)len);
	close(fd);
}

static void xfs_and_btrfs_by_hand(void **state)
{
	uint8_t sb[0x12b + 256] = { 0 };
	struct kdk_fs_id id;
	struct kdk_err err = { 0 };
	(void)state;

	memcpy(sb, "XFSB", 4);
	memcpy(sb + 32, uuid_bytes, 16);
	memcpy(sb + 108, "xfsdump", 7);
	write_image(tmp_path("xfs.img"), 0, sb, 128);
	assert_int_equal(kdk_fs_probe(tmp_path("xfs.img"), &id, &err), 0);
	assert_string_equal(id.type, "xfs");
	assert_string_equal(id.uuid, UUID_TEXT);
	assert_string_equal(id.label, "xfsdump");

	memset(sb, 0, sizeof(sb));
	memcpy(sb + 0x40, "_BHRfS_M", 8);
	memcpy(sb + 0x20, uuid_bytes, 16);
	memcpy(sb + 0x12b, "btrfsdump", 9);
	write_image(tmp_path("btrfs.img"), 65536, sb, sizeof(sb));
	assert_int_equal(kdk_fs_probe(tmp_path("btrfs.img"), &id, &err), 0);
	assert_string_equal(id.type, "btrfs");
	assert_true(kdk_fs_matches(&id, "LABEL=btrfsdump"));
}

static void unknown_and_missing(void **state)
{
	struct kdk_fs_id id;
	struct kdk_err err = { 0 };
	uint8_t zero[16] = { 0 };
	(void)state;

	write_image(tmp_path("blank.img"), 0, zero, sizeof(zero));
	assert_int_equal(kdk_fs_probe(tmp_path("blank.img"), &id, &err), -EMEDIUMTYPE);
	assert_non_null(strstr(err.msg, "no ext4, xfs, btrfs or vfat superblock"));
	assert_int_equal(kdk_fs_probe(tmp_path("missing.img"), &id, &err), -ENOENT);
}

static void dump_directory_name_and_creation(void **state)
{
	struct kdk_err err = { 0 };
	char name[64], dir[256];
	struct stat st;
	(void)state;

	/* 2026-11-24 03:04:05 UTC */
	assert_int_equal(kdk_dump_dir_name("127.0.0.1", 1795489445, name, sizeof(name), &err), 0);
	assert_string_equal(name, "127.0.0.1-2026-11-24-03:04:05");
	assert_int_equal(kdk_dump_dir_name("127.0.0.1", 0, name, 10, &err), -ENAMETOOLONG);
	snprintf(dir, sizeof(dir), "%s/var/crash/%s", test_dir, "127.0.0.1-x");
	assert_int_equal(kdk_mkdir_p(dir, &err), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(kdk_mkdir_p(dir, &err), 0);   /* already there: fine */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ext4_from_mkfs),
		cmocka_unit_test(xfs_and_btrfs_by_hand),
		cmocka_unit_test(unknown_and_missing),
		cmocka_unit_test(dump_directory_name_and_creation),
	};
	return cmocka_run_group_tests(tests, tmpdir_setup, tmpdir_teardown);
}
