/* ssh_transfer.c — what a dump needs on the collector once connected: over SFTP, files written
 * at offsets (gathered into large sequential writes), directories, renames; over exec channels,
 * commands and a byte stream into a command's stdin (the flattened dump for servers without SFTP). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ssh_internal.h"

/* SFTP status → errno, and a text for messages. OpenSSH's server speaks version 3, which has
 * no "disk full" status: ENOSPC arrives as a plain failure. */
static int sftp_errno(unsigned long status)
{
	switch (status) {
	case LIBSSH2_FX_NO_SUCH_FILE: case LIBSSH2_FX_NO_SUCH_PATH: return ENOENT;
	case LIBSSH2_FX_PERMISSION_DENIED: case LIBSSH2_FX_WRITE_PROTECT: return EACCES;
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: case LIBSSH2_FX_QUOTA_EXCEEDED: return ENOSPC;
	case LIBSSH2_FX_FILE_ALREADY_EXISTS: return EEXIST;
	case LIBSSH2_FX_NO_CONNECTION: case LIBSSH2_FX_CONNECTION_LOST: return ECONNRESET;
	case LIBSSH2_FX_OP_UNSUPPORTED: return ENOTSUP;
	default: return EIO;
	}
}

static const char *sftp_status_text(unsigned long status)
{
	switch (status) {
	case LIBSSH2_FX_NO_SUCH_FILE: return "no such file";
	case LIBSSH2_FX_PERMISSION_DENIED: return "permission denied";
	case LIBSSH2_FX_FAILURE: return "the server reported a failure (a full disk shows this way)";
	case LIBSSH2_FX_NO_CONNECTION: return "no connection";
	case LIBSSH2_FX_CONNECTION_LOST: return "connection lost";
	case LIBSSH2_FX_OP_UNSUPPORTED: return "operation not supported by the server";
	case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM: return "no space left on the server's file system";
	case LIBSSH2_FX_QUOTA_EXCEEDED: return "quota exceeded";
	case LIBSSH2_FX_FILE_ALREADY_EXISTS: return "file exists";
	case LIBSSH2_FX_NO_SUCH_PATH: return "no such path";
	default: return "SFTP error";
	}
}

/* Fill err from the last failure: an SFTP status when the server answered, else the session's
 * error (connection lost, timeout). */
static int sftp_fail(struct kdk_ssh_session *s, const char *what, const char *path,
		     struct kdk_err *err)
{
	int code = kdk_ssh2->session_last_errno(s->session);

	if (code == LIBSSH2_ERROR_SFTP_PROTOCOL) {
		unsigned long status = kdk_ssh2->sftp_last_error(s->sftp);
		return kdk_err_set(err, sftp_errno(status), "%s: %s %s: %s", s->name, what, path,
				   sftp_status_text(status));
	}
	if (code == LIBSSH2_ERROR_TIMEOUT)
		return kdk_err_set(err, ETIMEDOUT, "%s: %s %s: no answer within %u s (libssh2: %s)",
				   s->name, what, path, s->timeout_s, kdk_ssh_last_error(s));
	return kdk_err_set(err, ECONNRESET, "%s: %s %s: the connection was lost (libssh2: %s)", s->name,
			   what, path, kdk_ssh_last_error(s));
}

/* After a failed fsync@openssh.com: did the server only say it does not have it? */
static bool sftp_fsync_unsupported(struct kdk_ssh_session *s)
{
	return kdk_ssh2->session_last_errno(s->session) == LIBSSH2_ERROR_SFTP_PROTOCOL &&
	       kdk_ssh2->sftp_last_error(s->sftp) == LIBSSH2_FX_OP_UNSUPPORTED;
}

static int need_sftp(struct kdk_ssh_session *s, struct kdk_err *err)
{
	if (!s->sftp)
		return kdk_err_set(err, ENOTSUP, "%s: the server offers no SFTP", s->name);
	return 0;
}

int kdk_ssh_sftp_exists(struct kdk_ssh_session *s, const char *path, bool *exists,
			struct kdk_err *err)
{
	LIBSSH2_SFTP_ATTRIBUTES attrs;
	int rc;

