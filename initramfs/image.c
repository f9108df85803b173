/* image.c — the initramfs archive through libarchive (newc + gzip), with every parent
 * directory added once and fixed timestamps. */
#include "image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdk_array.h"
#include "kdk_out.h"

struct rd_image {
	struct archive *archive;
	int fd;                    /* <path>.part, created 0600 (it may hold the SSH private key) */
	char *path, *part;
	struct kdk_array dirs;     /* char *: directories already in the archive */
	uint64_t content_size;
};

static int archive_failed(struct rd_image *img, const char *what, struct kdk_err *err)
{
	return kdk_err_set(err, EIO, "%s: %s: %s", img->part, what,
			   archive_error_string(img->archive) ? archive_error_string(img->archive)
							      : "write failed");
}

static int write_header(struct rd_image *img, const char *dst, mode_t mode, int64_t size,
			const char *symlink, struct kdk_err *err)
{
	struct archive_entry *entry = archive_entry_new();
	int rc = 0;

	if (!entry)
		return kdk_err_set(err, ENOMEM, "out of memory");
	/* newc paths are relative to the root the kernel unpacks into. */
	archive_entry_set_pathname(entry, dst[0] == '/' ? dst + 1 : dst);
	archive_entry_set_mode(entry, mode);
	archive_entry_set_size(entry, size);
	archive_entry_set_uid(entry, 0);
	archive_entry_set_gid(entry, 0);
	archive_entry_set_mtime(entry, 0, 0);
	archive_entry_set_nlink(entry, S_ISDIR(mode) ? 2 : 1);
	if (symlink)
		archive_entry_set_symlink(entry, symlink);
	if (archive_write_header(img->archive, entry) != ARCHIVE_OK)
		rc = archive_failed(img, dst, err);
	archive_entry_free(entry);
	return rc;
}

static int have_dir(const struct rd_image *img, const char *dir)
{
	size_t i;
	for (i = 0; i < img->dirs.len; i++)
		if (!strcmp(*(char **)kdk_array_at(&img->dirs, i), dir))
			return 1;
	return 0;
}

int rd_image_add_dir(struct rd_image *img, const char *dst, struct kdk_err *err)
{
	char *copy, *slash;
	char **slot;
	int rc;

	if (!strcmp(dst, "/") || !*dst || have_dir(img, dst))
		return 0;
	if (!(copy = strdup(dst)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	slash = strrchr(copy, '/');
	if (slash && slash != copy) {
		*slash = '\0';
		rc = rd_image_add_dir(img, copy, err);
		*slash = '/';
		if (rc < 0) {
			free(copy);
			return rc;
		}
	}
	if ((rc = write_header(img, dst, S_IFDIR | 0755, 0, NULL, err)) < 0 ||
	    !(slot = kdk_array_push(&img->dirs, err))) {
		free(copy);
		return rc < 0 ? rc : -ENOMEM;
	}
	*slot = copy;
	return 0;
}

static int add_parent(struct rd_image *img, const char *dst, struct kdk_err *err)
{
	char *copy = strdup(dst), *slash;
	int rc = 0;

	if (!copy)
		return kdk_err_set(err, ENOMEM, "out of memory");
	slash = strrchr(copy, '/');
	if (slash && slash != copy) {
		*slash = '\0';
		rc = rd_image_add_dir(img, copy, err);
	}
	free(copy);
	return rc;
}

int rd_image_add_data(struct rd_image *img, const void *data, size_t size, const char *dst,
		      mode_t mode, struct kdk_err *err)
{
	int rc;

	if ((rc = add_parent(img, dst, err)) < 0 ||
	    (rc = write_header(img, dst, S_IFREG | (mode & 07777), (int64_t)size, NULL, err)) < 0)
		return rc;
	if (size && archive_write_data(img->archive, data, size) != (la_ssize_t)size)
		return archive_failed(img, dst, err);
	img->content_size += size;
	return 0;
}

int rd_image_add_file(struct rd_image *img, const char *src, const char *dst, mode_t mode,
		      struct kdk_err *err)
{
	char buf[65536];
	struct stat st;
	int fd, rc;
	ssize_t got;

	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", src);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return kdk_err_set(err, EINVAL, "%s: not a regular file", src);
	}
	if ((rc = add_parent(img, dst, err)) < 0 ||
	    (rc = write_header(img, dst, S_IFREG | ((mode ? mode : st.st_mode) & 07777),
			       st.st_size, NULL, err)) < 0) {
		close(fd);
		return rc;
	}
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(img->archive, buf, (size_t)got) != got) {
			close(fd);
			return archive_failed(img, dst, err);
		}
	close(fd);
	if (got < 0)
		return kdk_err_sys(err, errno, "%s", src);
	img->content_size += (uint64_t)st.st_size;
	return 0;
}

