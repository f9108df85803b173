/* mem_ranges.c — /proc/iomem and /sys/firmware/memmap into growable range arrays, and the range
 * arithmetic of the loader. Format of /proc/iomem: "%08llx-%08llx : name", two spaces of indent
 * per nesting level (kernel/resource.c, r_show). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mem_ranges.h"

static const struct {
	const char *name;
	enum kdk_range_type type;
} type_names[] = {
	{ "System RAM", KDK_RANGE_RAM },
	{ "Reserved", KDK_RANGE_RESERVED },
	{ "reserved", KDK_RANGE_RESERVED },
	{ "ACPI Tables", KDK_RANGE_ACPI },
	{ "ACPI Non-volatile Storage", KDK_RANGE_ACPI_NVS },
	{ "Persistent Memory (legacy)", KDK_RANGE_PRAM },
	{ "Persistent Memory", KDK_RANGE_PMEM },
	{ "Uncached RAM", KDK_RANGE_UNCACHED },
};

enum kdk_range_type kdk_range_type_of(const char *name)
{
	size_t i;

	/* "System RAM (kmem)", "System RAM (virtio_mem)": hot-plugged RAM is RAM too. */
	if (!strncmp(name, "System RAM", 10))
		return KDK_RANGE_RAM;
	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (!strcmp(name, type_names[i].name))
			return type_names[i].type;
	return KDK_RANGE_OTHER;
}

const char *kdk_range_type_name(enum kdk_range_type type)
{
	size_t i;

	for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "other";
}

void kdk_iomem_free(struct kdk_array *entries)
{
	size_t i;

	for (i = 0; i < entries->len; i++)
		free(KDK_ARRAY_AT(entries, struct kdk_iomem_entry, i)->name);
	kdk_array_free(entries);
}

int kdk_iomem_read(FILE *in, const char *source, struct kdk_array *entries, struct kdk_err *err)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0, nonzero = 0;
	ssize_t len;
	int rc = 0;

	kdk_array_init(entries, sizeof(struct kdk_iomem_entry));
	while ((len = getline(&line, &cap, in)) >= 0) {
		struct kdk_iomem_entry *entry;
		unsigned long long start, end;
		size_t indent = 0;
		int name_at = 0;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		while (line[indent] == ' ')
			indent++;
		if (sscanf(line + indent, "%llx-%llx : %n", &start, &end, &name_at) != 2 || !name_at ||
		    end < start) {
			rc = kdk_err_set(err, EINVAL, "%s:%zu: not an iomem line \"%s\"", source, lineno, line);
			goto out;
		}
		entry = kdk_array_push(entries, err);
		if (!entry) {
			rc = -err->code;
			goto out;
		}
		entry->start = start;
		entry->end = end;
		entry->depth = (unsigned)(indent / 2);
		entry->name = strdup(line + indent + name_at);
		if (!entry->name) {
			rc = kdk_err_sys(err, ENOMEM, "%s:%zu", source, lineno);
			goto out;
		}
		if (end)
			nonzero++;
	}
	if (ferror(in)) {
		rc = kdk_err_sys(err, errno ? errno : EIO, "%s: read", source);
		goto out;
	}
	if (entries->len && !nonzero)
		rc = kdk_err_set(err, EPERM, "%s: every address reads 0 (only root sees the real ones)", source);
out:
	free(line);
	if (rc)
		kdk_iomem_free(entries);
	return rc;
}

int kdk_iomem_load(const char *path, struct kdk_array *entries, struct kdk_err *err)
{
	FILE *in = fopen(path, "re");
	int rc;

	if (!in) {
		kdk_array_init(entries, sizeof(struct kdk_iomem_entry));
		return kdk_err_sys(err, errno, "%s", path);
	}
	rc = kdk_iomem_read(in, path, entries, err);
	fclose(in);
	return rc;
}