	*exists = false;
	if ((rc = need_sftp(s, err)) < 0)
		return rc;
	if (kdk_ssh2->sftp_stat_ex(s->sftp, path, (unsigned)strlen(path), LIBSSH2_SFTP_LSTAT, &attrs) == 0) {
		*exists = true;
		return 0;
	}
	if (kdk_ssh2->session_last_errno(s->session) == LIBSSH2_ERROR_SFTP_PROTOCOL &&
	    sftp_errno(kdk_ssh2->sftp_last_error(s->sftp)) == ENOENT)
		return 0;
	return sftp_fail(s, "stat", path, err);
}

static int is_directory(struct kdk_ssh_session *s, const char *path, bool *dir, struct kdk_err *err)
{
	LIBSSH2_SFTP_ATTRIBUTES attrs;

	*dir = false;
	if (kdk_ssh2->sftp_stat_ex(s->sftp, path, (unsigned)strlen(path), LIBSSH2_SFTP_STAT, &attrs) == 0) {
		*dir = (attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS) &&
		       LIBSSH2_SFTP_S_ISDIR(attrs.permissions);
		if (!*dir)
			return kdk_err_set(err, ENOTDIR, "%s: %s exists and is not a directory", s->name, path);
		return 0;
	}
	if (kdk_ssh2->session_last_errno(s->session) == LIBSSH2_ERROR_SFTP_PROTOCOL &&
	    sftp_errno(kdk_ssh2->sftp_last_error(s->sftp)) == ENOENT)
		return 0;
	return sftp_fail(s, "stat", path, err);
}

