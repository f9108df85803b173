/* test_kdk_layout.c — kdk_layout_fill: required and optional rows, and rows naming the names a
 * kernel renamed a key through ("page.compound_info|page.compound_head"), tried in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "kdk_layout.h"

struct layout {
	uint64_t head, mapping;
	bool have_head;
};

/* A lookup that knows the names in a NULL-terminated list, each with value 8 + its index. */
struct fake_source { const char *const *known; unsigned calls; };

static int fake_lookup(void *ctx, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	struct fake_source *src = ctx;
	unsigned i;

	src->calls++;
	if (kind != KDK_KEY_OFFSET)
		return -ENOENT;
	for (i = 0; src->known[i]; i++)
		if (strcmp(src->known[i], name) == 0) {
			*value = 8 + i;
			return 0;
		}
	return -ENOENT;
}

static const struct kdk_layout_key optional_keys[] = {
	KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "page.compound_info|page.compound_head", struct layout,
			    head, have_head),
	{ 0, NULL, 0, 0 },
};

static const struct kdk_layout_key required_keys[] = {
	KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "page.compound_info|page.compound_head", struct layout, head),
	KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "page.mapping", struct layout, mapping),
	{ 0, NULL, 0, 0 },
};

static void the_new_name_fills_the_field(void **state)
{
	static const char *const known[] = { "page.compound_info", NULL };
	struct fake_source src = { known, 0 };
	struct layout l = { 0 };
	struct kdk_err err = { 0 };

	(void)state;
	assert_int_equal(kdk_layout_fill(optional_keys, &l, fake_lookup, &src, &err), 0);
	assert_true(l.have_head);
	assert_int_equal(l.head, 8);
}

static void the_old_name_fills_the_same_field(void **state)
{
	static const char *const known[] = { "page.mapping", "page.compound_head", NULL };
	struct fake_source src = { known, 0 };
	struct layout l = { 0 };
	struct kdk_err err = { 0 };

	(void)state;
	assert_int_equal(kdk_layout_fill(optional_keys, &l, fake_lookup, &src, &err), 0);
	assert_true(l.have_head);
	assert_int_equal(l.head, 9);
	assert_int_equal(src.calls, 2); /* compound_info first, then compound_head */
}

static void the_first_alternative_wins_when_both_exist(void **state)
{
	static const char *const known[] = { "page.compound_head", "page.compound_info", NULL };
	struct fake_source src = { known, 0 };
	struct layout l = { 0 };
	struct kdk_err err = { 0 };

	(void)state;
	assert_int_equal(kdk_layout_fill(optional_keys, &l, fake_lookup, &src, &err), 0);
	assert_int_equal(l.head, 9); /* page.compound_info's value */
}

static void an_optional_row_with_no_alternative_known_is_absent(void **state)
{
	static const char *const known[] = { NULL };
	struct fake_source src = { known, 0 };
	struct layout l = { .head = 77, .have_head = true };
	struct kdk_err err = { 0 };

	(void)state;
	assert_int_equal(kdk_layout_fill(optional_keys, &l, fake_lookup, &src, &err), 0);
	assert_false(l.have_head);
	assert_int_equal(l.head, 0);
}

static void a_missing_required_row_names_every_alternative(void **state)
{
	static const char *const known[] = { "page.mapping", NULL };
	struct fake_source src = { known, 0 };
	struct layout l = { 0 };
	struct kdk_err err = { 0 };

	(void)state;
	assert_int_equal(kdk_layout_fill(required_keys, &l, fake_lookup, &src, &err), -ENOENT);
	assert_string_equal(err.msg,
			    "VMCOREINFO has no OFFSET(page.compound_info) or OFFSET(page.compound_head)");
}

static void a_plain_name_is_described_alone(void **state)
{
	char buf[64];

	(void)state;
	kdk_layout_key_describe(KDK_KEY_NUMBER, "PG_slab", buf, sizeof(buf));
	assert_string_equal(buf, "NUMBER(PG_slab)");
	kdk_layout_key_describe(KDK_KEY_NUMBER, "PAGE_BUDDY_MAPCOUNT_VALUE|PGTY_buddy", buf, 20);
	assert_int_equal(strlen(buf), 19); /* cut, and terminated */
}

static void one_row_says_which_name_answered(void **state)
{
	static const char *const known[] = { "page.compound_head", NULL };
	struct fake_source src = { known, 0 };
	char answered[64] = "x";
	uint64_t value = 0;

	(void)state;
	assert_int_equal(kdk_layout_lookup_key(&optional_keys[0], fake_lookup, &src, &value, answered,
					       sizeof(answered)), 0);
	assert_string_equal(answered, "page.compound_head");
	assert_int_equal(value, 8);
	{
		static const char *const none[] = { NULL };
		struct fake_source empty = { none, 0 };
		assert_int_equal(kdk_layout_lookup_key(&optional_keys[0], fake_lookup, &empty, &value,
						       answered, sizeof(answered)), -ENOENT);
		assert_string_equal(answered, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_new_name_fills_the_field),
		cmocka_unit_test(the_old_name_fills_the_same_field),
		cmocka_unit_test(the_first_alternative_wins_when_both_exist),
		cmocka_unit_test(an_optional_row_with_no_alternative_known_is_absent),
		cmocka_unit_test(a_missing_required_row_names_every_alternative),
		cmocka_unit_test(a_plain_name_is_described_alone),
		cmocka_unit_test(one_row_says_which_name_answered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
