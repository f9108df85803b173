/* vmcoreinfo.c — VMCOREINFO text ("KEY=value" lines) into a table, with typed lookups that
 * treat a missing key and a malformed value as different answers. */
#include "vmcoreinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kdk_vmcoreinfo_parse(const char *text, size_t len, struct kdk_vmcoreinfo *vi,
			 struct kdk_err *err)
{
	const char *p = text, *end = text + len;

	memset(vi, 0, sizeof(*vi));
	kdk_array_init(&vi->entries, sizeof(struct kdk_vmcoreinfo_entry));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end, *eq;
		struct kdk_vmcoreinfo_entry *e;

		/* The note is padded with NULs: they end the text. */
		const char *nul = memchr(p, '\0', (size_t)(line_end - p));
		if (nul) {
			line_end = nul;
			end = nul;
		}
		eq = memchr(p, '=', (size_t)(line_end - p));
		if (line_end > p && (!eq || eq == p)) {
			vi->malformed_lines++;
		} else if (eq) {
			if (!(e = kdk_array_push(&vi->entries, err)) ||
			    !(e->key = strndup(p, (size_t)(eq - p))) ||
			    !(e->value = strndup(eq + 1, (size_t)(line_end - eq - 1)))) {
				kdk_vmcoreinfo_free(vi);
				return kdk_err_set(err, ENOMEM, "out of memory parsing VMCOREINFO");
			}
		}
		p = line_end + 1;
	}
	return 0;
}

void kdk_vmcoreinfo_free(struct kdk_vmcoreinfo *vi)
{
	size_t i;

	for (i = 0; i < vi->entries.len; i++) {
		struct kdk_vmcoreinfo_entry *e = kdk_array_at(&vi->entries, i);
		free(e->key);
		free(e->value);
	}
	kdk_array_free(&vi->entries);
}

const char *kdk_vmcoreinfo_string(const struct kdk_vmcoreinfo *vi, const char *key)
{
	size_t i;

	/* The kernel appends keys as it learns them: the last one wins. */
	for (i = vi->entries.len; i-- > 0;) {
		const struct kdk_vmcoreinfo_entry *e = kdk_array_at(&vi->entries, i);
		if (!strcmp(e->key, key))
			return e->value;
	}
	return NULL;
}

static const char *typed(const struct kdk_vmcoreinfo *vi, const char *kind, const char *name)
{
	char key[256];

	if (snprintf(key, sizeof(key), "%s(%s)", kind, name) >= (int)sizeof(key))
		return NULL;
	return kdk_vmcoreinfo_string(vi, key);
}

static int parse_u64(const char *text, int base, uint64_t *value)
{
	char *end;

	if (!text)
		return -ENOENT;
	if (!*text)
		return -EINVAL;
	errno = 0;
	*value = strtoull(text, &end, base);
	return (*end || errno) ? -EINVAL : 0;
}

int kdk_vmcoreinfo_symbol(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value)
{
	return parse_u64(typed(vi, "SYMBOL", name), 16, value);
}

int kdk_vmcoreinfo_offset(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value)
{
	return parse_u64(typed(vi, "OFFSET", name), 10, value);
}

int kdk_vmcoreinfo_size(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value)
{
	return parse_u64(typed(vi, "SIZE", name), 10, value);
}

int kdk_vmcoreinfo_length(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value)
{
	return parse_u64(typed(vi, "LENGTH", name), 10, value);
}

int kdk_vmcoreinfo_number(const struct kdk_vmcoreinfo *vi, const char *name, int64_t *value)
{
	const char *text = typed(vi, "NUMBER", name);
	uint64_t u = 0;
	int rc;

	if (!text)
		return -ENOENT;
	if (!strncmp(text, "0x", 2) || !strncmp(text, "0X", 2)) {
		rc = parse_u64(text + 2, 16, &u);
	} else if (text[0] == '-') {
		rc = parse_u64(text + 1, 10, &u);
		u = -u; /* two's complement, as the kernel's negative numbers */
	} else {
		rc = parse_u64(text, 10, &u);
	}
	if (rc == 0)
		*value = (int64_t)u;
	return rc;
}

int kdk_vmcoreinfo_layout_lookup(void *ctx, enum kdk_layout_kind kind, const char *name,
				 uint64_t *value)
{
	const struct kdk_vmcoreinfo *vi = ctx;
	int64_t number;
	int rc;

	if (!vi)
		return -ENOENT;
	switch (kind) {
	case KDK_KEY_SYMBOL: return kdk_vmcoreinfo_symbol(vi, name, value);
	case KDK_KEY_OFFSET: return kdk_vmcoreinfo_offset(vi, name, value);
	case KDK_KEY_SIZE: return kdk_vmcoreinfo_size(vi, name, value);
	case KDK_KEY_LENGTH: return kdk_vmcoreinfo_length(vi, name, value);
	case KDK_KEY_NUMBER:
		if ((rc = kdk_vmcoreinfo_number(vi, name, &number)) == 0)
			*value = (uint64_t)number;
		return rc;
	case KDK_KEY_BIT_OFFSET: case KDK_KEY_BIT_SIZE:
		return -ENOENT;     /* no such keys: BTF or DWARF answer */
	}
	return -ENOENT;
}