int kdk_ranges_add(struct kdk_array *ranges, uint64_t start, uint64_t end,
		   enum kdk_range_type type, struct kdk_err *err)
{
	struct kdk_mem_range *range = kdk_array_push(ranges, err);

	if (!range)
		return -err->code;
	range->start = start;
	range->end = end;
	range->type = type;
	return 0;
}

int kdk_ranges_exclude(struct kdk_array *ranges, uint64_t start, uint64_t end, struct kdk_err *err)
{
	size_t i;

	for (i = 0; i < ranges->len; i++) {
		struct kdk_mem_range *range = KDK_ARRAY_AT(ranges, struct kdk_mem_range, i);
		struct kdk_mem_range tail;

		if (range->end < start || range->start > end)
			continue;
		if (range->start >= start && range->end <= end) {
			kdk_array_remove(ranges, i--);
			continue;
		}
		if (range->start < start && range->end > end) {
			/* The cut falls inside: keep the head here, add the tail after it. */
			tail = *range;
			tail.start = end + 1;
			range->end = start - 1;
			if (kdk_ranges_add(ranges, tail.start, tail.end, tail.type, err))
				return -err->code;
			continue;
		}
		if (range->start < start)
			range->end = start - 1;
		else
			range->start = end + 1;
	}
	kdk_ranges_sort(ranges);
	return 0;
}

static int compare_range_start(const void *a, const void *b)
{
	const struct kdk_mem_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

void kdk_ranges_sort(struct kdk_array *ranges)
{
	kdk_array_sort(ranges, compare_range_start);
}

uint64_t kdk_ranges_bytes(const struct kdk_array *ranges, enum kdk_range_type type)
{
	uint64_t total = 0;
	size_t i;

	for (i = 0; i < ranges->len; i++) {
		const struct kdk_mem_range *range = KDK_ARRAY_AT(ranges, struct kdk_mem_range, i);

		if (range->type == type)
			total += range->end - range->start + 1;
	}
	return total;
}

/* One value file of a firmware memmap entry, e.g. "0x100000\n" or "System RAM\n". */
static int read_memmap_value(const char *dir, const char *entry, const char *field, char *buf,
			     size_t size, struct kdk_err *err)
{
	char path[512];
	FILE *in;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s/%s", dir, entry, field);
	in = fopen(path, "re");
	if (!in)
		return kdk_err_sys(err, errno, "%s", path);
	len = fread(buf, 1, size - 1, in);
	fclose(in);
	buf[len] = '\0';
	while (len && (buf[len - 1] == '\n'))
		buf[--len] = '\0';
	return 0;
}

int kdk_firmware_memmap_load(const char *dir, struct kdk_array *ranges, struct kdk_err *err)
{
	struct dirent *dent;
	DIR *d;
	int rc = 0;

	kdk_array_init(ranges, sizeof(struct kdk_mem_range));
	d = opendir(dir);
	if (!d)
		return kdk_err_sys(err, errno, "%s", dir);
	while ((dent = readdir(d))) {
		char start[64], end[64], type[128], *tail1, *tail2;
		uint64_t s, e;

		if (dent->d_name[0] == '.')
			continue;
		if ((rc = read_memmap_value(dir, dent->d_name, "start", start, sizeof(start), err)) ||
		    (rc = read_memmap_value(dir, dent->d_name, "end", end, sizeof(end), err)) ||
		    (rc = read_memmap_value(dir, dent->d_name, "type", type, sizeof(type), err)))
			break;
		s = strtoull(start, &tail1, 0);
		e = strtoull(end, &tail2, 0);
		if (*tail1 || *tail2 || e < s) {
			rc = kdk_err_set(err, EINVAL, "%s/%s: bad range %s-%s", dir, dent->d_name, start, end);
			break;
		}
		if ((rc = kdk_ranges_add(ranges, s, e, kdk_range_type_of(type), err)))
			break;
	}
	closedir(d);
	if (rc)
		kdk_array_free(ranges);
	else
		kdk_ranges_sort(ranges);
	return rc;
}
