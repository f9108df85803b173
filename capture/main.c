/* main.c — the capture /init (kdump-init): runs as PID 1 in the capture kernel's initramfs that
 * mkdumprd built. Saves the dump where kdump.conf says, then applies final_action; on any failure
 * applies failure_action. Every step is on the console. Never returns. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "console.h"
#include "kdump_conf.h"
#include "network.h"
#include "nfs.h"
#include "raw.h"
#include "save.h"
#include "system.h"
#include "target.h"

#define CONF_PATH    "/etc/kdump.conf"
#define MODULES_LIST "/etc/kdumpkit/modules"
#define VMCORE       "/proc/vmcore"
#define SSH_KEY      "/etc/kdumpkit/ssh/id"
#define SSH_KNOWN_HOSTS "/etc/kdumpkit/ssh/known_hosts"
#define WAIT_DEFAULT 30

static unsigned wait_seconds(void)
{
	char value[32];

	if (!system_cmdline_value("kdumpkit.wait", value, sizeof(value)))
		return (unsigned)strtoul(value, NULL, 10);
	return WAIT_DEFAULT;
}

/* Mount the filesystem at `spec` and save under its `path`. */
static int save_on(const char *spec, const char *fstype, const char *mountpoint,
		   const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	const struct capture_target local = { NULL, NULL, NULL, NULL, NULL };
	char base[4096], dump_dir[4300];
	int rc = target_mount(spec, fstype, mountpoint, wait_seconds(), err);

	if (rc)
		return rc;
	snprintf(base, sizeof(base), "%s/%s", mountpoint, conf->path[0] == '/' ? conf->path + 1 :
										conf->path);
	rc = capture_save(conf->core_collector, &local, base, VMCORE, dump_dir, sizeof(dump_dir), err);
	if (rc)
		kdk_err_prefix(err, "saving in %s: ", dump_dir[0] ? dump_dir : base);
	else
		say("dump saved in %s", dump_dir);
	sync();
	return rc;
}

/* The root filesystem the production kernel ran from, as the capture command line names it
 * (kdumpctl keeps root= when it builds that command line). */
static int save_to_rootfs(const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	char root[512], fstype[64];
	int have_type;

	if (system_cmdline_value("root", root, sizeof(root)))
		return kdk_err_set(err, ENOENT, "dump_to_rootfs: no root= on the capture kernel's "
						"command line");
	have_type = !system_cmdline_value("rootfstype", fstype, sizeof(fstype));
	say("saving to the root filesystem %s", root);
	return save_on(root, have_type ? fstype : NULL, "/sysroot", conf, err);
}

/* The SSH collector, with the key and known_hosts mkdumprd baked into the image. */
static int save_over_ssh(const struct kdk_kdump_conf *conf, const char *address,
			 struct kdk_err *err)
{
	const struct capture_target ssh = { conf->ssh, SSH_KEY, SSH_KNOWN_HOSTS, NULL, address };
	char dump_dir[4300];
	int rc;

	say("dump target: ssh %s, path %s", conf->ssh, conf->path);
	rc = capture_save(conf->core_collector, &ssh, conf->path, VMCORE, dump_dir, sizeof(dump_dir),
			  err);
	if (rc)
		kdk_err_prefix(err, "saving in %s: ", dump_dir[0] ? dump_dir : conf->ssh);
	else
		say("dump saved in %s", dump_dir);
	return rc;
}

/* A kdump_pre/kdump_post script, killed after `timeout` seconds (kdump_hook_timeout). Returns
 * its exit status; a hook that was killed or could not run is nonzero (failed). */
static int run_hook(const char *what, const char *program, const char *arg, unsigned timeout)
{
	int status = system_run(program, arg, timeout);

	if (status == -ETIMEDOUT)
		say("%s %s did not finish in %u s (kdump_hook_timeout): killed, counted as failed",
		    what, program, timeout);
	else if (status < 0)
		say("%s %s: %s", what, program, strerror(-status));
	else
		say("%s %s exited %d", what, program, status);
	return status;
}

