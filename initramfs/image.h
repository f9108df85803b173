/* image.h — writing an initramfs: a gzip-compressed newc cpio (what the kernel unpacks), built
 * with libarchive; parent directories are added as needed, times fixed so rebuilds compare. */
#ifndef MKDUMPRD_IMAGE_H
#define MKDUMPRD_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kdk_err.h"

struct rd_image;

/* Start OUTPUT (written as OUTPUT.part, renamed by rd_image_close). */
int rd_image_open(struct rd_image **out, const char *path, struct kdk_err *err);

/* Copy a host file into the image at dst (absolute path inside); mode 0 keeps the file's. */
int rd_image_add_file(struct rd_image *img, const char *src, const char *dst, mode_t mode,
		      struct kdk_err *err);
int rd_image_add_data(struct rd_image *img, const void *data, size_t size, const char *dst,
		      mode_t mode, struct kdk_err *err);
int rd_image_add_symlink(struct rd_image *img, const char *target, const char *dst,
			 struct kdk_err *err);
int rd_image_add_dir(struct rd_image *img, const char *dst, struct kdk_err *err);

/* Bytes of uncompressed content added so far. */
uint64_t rd_image_content_size(const struct rd_image *img);

/* Finish, rename into place; *size gets the compressed size. The image is freed either way. */
int rd_image_close(struct rd_image *img, uint64_t *size, struct kdk_err *err);
void rd_image_abort(struct rd_image *img);

#endif
