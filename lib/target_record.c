/* target_record.c — the image's target records: written by mkdumprd, read by the capture /init
 * before it looks for a device (format: docs/formats/targets.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "target_record.h"

static const char *const fields[] = { "id", "fstype", "mount_at", "options", "md_arrays" };

static char **field(struct kdk_target_record *r, unsigned i)
{
	char **slots[] = { &r->id, &r->fstype, &r->mount_at, &r->options, &r->md_arrays };
	return slots[i];
}

static const char *value_or(const char *value, const char *fallback)
{
	return value ? value : fallback;
}

void kdk_target_record_clear(struct kdk_target_record *r)
{
	free(r->spec);
	free(r->id);
	free(r->fstype);
	free(r->mount_at);
	free(r->options);
	free(r->md_arrays);
	memset(r, 0, sizeof(*r));
}

void kdk_target_records_free(struct kdk_array *records)
{
	size_t i;

	for (i = 0; i < records->len; i++)
		kdk_target_record_clear(kdk_array_at(records, i));
	kdk_array_free(records);
}

/* A record must say what to match; the rest defaults ("/", no options, no md arrays). */
static int finish(struct kdk_target_record *r, const char *name, unsigned line, struct kdk_err *err)
{
	if (!r->id || !r->id[0])
		return kdk_err_set(err, EINVAL, "%s:%u: target %s has no id line", name, line, r->spec);
	if (!r->fstype && !(r->fstype = strdup("")))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if (!r->mount_at && !(r->mount_at = strdup("/")))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if (!r->options && !(r->options = strdup("")))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if (!r->md_arrays && !(r->md_arrays = strdup("")))
		return kdk_err_set(err, ENOMEM, "out of memory");
	return 0;
}

int kdk_target_records_parse(FILE *in, const char *name, struct kdk_array *records,
			     struct kdk_err *err)
{
	struct kdk_target_record *cur = NULL;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0, open_line = 0, i;
	ssize_t n;
	int rc = 0;

	kdk_array_init(records, sizeof(struct kdk_target_record));
	while (!rc && (n = getline(&line, &cap, in)) >= 0) {
		char *key = line, *value;

		lineno++;
		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		value = strchr(line, ' ');
		if (!value) {
			rc = kdk_err_set(err, EINVAL, "%s:%u: \"%s\" has no value", name, lineno, line);
			break;
		}
		*value++ = '\0';
		if (!strcmp(key, "target")) {
			if (cur && (rc = finish(cur, name, open_line, err)))
				break;
			if (!(cur = kdk_array_push(records, err))) {
				rc = -err->code;
				break;
			}
			memset(cur, 0, sizeof(*cur));
			open_line = lineno;
			if (!(cur->spec = strdup(value)))
				rc = kdk_err_set(err, ENOMEM, "out of memory");
			continue;
		}
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (!strcmp(key, fields[i]))
				break;
		if (i == sizeof(fields) / sizeof(fields[0]))
			rc = kdk_err_set(err, EINVAL, "%s:%u: unknown key \"%s\"", name, lineno, key);
		else if (!cur)
			rc = kdk_err_set(err, EINVAL, "%s:%u: \"%s\" before any \"target\" line", name,
					 lineno, key);
		else if (*field(cur, i))
			rc = kdk_err_set(err, EINVAL, "%s:%u: second \"%s\" for target %s", name, lineno,
					 key, cur->spec);
		else if (!(*field(cur, i) = strdup(value)))
			rc = kdk_err_set(err, ENOMEM, "out of memory");
	}
	if (!rc && cur)
		rc = finish(cur, name, open_line, err);
	free(line);
	if (rc)
		kdk_target_records_free(records);
	return rc;
}

int kdk_target_records_load(const char *path, struct kdk_array *records, struct kdk_err *err)
{
	FILE *in = fopen(path, "re");
	int rc;

	if (!in) {
		kdk_array_init(records, sizeof(struct kdk_target_record));
		return errno == ENOENT ? 0 : kdk_err_sys(err, errno, "%s", path);
	}
	rc = kdk_target_records_parse(in, path, records, err);
	fclose(in);
	return rc;
}

const struct kdk_target_record *kdk_target_record_find(const struct kdk_array *records,
							 const char *spec)
{
	size_t i;

	for (i = 0; i < records->len; i++) {
		const struct kdk_target_record *r = kdk_array_at(records, i);
		if (!strcmp(r->spec, spec))
			return r;
	}
	return NULL;
}

int kdk_target_record_write(FILE *out, const struct kdk_target_record *r, struct kdk_err *err)
{
	const char *values[] = { r->spec, r->id, value_or(r->fstype, ""), value_or(r->mount_at, "/"),
				 value_or(r->options, ""), value_or(r->md_arrays, "") };
	unsigned i;

	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (!values[i] || strchr(values[i], '\n'))
			return kdk_err_set(err, EINVAL, "target %s: %s cannot be recorded (missing or "
						"holds a newline)", value_or(r->spec, "?"),
					   i ? fields[i - 1] : "spec");
	fprintf(out, "target %s\nid %s\n", r->spec, r->id);
	/* A key with an empty value is left out: "key " would read back the same, but is easy to
	 * lose to an editor stripping trailing blanks. */
	for (i = 1; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (values[i + 1][0])
			fprintf(out, "%s %s\n", fields[i], values[i + 1]);
	return ferror(out) ? kdk_err_set(err, EIO, "writing target %s", r->spec) : 0;
}
