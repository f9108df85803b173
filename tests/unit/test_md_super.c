/* test_md_super.c — md v1.x superblocks (lib/activate/md_super) built here byte by byte, each
 * minor version's place, what is refused with why, and an assembly pass that must wait or skip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "activate/md_assemble.h"
#include "activate/md_super.h"
#include "test_tmpdir.h"

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

static const uint8_t uuid_a[16] = { 0x6b, 0x64, 0x6b, 0x6d, 0x64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

/* The checksum as md.c's calc_sb_1_csum defines it, written independently of the library's:
 * 32-bit little-endian words summed, csum field as zero, the high half added once. */
static void seal(uint8_t *sb)
{
	uint32_t max_dev = (uint32_t)(sb[220] | sb[221] << 8 | sb[222] << 16 | (uint32_t)sb[223] << 24);
	size_t size = 256 + 2 * (size_t)max_dev, i;
	uint64_t sum = 0;

	put32(sb + 216, 0);
	for (i = 0; i + 4 <= size; i += 4)
		sum += (uint32_t)(sb[i] | sb[i + 1] << 8 | sb[i + 2] << 16 | (uint32_t)sb[i + 3] << 24);
	if (size % 4)
		sum += (uint32_t)(sb[i] | sb[i + 1] << 8);
	put32(sb + 216, (uint32_t)((sum & 0xffffffff) + (sum >> 32)));
}

/* A RAID1 member's superblock as mdadm 4.2 writes one for metadata 1.2 on a 63 MiB partition. */
static void make_sb(uint8_t *sb, uint64_t at, uint32_t dev_number, uint64_t events, uint32_t max_dev)
{
	uint32_t i;

	memset(sb, 0, KDK_MD_SB_BYTES);
	put32(sb + 0, KDK_MD_SB_MAGIC);
	put32(sb + 4, 1);
	memcpy(sb + 16, uuid_a, 16);
	memcpy(sb + 32, "kdklab:0", 8);
	put32(sb + 72, 1);
	put64(sb + 80, 124928);
	put32(sb + 92, 2);
	put64(sb + 128, 4096);
	put64(sb + 136, 124928);
	put64(sb + 144, at);
	put32(sb + 160, dev_number);
	put64(sb + 200, events);
	put64(sb + 208, UINT64_MAX);
	put32(sb + 220, max_dev);
	for (i = 0; i < max_dev; i++)
		put16(sb + 256 + 2 * i, i < 2 ? (uint16_t)i : 0xffff);
	seal(sb);
}

static void places(void **state)
{
	uint64_t sector;

	(void)state;
	/* 1.0: 8 KiB before the end, 4 KiB aligned; 1.1: 0; 1.2: 4 KiB */
	assert_int_equal(kdk_md_super_sector(0, 129024, &sector), 0);
	assert_int_equal(sector, 129008);
	assert_int_equal(kdk_md_super_sector(0, 129027, &sector), 0);
	assert_int_equal(sector, 129008);
	assert_int_equal(kdk_md_super_sector(1, 129024, &sector), 0);
	assert_int_equal(sector, 0);
	assert_int_equal(kdk_md_super_sector(2, 129024, &sector), 0);
	assert_int_equal(sector, 8);
	assert_int_equal(kdk_md_super_sector(3, 129024, &sector), -EINVAL);
	assert_int_equal(kdk_md_super_sector(0, 20, &sector), -EINVAL);
}

static void fields(void **state)
{
	uint8_t sb[KDK_MD_SB_BYTES];
	struct kdk_md_super got;
	struct kdk_err err = { 0 };
	char text[KDK_MD_UUID_TEXT];

	(void)state;
	make_sb(sb, 8, 1, 17, 384);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), 0);
	assert_int_equal(got.minor_version, 2);
	assert_int_equal(got.level, 1);
	assert_int_equal(got.raid_disks, 2);
	assert_int_equal(got.role, 1);
	assert_int_equal(got.events, 17);
	assert_int_equal(got.data_offset, 4096);
	assert_int_equal(got.size, 124928);
	assert_string_equal(got.set_name, "kdklab:0");
	kdk_md_uuid_format(got.set_uuid, text);
	assert_string_equal(text, "6b646b6d:64000000:00000000:00000001");
	assert_string_equal(kdk_md_level_name(got.level), "raid1");

	/* a spare, a faulty member, a dev_number without a role entry */
	put16(sb + 256 + 2, 0xffff);
	seal(sb);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), 0);
	assert_int_equal(got.role, KDK_MD_ROLE_SPARE);
	put16(sb + 256 + 2, 0xfffe);
	seal(sb);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), 0);
	assert_int_equal(got.role, KDK_MD_ROLE_FAULTY);
	put32(sb + 160, 400);
	seal(sb);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), 0);
	assert_int_equal(got.role, KDK_MD_ROLE_OTHER);
	/* an odd max_dev: the checksum's trailing 16-bit word */
	make_sb(sb, 8, 0, 3, 3);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), 0);
	assert_int_equal(got.role, 0);
}

