/* kdk_fault.c — a test-only LD_PRELOAD shim that makes reads, writes, fsync, rename and open of
 * chosen files fail (EIO, ENOSPC…), by byte range or from some point on; never linked into a product. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * Environment (docs/faults.md):
 *   KDK_FAULT_PATH=TEXT            faults apply to files whose path (as opened) contains TEXT
 *   KDK_FAULT_READ=ERR:START-END[,…]   a read touching file bytes [START, END) fails whole with ERR
 *   KDK_FAULT_WRITE=ERR:OFFSET     a write reaching byte OFFSET or beyond fails with ERR (the part
 *                                  below OFFSET is written first: a short write, as a full disk gives)
 *   KDK_FAULT_WRITE_AFTER=ERR:BYTES  once BYTES bytes went to matching files, every write, fsync
 *                                  and rename of them fails with ERR (the disk went away)
 *   KDK_FAULT_FSYNC=ERR            fsync/fdatasync of a matching file fails
 *   KDK_FAULT_RENAME=ERR           rename from a matching path fails
 *   KDK_FAULT_OPEN=ERR             creating a matching file (O_CREAT) fails
 *   KDK_FAULT_LOG=FILE             one line per fault injected, so a test knows it fired
 * ERR is a name (EIO, ENOSPC, EROFS, EACCES) or a number; numbers take 0x for hex.
 */

struct range {
	uint64_t start, end;
};

static struct {
	pthread_mutex_t lock;
	bool ready;
	const char *path;
	int read_err;
	struct range *reads;
	size_t nr_reads;
	int write_err;
	uint64_t write_from;
	int after_err;
	uint64_t after_bytes, written;
	int fsync_err, rename_err, open_err;
	const char *log;
	bool *watched;          /* by fd: opened with a matching path */
	size_t watched_len;
} fault = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int errno_of(const char *text)
{
	static const struct { const char *name; int code; } names[] = {
		{ "EIO", EIO }, { "ENOSPC", ENOSPC }, { "EROFS", EROFS }, { "EACCES", EACCES },
		{ "EDQUOT", EDQUOT }, { "ENODEV", ENODEV }, { "ENXIO", ENXIO }, { "EFBIG", EFBIG },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strncmp(text, names[i].name, strlen(names[i].name)))
			return names[i].code;
	return (int)strtol(text, NULL, 0);
}

/* "ERR:REST": the code, and REST through *rest. */
static int split(const char *value, const char **rest)
{
	const char *colon = strchr(value, ':');

	*rest = colon ? colon + 1 : "";
	return errno_of(value);
}

static void setup(void)
{
	const char *v, *rest;

	if (fault.ready)
		return;
	fault.ready = true;
	fault.path = getenv("KDK_FAULT_PATH");
	fault.log = getenv("KDK_FAULT_LOG");
	if ((v = getenv("KDK_FAULT_READ"))) {
		fault.read_err = split(v, &rest);
		while (*rest) {
			char *end;
			struct range r;
			r.start = strtoull(rest, &end, 0);
			r.end = *end == '-' ? strtoull(end + 1, &end, 0) : r.start + 1;
			fault.reads = realloc(fault.reads, (fault.nr_reads + 1) * sizeof(*fault.reads));
			if (!fault.reads)
				abort();
			fault.reads[fault.nr_reads++] = r;
			rest = *end == ',' ? end + 1 : "";
		}
	}
	if ((v = getenv("KDK_FAULT_WRITE"))) {
		fault.write_err = split(v, &rest);
		fault.write_from = strtoull(rest, NULL, 0);
	}
	if ((v = getenv("KDK_FAULT_WRITE_AFTER"))) {
		fault.after_err = split(v, &rest);
		fault.after_bytes = strtoull(rest, NULL, 0);
	}
	if ((v = getenv("KDK_FAULT_FSYNC")))
		fault.fsync_err = errno_of(v);
	if ((v = getenv("KDK_FAULT_RENAME")))
		fault.rename_err = errno_of(v);
	if ((v = getenv("KDK_FAULT_OPEN")))
		fault.open_err = errno_of(v);
}

static bool path_matches(const char *path)
{
	return path && fault.path && *fault.path && strstr(path, fault.path);
}