static int save_to_target(const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	struct kdk_resolv_conf dns;
	struct in_addr address;
	char numeric[INET_ADDRSTRLEN];

	switch (conf->target) {
	case KDK_TARGET_FS:
		say("dump target: %s %s, path %s", conf->fstype, conf->device, conf->path);
		return save_on(conf->device, conf->fstype, "/kdumproot", conf, err);
	case KDK_TARGET_ROOTFS:
		return save_to_rootfs(conf, err);
	case KDK_TARGET_RAW:
		say("dump target: raw %s", conf->device);
		return capture_save_raw(conf->core_collector, conf->device, VMCORE, wait_seconds(), err);
	case KDK_TARGET_SSH:
		/* The network from ip= on the capture command line, then whether sshd answers, so a
		 * network problem shows as one on the console. A collector that does not answer yet
		 * is left to the SSH connection's retries (it may be rebooting too). */
		if (network_up(wait_seconds(), &dns, err) ||
		    network_resolve(network_ssh_host(conf->ssh), &dns, &address, err))
			return -err->code;
		if (network_probe_tcp(address, 22, wait_seconds(), err)) {
			say("%s; the SSH connection will retry", err->msg);
			kdk_err_clear(err);
		}
		inet_ntop(AF_INET, &address, numeric, sizeof(numeric));
		return save_over_ssh(conf, numeric, err);
	case KDK_TARGET_NFS:
		say("dump target: %s %s%s%s, path %s", conf->fstype, conf->device,
		    conf->nfs_options ? " -o " : "", conf->nfs_options ? conf->nfs_options : "", conf->path);
		return capture_save_nfs(conf, "/kdumproot", wait_seconds(), err);
	}
	return kdk_err_set(err, EINVAL, "unknown dump target");
}

int main(int argc, char **argv)
{
	struct kdk_kdump_conf conf;
	struct kdk_err err = { 0 };
	struct utsname uts;
	int rc, vector_strings;

	(void)argc;
	vector_strings = system_restart_with_vector_strings(argv);
	system_mount_basics();
	console_attach();
	uname(&uts);
	say("kdumpkit capture /init on %s", uts.release);
	if (vector_strings)
		say("memset, memcpy: vector stores below 1 MiB (GLIBC_TUNABLES, /init restarted)");
	if (kdk_kdump_conf_load(CONF_PATH, &conf, &err)) {
		say("%s", err.msg);
		system_finish(KDK_ACTION_REBOOT);
	}
	if (access(VMCORE, R_OK)) {
		say("%s: %s: this is not a capture kernel (booted without elfcorehdr=?)", VMCORE,
		    strerror(errno));
		system_finish(conf.failure_action == KDK_ACTION_DUMP_TO_ROOTFS ? KDK_ACTION_REBOOT :
										  conf.failure_action);
	}
	/* Everything from here to final_action is under the watchdog: a save that cannot finish
	 * (a target that stops answering, a hung disk) ends in failure_action, never a hang. */
	if (conf.save_timeout)
		say("watchdog: failure_action if not done in %u s (kdump_save_timeout)", conf.save_timeout);
	system_watchdog(conf.save_timeout, conf.failure_action);
	system_load_modules(MODULES_LIST);

	rc = 0;
	if (conf.kdump_pre) {
		int status = run_hook("kdump_pre", conf.kdump_pre, NULL, conf.hook_timeout);

		if (status > 0)
			rc = kdk_err_set(&err, EIO, "kdump_pre %s failed (exit %d)", conf.kdump_pre, status);
		else if (status < 0)
			rc = kdk_err_set(&err, -status, "kdump_pre %s failed: %s", conf.kdump_pre,
					 status == -ETIMEDOUT ? "killed at kdump_hook_timeout" : strerror(-status));
	}
	if (!rc)
		rc = save_to_target(&conf, &err);
	if (rc) {
		say("saving the dump failed: %s", err.msg);
		if (conf.failure_action == KDK_ACTION_DUMP_TO_ROOTFS && conf.target != KDK_TARGET_ROOTFS) {
			say("failure_action dump_to_rootfs");
			kdk_err_clear(&err);
			rc = save_to_rootfs(&conf, &err);
			if (rc)
				say("dump_to_rootfs failed too: %s", err.msg);
		} else {
			say("failure_action %s", kdk_conf_action_name(conf.failure_action));
		}
	}
	if (conf.kdump_post) {
		char status[16];

		snprintf(status, sizeof(status), "%d", rc ? 1 : 0);
		if (run_hook("kdump_post", conf.kdump_post, status, conf.hook_timeout))
			say("kdump_post %s failed (the dump itself is %s)", conf.kdump_post,
			    rc ? "not saved" : "saved");
	}
	system_watchdog_stop();
	if (rc)
		system_finish(conf.failure_action == KDK_ACTION_DUMP_TO_ROOTFS ? KDK_ACTION_REBOOT :
										  conf.failure_action);
	say("final_action %s", kdk_conf_action_name(conf.final_action));
	system_finish(conf.final_action);
}
