/* kdk_layout.c — fills a layout struct from its table of VMCOREINFO keys. */
#include "kdk_layout.h"

#include <errno.h>
#include <stdbool.h>

const char *kdk_layout_kind_name(enum kdk_layout_kind kind)
{
	switch (kind) {
	case KDK_KEY_SYMBOL: return "SYMBOL";
	case KDK_KEY_OFFSET: return "OFFSET";
	case KDK_KEY_SIZE: return "SIZE";
	case KDK_KEY_LENGTH: return "LENGTH";
	case KDK_KEY_NUMBER: return "NUMBER";
	}
	return "?";
}

int kdk_layout_fill(const struct kdk_layout_key *keys, void *layout, kdk_layout_lookup_fn lookup,
		    void *lookup_ctx, struct kdk_err *err)
{
	const struct kdk_layout_key *key;

	for (key = keys; key->name; key++) {
		uint64_t value = 0;
		int found = lookup(lookup_ctx, key->kind, key->name, &value) == 0;

		if (key->present != KDK_LAYOUT_REQUIRED)
			*(bool *)((char *)layout + key->present) = found;
		else if (!found)
			return kdk_err_set(err, ENOENT, "VMCOREINFO has no %s(%s)",
					   kdk_layout_kind_name(key->kind), key->name);
		*(uint64_t *)((char *)layout + key->field) = found ? value : 0;
	}
	return 0;
}
