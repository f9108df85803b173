/* ssh_target.c — the capture /init's SSH connection: kdump.conf's "ssh user@host" with the key
 * and known_hosts mkdumprd baked in, and the core_collector line's retry settings. Only in the
 * kdump-init-ssh build (libssh2 and OpenSSL add ~4 MB that local targets need not carry). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "save.h"

int capture_open_ssh(const struct capture_target *target, const struct kdk_save_options *opts,
		     struct kdk_save_dest **dest, struct kdk_err *err)
{
	struct kdk_ssh_params params = { 0 };
	const char *at = strchr(target->ssh, '@');
	char *user, *host;
	int rc;

	if (!at || at == target->ssh || !at[1])
		return kdk_err_set(err, EINVAL, "ssh %s: expected user@host", target->ssh);
	user = strndup(target->ssh, (size_t)(at - target->ssh));
	host = strdup(at + 1);
	if (!user || !host) {
		free(user);
		free(host);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	params.user = user;
	params.host = host;
	params.address = target->ssh_address;
	params.port = 22;
	params.key = target->ssh_key;
	params.known_hosts = target->known_hosts;
	params.retries = opts->ssh_retries;
	params.retry_seconds = opts->ssh_retry_seconds;
	params.timeout_seconds = opts->ssh_timeout;
	params.no_sftp = opts->ssh_no_sftp;
	say("connecting to %s (up to %u retries within %u s)", target->ssh, params.retries,
	    params.retry_seconds);
	rc = kdk_save_dest_ssh(dest, &params, err);
	free(user);
	free(host);
	return rc;
}
