/* kdk_out.c — the output sink calls, the seekable-file sink (pwrite, fsync, checked close) and
 * full-read/full-write helpers shared with the flattened stream. */
#include "kdk_out.h"

#include "background_sync.h"
#include "direct_write.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int kdk_out_write(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
		  struct kdk_err *err)
{
	if (len == 0)
		return 0;
	if (offset > INT64_MAX || len > INT64_MAX - offset)
		return kdk_err_set(err, EFBIG, "%s: write of %zu bytes at offset 0x%llx is past 2^63",
				   out->name, len, (unsigned long long)offset);
	return out->write_at(out, offset, buf, len, err);
}

int kdk_out_sync(struct kdk_out *out, struct kdk_err *err)
{
	return out->sync ? out->sync(out, err) : 0;
}

int kdk_out_finish(struct kdk_out *out, struct kdk_err *err)
{
	return out->finish ? out->finish(out, err) : 0;
}

void kdk_out_release(struct kdk_out *out)
{
	if (out && out->release)
		out->release(out);
}

/* Every byte of buf, through write (positioned false: the descriptor's own position, which
 * position only names in messages) or pwrite at position. */
static int write_all(int fd, bool positioned, const char *name, uint64_t position, const void *buf,
		     size_t len, struct kdk_err *err)
{
	const unsigned char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = positioned ? pwrite(fd, p + done, len - done, (off_t)(position + done))
				       : write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kdk_err_sys(err, errno, "%s: write of %zu bytes at offset 0x%llx failed", name,
					   len - done, (unsigned long long)(position + done));
		if (n == 0)
			return kdk_err_set(err, EIO, "%s: write at offset 0x%llx wrote nothing", name,
					   (unsigned long long)(position + done));
		done += (size_t)n;
	}
	return 0;
}

int kdk_write_full(int fd, const char *name, uint64_t position, const void *buf, size_t len,
		   struct kdk_err *err)
{
	return write_all(fd, false, name, position, buf, len, err);
}

int kdk_pwrite_full(int fd, const char *name, uint64_t offset, const void *buf, size_t len,
		    struct kdk_err *err)
{
	return write_all(fd, true, name, offset, buf, len, err);
}

int kdk_read_full(int fd, const char *name, uint64_t position, void *buf, size_t len, size_t *got,
		  struct kdk_err *err)
{
	unsigned char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*got = done;
			return kdk_err_sys(err, errno, "%s: read at offset 0x%llx failed", name,
					   (unsigned long long)(position + done));
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return 0;
}

struct file_out {
	struct kdk_out out;     /* first: the sink is the file_out */
	char *path;
	int fd;
	uint64_t unkicked;      /* bytes written since the last background flush was asked for */
	bool dirty;             /* written since the last fsync that succeeded */
	/* fdatasync in a thread of its own, started at the first WRITEBACK_KICK bytes; NULL before,
	 * with one CPU online, or when the thread could not start (then writeback is only started,
	 * not waited for). */
	struct kdk_background_sync *flusher;
	bool no_flusher;        /* one CPU, or it could not start: do not try again */
	struct kdk_direct_write *direct;  /* KDK_OUT_DIRECT where the file system takes it, or NULL */
};

/* Every WRITEBACK_KICK bytes written, the background thread is asked to fdatasync the file, so
 * that the disk (and its write cache) takes the dump while the pages that follow are read and
 * compressed: the final fsync finds little left, and a save cut short keeps what was flushed.
 * On the lab's disk the final fsync of a 46 MB dump fell from ~35 to ~5 ms (docs/benchmarks.md). */
#define WRITEBACK_KICK (8u << 20)