static void say(const char *fmt, ...)
{
	static int (*real_open)(const char *, int, ...);
	char line[512];
	va_list ap;
	int fd, len;

	if (!fault.log)
		return;
	if (!real_open)
		real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	if ((size_t)len > sizeof(line) - 2)
		len = (int)sizeof(line) - 2;
	line[len++] = '\n';
	fd = real_open(fault.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		ssize_t (*real_write)(int, const void *, size_t) =
			(ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
		if (real_write(fd, line, (size_t)len) < 0) {
			/* a log line lost is only a log line */
		}
		close(fd);
	}
}

static void watch(int fd, const char *path)
{
	if (fd < 0)
		return;
	pthread_mutex_lock(&fault.lock);
	if ((size_t)fd >= fault.watched_len) {
		size_t len = (size_t)fd * 2 + 16;
		bool *grown = realloc(fault.watched, len * sizeof(*grown));
		if (!grown)
			abort();
		memset(grown + fault.watched_len, 0, (len - fault.watched_len) * sizeof(*grown));
		fault.watched = grown;
		fault.watched_len = len;
	}
	fault.watched[fd] = path_matches(path);
	pthread_mutex_unlock(&fault.lock);
}

static bool watched(int fd)
{
	bool w;

	pthread_mutex_lock(&fault.lock);
	w = fd >= 0 && (size_t)fd < fault.watched_len && fault.watched[fd];
	pthread_mutex_unlock(&fault.lock);
	return w;
}

#define REAL(name, type) \
	static __typeof__(type) real_##name; \
	if (!real_##name) \
		real_##name = (type)dlsym(RTLD_NEXT, #name)

/* ---- open ---- */

static int gone(void);

static int open_fault(const char *path, int flags)
{
	int code;

	setup();
	if (!(flags & O_CREAT) || !path_matches(path))
		return 0;
	if (!(code = gone()))
		code = fault.open_err;
	if (!code)
		return 0;
	say("open %s: %s", path, strerror(code));
	errno = code;
	return -1;
}

/* open's optional mode argument, present with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, mode)                                  \
	do {                                                    \
		if ((flags) & (O_CREAT | __O_TMPFILE)) {        \
			va_list ap;                             \
			va_start(ap, flags);                    \
			mode = (mode_t)va_arg(ap, int);         \
			va_end(ap);                             \
		}                                               \
	} while (0)

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;
	REAL(open, int (*)(const char *, int, ...));

	OPEN_MODE(flags, mode);
	if (open_fault(path, flags) < 0)
		return -1;
	fd = real_open(path, flags, mode);
	watch(fd, path);
	return fd;
}

int open64(const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;
	REAL(open64, int (*)(const char *, int, ...));

	OPEN_MODE(flags, mode);
	if (open_fault(path, flags) < 0)
		return -1;
	fd = real_open64(path, flags, mode);
	watch(fd, path);
	return fd;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;
	REAL(openat, int (*)(int, const char *, int, ...));

	OPEN_MODE(flags, mode);
	if (open_fault(path, flags) < 0)
		return -1;
	fd = real_openat(dirfd, path, flags, mode);
	watch(fd, path);
	return fd;
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	int fd;
	REAL(openat64, int (*)(int, const char *, int, ...));

	OPEN_MODE(flags, mode);
	if (open_fault(path, flags) < 0)
		return -1;
	fd = real_openat64(dirfd, path, flags, mode);
	watch(fd, path);
	return fd;
}

int close(int fd)
{
	REAL(close, int (*)(int));
	watch(fd, NULL);
	return real_close(fd);
}

/* ---- reads ---- */

/* len when [offset, offset + len) touches no faulty range; -1 when it does: the whole read
 * fails, as /proc/vmcore's read does when one page of it cannot be copied. */
static ssize_t read_room(int fd, uint64_t offset, size_t len)
{
	size_t i;

	setup();
	if (!fault.nr_reads || !watched(fd) || len == 0)
		return (ssize_t)len;
	for (i = 0; i < fault.nr_reads; i++) {
		const struct range *r = &fault.reads[i];
		if (offset < r->end && r->start < offset + len) {
			say("read fd %d offset 0x%llx (%zu bytes): %s", fd, (unsigned long long)offset,
			    len, strerror(fault.read_err));
			return -1;
		}
	}
	return (ssize_t)len;
}

#define PREAD_WRAPPER(name)                                                             \
	ssize_t name(int fd, void *buf, size_t len, off_t offset)                       \
	{                                                                               \
		ssize_t room = read_room(fd, (uint64_t)offset, len);                    \
		REAL(name, ssize_t (*)(int, void *, size_t, off_t));                    \
		if (room < 0) {                                                         \
			errno = fault.read_err;                                         \
			return -1;                                                      \
		}                                                                       \
		return real_##name(fd, buf, (size_t)room, offset);                      \
	}
PREAD_WRAPPER(pread)
PREAD_WRAPPER(pread64)

ssize_t read(int fd, void *buf, size_t len)
{
	ssize_t room = len;
	REAL(read, ssize_t (*)(int, void *, size_t));

	setup();
	if (fault.nr_reads && watched(fd)) {
		off_t at = lseek(fd, 0, SEEK_CUR);
		if (at >= 0)
			room = read_room(fd, (uint64_t)at, len);
	}
	if (room < 0) {
		errno = fault.read_err;
		return -1;
	}
	return real_read(fd, buf, (size_t)room);
}

/* ---- writes ---- */

/* How many bytes at offset may be written (a short write below the fault line); -1 and errno. */
static ssize_t write_room(int fd, uint64_t offset, size_t len)
{
	int code = 0;
	ssize_t room = (ssize_t)len;

	setup();
	if (!watched(fd) || len == 0)
		return room;
	pthread_mutex_lock(&fault.lock);
	if (fault.after_err && fault.written >= fault.after_bytes) {
		code = fault.after_err;
	} else if (fault.after_err && fault.after_bytes - fault.written < len) {
		room = (ssize_t)(fault.after_bytes - fault.written);
	}
	if (!code && fault.write_err && offset + (uint64_t)room > fault.write_from) {
		if (offset >= fault.write_from)
			code = fault.write_err;
		else
			room = (ssize_t)(fault.write_from - offset);
	}
	if (!code)
		fault.written += (uint64_t)room;
	pthread_mutex_unlock(&fault.lock);
	if (code) {
		say("write fd %d offset 0x%llx (%zu bytes): %s", fd, (unsigned long long)offset, len,
		    strerror(code));
		errno = code;
		return -1;
	}
	return room;
}

#define PWRITE_WRAPPER(name)                                                            \
	ssize_t name(int fd, const void *buf, size_t len, off_t offset)                 \
	{                                                                               \
		ssize_t room = write_room(fd, (uint64_t)offset, len);                   \
		REAL(name, ssize_t (*)(int, const void *, size_t, off_t));              \
		if (room < 0)                                                           \
			return -1;                                                      \
		return real_##name(fd, buf, (size_t)room, offset);                      \
	}
PWRITE_WRAPPER(pwrite)
PWRITE_WRAPPER(pwrite64)

ssize_t write(int fd, const void *buf, size_t len)
{
	ssize_t room = (ssize_t)len;
	REAL(write, ssize_t (*)(int, const void *, size_t));

	setup();
	if (watched(fd)) {
		off_t at = lseek(fd, 0, SEEK_CUR);
		room = write_room(fd, at >= 0 ? (uint64_t)at : 0, len);
	}
	if (room < 0)
		return -1;
	return real_write(fd, buf, (size_t)room);
}

/* ---- fsync, rename ---- */

static int gone(void)
{
	int code;

	pthread_mutex_lock(&fault.lock);
	code = fault.after_err && fault.written >= fault.after_bytes ? fault.after_err : 0;
	pthread_mutex_unlock(&fault.lock);
	return code;
}

static int sync_fault(int fd, const char *call)
{
	int code;

	setup();
	if (!watched(fd))
		return 0;
	code = gone();
	if (!code)
		code = fault.fsync_err;
	if (!code)
		return 0;
	say("%s fd %d: %s", call, fd, strerror(code));
	errno = code;
	return -1;
}

int fsync(int fd)
{
	REAL(fsync, int (*)(int));
	return sync_fault(fd, "fsync") < 0 ? -1 : real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(fdatasync, int (*)(int));
	return sync_fault(fd, "fdatasync") < 0 ? -1 : real_fdatasync(fd);
}

int rename(const char *from, const char *to)
{
	int code = 0;
	REAL(rename, int (*)(const char *, const char *));

	setup();
	if (path_matches(from) || path_matches(to)) {
		code = gone();
		if (!code)
			code = fault.rename_err;
	}
	if (code) {
		say("rename %s %s: %s", from, to, strerror(code));
		errno = code;
		return -1;
	}
	return real_rename(from, to);
}
