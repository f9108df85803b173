/* ssh_session.h — one authenticated SSH connection to a dump collector, through libssh2: TCP
 * connect with bounded retries, the server's host key checked against a known_hosts file (never
 * trusted on first use), public-key authentication with the configured key only, then SFTP or,
 * for servers without it, commands over exec channels. */
#ifndef KDK_SSH_SESSION_H
#define KDK_SSH_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "kdk_err.h"
#include "kdk_out.h"

struct kdk_ssh_params {
	const char *user;
	const char *host;            /* numeric address or a name: known_hosts is asked about it */
	const char *address;         /* NULL: connect to host; else this numeric address (the
				      * capture /init resolves names itself: lib/net/resolve) */
	unsigned port;               /* 0: 22 */
	const char *key;             /* private key file (OpenSSH or PEM); KEY.pub is used if present */
	const char *known_hosts;     /* OpenSSH known_hosts: the server's key must be in it */
	unsigned retries;            /* connection attempts after the first one fails */
	unsigned retry_seconds;      /* stop retrying once this long has passed since the first */
	unsigned timeout_seconds;    /* each connect and each blocking SSH operation (0: 60) */
	bool no_sftp;                /* skip SFTP: commands over exec channels (flattened dumps) */
};

struct kdk_ssh_session;

/* Connect, check the host key, authenticate, start SFTP (unless no_sftp, or the server has no
 * SFTP subsystem: then kdk_ssh_has_sftp says false). Errors say which step failed: "cannot
 * connect", "host key mismatch" (with both fingerprints), "not in known_hosts", "authentication
 * … refused". Connection failures are retried with backoff; host key and authentication
 * failures are not (retrying cannot fix them). */
int kdk_ssh_connect(const struct kdk_ssh_params *params, struct kdk_ssh_session **session,
		    struct kdk_err *err);

void kdk_ssh_close(struct kdk_ssh_session *session);

/* "user@host:port", for messages. */
const char *kdk_ssh_name(const struct kdk_ssh_session *session);

/* This end's address on the connection (for the dump directory's name), e.g. "10.0.2.15". */
const char *kdk_ssh_local_address(const struct kdk_ssh_session *session);

bool kdk_ssh_has_sftp(const struct kdk_ssh_session *session);

/* ---- over SFTP ---- */

/* *exists: whether path names anything on the server. */
int kdk_ssh_sftp_exists(struct kdk_ssh_session *s, const char *path, bool *exists,
			struct kdk_err *err);

/* mkdir -p, mode 0700 for what it creates; a directory made at the same time by another client
 * is fine. */
int kdk_ssh_sftp_mkdir_p(struct kdk_ssh_session *s, const char *path, struct kdk_err *err);

/* Remove the file path; one not there is no error. */
int kdk_ssh_sftp_remove(struct kdk_ssh_session *s, const char *path, struct kdk_err *err);

/* Rename from to to, replacing to if it exists. */
int kdk_ssh_sftp_rename(struct kdk_ssh_session *s, const char *from, const char *to,
			struct kdk_err *err);

/* Create (or truncate) path, mode 0600, for positioned writes. Writes are gathered into large
 * sequential requests; kdk_out_finish returns only when the server has acknowledged every byte
 * (and synced them, where it offers fsync@openssh.com) and closed the file. */
int kdk_ssh_sftp_create(struct kdk_ssh_session *s, const char *path, struct kdk_out **out,
			struct kdk_err *err);

/* ---- over exec channels (servers without SFTP) ---- */

/* Run command through the server's shell; its exit status into *status (stderr's first line
 * goes into err's message when it fails). */
int kdk_ssh_exec(struct kdk_ssh_session *s, const char *command, int *status, struct kdk_err *err);

/* A byte stream into `command`'s stdin (e.g. "cat > FILE"): write_at ignores offsets and
 * appends; finish sends EOF and succeeds only when the command exits 0. */
int kdk_ssh_exec_stream(struct kdk_ssh_session *s, const char *command, struct kdk_out **out,
			struct kdk_err *err);

/* path quoted for a POSIX shell ('…', with ' written '\''); NULL when out of memory. */
char *kdk_shell_quote(const char *path);

#endif
