/* save_job_open.c — a save job from dumpsave's command line: OUTPUT is a path, or an ssh:// URL
 * whose connection (key, known_hosts, retries from the options) is opened here. Kept apart from
 * save_job.c so the capture /init for local disks links no SSH. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "save_job.h"

int kdk_save_dest_for(const struct kdk_save_options *opts, struct kdk_save_dest **dest,
		      char **path, struct kdk_err *err)
{
	struct kdk_ssh_params params;
	char *user = NULL, *host = NULL, *key = NULL, *known = NULL;
	int rc;

	*dest = NULL;
	*path = NULL;
	if (!opts->output || !kdk_is_ssh_url(opts->output)) {
		if (opts->output && !(*path = strdup(opts->output)))
			return kdk_err_set(err, ENOMEM, "out of memory");
		return kdk_save_dest_local(dest, err);
	}
	if (opts->mode == KDK_SAVE_FLATTEN)
		return kdk_err_set(err, EINVAL, "-F writes to stdout: give an ssh:// OUTPUT without -F");
	memset(&params, 0, sizeof(params));
	if ((rc = kdk_ssh_url_parse(opts->output, &user, &host, &params.port, path, err)) < 0)
		return rc;
	params.user = user;
	params.host = host;
	if (opts->ssh_key) {
		params.key = opts->ssh_key;
	} else {
		const char *home = getenv("HOME");
		if (asprintf(&key, "%s/.ssh/kdump_id_ed25519", home && *home ? home : "/root") < 0)
			key = NULL;
		params.key = key;
	}
	if (opts->known_hosts) {
		params.known_hosts = opts->known_hosts;
	} else if (params.key) {
		/* The key's own directory, as mkdumprd bakes them: <dir>/known_hosts. */
		const char *slash = strrchr(params.key, '/');
		if (asprintf(&known, "%.*s/known_hosts", slash ? (int)(slash - params.key) : 1,
			     slash ? params.key : ".") < 0)
			known = NULL;
		params.known_hosts = known;
	}
	params.retries = opts->ssh_retries;
	params.retry_seconds = opts->ssh_retry_seconds;
	params.timeout_seconds = opts->ssh_timeout;
	params.no_sftp = opts->ssh_no_sftp;
	if (!params.key || !params.known_hosts)
		rc = kdk_err_set(err, ENOMEM, "out of memory");
	else
		rc = kdk_save_dest_ssh(dest, &params, err);
	if (rc < 0) {
		free(*path);
		*path = NULL;
	}
	free(user);
	free(host);
	free(key);
	free(known);
	return rc;
}

int kdk_save_job_run(const struct kdk_save_options *opts, const char *partial_name,
		     const struct kdk_save_hooks *hooks, struct kdk_save_report *report,
		     struct kdk_err *err)
{
	struct kdk_save_options local = *opts;
	struct kdk_save_dest *dest;
	char *path;
	int rc;

	if (report)
		memset(report, 0, sizeof(*report));
	if ((rc = kdk_save_dest_for(opts, &dest, &path, err)) < 0)
		return rc;
	local.output = path;
	rc = kdk_save_job_run_dest(&local, dest, partial_name, hooks, report, err);
	kdk_save_dest_close(dest);
	free(path);
	return rc;
}
