/* test_part_table.c — PARTUUID/PARTLABEL from partition tables made by sgdisk (GPT) and sfdisk
 * (MBR with logical partitions) on image files, CRC checks and the backup GPT; vfat ids by mkfs.vfat. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include "fs_probe.h"
#include "part_table.h"
#include "test_tmpdir.h"

#define DISK_GUID "0b6c3f2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c"
#define PART1_GUID "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define PART3_GUID "4f68bce3-e8cd-4db1-96e7-fbcaf984b709"

static int have(const char *tool)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1 || test -x /usr/sbin/%s || test -x /sbin/%s", tool, tool, tool);
	return system(cmd) == 0;
}

static void run(const char *cmd)
{
	int status = system(cmd);

	if (status)
		print_error("command failed (status %d): %s\n", status, cmd);
	assert_int_equal(status, 0);
}

static const char *make_gpt(void)
{
	const char *img = tmp_path("gpt.img");
	char cmd[1024];

	/* Partition 2 left empty: Linux numbers by entry slot, so the third entry is sda3. */
	snprintf(cmd, sizeof(cmd),
		 "PATH=$PATH:/usr/sbin:/sbin; truncate -s 16M %s && sgdisk -o -U " DISK_GUID
		 " -n 1:2048:+2M -u 1:" PART1_GUID " -c '1:kdump crash' -n 3:0:+2M -u 3:" PART3_GUID
		 " -c '3:Dümp→𝄞' %s >/dev/null", img, img);
	run(cmd);
	return img;
}

static void gpt_from_sgdisk(void **state)
{
	struct kdk_part_table t;
	struct kdk_err err = { 0 };
	const struct kdk_partition *p;
	(void)state;

	if (!have("sgdisk"))
		skip();
	assert_int_equal(kdk_part_table_read(make_gpt(), &t, &err), 0);
	assert_string_equal(t.scheme, "gpt");
	assert_string_equal(t.ptuuid, DISK_GUID);
	assert_int_equal(t.sector_size, 512);
	assert_int_equal(t.parts.len, 2);
	p = kdk_part_table_find(&t, 1);
	assert_non_null(p);
	assert_string_equal(p->partuuid, PART1_GUID);
	assert_string_equal(p->partlabel, "kdump crash");
	assert_int_equal(p->first_lba, 2048);
	assert_int_equal(p->sectors, 4096);
	assert_null(kdk_part_table_find(&t, 2));
	p = kdk_part_table_find(&t, 3);
	assert_non_null(p);
	assert_string_equal(p->partuuid, PART3_GUID);
	assert_string_equal(p->partlabel, "Dümp→𝄞"); /* U+1D11E: a surrogate pair in UTF-16 */
	assert_true(kdk_partition_matches(p, "PARTUUID=4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709"));
	assert_true(kdk_partition_matches(p, "PARTLABEL=Dümp→𝄞"));
	assert_false(kdk_partition_matches(p, "PARTLABEL=kdump crash"));
	assert_false(kdk_partition_matches(p, "UUID=" PART3_GUID));
	kdk_part_table_free(&t);
}

static void corrupt(const char *img, off_t offset)
{
	int fd = open(img, O_RDWR);
	uint8_t byte;

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &byte, 1, offset), 1);
	byte ^= 0xff;
	assert_int_equal(pwrite(fd, &byte, 1, offset), 1);
	close(fd);
}