static void kick_writeback(struct file_out *f)
{
	struct kdk_err ignored = { 0 };

	/* The flushing thread only where a second CPU can run it. With one (a capture kernel's
	 * usual nr_cpus=1) its fdatasyncs take the CPU the compression needs: in the 1-CPU capture
	 * cycle (tests/bench/16-capture-cycle.sh, 6.1, 3 rounds each, docs/benchmarks.md) /init to
	 * power-off took 2.49/3.83/3.72 s with it and 2.18/2.51/3.29 s with writeback only started
	 * (cycle 1.31× and 0.99× the reference's). */
	if (!f->flusher && !f->no_flusher &&
	    (sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
	     kdk_background_sync_start(&f->flusher, f->fd, &ignored) < 0))
		f->no_flusher = true;
	if (f->flusher)
		kdk_background_sync_request(f->flusher);
	else    /* only a hint: a file system that cannot (EINVAL, ESPIPE) loses nothing */
		(void)sync_file_range(f->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

static int file_write_at(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
			 struct kdk_err *err)
{
	struct file_out *f = (struct file_out *)out;
	size_t cached = len;     /* what the page cache took: only that is for writeback */
	int rc = f->direct && len >= KDK_DIRECT_WRITE_MIN
		 ? kdk_direct_write_at(f->direct, offset, buf, len, &cached, err)
		 : kdk_pwrite_full(f->fd, f->path, offset, buf, len, err);

	if (rc < 0)
		return rc;
	f->dirty = true;
	f->unkicked += cached;
	if (f->unkicked >= WRITEBACK_KICK) {
		f->unkicked = 0;
		kick_writeback(f);
	}
	return 0;
}

static int file_sync(struct kdk_out *out, struct kdk_err *err)
{
	struct file_out *f = (struct file_out *)out;
	int code;

	/* A background flush that failed reported its error to it alone (a file description hears
	 * of a writeback error once): it is this sync's failure. */
	if (f->flusher && (code = kdk_background_sync_drain(f->flusher))) {
		f->dirty = true;
		return kdk_err_sys(err, code, "%s: fsync failed", f->path);
	}
	/* Delayed allocation can report ENOSPC only here: the caller must not mark the dump
	 * complete before this succeeds. Nothing written since the last one: nothing to make
	 * durable (a journal commit and a disk flush saved; the close still checks). */
	if (!f->dirty)
		return 0;
	if (fsync(f->fd) < 0 && errno != EINVAL && errno != EROFS)
		return kdk_err_sys(err, errno, "%s: fsync failed", f->path);
	f->dirty = false;
	return 0;
}

static int file_finish(struct kdk_out *out, struct kdk_err *err)
{
	struct file_out *f = (struct file_out *)out;
	int rc = file_sync(out, err);
	int fd = f->fd;

	kdk_background_sync_stop(f->flusher);
	f->flusher = NULL;
	kdk_direct_write_close(f->direct);
	f->direct = NULL;
	f->fd = -1;
	if (close(fd) < 0 && rc == 0)
		rc = kdk_err_sys(err, errno, "%s: close failed", f->path);
	return rc;
}

static void file_release(struct kdk_out *out)
{
	struct file_out *f = (struct file_out *)out;

	kdk_background_sync_stop(f->flusher);
	kdk_direct_write_close(f->direct);
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
}

int kdk_fsync_parent_dir(const char *path, struct kdk_err *err)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == path ? strdup("/") : slash ? strndup(path, (size_t)(slash - path))
							: strdup(".");
	int fd, rc = 0;

	if (!dir)
		return kdk_err_set(err, ENOMEM, "%s: out of memory", path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		rc = kdk_err_sys(err, errno, "%s: cannot open the directory to fsync it", dir);
	else if (fsync(fd) < 0 && errno != EINVAL && errno != EROFS)
		rc = kdk_err_sys(err, errno, "%s: fsync of the directory failed", dir);
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int kdk_out_file_open(struct kdk_out **out, const char *path, unsigned flags, struct kdk_err *err)
{
	/* O_NOFOLLOW always: a link planted at the output path (a shared dump directory) must never
	 * receive the memory image. O_EXCL unless asked to overwrite: an existing file may be the
	 * only copy of an earlier crash. */
	int oflags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	struct file_out *f;
	struct stat st;
	int rc;

	*out = NULL;
	oflags |= flags & KDK_OUT_OVERWRITE ? O_TRUNC : O_EXCL;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return kdk_err_set(err, ENOMEM, "%s: out of memory", path);
	}
	f->fd = open(path, oflags, 0600);
	if (f->fd < 0) {
		int code = errno;
		free(f->path);
		free(f);
		if (code == ELOOP)
			return kdk_err_set(err, code, "%s is a symbolic link: not writing through it", path);
		if (code == EEXIST)
			return kdk_err_set(err, code, "%s exists (a file or a link): not overwriting it", path);
		return kdk_err_sys(err, code, "%s: cannot create", path);
	}
	/* An existing file keeps its mode through O_TRUNC: a dump is never group- or world-readable.
	 * (A device given as output keeps its mode: it is not ours to change.) */
	if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && fchmod(f->fd, 0600) < 0) {
		int code = errno;
		file_release(&f->out);
		return kdk_err_sys(err, code, "%s: cannot set mode 0600", path);
	}
	if ((flags & KDK_OUT_DIRECT) && (rc = kdk_direct_write_open(&f->direct, f->fd, path, err)) < 0) {
		file_release(&f->out);
		return rc;
	}
	f->out.name = f->path;
	f->out.write_at = file_write_at;
	f->out.sync = file_sync;
	f->out.finish = file_finish;
	f->out.release = file_release;
	*out = &f->out;
	return 0;
}
