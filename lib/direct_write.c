/* direct_write.c — large positioned writes with their whole blocks around the page cache
 * (O_DIRECT), for the file sink (kdk_out.c).
 *
 * Why: a buffered write copies every byte into the page cache in the kernel, and the capture
 * kernel has one CPU and little memory for that cache. A direct write hands the disk the
 * process's own pages. The partial blocks at either end of a write go through the page cache,
 * so no block is ever written direct with bytes this call does not have. */
#include "direct_write.h"

#include "kdk_out.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Offsets, lengths and the buffer's address are kept multiples of this: the logical block size
 * of every disk in use (512 or 4096 bytes) divides it. A disk that wants more refuses with
 * EINVAL, and the writes go through the page cache from then on. */
#define DIRECT_ALIGN 4096u
/* The aligned buffer each direct write is copied through (a copy in the process is far cheaper
 * than the kernel's copy into the page cache, and the writer's buffers are not aligned). */
#define BOUNCE_SIZE (1u << 20)

struct kdk_direct_write {
	int fd;                    /* the O_DIRECT description; -1 once direct writes are off */
	int cached_fd;             /* the caller's, through the page cache */
	const char *path;          /* the caller's, for messages */
	unsigned char *bounce;     /* BOUNCE_SIZE bytes, DIRECT_ALIGN-aligned */
};

/* File systems whose O_DIRECT writes go to their blocks as they are. (NFS's go to the server
 * one at a time, synchronously; tmpfs has no disk.) */
static bool takes_direct_writes(int fd)
{
	struct statfs fs;

	if (fstatfs(fd, &fs) < 0)
		return false;
	switch ((unsigned long)fs.f_type) {
	case EXT4_SUPER_MAGIC:     /* ext2 and ext3 share it */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
		return true;
	default:
		return false;
	}
}

int kdk_direct_write_open(struct kdk_direct_write **out, int fd, const char *path,
			  struct kdk_err *err)
{
	struct kdk_direct_write *dw;
	struct stat have, opened;
	int dfd;

	*out = NULL;
	if (!takes_direct_writes(fd) || fstat(fd, &have) < 0 || !S_ISREG(have.st_mode))
		return 0;
	/* The path again, never through a link, and only if it is still the file fd has. */
	dfd = open(path, O_WRONLY | O_DIRECT | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	if (fstat(dfd, &opened) < 0 || opened.st_dev != have.st_dev || opened.st_ino != have.st_ino) {
		close(dfd);
		return 0;
	}
	dw = calloc(1, sizeof(*dw));
	if (!dw || posix_memalign((void **)&dw->bounce, DIRECT_ALIGN, BOUNCE_SIZE) != 0) {
		free(dw);
		close(dfd);
		return kdk_err_set(err, ENOMEM, "%s: out of memory", path);
	}
	dw->fd = dfd;
	dw->cached_fd = fd;
	dw->path = path;
	*out = dw;
	return 0;
}

static void direct_off(struct kdk_direct_write *dw)
{
	if (dw->fd >= 0)
		close(dw->fd);
	dw->fd = -1;
}

/* Whole blocks [offset, offset + len) through the direct description; *done says how many
 * bytes went (a multiple of DIRECT_ALIGN: the rest is for the page cache). */
static int write_blocks(struct kdk_direct_write *dw, uint64_t offset, const unsigned char *buf,
			size_t len, size_t *done, struct kdk_err *err)
{
	*done = 0;
	while (*done < len && dw->fd >= 0) {
		size_t piece = len - *done < BOUNCE_SIZE ? len - *done : BOUNCE_SIZE;
		ssize_t n;

		memcpy(dw->bounce, buf + *done, piece);
		n = pwrite(dw->fd, dw->bounce, piece, (off_t)(offset + *done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == ENOSPC || errno == EDQUOT || errno == EFBIG))
			return kdk_err_sys(err, errno, "%s: write of %zu bytes at offset 0x%llx failed",
					   dw->path, len - *done, (unsigned long long)(offset + *done));
		if (n < 0) {
			/* EINVAL: the disk wants another alignment. Anything else a direct write alone
			 * may meet (a driver's limit): the page cache gets the rest, and says for itself
			 * whether the disk takes it. */
			direct_off(dw);
			break;
		}
		if (n == 0)
			return kdk_err_set(err, EIO, "%s: write at offset 0x%llx wrote nothing", dw->path,
					   (unsigned long long)(offset + *done));
		*done += (size_t)n;
		if ((size_t)n % DIRECT_ALIGN)
			direct_off(dw);     /* a short write off a block edge: the rest buffered */
	}
	return 0;
}

int kdk_direct_write_at(struct kdk_direct_write *dw, uint64_t offset, const void *buf, size_t len,
			size_t *cached, struct kdk_err *err)
{
	const unsigned char *p = buf;
	size_t head = (size_t)(-offset & (DIRECT_ALIGN - 1)), blocks, done = 0;
	int rc;

	*cached = len;
	if (dw->fd < 0 || len < head + DIRECT_ALIGN)
		return kdk_pwrite_full(dw->cached_fd, dw->path, offset, buf, len, err);
	blocks = (len - head) & ~(size_t)(DIRECT_ALIGN - 1);
	if ((rc = kdk_pwrite_full(dw->cached_fd, dw->path, offset, p, head, err)) < 0 ||
	    (rc = write_blocks(dw, offset + head, p + head, blocks, &done, err)) < 0)
		return rc;
	*cached = len - done;
	return kdk_pwrite_full(dw->cached_fd, dw->path, offset + head + done, p + head + done,
			       len - head - done, err);
}

void kdk_direct_write_close(struct kdk_direct_write *dw)
{
	if (!dw)
		return;
	direct_off(dw);
	free(dw->bounce);
	free(dw);
}
