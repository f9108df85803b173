/* kdk_array.c — growable arrays: doubling growth, overflow-checked sizes. */
#include "kdk_array.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void kdk_array_init(struct kdk_array *arr, size_t item_size)
{
	arr->items = NULL;
	arr->len = 0;
	arr->cap = 0;
	arr->item_size = item_size;
}

int kdk_array_reserve(struct kdk_array *arr, size_t count, struct kdk_err *err)
{
	size_t new_cap;
	void *grown;

	if (count <= arr->cap)
		return 0;
	new_cap = arr->cap ? arr->cap : 8;
	while (new_cap < count) {
		if (new_cap > SIZE_MAX / 2)
			return kdk_err_set(err, EOVERFLOW, "array of %zu items is too large", count);
		new_cap *= 2;
	}
	if (arr->item_size && new_cap > SIZE_MAX / arr->item_size)
		return kdk_err_set(err, EOVERFLOW, "array of %zu items is too large", new_cap);
	grown = realloc(arr->items, new_cap * arr->item_size);
	if (!grown)
		return kdk_err_set(err, ENOMEM, "out of memory growing an array to %zu items", new_cap);
	arr->items = grown;
	arr->cap = new_cap;
	return 0;
}

void *kdk_array_push(struct kdk_array *arr, struct kdk_err *err)
{
	void *slot;

	if (arr->len == SIZE_MAX) {
		kdk_err_set(err, EOVERFLOW, "array is full");
		return NULL;
	}
	if (kdk_array_reserve(arr, arr->len + 1, err) < 0)
		return NULL;
	slot = (char *)arr->items + arr->len * arr->item_size;
	memset(slot, 0, arr->item_size);
	arr->len++;
	return slot;
}

void *kdk_array_at(const struct kdk_array *arr, size_t i)
{
	assert(i < arr->len);
	return (char *)arr->items + i * arr->item_size;
}

void kdk_array_remove(struct kdk_array *arr, size_t i)
{
	char *base = arr->items;

	assert(i < arr->len);
	memmove(base + i * arr->item_size, base + (i + 1) * arr->item_size,
		(arr->len - i - 1) * arr->item_size);
	arr->len--;
}

void kdk_array_sort(struct kdk_array *arr, int (*cmp)(const void *, const void *))
{
	if (arr->len > 1)
		qsort(arr->items, arr->len, arr->item_size, cmp);
}

void kdk_array_free(struct kdk_array *arr)
{
	free(arr->items);
	arr->items = NULL;
	arr->len = 0;
	arr->cap = 0;
}