static void gpt_bad_crc_falls_back_then_refuses(void **state)
{
	struct kdk_part_table t;
	struct kdk_err err = { 0 };
	const char *img;
	(void)state;

	if (!have("sgdisk"))
		skip();
	img = make_gpt();
	/* A byte of the primary entry array (LBA 2: entry 1's name): the backup still answers. */
	corrupt(img, 2 * 512 + 60);
	assert_int_equal(kdk_part_table_read(img, &t, &err), 0);
	assert_int_equal(t.parts.len, 2);
	assert_string_equal(((struct kdk_partition *)kdk_array_at(&t.parts, 0))->partlabel, "kdump crash");
	kdk_part_table_free(&t);
	/* And the backup header (last sector): no valid GPT left. */
	corrupt(img, 16 * 1024 * 1024 - 512 + 40);
	assert_int_equal(kdk_part_table_read(img, &t, &err), -EBADMSG);
	print_message("refused as expected: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "CRC32"));
}

static void mbr_from_sfdisk(void **state)
{
	struct kdk_part_table t;
	struct kdk_err err = { 0 };
	const char *img = tmp_path("mbr.img");
	const struct kdk_partition *p;
	char cmd[1024];
	(void)state;

	if (!have("sfdisk"))
		skip();
	snprintf(cmd, sizeof(cmd),
		 "PATH=$PATH:/usr/sbin:/sbin; truncate -s 16M %s && printf 'label: dos\\nlabel-id: 0x1234abcd\\n"
		 ",2M,83\\n,,E\\n,2M,83\\n,2M,83\\n' | sfdisk -q %s >/dev/null", img, img);
	run(cmd);
	assert_int_equal(kdk_part_table_read(img, &t, &err), 0);
	assert_string_equal(t.scheme, "dos");
	assert_string_equal(t.ptuuid, "1234abcd");
	/* 1 primary, 2 extended (the rest of the disk), 5 and 6 logical inside it; the starts are
	 * what `sfdisk -d` prints for this script (sfdisk 2.38). */
	p = kdk_part_table_find(&t, 1);
	assert_non_null(p);
	assert_string_equal(p->partuuid, "1234abcd-01");
	assert_string_equal(p->partlabel, "");
	p = kdk_part_table_find(&t, 5);
	assert_non_null(p);
	assert_string_equal(p->partuuid, "1234abcd-05");
	assert_int_equal(p->first_lba, 8192);
	p = kdk_part_table_find(&t, 6);
	assert_non_null(p);
	assert_string_equal(p->partuuid, "1234abcd-06");
	assert_int_equal(p->first_lba, 14336);
	assert_int_equal(p->sectors, 4096);
	assert_null(kdk_part_table_find(&t, 3));
	assert_true(kdk_partition_matches(p, "PARTUUID=1234ABCD-06"));
	assert_false(kdk_partition_matches(p, "PARTLABEL="));
	kdk_part_table_free(&t);
}

static void no_table(void **state)
{
	struct kdk_part_table t;
	struct kdk_err err = { 0 };
	char cmd[256];
	(void)state;

	snprintf(cmd, sizeof(cmd), "truncate -s 1M %s", tmp_path("blank.img"));
	run(cmd);
	assert_int_equal(kdk_part_table_read(tmp_path("blank.img"), &t, &err), -EMEDIUMTYPE);
	assert_int_equal(kdk_part_table_read(tmp_path("missing.img"), &t, &err), -ENOENT);
}

static void vfat_from_mkfs(void **state)
{
	static const char *const fat_bits[] = { "16", "32" };
	unsigned i;
	(void)state;

	if (!have("mkfs.vfat"))
		skip();
	for (i = 0; i < 2; i++) {
		struct kdk_fs_id id;
		struct kdk_err err = { 0 };
		struct kdk_part_table t;
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "PATH=$PATH:/usr/sbin:/sbin; rm -f %s; mkfs.vfat -C -F %s -i 1234ABCD "
			 "-n KDKVFAT %s 40000 >/dev/null", tmp_path("fat.img"), fat_bits[i], tmp_path("fat.img"));
		run(cmd);
		assert_int_equal(kdk_fs_probe(tmp_path("fat.img"), &id, &err), 0);
		print_message("FAT%s: type %s uuid %s label %s\n", fat_bits[i], id.type, id.uuid, id.label);
		assert_string_equal(id.type, "vfat");
		assert_string_equal(id.uuid, "1234-ABCD");
		assert_string_equal(id.label, "KDKVFAT");
		assert_true(kdk_fs_matches(&id, "UUID=1234-abcd"));
		assert_true(kdk_fs_matches(&id, "LABEL=KDKVFAT"));
		/* A FAT boot sector ends in 0x55 0xaa too: no partition may come out of it (msdos.c
		 * reads zero boot flags as an empty table, and so do we). */
		if (kdk_part_table_read(tmp_path("fat.img"), &t, &err) == 0) {
			print_message("FAT%s as a table: %s, %zu partitions (expected 0)\n", fat_bits[i],
				      t.scheme, t.parts.len);
			assert_int_equal(t.parts.len, 0);
			kdk_part_table_free(&t);
		}
	}
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	put_le32(p, (uint32_t)v);
	put_le32(p + 4, (uint32_t)(v >> 32));
}

