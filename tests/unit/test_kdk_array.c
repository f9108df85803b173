/* test_kdk_array.c — kdk_array grows past any initial size, keeps order, removes and sorts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kdk_array.h"

struct range {
	uint64_t start, end;
};

static void push_many_keeps_every_item(void **state)
{
	struct kdk_array ranges = KDK_ARRAY_INIT(struct range);
	struct kdk_err err = { 0 };
	size_t i;
	(void)state;

	for (i = 0; i < 10000; i++) {
		struct range *r = kdk_array_push(&ranges, &err);
		assert_non_null(r);
		assert_int_equal(r->start, 0); /* pushed items start zeroed */
		r->start = i;
		r->end = i * 2;
	}
	assert_int_equal(ranges.len, 10000);
	for (i = 0; i < ranges.len; i++) {
		assert_int_equal(KDK_ARRAY_AT(&ranges, struct range, i)->start, i);
		assert_int_equal(KDK_ARRAY_AT(&ranges, struct range, i)->end, i * 2);
	}
	kdk_array_free(&ranges);
	assert_null(ranges.items);
	assert_int_equal(ranges.len, 0);
}

static void remove_keeps_order(void **state)
{
	struct kdk_array nums = KDK_ARRAY_INIT(int);
	int i;
	(void)state;

	for (i = 0; i < 5; i++)
		*(int *)kdk_array_push(&nums, NULL) = i;
	kdk_array_remove(&nums, 1);
	assert_int_equal(nums.len, 4);
	assert_int_equal(*KDK_ARRAY_AT(&nums, int, 0), 0);
	assert_int_equal(*KDK_ARRAY_AT(&nums, int, 1), 2);
	assert_int_equal(*KDK_ARRAY_AT(&nums, int, 3), 4);
	kdk_array_free(&nums);
}

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void sort_orders_items(void **state)
{
	struct kdk_array ranges = KDK_ARRAY_INIT(struct range);
	uint64_t starts[] = { 30, 10, 20 };
	size_t i;
	(void)state;

	for (i = 0; i < 3; i++)
		((struct range *)kdk_array_push(&ranges, NULL))->start = starts[i];
	kdk_array_sort(&ranges, cmp_range);
	assert_int_equal(KDK_ARRAY_AT(&ranges, struct range, 0)->start, 10);
	assert_int_equal(KDK_ARRAY_AT(&ranges, struct range, 2)->start, 30);
	kdk_array_free(&ranges);
}

static void huge_reserve_fails_with_overflow(void **state)
{
	struct kdk_array ranges = KDK_ARRAY_INIT(struct range);
	struct kdk_err err = { 0 };
	(void)state;

	assert_true(kdk_array_reserve(&ranges, SIZE_MAX / 4, &err) < 0);
	assert_true(err.code != 0);
	assert_int_equal(ranges.len, 0);
	kdk_array_free(&ranges);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(push_many_keeps_every_item),
		cmocka_unit_test(remove_keeps_order),
		cmocka_unit_test(sort_orders_items),
		cmocka_unit_test(huge_reserve_fails_with_overflow),
	};
	return cmocka_run_group_tests_name("kdk_array", tests, NULL, NULL);
}
