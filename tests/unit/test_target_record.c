/* test_target_record.c — the image's target records (/etc/kdumpkit/targets): written, read back,
 * looked up by the spec kdump.conf or root= gives; malformed files refused with file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "target_record.h"

static void round_trip(void **state)
{
	struct kdk_target_record in[2] = {
		{ "/dev/mapper/vg-root", "UUID=5e1f0c1e-0000-4000-8000-0000000000ab", "btrfs", "/",
		  "subvol=/@rootfs", "" },
		{ "/dev/md0", "UUID=6b646b6d-6400-4000-8000-000000000002", "", "/var",
		  "", "6b646b6d:64000000:00000000:00000001 00000000:11111111:22222222:33333333" },
	};
	struct kdk_array records;
	struct kdk_err err = { 0 };
	const struct kdk_target_record *r;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	(void)state;

	assert_int_equal(kdk_target_record_write(f, &in[0], &err), 0);
	assert_int_equal(kdk_target_record_write(f, &in[1], &err), 0);
	fclose(f);
	print_message("%s", text);
	f = fmemopen(text, len, "r");
	assert_int_equal(kdk_target_records_parse(f, "targets", &records, &err), 0);
	fclose(f);
	assert_int_equal(records.len, 2);
	r = kdk_target_record_find(&records, "/dev/mapper/vg-root");
	assert_non_null(r);
	assert_string_equal(r->id, in[0].id);
	assert_string_equal(r->fstype, "btrfs");
	assert_string_equal(r->mount_at, "/");
	assert_string_equal(r->options, "subvol=/@rootfs");
	assert_string_equal(r->md_arrays, "");
	r = kdk_target_record_find(&records, "/dev/md0");
	assert_non_null(r);
	assert_string_equal(r->id, in[1].id);
	assert_string_equal(r->fstype, "");
	assert_string_equal(r->mount_at, "/var");
	assert_string_equal(r->options, "");
	assert_string_equal(r->md_arrays, in[1].md_arrays);
	assert_null(kdk_target_record_find(&records, "/dev/sda1"));
	kdk_target_records_free(&records);
	free(text);
}

static void refused(void **state)
{
	static const struct { const char *text, *message; } cases[] = {
		{ "id UUID=x\n", "targets:1: \"id\" before any \"target\" line" },
		{ "target /dev/sda1\nfstype ext4\n", "targets:1: target /dev/sda1 has no id line" },
		{ "target /dev/sda1\nid UUID=x\nid UUID=y\n", "targets:3: second \"id\"" },
		{ "target /dev/sda1\nmountat /var\n", "targets:2: unknown key \"mountat\"" },
		{ "target /dev/sda1\nid\n", "targets:2: \"id\" has no value" },
	};
	unsigned i;
	(void)state;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kdk_array records;
		struct kdk_err err = { 0 };
		FILE *f = fmemopen((void *)cases[i].text, strlen(cases[i].text), "r");

		assert_int_equal(kdk_target_records_parse(f, "targets", &records, &err), -EINVAL);
		fclose(f);
		print_message("expected \"%s…\", got \"%s\"\n", cases[i].message, err.msg);
		assert_non_null(strstr(err.msg, cases[i].message));
	}
}

static void missing_file_is_empty(void **state)
{
	struct kdk_array records;
	struct kdk_err err = { 0 };
	struct kdk_target_record bad = { "/dev/sda1", "LABEL=a\nb", "", "/", "", "" };
	FILE *null = fopen("/dev/null", "w");
	(void)state;

	assert_int_equal(kdk_target_records_load("/nonexistent/targets", &records, &err), 0);
	assert_int_equal(records.len, 0);
	kdk_target_records_free(&records);
	assert_int_equal(kdk_target_record_write(null, &bad, &err), -EINVAL);
	fclose(null);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(refused),
		cmocka_unit_test(missing_file_is_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
