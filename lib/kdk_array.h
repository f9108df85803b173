/* kdk_array.h — a growable array of fixed-size items, for everything the machine decides the
 * count of (memory ranges, CPUs, notes, modules): no fixed-size tables in kdumpkit. */
#ifndef KDK_ARRAY_H
#define KDK_ARRAY_H

#include <stddef.h>

#include "kdk_err.h"

struct kdk_array {
	void *items;
	size_t len;        /* items in use */
	size_t cap;        /* items allocated */
	size_t item_size;  /* bytes per item */
};

#define KDK_ARRAY_INIT(type) { NULL, 0, 0, sizeof(type) }

void kdk_array_init(struct kdk_array *arr, size_t item_size);

/* Append one zero-filled item; returns it, or NULL with err set (ENOMEM/EOVERFLOW). */
void *kdk_array_push(struct kdk_array *arr, struct kdk_err *err);

/* Make room for at least `count` items without changing len. */
int kdk_array_reserve(struct kdk_array *arr, size_t count, struct kdk_err *err);

/* Pointer to item i (no bounds check beyond an assert in debug builds). */
void *kdk_array_at(const struct kdk_array *arr, size_t i);

/* Remove item i, keeping order. */
void kdk_array_remove(struct kdk_array *arr, size_t i);

void kdk_array_sort(struct kdk_array *arr, int (*cmp)(const void *, const void *));

void kdk_array_free(struct kdk_array *arr);

#define KDK_ARRAY_AT(arr, type, i) ((type *)kdk_array_at((arr), (i)))

#endif