/* The first 256 bytes of member 0's superblock as mdadm 4.2 wrote it on Linux 6.1 (t/53's disk:
 * mdadm --create --metadata=1.2 --level=1 --raid-devices=2 --name=0 --homehost=kdklab); its
 * --examine said: Data Offset 2048 sectors, Super Offset 8, Used Dev Size 126848 sectors,
 * Events 2, Device Role 0, Checksum 2606957a - correct. dev_roles[128] follow: 0, 1, then 0xffff. */
static const char mdadm_sb[256] =
	"\xfc\x4e\x2b\xa9\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x6b\x64\x6b\x6d\x64\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01"
	"\x6b\x64\x6b\x6c\x61\x62\x3a\x30\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x9f\x05\x13\x6b\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"
	"\x80\xef\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x08\x00\x00\x00\x00\x00\x00\xdf\xef\x01\x00\x00\x00\x00\x00"
	"\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\xd5\xcd\x02\x81\x71\x49\xce\x1a"
	"\x01\xc6\x2d\xf2\x51\x4a\x98\x0d\x00\x00\x08\x00\x10\x00\x00\x00"
	"\xab\x05\x13\x6b\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00"
	"\xff\xff\xff\xff\xff\xff\xff\xff\x7a\x95\x06\x26\x80\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00";

static void written_by_mdadm(void **state)
{
	uint8_t sb[KDK_MD_SB_BYTES];
	struct kdk_md_super got;
	struct kdk_err err = { 0 };
	char text[KDK_MD_UUID_TEXT];
	unsigned i;

	(void)state;
	memset(sb, 0xff, sizeof(sb));
	memcpy(sb, mdadm_sb, sizeof(mdadm_sb));
	put16(sb + 256, 0);
	put16(sb + 258, 1);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), 0);
	kdk_md_uuid_format(got.set_uuid, text);
	assert_string_equal(text, "6b646b6d:64000000:00000000:00000001");
	assert_string_equal(got.set_name, "kdklab:0");
	assert_int_equal(got.level, 1);
	assert_int_equal(got.raid_disks, 2);
	assert_int_equal(got.data_offset, 2048);
	assert_int_equal(got.size, 126848);
	assert_int_equal(got.events, 2);
	assert_int_equal(got.role, 0);
	assert_int_equal(got.max_dev, 128);
	assert_int_equal(got.feature_map, 0);
	/* one role changed: the checksum mdadm wrote no longer holds */
	for (i = 0; i < 2; i++) {
		put16(sb + 256 + 2 * 5, i ? 0xffff : 0xfffe);
		assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), i ? 0 : -EINVAL);
	}
}

static void refused(void **state)
{
	uint8_t sb[KDK_MD_SB_BYTES];
	struct kdk_md_super got;
	struct kdk_err err = { 0 };

	(void)state;
	memset(sb, 0, sizeof(sb));
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), -EMEDIUMTYPE);

	make_sb(sb, 8, 0, 3, 384);
	sb[40] ^= 1;   /* a bit of the name flipped: the checksum no longer holds */
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "checksum"));

	make_sb(sb, 8, 0, 3, 384);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 1, 0, &got, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "says it is at sector 8"));

	make_sb(sb, 8, 0, 3, 384);
	put32(sb + 220, 2000);   /* roles past the 4 KiB block: refused before any checksum */
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "max_dev 2000"));

	make_sb(sb, 8, 0, 3, 384);
	assert_int_equal(kdk_md_super_parse(sb, 600, 2, 8, &got, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "1024 bytes with its roles, 600 read"));

	make_sb(sb, 8, 0, 3, 384);
	put32(sb + 4, 0);
	seal(sb);
	assert_int_equal(kdk_md_super_parse(sb, sizeof(sb), 2, 8, &got, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "major version 0"));
}

static void uuids(void **state)
{
	uint8_t got[16];

	(void)state;
	assert_int_equal(kdk_md_uuid_parse("6b646b6d:64000000:00000000:00000001", got), 0);
	assert_memory_equal(got, uuid_a, 16);
	assert_int_equal(kdk_md_uuid_parse("6B646B6D-6400-0000-0000-000000000001", got), 0);
	assert_memory_equal(got, uuid_a, 16);
	assert_int_equal(kdk_md_uuid_parse("6b646b6d:64000000:00000000:0000001", got), -EINVAL);
	assert_int_equal(kdk_md_uuid_parse("6b646b6d:64000000:00000000:000000011", got), -EINVAL);
	assert_int_equal(kdk_md_uuid_parse("6b646b6d:64000000:00000000:0000000g", got), -EINVAL);
}

/* A fake /sys/class/block entry NAME with dev MAJ:MIN and a /dev "device" (a regular file of
 * 63 MiB holding sb at sector 8). */
