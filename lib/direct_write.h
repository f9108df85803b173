/* direct_write.h — the whole blocks of a large positioned write sent around the page cache
 * (O_DIRECT), the partial blocks at either end through the page cache, for the file sink. */
#ifndef KDK_DIRECT_WRITE_H
#define KDK_DIRECT_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

/* Writes shorter than this go through the page cache whole: a direct write waits for the disk,
 * which only pays where it saves copying a large run. */
#define KDK_DIRECT_WRITE_MIN (64u << 10)

struct kdk_direct_write;

/* A second, O_DIRECT description of the file open on fd (path names it; the same inode is
 * checked), where its file system is one whose direct writes are plain block writes (ext4, XFS,
 * btrfs). *dw is NULL, and 0 returned, where the file system is another or refuses O_DIRECT: the
 * caller writes through the page cache as before. Errors only for what must stop the save
 * (out of memory). fd and path are the caller's and must outlive *dw. */
int kdk_direct_write_open(struct kdk_direct_write **dw, int fd, const char *path,
			  struct kdk_err *err);

/* Write all len bytes of buf at offset: the 4 KiB blocks wholly inside through the direct
 * description (copied through an aligned buffer), the rest through fd; *cached says how many
 * bytes went through the page cache (the partial blocks, or all of a short write). A full disk
 * (ENOSPC, EDQUOT, EFBIG) is the write's error, naming path and the offset; any other failure of
 * a direct write (EINVAL: an alignment the device wants larger; EIO) turns direct writes off for
 * good and writes that part through fd, whose own error, if any, is the write's. Each call is
 * complete when it returns, so the writer's order (data before the descriptors that point at
 * it) holds on disk as it does through the page cache. */
int kdk_direct_write_at(struct kdk_direct_write *dw, uint64_t offset, const void *buf, size_t len,
			size_t *cached, struct kdk_err *err);

void kdk_direct_write_close(struct kdk_direct_write *dw);

#endif
