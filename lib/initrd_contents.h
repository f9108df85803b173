/* initrd_contents.h — what an initramfs image holds, read with libarchive (any compression it
 * knows, the newc cpio inside): the bytes its files take once unpacked, and the kernel modules
 * among them. kdumpctl estimate sizes the capture kernel's memory from it. */
#ifndef KDK_INITRD_CONTENTS_H
#define KDK_INITRD_CONTENTS_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

struct kdk_initrd_contents {
	uint64_t unpacked;             /* every regular file's size */
	uint64_t modules;              /* .ko files; compressed ones (.ko.xz, .ko.zst, …) count 3× */
	size_t nr_modules;
	size_t nr_files;
};

/* Read the image at path (name is what messages call it). A damaged or truncated image fails
 * with EINVAL naming the entry reached and its unpacked offset. */
int kdk_initrd_contents_read(const char *path, struct kdk_initrd_contents *c, struct kdk_err *err);
/* The same over an image in memory (tests, fuzzing). */
int kdk_initrd_contents_read_memory(const void *image, size_t size, const char *name,
				    struct kdk_initrd_contents *c, struct kdk_err *err);

#endif