int rd_image_add_symlink(struct rd_image *img, const char *target, const char *dst,
			 struct kdk_err *err)
{
	int rc;

	if ((rc = add_parent(img, dst, err)) < 0)
		return rc;
	return write_header(img, dst, S_IFLNK | 0777, 0, target, err);
}

uint64_t rd_image_content_size(const struct rd_image *img)
{
	return img->content_size;
}

static void image_free(struct rd_image *img)
{
	size_t i;

	if (img->archive)
		archive_write_free(img->archive);
	if (img->fd >= 0)
		close(img->fd);
	for (i = 0; i < img->dirs.len; i++)
		free(*(char **)kdk_array_at(&img->dirs, i));
	kdk_array_free(&img->dirs);
	free(img->path);
	free(img->part);
	free(img);
}

int rd_image_open(struct rd_image **out, const char *path, struct kdk_err *err)
{
	struct rd_image *img = calloc(1, sizeof(*img));

	*out = NULL;
	if (!img)
		return kdk_err_set(err, ENOMEM, "out of memory");
	kdk_array_init(&img->dirs, sizeof(char *));
	img->fd = -1;
	if (!(img->path = strdup(path)) || asprintf(&img->part, "%s.part", path) < 0) {
		img->part = NULL;
		image_free(img);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	/* 0600 from the first byte: the image may hold the SSH private key, and a file created
	 * 0666 & ~umask and chmod-ed at close is readable by anyone in between. A stale .part (or
	 * a symlink planted there) is removed, and O_EXCL|O_NOFOLLOW create a fresh file. */
	if (unlink(img->part) < 0 && errno != ENOENT) {
		int rc = kdk_err_sys(err, errno, "%s: cannot remove the stale file", img->part);
		image_free(img);
		return rc;
	}
	img->fd = open(img->part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (img->fd < 0) {
		int rc = kdk_err_sys(err, errno, "%s: cannot create", img->part);
		image_free(img);
		return rc;
	}
	img->archive = archive_write_new();
	if (!img->archive || archive_write_set_format_cpio_newc(img->archive) != ARCHIVE_OK ||
	    archive_write_add_filter_gzip(img->archive) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(img->archive, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(img->archive, img->fd) != ARCHIVE_OK) {
		int rc = img->archive ? archive_failed(img, "cannot create", err)
				      : kdk_err_set(err, ENOMEM, "out of memory");
		unlink(img->part);
		image_free(img);
		return rc;
	}
	*out = img;
	return 0;
}

int rd_image_close(struct rd_image *img, uint64_t *size, struct kdk_err *err)
{
	struct stat st;
	int rc = 0;

	if (archive_write_close(img->archive) != ARCHIVE_OK)
		rc = archive_failed(img, "finishing", err);
	else if (fstat(img->fd, &st) < 0)
		rc = kdk_err_sys(err, errno, "%s", img->part);
	else if (fsync(img->fd) < 0)
		rc = kdk_err_sys(err, errno, "%s: fsync failed", img->part);
	else if (rename(img->part, img->path) < 0)
		rc = kdk_err_sys(err, errno, "rename %s to %s", img->part, img->path);
	else if ((rc = kdk_fsync_parent_dir(img->path, err)) == 0 && size)
		*size = (uint64_t)st.st_size;
	if (rc < 0)
		unlink(img->part);
	image_free(img);
	return rc;
}

void rd_image_abort(struct rd_image *img)
{
	if (!img)
		return;
	archive_write_close(img->archive);
	unlink(img->part);
	image_free(img);
}
