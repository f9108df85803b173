/* propagate.c — with OpenSSH's own tools: ssh-keygen -t ed25519 -N '' when the key is missing,
 * then ssh (the administrator's usual credentials, as ssh-copy-id) appends the public key to
 * ~/.ssh/authorized_keys, recording the host key with StrictHostKeyChecking=accept-new into
 * <dir of sshkey>/known_hosts, which mkdumprd bakes into the capture initramfs. */
#include "propagate.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KDUMPCTL_SSH
#define KDUMPCTL_SSH "/usr/bin/ssh"
#endif
#ifndef KDUMPCTL_SSH_KEYGEN
#define KDUMPCTL_SSH_KEYGEN "/usr/bin/ssh-keygen"
#endif

static const char *tool(const char *env, const char *fallback)
{
	const char *value = getenv(env);
	return value && *value ? value : fallback;
}

int propagate_ssh_key(const struct ctl *ctl, const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	const char *ssh = tool("KDUMPCTL_SSH", KDUMPCTL_SSH);
	const char *keygen = tool("KDUMPCTL_SSH_KEYGEN", KDUMPCTL_SSH_KEYGEN);
	char *dir = NULL, *known_hosts = NULL, *pub = NULL, *known_opt = NULL, *host;
	int rc = 0, status, fd = -1, saved_stdin = -1;

	if (conf->target != KDK_TARGET_SSH)
		return kdk_err_set(err, EINVAL, "%s has no ssh target: nothing to propagate", ctl->conf_path);
	host = strchr(conf->ssh, '@') + 1;
	if (!(dir = strdup(conf->sshkey)) || asprintf(&known_hosts, "%s/known_hosts", dirname(dir)) < 0 ||
	    asprintf(&pub, "%s.pub", conf->sshkey) < 0 ||
	    asprintf(&known_opt, "UserKnownHostsFile=%s", known_hosts) < 0) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		rc = kdk_err_sys(err, errno, "mkdir %s", dir);
		goto out;
	}
	if (access(conf->sshkey, F_OK)) {
		const char *argv[] = { keygen, "-q", "-t", "ed25519", "-N", "", "-C", "kdump", "-f",
				       conf->sshkey, NULL };
		ctl_info(ctl, "generating %s (ed25519, no passphrase: the capture kernel cannot ask for one)",
			 conf->sshkey);
		if ((status = ctl_run(argv, err)) < 0 || (status && (rc = kdk_err_set(err, EIO,
				"%s failed (exit %d)", keygen, status)))) {
			rc = status < 0 ? status : rc;
			goto out;
		}
	} else {
		ctl_info(ctl, "using the existing key %s", conf->sshkey);
	}
	if (chmod(conf->sshkey, 0600) < 0) {
		rc = kdk_err_sys(err, errno, "chmod %s", conf->sshkey);
		goto out;
	}
	/* The public half goes to the remote shell on its stdin. */
	if ((fd = open(pub, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = kdk_err_sys(err, errno, "%s", pub);
		goto out;
	}
	saved_stdin = dup(0);
	if (saved_stdin < 0 || dup2(fd, 0) < 0) {
		rc = kdk_err_sys(err, errno, "redirecting stdin");
		goto out;
	}
	{
		const char *argv[] = { ssh, "-o", known_opt, "-o", "StrictHostKeyChecking=accept-new",
				       "-o", "HashKnownHosts=no", "-i", conf->sshkey, "--", conf->ssh,
				       "umask 077 && mkdir -p .ssh && k=$(cat) && "
				       "{ grep -qxF \"$k\" .ssh/authorized_keys 2>/dev/null || "
				       "printf '%s\\n' \"$k\" >> .ssh/authorized_keys; }", NULL };
		ctl_info(ctl, "installing %s on %s (host key recorded in %s)", pub, conf->ssh, known_hosts);
		status = ctl_run(argv, err);
	}
	dup2(saved_stdin, 0);
	if (status < 0 || (status && (rc = kdk_err_set(err, EIO, "%s %s failed (exit %d): the key was not installed",
						     ssh, conf->ssh, status)))) {
		rc = status < 0 ? status : rc;
		goto out;
	}
	{
		const char *argv[] = { keygen, "-l", "-F", host, "-f", known_hosts, NULL };
		ctl_info(ctl, "%s's host key, as recorded in %s:", host, known_hosts);
		if ((status = ctl_run(argv, err)) != 0 && status > 0)
			rc = kdk_err_set(err, ENOENT, "%s holds no host key for %s", known_hosts, host);
		else if (status < 0)
			rc = status;
	}
	if (!rc)
		ctl_info(ctl, "%s can now log in to %s with %s; run kdumpctl restart to rebuild the initramfs with it",
			 "the capture kernel", conf->ssh, conf->sshkey);
out:
	if (fd >= 0)
		close(fd);
	if (saved_stdin >= 0)
		close(saved_stdin);
	free(dir);
	free(known_hosts);
	free(pub);
	free(known_opt);
	return rc;
}
