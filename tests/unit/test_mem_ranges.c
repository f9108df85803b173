/* test_mem_ranges.c — /proc/iomem parsing (depth, names, bad lines with their line number, the
 * all-zero view of an unprivileged reader) and cutting a region out of a range list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>

#include "mem_ranges.h"

static const char lab_iomem[] =
	"00000000-00000fff : Reserved\n"
	"00001000-0009fbff : System RAM\n"
	"000f0000-000fffff : Reserved\n"
	"  000f0000-000fffff : System ROM\n"
	"00100000-3ffdffff : System RAM\n"
	"  16000000-16e01ef1 : Kernel code\n"
	"  2f000000-3effffff : Crash kernel\n"
	"3ffe0000-3fffffff : Reserved\n"
	"100000000-17fffffff : System RAM (kmem)\n";

static int parse(const char *text, struct kdk_array *entries, struct kdk_err *err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rc = kdk_iomem_read(in, "iomem", entries, err);

	fclose(in);
	return rc;
}

static void iomem_lines_become_entries(void **state)
{
	struct kdk_array entries;
	struct kdk_err err = { 0 };
	const struct kdk_iomem_entry *e;
	(void)state;

	assert_int_equal(parse(lab_iomem, &entries, &err), 0);
	assert_int_equal(entries.len, 9);
	e = KDK_ARRAY_AT(&entries, struct kdk_iomem_entry, 6);
	assert_string_equal(e->name, "Crash kernel");
	assert_int_equal(e->depth, 1);
	assert_int_equal(e->start, 0x2f000000);
	assert_int_equal(e->end, 0x3effffff);
	e = KDK_ARRAY_AT(&entries, struct kdk_iomem_entry, 8);
	assert_int_equal(e->start, 0x100000000ULL);
	assert_int_equal(kdk_range_type_of(e->name), KDK_RANGE_RAM);
	assert_int_equal(kdk_range_type_of("Reserved"), KDK_RANGE_RESERVED);
	assert_int_equal(kdk_range_type_of("ACPI Non-volatile Storage"), KDK_RANGE_ACPI_NVS);
	assert_int_equal(kdk_range_type_of("PCI Bus 0000:00"), KDK_RANGE_OTHER);
	kdk_iomem_free(&entries);
}

static void bad_line_names_its_number(void **state)
{
	struct kdk_array entries;
	struct kdk_err err = { 0 };
	(void)state;

	assert_int_equal(parse("00000000-00000fff : Reserved\nzzzz\n", &entries, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "iomem:2:"));
}

static void all_zero_addresses_mean_no_privilege(void **state)
{
	struct kdk_array entries;
	struct kdk_err err = { 0 };
	(void)state;

	assert_int_equal(parse("00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n",
			       &entries, &err), -EPERM);
	assert_non_null(strstr(err.msg, "root"));
}

static void exclude_splits_trims_and_drops(void **state)
{
	struct kdk_array ranges = KDK_ARRAY_INIT(struct kdk_mem_range);
	struct kdk_err err = { 0 };
	const struct kdk_mem_range *r;
	(void)state;

	assert_int_equal(kdk_ranges_add(&ranges, 0x1000, 0x9ffff, KDK_RANGE_RAM, &err), 0);
	assert_int_equal(kdk_ranges_add(&ranges, 0x100000, 0x3ffdffff, KDK_RANGE_RAM, &err), 0);
	assert_int_equal(kdk_ranges_add(&ranges, 0x3ffe0000, 0x3fffffff, KDK_RANGE_RESERVED, &err), 0);
	/* inside the second: split in two */
	assert_int_equal(kdk_ranges_exclude(&ranges, 0x2f000000, 0x3effffff, &err), 0);
	assert_int_equal(ranges.len, 4);
	r = KDK_ARRAY_AT(&ranges, struct kdk_mem_range, 1);
	assert_int_equal(r->start, 0x100000);
	assert_int_equal(r->end, 0x2effffff);
	r = KDK_ARRAY_AT(&ranges, struct kdk_mem_range, 2);
	assert_int_equal(r->start, 0x3f000000);
	assert_int_equal(r->end, 0x3ffdffff);
	/* over the first entirely, and the head of the last */
	assert_int_equal(kdk_ranges_exclude(&ranges, 0, 0x3ffeffff, &err), 0);
	assert_int_equal(ranges.len, 1);
	r = KDK_ARRAY_AT(&ranges, struct kdk_mem_range, 0);
	assert_int_equal(r->start, 0x3fff0000);
	assert_int_equal(r->type, KDK_RANGE_RESERVED);
	assert_int_equal(kdk_ranges_bytes(&ranges, KDK_RANGE_RESERVED), 0x10000);
	kdk_array_free(&ranges);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iomem_lines_become_entries),
		cmocka_unit_test(bad_line_names_its_number),
		cmocka_unit_test(all_zero_addresses_mean_no_privilege),
		cmocka_unit_test(exclude_splits_trims_and_drops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
