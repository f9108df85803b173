/* nfs.c — the capture /init's NFS dump: ip= network, the server's port probed, the export mounted
 * by mount(2) with the kernel's text options (lib/nfs_target.c) in a child under a time limit,
 * then <path>/<address>-<date>/ through lib/save_job as on a local disk, and unmounted. */
#include "nfs.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "network.h"
#include "nfs_target.h"
#include "save.h"

#define NFS_PORT 2049

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The server's NFS port answering, retried until the deadline while it refuses (a server
 * rebooting with this machine answers a little later). */
static int probe_server(struct in_addr server, unsigned port, double deadline, struct kdk_err *err)
{
	for (;;) {
		double left = deadline - uptime_seconds();
		int rc = network_probe_tcp(server, port, left < 1 ? 1 : (unsigned)left, err);

		if (rc == 0 || err->code != ECONNREFUSED || uptime_seconds() + 1 >= deadline)
			return rc;
		kdk_err_clear(err);
		sleep_ms(1000);
	}
}

/* mount(2) in a child, so that a server that accepts the connection and then says nothing
 * cannot hold the /init: killed at the deadline. Returns 0 or -errno (-ETIMEDOUT). */
static int mount_bounded(const char *source, const char *target, const char *fstype,
			 const char *data, double deadline)
{
	int status;
	pid_t child = fork();

	if (child < 0)
		return -errno;
	if (child == 0)
		_exit(mount(source, target, fstype, 0, data) ? errno : 0);
	for (;;) {
		pid_t done = waitpid(child, &status, WNOHANG);

		if (done == child)
			return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
		if (done < 0)
			return -errno;
		if (uptime_seconds() >= deadline)
			break;
		sleep_ms(100);
	}
	/* NFS waits are killable (TASK_KILLABLE in sunrpc); a child that still does not go is
	 * left behind, and the /init goes on to failure_action. */
	kill(child, SIGKILL);
	for (int i = 0; i < 20 && waitpid(child, &status, WNOHANG) == 0; i++)
		sleep_ms(100);
	return -ETIMEDOUT;
}

/* NFSv4 without a minor version: the newest first, as mount.nfs negotiates. A server without
 * it answers NFS4ERR_MINOR_VERS_MISMATCH, which the kernel returns as EPROTONOSUPPORT. */
static int mount_export(const struct kdk_nfs_target *t, const char *server_addr,
			const char *client_addr, const char *mountpoint, double deadline,
			struct kdk_err *err)
{
	char source[4200], data[1024];
	const char *fstype;
	int minor = t->version == 4 ? (t->minor >= 0 ? t->minor : 2) : -1, rc;

	if ((rc = kdk_nfs_mount_source(t, server_addr, source, sizeof(source), err)))
		return rc;
	for (;;) {
		double started = uptime_seconds();

		if ((rc = kdk_nfs_mount_data(t, minor, server_addr, client_addr, &fstype, data,
					     sizeof(data), err)))
			return rc;
		rc = mount_bounded(source, mountpoint, fstype, data, deadline);
		if (rc == 0) {
			say("mounted %s on %s (%s, %s) in %.2f s", source, mountpoint, fstype, data,
			    uptime_seconds() - started);
			return 0;
		}
		if (rc == -EPROTONOSUPPORT && t->minor < 0 && minor > 0) {
			say("%s: NFSv4.%d not served; trying NFSv4.%d", source, minor, minor - 1);
			minor--;
			continue;
		}
		if (rc == -ETIMEDOUT)
			return kdk_err_set(err, ETIMEDOUT, "mount -t %s %s -o %s: no answer before the "
					   "time limit", fstype, source, data);
		return kdk_err_sys(err, -rc, "mount -t %s %s -o %s", fstype, source, data);
	}
}

int capture_save_nfs(const struct kdk_kdump_conf *conf, const char *mountpoint, unsigned timeout_s,
		     struct kdk_err *err)
{
	struct kdk_nfs_target t;
	struct kdk_resolv_conf dns;
	struct in_addr server;
	char server_addr[INET_ADDRSTRLEN], client_addr[INET_ADDRSTRLEN], base[4096], dump_dir[4300];
	double deadline;
	int rc;

	if ((rc = kdk_nfs_target_parse(conf->fstype, conf->device, conf->nfs_options, &t, err)))
		return rc;
	if ((rc = network_up(timeout_s, &dns, err)))
		goto out;
	deadline = uptime_seconds() + timeout_s;
	if ((rc = network_resolve(t.server, &dns, &server, err)) ||
	    (rc = network_local_address(server, client_addr, sizeof(client_addr), err)))
		goto out;
	inet_ntop(AF_INET, &server, server_addr, sizeof(server_addr));
	/* NFSv3 without port= finds its port through rpcbind: nothing to probe before the mount. */
	if ((t.version == 4 || t.port) &&
	    (rc = probe_server(server, t.port ? t.port : NFS_PORT, deadline, err)))
		goto out;
	if (mkdir(mountpoint, 0755) && errno != EEXIST) {
		rc = kdk_err_sys(err, errno, "mkdir %s", mountpoint);
		goto out;
	}
	if ((rc = mount_export(&t, server_addr, client_addr, mountpoint, deadline, err)))
		goto out;
	{
		const struct capture_target nfs = { NULL, NULL, NULL, client_addr, NULL };

		snprintf(base, sizeof(base), "%s/%s", mountpoint,
			 conf->path[0] == '/' ? conf->path + 1 : conf->path);
		rc = capture_save(conf->core_collector, &nfs, base, "/proc/vmcore", dump_dir,
				  sizeof(dump_dir), err);
		if (rc)
			kdk_err_prefix(err, "saving in %s:%s: ", server_addr,
				       dump_dir[0] ? dump_dir + strlen(mountpoint) : conf->path);
		else
			say("dump saved in %s:%s%s", server_addr, t.export_path,
			    dump_dir + strlen(mountpoint));
	}
	sync();
	/* The dump is complete and fsynced (lib/save_job); an unmount that fails changes nothing
	 * on the server, so it is said and not counted. */
	if (umount(mountpoint))
		say("umount %s: %s", mountpoint, strerror(errno));
out:
	kdk_nfs_target_free(&t);
	return rc;
}
