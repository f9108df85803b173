/* save_dest_ssh.c — the SSH destination rows: SFTP (files written at offsets, a normal vmcore),
 * and for servers without SFTP, POSIX shell commands over exec channels with the dump sent as a
 * flattened stream into "cat > FILE.flat". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flattened.h"
#include "save_dest.h"

/* ---- SSH: SFTP ---- */

static int sftp_exists(struct kdk_save_dest *d, const char *path, bool *exists, struct kdk_err *err)
{
	return kdk_ssh_sftp_exists(d->ssh, path, exists, err);
}

static int sftp_create(struct kdk_save_dest *d, const char *path, unsigned flags,
		       struct kdk_out **out, struct kdk_err *err)
{
	struct kdk_err probe_err = { 0 };
	bool exists = false;
	int rc;

	(void)flags;
	/* The server opens with O_CREAT|O_EXCL (SSH_FXF_EXCL) and says only "failure" when
	 * something is there: ask, so the caller can tell an existing file from a broken link. */
	if ((rc = kdk_ssh_sftp_create(d->ssh, path, out, err)) < 0 &&
	    kdk_ssh_sftp_exists(d->ssh, path, &exists, &probe_err) == 0 && exists)
		return kdk_err_set(err, EEXIST, "%s%s exists (a file or a link): not overwriting it",
				   d->prefix, path);
	return rc;
}

static int sftp_rename(struct kdk_save_dest *d, const char *from, const char *to, struct kdk_err *err)
{
	return kdk_ssh_sftp_rename(d->ssh, from, to, err);
}

static int sftp_mkdir_p(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	return kdk_ssh_sftp_mkdir_p(d->ssh, path, err);
}

static int sftp_remove(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	return kdk_ssh_sftp_remove(d->ssh, path, err);
}

static void ssh_close(struct kdk_save_dest *d)
{
	kdk_ssh_close(d->ssh);
}

static const struct kdk_save_dest_ops sftp_ops = {
	sftp_exists, sftp_create, sftp_rename, sftp_mkdir_p, sftp_remove, ssh_close,
};

/* ---- SSH: exec channels (POSIX shell commands on the server) ---- */

/* Run "FORMAT" with the quoted paths put in; *status gets the exit status. */
static int run_quoted(struct kdk_save_dest *d, const char *format, const char *a, const char *b,
		      int *status, struct kdk_err *err)
{
	char *qa = kdk_shell_quote(a), *qb = b ? kdk_shell_quote(b) : NULL, *command = NULL;
	int rc;

	if (!qa || (b && !qb) || asprintf(&command, format, qa, qb ? qb : "") < 0) {
		free(qa);
		free(qb);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	rc = kdk_ssh_exec(d->ssh, command, status, err);
	free(command);
	free(qa);
	free(qb);
	return rc;
}

static int exec_exists(struct kdk_save_dest *d, const char *path, bool *exists, struct kdk_err *err)
{
	int status, rc = run_quoted(d, "test -e %s || test -L %s", path, path, &status, err);

	*exists = rc == 0 && status == 0;
	if (rc == 0 && status > 1)
		return -err->code;
	kdk_err_clear(err);
	return rc;
}

static int exec_create(struct kdk_save_dest *d, const char *path, unsigned flags,
		       struct kdk_out **out, struct kdk_err *err)
{
	char *q = kdk_shell_quote(path), *command = NULL;
	struct kdk_out *stream = NULL;
	int rc;

	*out = NULL;
	/* noclobber: the shell opens with O_EXCL, so an existing file or link is never written. */
	if (!q || asprintf(&command, "umask 077 && set -C && cat > %s", q) < 0) {
		free(q);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	rc = kdk_ssh_exec_stream(d->ssh, command, &stream, err);
	free(command);
	free(q);
	if (rc < 0)
		return rc;
	if (flags & KDK_DEST_SEQUENTIAL) {
		*out = stream;
		return 0;
	}
	return kdk_flat_out_wrap(out, stream, err);
}

static int exec_rename(struct kdk_save_dest *d, const char *from, const char *to, struct kdk_err *err)
{
	int status, rc = run_quoted(d, "mv -f -- %s %s", from, to, &status, err);

	return rc < 0 ? rc : status ? -err->code : 0;
}

static int exec_mkdir_p(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	int status, rc = run_quoted(d, "mkdir -p -m 700 -- %s%s", path, NULL, &status, err);

	return rc < 0 ? rc : status ? -err->code : 0;
}

static int exec_remove(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	int status, rc = run_quoted(d, "rm -f -- %s%s", path, NULL, &status, err);

	return rc < 0 ? rc : status ? -err->code : 0;
}

static const struct kdk_save_dest_ops exec_ops = {
	exec_exists, exec_create, exec_rename, exec_mkdir_p, exec_remove, ssh_close,
};

int kdk_save_dest_ssh(struct kdk_save_dest **dest, const struct kdk_ssh_params *params,
		      struct kdk_err *err)
{
	struct kdk_ssh_session *s;
	char prefix[400];
	int rc;

	*dest = NULL;
	if ((rc = kdk_ssh_connect(params, &s, err)) < 0)
		return rc;
	snprintf(prefix, sizeof(prefix), "ssh://%s", kdk_ssh_name(s));
	if ((rc = kdk_save_dest_alloc(dest, kdk_ssh_has_sftp(s) ? &sftp_ops : &exec_ops, prefix, err)) < 0) {
		kdk_ssh_close(s);
		return rc;
	}
	(*dest)->ssh = s;
	(*dest)->flattened = !kdk_ssh_has_sftp(s);
	snprintf((*dest)->local_address, sizeof((*dest)->local_address), "%s",
		 kdk_ssh_local_address(s));
	return 0;
}
