/* save_dest.c — the destination table's calls, the local file system's row and the ssh:// URL.
 * The SSH rows are in save_dest_ssh.c, so that what never leaves the machine links no libssh2. */
#include "save_dest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_dir.h"

int kdk_save_dest_exists(struct kdk_save_dest *d, const char *path, bool *exists, struct kdk_err *err)
{
	return d->ops->exists(d, path, exists, err);
}

int kdk_save_dest_create(struct kdk_save_dest *d, const char *path, unsigned flags,
			 struct kdk_out **out, struct kdk_err *err)
{
	return d->ops->create(d, path, flags, out, err);
}

int kdk_save_dest_rename(struct kdk_save_dest *d, const char *from, const char *to,
			 struct kdk_err *err)
{
	return d->ops->rename(d, from, to, err);
}

int kdk_save_dest_mkdir_p(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	return d->ops->mkdir_p(d, path, err);
}

int kdk_save_dest_remove(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	return d->ops->remove(d, path, err);
}

void kdk_save_dest_close(struct kdk_save_dest *d)
{
	if (!d)
		return;
	if (d->ops->close)
		d->ops->close(d);
	free(d->prefix);
	free(d);
}

/* ---- local ---- */

static int local_exists(struct kdk_save_dest *d, const char *path, bool *exists, struct kdk_err *err)
{
	struct stat st;

	(void)d;
	(void)err;
	*exists = lstat(path, &st) == 0;
	return 0;
}

static int local_create(struct kdk_save_dest *d, const char *path, unsigned flags,
			struct kdk_out **out, struct kdk_err *err)
{
	(void)d;
	/* Never over an existing file or through a link: a partial name already there is what an
	 * earlier save left, maybe the only copy of that crash (kdk_out_file_open: O_EXCL|O_NOFOLLOW). */
	return kdk_out_file_open(out, path, flags & KDK_DEST_DIRECT ? KDK_OUT_DIRECT : 0, err);
}

static int local_rename(struct kdk_save_dest *d, const char *from, const char *to, struct kdk_err *err)
{
	(void)d;
	/* The file's bytes were fsynced by kdk_out's finish before this rename; the directory is
	 * fsynced after it, so the complete name is on disk before the capture kernel reboots. */
	if (rename(from, to) < 0)
		return kdk_err_sys(err, errno, "rename %s to %s", from, to);
	return kdk_fsync_parent_dir(to, err);
}

static int local_mkdir_p(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	(void)d;
	return kdk_mkdir_p(path, err);
}

static int local_remove(struct kdk_save_dest *d, const char *path, struct kdk_err *err)
{
	(void)d;
	if (unlink(path) < 0 && errno != ENOENT)
		return kdk_err_sys(err, errno, "remove %s", path);
	return 0;
}

static const struct kdk_save_dest_ops local_ops = {
	local_exists, local_create, local_rename, local_mkdir_p, local_remove, NULL,
};

int kdk_save_dest_alloc(struct kdk_save_dest **dest, const struct kdk_save_dest_ops *ops,
		      const char *prefix, struct kdk_err *err)
{
	struct kdk_save_dest *d = calloc(1, sizeof(*d));

	if (!d || !(d->prefix = strdup(prefix))) {
		free(d);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	d->ops = ops;
	*dest = d;
	return 0;
}

int kdk_save_dest_local(struct kdk_save_dest **dest, struct kdk_err *err)
{
	int rc = kdk_save_dest_alloc(dest, &local_ops, "", err);

	if (rc == 0)
		snprintf((*dest)->local_address, sizeof((*dest)->local_address), "127.0.0.1");
	return rc;
}

/* ---- ssh:// URLs ---- */

bool kdk_is_ssh_url(const char *text)
{
	return !strncmp(text, "ssh://", 6);
}

int kdk_ssh_url_parse(const char *url, char **user, char **host, unsigned *port, char **path,
		      struct kdk_err *err)
{
	const char *p = url + 6, *at, *slash, *host_end, *colon;
	unsigned long value;
	char *end;

	*user = *host = *path = NULL;
	*port = 22;
	if (!kdk_is_ssh_url(url))
		return kdk_err_set(err, EINVAL, "%s: not an ssh:// URL", url);
	slash = strchr(p, '/');
	if (!slash || !slash[1])
		return kdk_err_set(err, EINVAL, "%s: expected ssh://[user@]host[:port]/path", url);
	at = memchr(p, '@', (size_t)(slash - p));
	if (at) {
		*user = strndup(p, (size_t)(at - p));
		p = at + 1;
	} else {
		*user = strdup("root");
	}
	if (*p == '[') {
		host_end = memchr(p, ']', (size_t)(slash - p));
		if (!host_end)
			goto bad;
		*host = strndup(p + 1, (size_t)(host_end - p - 1));
		colon = host_end[1] == ':' ? host_end + 1 : NULL;
		if (!colon && host_end + 1 != slash)
			goto bad;
	} else {
		colon = memchr(p, ':', (size_t)(slash - p));
		host_end = colon ? colon : slash;
		*host = strndup(p, (size_t)(host_end - p));
	}
	if (colon) {
		value = strtoul(colon + 1, &end, 10);
		if (end != slash || value == 0 || value > 65535)
			goto bad;
		*port = (unsigned)value;
	}
	*path = strdup(slash);
	if (!*user || !*host || !*path) {
		free(*user);
		free(*host);
		free(*path);
		*user = *host = *path = NULL;
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	if (!**user || !**host)
		goto bad;
	return 0;
bad:
	free(*user);
	free(*host);
	free(*path);
	*user = *host = *path = NULL;
	return kdk_err_set(err, EINVAL, "%s: expected ssh://[user@]host[:port]/path", url);
}
