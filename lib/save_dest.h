/* save_dest.h — where dumpsave puts what it saves: a local file system, or a collector over SSH
 * (SFTP, or a flattened stream through an exec channel where the server has no SFTP). The save
 * job creates, checks and renames files through this table and never knows which it is. */
#ifndef KDK_SAVE_DEST_H
#define KDK_SAVE_DEST_H

#include <stdbool.h>

#include "kdk_err.h"
#include "kdk_out.h"
#include "ssh_session.h"

enum kdk_dest_create_flags {
	KDK_DEST_SEQUENTIAL = 1,   /* written front to back (a text file): no positioned writes */
	KDK_DEST_DIRECT = 2,       /* large writes around the page cache where the target can */
};

struct kdk_save_dest;

struct kdk_save_dest_ops {
	int (*exists)(struct kdk_save_dest *dest, const char *path, bool *exists, struct kdk_err *err);
	/* Create path, mode 0600; -EEXIST when anything (a file, a link) is there already: a partial
	 * name left by an earlier save may be the only copy of that crash. */
	int (*create)(struct kdk_save_dest *dest, const char *path, unsigned flags, struct kdk_out **out,
		      struct kdk_err *err);
	/* Rename, replacing `to`. */
	int (*rename)(struct kdk_save_dest *dest, const char *from, const char *to, struct kdk_err *err);
	/* mkdir -p, mode 0700 for what it makes. */
	int (*mkdir_p)(struct kdk_save_dest *dest, const char *path, struct kdk_err *err);
	/* Remove a file (a partial name a dead writer left); a path not there is no error. */
	int (*remove)(struct kdk_save_dest *dest, const char *path, struct kdk_err *err);
	void (*close)(struct kdk_save_dest *dest);
};

struct kdk_save_dest {
	const struct kdk_save_dest_ops *ops;
	/* Positioned files can only be sent as a flattened stream (an SSH server without SFTP):
	 * a dump is then saved as NAME.flat, to be rebuilt with `dumpsave -R NAME < NAME.flat`. */
	bool flattened;
	char *prefix;                       /* put before paths in messages: "", "ssh://u@h:22" */
	char local_address[64];             /* this machine's address as the target sees it */
	struct kdk_ssh_session *ssh;        /* SSH targets only */
};

/* A destination with its row set; prefix for messages (save_dest_ssh.c uses it). */
int kdk_save_dest_alloc(struct kdk_save_dest **dest, const struct kdk_save_dest_ops *ops,
			const char *prefix, struct kdk_err *err);

/* The local file system (paths as given). */
int kdk_save_dest_local(struct kdk_save_dest **dest, struct kdk_err *err);

/* A collector over SSH (save_dest_ssh.c): connects now (retries, host key, authentication: ssh_session.h). */
int kdk_save_dest_ssh(struct kdk_save_dest **dest, const struct kdk_ssh_params *params,
		      struct kdk_err *err);

void kdk_save_dest_close(struct kdk_save_dest *dest);

/* Calls through the table. */
int kdk_save_dest_exists(struct kdk_save_dest *dest, const char *path, bool *exists,
			 struct kdk_err *err);
int kdk_save_dest_create(struct kdk_save_dest *dest, const char *path, unsigned flags,
			 struct kdk_out **out, struct kdk_err *err);
int kdk_save_dest_rename(struct kdk_save_dest *dest, const char *from, const char *to,
			 struct kdk_err *err);
int kdk_save_dest_mkdir_p(struct kdk_save_dest *dest, const char *path, struct kdk_err *err);
int kdk_save_dest_remove(struct kdk_save_dest *dest, const char *path, struct kdk_err *err);

/* ssh://[USER@]HOST[:PORT]/PATH (USER defaults to root, PORT to 22; PATH is absolute; an IPv6
 * HOST goes in brackets). The strings are malloc'd into the caller's. */
bool kdk_is_ssh_url(const char *text);
int kdk_ssh_url_parse(const char *url, char **user, char **host, unsigned *port, char **path,
		      struct kdk_err *err);

#endif
