/* kdk_out.h — where a dump writer's bytes go: positioned writes into a seekable file, or (through
 * lib/flattened.h) records of the flattened stream on a pipe. Writers only see this interface. */
#ifndef KDK_OUT_H
#define KDK_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

struct kdk_out {
	const char *name;    /* for messages: the output path, or "stdout" */
	/* Write all len bytes at offset. A short write or ENOSPC is an error naming the output
	 * and the offset, never a silent partial success. */
	int (*write_at)(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
			struct kdk_err *err);
	/* Make what was written durable (fsync); NULL when there is nothing to do (a stream). */
	int (*sync)(struct kdk_out *out, struct kdk_err *err);
	/* Everything is written: end the stream (flattened end marker), close the file and
	 * report errors a close can still bring (delayed ENOSPC). NULL: nothing to do. */
	int (*finish)(struct kdk_out *out, struct kdk_err *err);
	/* Release the sink (closing its file if finish did not). NULL for a caller-owned one. */
	void (*release)(struct kdk_out *out);
};

/* Calls through the table; len 0 writes nothing. */
int kdk_out_write(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
		  struct kdk_err *err);
int kdk_out_sync(struct kdk_out *out, struct kdk_err *err);
int kdk_out_finish(struct kdk_out *out, struct kdk_err *err);
void kdk_out_release(struct kdk_out *out);

enum kdk_out_file_flags {
	KDK_OUT_OVERWRITE = 1,   /* truncate an existing file (test tools only); else EEXIST */
	/* Large writes' whole blocks around the page cache (O_DIRECT, lib/direct_write.h) where the
	 * file system takes it; elsewhere through the page cache as without the flag. */
	KDK_OUT_DIRECT = 2,
};

/* fsync the directory that holds path, so a rename or a new name in it survives a power cut or
 * the reboot right after a capture. EINVAL/EROFS (file systems that cannot) count as done. */
int kdk_fsync_parent_dir(const char *path, struct kdk_err *err);

/* Create path, mode 0600 (a dump holds all of the machine's memory), for positioned writes:
 * O_EXCL|O_NOFOLLOW (EEXIST for an existing file or link; without O_EXCL, ELOOP for a link). */
int kdk_out_file_open(struct kdk_out **out, const char *path, unsigned flags, struct kdk_err *err);

/* Full writes to a file descriptor (pipe or file), retrying short writes and EINTR. Errors name
 * `name`; `position` is only for the message (the stream offset of buf). */
int kdk_write_full(int fd, const char *name, uint64_t position, const void *buf, size_t len,
		   struct kdk_err *err);

/* Full positioned writes (pwrite), retrying short writes and EINTR; errors name `name` and the
 * offset. len 0 writes nothing. */
int kdk_pwrite_full(int fd, const char *name, uint64_t offset, const void *buf, size_t len,
		    struct kdk_err *err);

/* Full reads: *got < len only at end of file. */
int kdk_read_full(int fd, const char *name, uint64_t position, void *buf, size_t len, size_t *got,
		  struct kdk_err *err);

#endif
