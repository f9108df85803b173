/* ssh_internal.h — the SSH session's state, shared by lib/ssh_session.c (connect) and
 * lib/ssh_transfer.c (files, directories, exec channels). Not a public header. */
#ifndef KDK_SSH_INTERNAL_H
#define KDK_SSH_INTERNAL_H

#include "ssh_api.h"
#include "ssh_session.h"

/* libssh2's functions, set by the first kdk_ssh_connect (lib/ssh_api.h); every other use of
 * them comes after one succeeded. */
extern const struct kdk_ssh_api *kdk_ssh2;

struct kdk_ssh_session {
	char *name;                  /* user@host:port */
	char local_address[64];
	unsigned port;
	unsigned timeout_s;
	int fd;
	LIBSSH2_SESSION *session;
	LIBSSH2_SFTP *sftp;          /* NULL: no SFTP, exec channels only */
};

const char *kdk_ssh_last_error(struct kdk_ssh_session *s);

#endif
