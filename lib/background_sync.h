/* background_sync.h — a thread that makes a file durable while it is still being written:
 * fdatasync(fd) each time it is asked, one at a time, requests coalesced while one runs.
 *
 * Why: the page cache takes a dump's writes at memory speed; what makes it durable is the flush
 * of the disk's (or the hypervisor's) write cache, whose cost grows with what was written since
 * the last one. Flushing in the background while later pages are read and compressed leaves the
 * final fsync little to do, and a save cut short by a reset or a watchdog keeps on stable storage
 * what was flushed. The writer never waits for a flush it asked for. */
#ifndef KDK_BACKGROUND_SYNC_H
#define KDK_BACKGROUND_SYNC_H

#include "kdk_err.h"

struct kdk_background_sync;

/* Start the thread for fd (which stays the caller's). An error only when the thread cannot
 * start; the caller can then do without. */
int kdk_background_sync_start(struct kdk_background_sync **bs, int fd, struct kdk_err *err);

/* Ask for an fdatasync of everything written so far; returns at once. */
void kdk_background_sync_request(struct kdk_background_sync *bs);

/* Wait until no flush runs or is asked for. Returns the errno of the first background flush that
 * failed (0: none failed), and forgets it: a failed fdatasync reports its error to this file
 * description once, so the caller's own fsync afterwards could not see it. EINVAL and EROFS (a
 * file that cannot be synced) are not failures. */
int kdk_background_sync_drain(struct kdk_background_sync *bs);

/* Wait for a running flush, stop the thread and free; NULL is a no-op. */
void kdk_background_sync_stop(struct kdk_background_sync *bs);

#endif