/* A GPT header with a correct CRC but an entry array that does not fit: refused with the reason,
 * never read past the image. */
static void gpt_header_lies(void **state)
{
	static const struct { uint32_t count, size; uint64_t lba; const char *message; } cases[] = {
		{ 128, 128, 1000000, "past the end" },
		{ 100000, 128, 2, "100000 entries of 128 bytes" },
		{ 128, 100, 2, "128 entries of 100 bytes" },
	};
	unsigned i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t disk[64 * 512] = { 0 }, *hdr = disk + 512;
		struct kdk_part_table t;
		struct kdk_err err = { 0 };
		FILE *f;

		memcpy(hdr, "EFI PART", 8);
		put_le32(hdr + 8, 0x10000);
		put_le32(hdr + 12, 92);
		put_le64(hdr + 24, 1);
		put_le64(hdr + 72, cases[i].lba);
		put_le32(hdr + 80, cases[i].count);
		put_le32(hdr + 84, cases[i].size);
		put_le32(hdr + 16, (uint32_t)crc32(0, hdr, 92));
		f = fopen(tmp_path("lies.img"), "w");
		assert_non_null(f);
		assert_int_equal(fwrite(disk, sizeof(disk), 1, f), 1);
		fclose(f);
		assert_int_equal(kdk_part_table_read(tmp_path("lies.img"), &t, &err), -EBADMSG);
		print_message("expected \"…%s…\", got \"%s\"\n", cases[i].message, err.msg);
		assert_non_null(strstr(err.msg, cases[i].message));
	}
}

/* The capture /init's view: a fake /sys/class/block (links into a devices tree, as the kernel
 * makes them) and a /dev whose vda is the sgdisk image; vda3 is found by PARTUUID and PARTLABEL,
 * vda1 is not vda3, and the disk itself (no "partition" file) matches nothing. */
static void partition_device_in_sysfs(void **state)
{
	char cmd[2048], sys_block[256], dev[256];
	(void)state;

	if (!have("sgdisk"))
		skip();
	make_gpt();
	snprintf(cmd, sizeof(cmd),
		 "cd %s && mkdir -p dev sys/devices/virtio0/block/vda/vda1 sys/devices/virtio0/block/vda/vda3 "
		 "sys/class/block && mv gpt.img dev/vda && echo 1 > sys/devices/virtio0/block/vda/vda1/partition && "
		 "echo 3 > sys/devices/virtio0/block/vda/vda3/partition && "
		 "ln -s ../../devices/virtio0/block/vda sys/class/block/vda && "
		 "ln -s ../../devices/virtio0/block/vda/vda1 sys/class/block/vda1 && "
		 "ln -s ../../devices/virtio0/block/vda/vda3 sys/class/block/vda3", test_dir);
	run(cmd);
	snprintf(sys_block, sizeof(sys_block), "%s/sys/class/block", test_dir);
	snprintf(dev, sizeof(dev), "%s/dev", test_dir);
	assert_true(kdk_partition_device_matches(sys_block, dev, "vda3", "PARTUUID=" PART3_GUID));
	assert_true(kdk_partition_device_matches(sys_block, dev, "vda3", "PARTLABEL=Dümp→𝄞"));
	assert_false(kdk_partition_device_matches(sys_block, dev, "vda1", "PARTUUID=" PART3_GUID));
	assert_true(kdk_partition_device_matches(sys_block, dev, "vda1", "PARTLABEL=kdump crash"));
	assert_false(kdk_partition_device_matches(sys_block, dev, "vda", "PARTUUID=" PART3_GUID));
	assert_false(kdk_partition_device_matches(sys_block, dev, "vdb1", "PARTUUID=" PART3_GUID));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(gpt_from_sgdisk, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(gpt_bad_crc_falls_back_then_refuses, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(mbr_from_sfdisk, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(no_table, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(vfat_from_mkfs, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(partition_device_in_sysfs, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(gpt_header_lies, tmpdir_setup, tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
