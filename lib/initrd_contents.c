/* initrd_contents.c — an initramfs image's files through libarchive: its filters (gzip, zstd,
 * xz, lz4, …) and its cpio reader (the newc format of the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst) — no reader of our own. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "initrd_contents.h"

/* Compressed modules take about three times their size once the kernel has decompressed them. */
#define COMPRESSED_MODULE_FACTOR 3

static int is_module(const char *name, int *compressed)
{
	size_t len = strlen(name);

	*compressed = strstr(name, ".ko.") != NULL;
	return (len > 3 && !strcmp(name + len - 3, ".ko")) || *compressed;
}

static int walk(struct archive *a, const char *name, struct kdk_initrd_contents *c,
		struct kdk_err *err)
{
	struct archive_entry *entry;
	int rc;

	memset(c, 0, sizeof(*c));
	while ((rc = archive_read_next_header(a, &entry)) == ARCHIVE_OK ||
	       rc == ARCHIVE_WARN) {
		const char *path = archive_entry_pathname(entry);
		int64_t size = archive_entry_size(entry);
		int compressed;

		if (archive_entry_filetype(entry) != AE_IFREG || size <= 0)
			continue;
		c->nr_files++;
		c->unpacked += (uint64_t)size;
		if (path && is_module(path, &compressed)) {
			c->modules += (uint64_t)size * (compressed ? COMPRESSED_MODULE_FACTOR : 1);
			c->nr_modules++;
		}
		/* The data is skipped by the next header read; reading it here would only check
		 * that it is all there, which the skip also does. */
	}
	if (rc != ARCHIVE_EOF)
		return kdk_err_set(err, EINVAL, "initramfs %s: %s (after %zu files, %" PRIu64
					     " bytes unpacked)", name,
				   archive_error_string(a) ? archive_error_string(a) : "unreadable",
				   c->nr_files, c->unpacked);
	if (!c->nr_files)
		return kdk_err_set(err, EINVAL, "initramfs %s: no files in it", name);
	return 0;
}

static struct archive *reader(struct kdk_err *err)
{
	struct archive *a = archive_read_new();

	if (!a) {
		kdk_err_set(err, ENOMEM, "libarchive reader");
		return NULL;
	}
	/* The compressions the kernel unpacks an initramfs from that libarchive reads in-process
	 * (filter_all would also run outside programs for some). */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_cpio(a);
	return a;
}

int kdk_initrd_contents_read(const char *path, struct kdk_initrd_contents *c, struct kdk_err *err)
{
	struct archive *a = reader(err);
	int rc;

	if (!a)
		return -err->code;
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK)
		rc = kdk_err_set(err, archive_errno(a) > 0 ? archive_errno(a) : EINVAL, "initramfs %s: %s",
				 path, archive_error_string(a) ? archive_error_string(a) : "cannot open");
	else
		rc = walk(a, path, c, err);
	archive_read_free(a);
	return rc;
}

int kdk_initrd_contents_read_memory(const void *image, size_t size, const char *name,
				    struct kdk_initrd_contents *c, struct kdk_err *err)
{
	struct archive *a = reader(err);
	int rc;

	if (!a)
		return -err->code;
	if (archive_read_open_memory(a, image, size) != ARCHIVE_OK)
		rc = kdk_err_set(err, EINVAL, "initramfs %s: %s", name,
				 archive_error_string(a) ? archive_error_string(a) : "cannot open");
	else
		rc = walk(a, name, c, err);
	archive_read_free(a);
	return rc;
}
