/* kdk_layout.c — fills a layout struct from its table of kernel-structure keys; a key's name may
 * list the names a kernel renamed it through ("new|old"), tried in order. */
#include "kdk_layout.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The longest single name a row may hold ("struct.member" in VMCOREINFO's spelling). */
#define KEY_NAME_MAX 128

const char *kdk_layout_kind_name(enum kdk_layout_kind kind)
{
	switch (kind) {
	case KDK_KEY_SYMBOL: return "SYMBOL";
	case KDK_KEY_OFFSET: return "OFFSET";
	case KDK_KEY_SIZE: return "SIZE";
	case KDK_KEY_LENGTH: return "LENGTH";
	case KDK_KEY_NUMBER: return "NUMBER";
	case KDK_KEY_BIT_OFFSET: return "BIT_OFFSET";
	case KDK_KEY_BIT_SIZE: return "BIT_SIZE";
	}
	return "?";
}

void kdk_layout_key_describe(enum kdk_layout_kind kind, const char *name, char *buf, size_t size)
{
	size_t used = 0;
	const char *alt = name;

	if (size == 0)
		return;
	buf[0] = '\0';
	while (alt && used < size) {
		const char *bar = strchr(alt, '|');
		int len = bar ? (int)(bar - alt) : (int)strlen(alt);
		int n = snprintf(buf + used, size - used, "%s%s(%.*s)", used ? " or " : "",
				 kdk_layout_kind_name(kind), len, alt);
		if (n < 0)
			break;
		used += (size_t)n;
		alt = bar ? bar + 1 : NULL;
	}
}

int kdk_layout_lookup_key(const struct kdk_layout_key *key, kdk_layout_lookup_fn lookup, void *ctx,
			  uint64_t *value, char *answered, size_t answered_size)
{
	char one[KEY_NAME_MAX];
	const char *alt = key->name;

	while (alt) {
		const char *bar = strchr(alt, '|');
		size_t len = bar ? (size_t)(bar - alt) : strlen(alt);

		if (len < sizeof(one)) {
			memcpy(one, alt, len);
			one[len] = '\0';
			if (lookup(ctx, key->kind, one, value) == 0) {
				if (answered && answered_size)
					snprintf(answered, answered_size, "%s", one);
				return 0;
			}
		}
		alt = bar ? bar + 1 : NULL;
	}
	if (answered && answered_size)
		answered[0] = '\0';
	return -ENOENT;
}

int kdk_layout_fill(const struct kdk_layout_key *keys, void *layout, kdk_layout_lookup_fn lookup,
		    void *lookup_ctx, struct kdk_err *err)
{
	const struct kdk_layout_key *key;

	for (key = keys; key->name; key++) {
		uint64_t value = 0;
		int found = kdk_layout_lookup_key(key, lookup, lookup_ctx, &value, NULL, 0) == 0;

		if (key->present != KDK_LAYOUT_REQUIRED) {
			*(bool *)((char *)layout + key->present) = found;
		} else if (!found) {
			char names[512];
			kdk_layout_key_describe(key->kind, key->name, names, sizeof(names));
			return kdk_err_set(err, ENOENT, "VMCOREINFO has no %s", names);
		}
		*(uint64_t *)((char *)layout + key->field) = found ? value : 0;
	}
	return 0;
}