static void fake_device(const char *name, const char *majmin, const uint8_t *sb)
{
	char path[256];
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/%s", test_dir, name);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sys/%s/dev", test_dir, name);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "%s\n", majmin);
	fclose(f);
	snprintf(path, sizeof(path), "%s/dev/%s", test_dir, name);
	assert_true((fd = open(path, O_RDWR | O_CREAT, 0600)) >= 0);
	assert_int_equal(ftruncate(fd, 63 << 20), 0);
	if (sb)
		assert_int_equal(pwrite(fd, sb, KDK_MD_SB_BYTES, 8 * 512), KDK_MD_SB_BYTES);
	close(fd);
}

static bool has_note(const struct kdk_md_pass *pass, const char *text)
{
	size_t i;

	for (i = 0; i < pass->notes.len; i++)
		if (strstr(*(char **)kdk_array_at(&pass->notes, i), text))
			return true;
	return false;
}

/* One member of two, a stale member, an array not asked for: nothing is started, and the
 * notes say why (no md device is touched on these paths). */
static void pass_waits(void **state)
{
	struct kdk_array only = KDK_ARRAY_INIT(char *);
	struct kdk_md_policy policy = { false, NULL };
	uint8_t sb[KDK_MD_SB_BYTES];
	struct kdk_md_pass pass;
	struct kdk_err err = { 0 };
	char sys[128], dev[128], mod[128], *other = "00000000:00000000:00000000:00000001";

	(void)state;
	snprintf(sys, sizeof(sys), "%s", tmp_path("sys"));
	snprintf(dev, sizeof(dev), "%s", tmp_path("dev"));
	snprintf(mod, sizeof(mod), "%s", tmp_path("md_mod"));
	assert_int_equal(mkdir(sys, 0755), 0);
	assert_int_equal(mkdir(dev, 0755), 0);
	make_sb(sb, 8, 0, 20, 384);
	fake_device("vda1", "254:1", sb);
	fake_device("vdc", "254:32", NULL);

	kdk_md_pass_init(&pass);
	assert_int_equal(kdk_md_assemble(sys, dev, mod, &policy, &pass, &err), 0);
	assert_int_equal(pass.assembled.len, 0);
	assert_true(has_note(&pass, "md array 6b646b6d:64000000:00000000:00000001 (raid1): 1 of 2 "
				    "slots present (vda1 (slot 0)): waiting for the rest"));
	kdk_md_pass_free(&pass);

	/* the second member, but with an older event count: left out, still waiting */
	make_sb(sb, 8, 1, 19, 384);
	fake_device("vdb1", "254:17", sb);
	kdk_md_pass_init(&pass);
	assert_int_equal(kdk_md_assemble(sys, dev, mod, &policy, &pass, &err), 0);
	assert_int_equal(pass.assembled.len, 0);
	assert_true(has_note(&pass, "vdb1 is stale (events 19, the array's 20): left out"));
	assert_true(has_note(&pass, "1 of 2 slots present"));
	kdk_md_pass_free(&pass);

	/* an array not among those asked for is not looked at */
	*(char **)kdk_array_push(&only, NULL) = other;
	policy.uuids = &only;
	policy.allow_degraded = true;
	kdk_md_pass_init(&pass);
	assert_int_equal(kdk_md_assemble(sys, dev, mod, &policy, &pass, &err), 0);
	assert_int_equal(pass.assembled.len, 0);
	assert_int_equal(pass.notes.len, 0);   /* not even the stale member's note */
	kdk_md_pass_free(&pass);
	kdk_array_free(&only);

	/* an array claiming 2^32 - 1 slots (checksum right): a member's slot is still bounded */
	make_sb(sb, 8, 1, 30, 384);
	memset(sb + 16, 0x77, 16);
	put32(sb + 92, UINT32_MAX);
	put16(sb + 256 + 2, 0xfeff);
	seal(sb);
	fake_device("vde1", "254:65", sb);
	policy.uuids = NULL;
	policy.allow_degraded = false;
	kdk_md_pass_init(&pass);
	assert_int_equal(kdk_md_assemble(sys, dev, mod, &policy, &pass, &err), 0);
	assert_int_equal(pass.assembled.len, 0);
	assert_true(has_note(&pass, "1 of 4294967295 slots present (vde1 (slot 65279))"));
	kdk_md_pass_free(&pass);

	/* a damaged superblock is a note naming the device */
	make_sb(sb, 8, 1, 20, 384);
	sb[100] ^= 0x10;
	fake_device("vdd1", "254:49", sb);
	policy.uuids = NULL;
	policy.allow_degraded = false;
	kdk_md_pass_init(&pass);
	assert_int_equal(kdk_md_assemble(sys, dev, mod, &policy, &pass, &err), 0);
	assert_true(has_note(&pass, "/dev/vdd1: md superblock at sector 8: checksum"));
	kdk_md_pass_free(&pass);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(places),
		cmocka_unit_test(fields),
		cmocka_unit_test(written_by_mdadm),
		cmocka_unit_test(refused),
		cmocka_unit_test(uuids),
		cmocka_unit_test_setup_teardown(pass_waits, tmpdir_setup, tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