int kdk_ssh_sftp_mkdir_p(struct kdk_ssh_session *s, const char *path, struct kdk_err *err)
{
	char *partial;
	size_t i, len = strlen(path);
	int rc = need_sftp(s, err);

	if (rc < 0)
		return rc;
	if (!(partial = strdup(path)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	for (i = 1; i <= len; i++) {
		bool dir;

		if (partial[i] != '/' && partial[i] != '\0')
			continue;
		partial[i] = '\0';
		if ((rc = is_directory(s, partial, &dir, err)) < 0)
			break;
		if (!dir && kdk_ssh2->sftp_mkdir_ex(s->sftp, partial, (unsigned)strlen(partial), 0700) < 0) {
			/* Another client may have made it meanwhile (dumps sent at once). */
			if ((rc = is_directory(s, partial, &dir, err)) < 0)
				break;
			if (!dir) {
				rc = sftp_fail(s, "mkdir", partial, err);
				break;
			}
		}
		partial[i] = path[i];
	}
	free(partial);
	return rc < 0 ? rc : 0;
}

int kdk_ssh_sftp_remove(struct kdk_ssh_session *s, const char *path, struct kdk_err *err)
{
	int rc = need_sftp(s, err);
	bool exists;

	if (rc < 0)
		return rc;
	if (kdk_ssh2->sftp_unlink_ex(s->sftp, path, (unsigned)strlen(path)) == 0)
		return 0;
	if ((rc = kdk_ssh_sftp_exists(s, path, &exists, err)) < 0)
		return rc;
	return exists ? sftp_fail(s, "remove", path, err) : 0;
}

int kdk_ssh_sftp_rename(struct kdk_ssh_session *s, const char *from, const char *to,
			struct kdk_err *err)
{
	int rc = need_sftp(s, err);
	bool exists;

	if (rc < 0)
		return rc;
	if (kdk_ssh2->sftp_rename_ex(s->sftp, from, (unsigned)strlen(from), to, (unsigned)strlen(to),
				   LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
				   LIBSSH2_SFTP_RENAME_NATIVE) == 0)
		return 0;
	/* SFTP version 3 (OpenSSH) cannot replace: remove the old file, then rename. */
	if ((rc = kdk_ssh_sftp_exists(s, to, &exists, err)) < 0)
		return rc;
	if (!exists)
		return sftp_fail(s, "rename to", to, err);
	if (kdk_ssh2->sftp_unlink_ex(s->sftp, to, (unsigned)strlen(to)) < 0)
		return sftp_fail(s, "remove", to, err);
	if (kdk_ssh2->sftp_rename_ex(s->sftp, from, (unsigned)strlen(from), to, (unsigned)strlen(to),
				   LIBSSH2_SFTP_RENAME_NATIVE) < 0)
		return sftp_fail(s, "rename to", to, err);
	return 0;
}

/* ---- an SFTP file as a kdk_out ---- */

/* The dump writers write pages in order with the header and bitmaps elsewhere: gathering
 * contiguous writes into one buffer turns thousands of page-sized requests into a few large
 * ones, which libssh2 pipelines. */
#define SFTP_GATHER_SIZE (1u << 20)

struct sftp_out {
	struct kdk_out out;          /* first: the sink is the sftp_out */
	struct kdk_ssh_session *s;
	LIBSSH2_SFTP_HANDLE *handle;
	char *path;
	char *name;                  /* ssh://user@host:port/path, for messages */
	unsigned char *buf;
	uint64_t buf_offset;         /* file offset of buf[0] */
	size_t buf_len;
};

static int sftp_write_direct(struct sftp_out *f, uint64_t offset, const unsigned char *p, size_t len,
			     struct kdk_err *err)
{
	size_t done = 0;

	kdk_ssh2->sftp_seek64(f->handle, offset);
	while (done < len) {
		ssize_t n = kdk_ssh2->sftp_write(f->handle, (const char *)p + done, len - done);
		if (n < 0) {
			char what[64];
			snprintf(what, sizeof(what), "write at offset 0x%llx of",
				 (unsigned long long)(offset + done));
			return sftp_fail(f->s, what, f->path, err);
		}
		if (n == 0)
			return kdk_err_set(err, EIO, "%s: write at offset 0x%llx wrote nothing", f->name,
					   (unsigned long long)(offset + done));
		done += (size_t)n;
	}
	return 0;
}

static int sftp_flush(struct sftp_out *f, struct kdk_err *err)
{
	int rc;

	if (!f->buf_len)
		return 0;
	rc = sftp_write_direct(f, f->buf_offset, f->buf, f->buf_len, err);
	f->buf_len = 0;
	return rc;
}

static int sftp_write_at(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
			 struct kdk_err *err)
{
	struct sftp_out *f = (struct sftp_out *)out;
	int rc;

	if (f->buf_len && offset == f->buf_offset + f->buf_len && len <= SFTP_GATHER_SIZE - f->buf_len) {
		memcpy(f->buf + f->buf_len, buf, len);
		f->buf_len += len;
		return 0;
	}
	if ((rc = sftp_flush(f, err)) < 0)
		return rc;
	if (len >= SFTP_GATHER_SIZE)
		return sftp_write_direct(f, offset, buf, len, err);
	memcpy(f->buf, buf, len);
	f->buf_offset = offset;
	f->buf_len = len;
	return 0;
}

static int sftp_sync(struct kdk_out *out, struct kdk_err *err)
{
	struct sftp_out *f = (struct sftp_out *)out;
	int rc = sftp_flush(f, err);

	if (rc < 0)
		return rc;
	/* fsync@openssh.com: a server without the extension answers SSH_FX_OP_UNSUPPORTED and the
	 * close's status is then what we have. Any other answer (the server's fsync(2) failed:
	 * EIO, ENOSPC from delayed allocation…) or a lost connection fails the save: the dump is
	 * then not renamed complete and its -incomplete name stays. */
	if (kdk_ssh2->sftp_fsync(f->handle) < 0 && !sftp_fsync_unsupported(f->s))
		return sftp_fail(f->s, "fsync", f->path, err);
	return 0;
}

static int sftp_finish(struct kdk_out *out, struct kdk_err *err)
{
	struct sftp_out *f = (struct sftp_out *)out;
	int rc = sftp_sync(out, err);
	LIBSSH2_SFTP_HANDLE *handle = f->handle;

	f->handle = NULL;
	/* The close's status comes after every write's: the server has taken every byte. */
	if (kdk_ssh2->sftp_close_handle(handle) < 0 && rc == 0)
		rc = sftp_fail(f->s, "close", f->path, err);
	return rc;
}

static void sftp_release(struct kdk_out *out)
{
	struct sftp_out *f = (struct sftp_out *)out;

	if (f->handle)
		kdk_ssh2->sftp_close_handle(f->handle);
	free(f->buf);
	free(f->path);
	free(f->name);
	free(f);
}

int kdk_ssh_sftp_create(struct kdk_ssh_session *s, const char *path, struct kdk_out **out,
			struct kdk_err *err)
{
	struct sftp_out *f;
	int rc = need_sftp(s, err);

	*out = NULL;
	if (rc < 0)
		return rc;
	if (!(f = calloc(1, sizeof(*f))) || !(f->buf = malloc(SFTP_GATHER_SIZE)) ||
	    !(f->path = strdup(path)) || asprintf(&f->name, "ssh://%s%s", s->name, path) < 0) {
		if (f) {
			free(f->buf);
			free(f->path);
			free(f);
		}
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	f->s = s;
	f->handle = kdk_ssh2->sftp_open_ex(s->sftp, path, (unsigned)strlen(path),
					 LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_EXCL,
					 0600, LIBSSH2_SFTP_OPENFILE);
	if (!f->handle) {
		rc = sftp_fail(s, "create", path, err);
		sftp_release(&f->out);
		return rc;
	}
	f->out.name = f->name;
	f->out.write_at = sftp_write_at;
	f->out.sync = sftp_sync;
	f->out.finish = sftp_finish;
	f->out.release = sftp_release;
	*out = &f->out;
	return 0;
}

/* ---- exec channels ---- */

static int channel_fail(struct kdk_ssh_session *s, const char *what, const char *command,
			struct kdk_err *err)
{
	int code = kdk_ssh2->session_last_errno(s->session);

	return kdk_err_set(err, code == LIBSSH2_ERROR_TIMEOUT ? ETIMEDOUT : ECONNRESET, "%s: %s \"%s\": %s",
			   s->name, what, command, kdk_ssh_last_error(s));
}

static LIBSSH2_CHANNEL *start_command(struct kdk_ssh_session *s, const char *command,
				      struct kdk_err *err)
{
	LIBSSH2_CHANNEL *channel = kdk_ssh2->channel_open_ex(s->session, "session", sizeof("session") - 1, LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);

	if (!channel) {
		channel_fail(s, "cannot open a channel for", command, err);
		return NULL;
	}
	if (kdk_ssh2->channel_process_startup(channel, "exec", sizeof("exec") - 1, command, (unsigned)strlen(command)) < 0) {
		channel_fail(s, "cannot run", command, err);
		kdk_ssh2->channel_free(channel);
		return NULL;
	}
	return channel;
}

/* EOF in, wait for the command to end; its status, and its stderr's first line into err_line. */
static int end_command(struct kdk_ssh_session *s, LIBSSH2_CHANNEL *channel, const char *command,
		       int *status, char *err_line, size_t err_size, struct kdk_err *err)
{
	char chunk[512];
	size_t used = 0;
	ssize_t n;

	err_line[0] = '\0';
	if (kdk_ssh2->channel_send_eof(channel) < 0)
		return channel_fail(s, "cannot end the input of", command, err);
	for (;;) {
		n = kdk_ssh2->channel_read_ex(channel, SSH_EXTENDED_DATA_STDERR, chunk, sizeof(chunk));
		if (n > 0) {
			size_t take = (size_t)n < err_size - 1 - used ? (size_t)n : err_size - 1 - used;
			memcpy(err_line + used, chunk, take);
			used += take;
			err_line[used] = '\0';
			continue;
		}
		n = kdk_ssh2->channel_read_ex(channel, 0, chunk, sizeof(chunk));
		if (n > 0)
			continue;
		if (n < 0)
			return channel_fail(s, "lost", command, err);
		if (kdk_ssh2->channel_eof(channel))
			break;
	}
	if (kdk_ssh2->channel_wait_closed(channel) < 0)
		return channel_fail(s, "lost", command, err);
	*status = kdk_ssh2->channel_get_exit_status(channel);
	err_line[strcspn(err_line, "\n")] = '\0';
	return 0;
}

int kdk_ssh_exec(struct kdk_ssh_session *s, const char *command, int *status, struct kdk_err *err)
{
	LIBSSH2_CHANNEL *channel = start_command(s, command, err);
	char err_line[256];
	int rc;

	if (!channel)
		return -err->code;
	rc = end_command(s, channel, command, status, err_line, sizeof(err_line), err);
	kdk_ssh2->channel_free(channel);
	if (rc == 0 && *status != 0 && err_line[0])
		kdk_err_set(err, EIO, "%s: \"%s\" exited %d: %s", s->name, command, *status, err_line);
	else if (rc == 0 && *status != 0)
		kdk_err_set(err, EIO, "%s: \"%s\" exited %d", s->name, command, *status);
	return rc;
}

/* The flattened stream comes as a 16-byte record head and then its data: gathered, they go in
 * full SSH packets instead of one small packet each. */
#define EXEC_GATHER_SIZE (256u << 10)

struct exec_out {
	struct kdk_out out;          /* first: the sink is the exec_out */
	struct kdk_ssh_session *s;
	LIBSSH2_CHANNEL *channel;
	char *command;
	char *name;
	uint64_t position;           /* stream bytes sent */
	unsigned char *buf;
	size_t buf_len;
};

static int channel_send(struct exec_out *e, const unsigned char *p, size_t len, struct kdk_err *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = kdk_ssh2->channel_write_ex(e->channel, 0, (const char *)p + done, len - done);
		if (n < 0)
			return kdk_err_set(err, ECONNRESET, "%s: write at stream offset 0x%llx: %s", e->name,
					   (unsigned long long)(e->position + done), kdk_ssh_last_error(e->s));
		done += (size_t)n;
	}
	e->position += len;
	return 0;
}

static int exec_flush(struct exec_out *e, struct kdk_err *err)
{
	int rc = e->buf_len ? channel_send(e, e->buf, e->buf_len, err) : 0;

	e->buf_len = 0;
	return rc;
}

static int exec_write_at(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
			 struct kdk_err *err)
{
	struct exec_out *e = (struct exec_out *)out;
	int rc;

	(void)offset;    /* a stream: bytes go in the order they come */
	if (len <= EXEC_GATHER_SIZE - e->buf_len) {
		memcpy(e->buf + e->buf_len, buf, len);
		e->buf_len += len;
		return 0;
	}
	if ((rc = exec_flush(e, err)) < 0)
		return rc;
	if (len >= EXEC_GATHER_SIZE)
		return channel_send(e, buf, len, err);
	memcpy(e->buf, buf, len);
	e->buf_len = len;
	return 0;
}

static int exec_finish(struct kdk_out *out, struct kdk_err *err)
{
	struct exec_out *e = (struct exec_out *)out;
	char err_line[256];
	int status = -1, rc;

	if ((rc = exec_flush(e, err)) < 0)
		return rc;
	rc = end_command(e->s, e->channel, e->command, &status, err_line, sizeof(err_line), err);
	kdk_ssh2->channel_free(e->channel);
	e->channel = NULL;
	if (rc < 0)
		return rc;
	if (status != 0)
		return kdk_err_set(err, EIO, "%s: \"%s\" exited %d%s%s", e->s->name, e->command, status,
				   err_line[0] ? ": " : "", err_line);
	return 0;
}

static void exec_release(struct kdk_out *out)
{
	struct exec_out *e = (struct exec_out *)out;

	if (e->channel)
		kdk_ssh2->channel_free(e->channel);
	free(e->buf);
	free(e->command);
	free(e->name);
	free(e);
}

int kdk_ssh_exec_stream(struct kdk_ssh_session *s, const char *command, struct kdk_out **out,
			struct kdk_err *err)
{
	struct exec_out *e = calloc(1, sizeof(*e));

	*out = NULL;
	if (!e || !(e->buf = malloc(EXEC_GATHER_SIZE)) || !(e->command = strdup(command)) ||
	    asprintf(&e->name, "ssh://%s (\"%s\")", s->name, command) < 0) {
		if (e) {
			free(e->buf);
			free(e->command);
		}
		free(e);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	e->s = s;
	if (!(e->channel = start_command(s, command, err))) {
		exec_release(&e->out);
		return -err->code;
	}
	e->out.name = e->name;
	e->out.write_at = exec_write_at;
	e->out.finish = exec_finish;
	e->out.release = exec_release;
	*out = &e->out;
	return 0;
}
