/* kdump_conf_check.c — kdump.conf against the capture image: targets the /init cannot save to,
 * the core_collector through dumpsave's parser, and the interpreters of kdump_pre/post scripts. */
#include "kdump_conf_check.h"

#include <errno.h>
#include <arpa/inet.h>
#include <libgen.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_collector.h"
#include "nfs_target.h"

static bool packed(const struct kdk_kdump_conf *conf, const char *program)
{
	size_t i;

	/* mkdumprd packs busybox as /bin/sh whenever there is a hook (initramfs/mkdumprd.c). */
	if (!strcmp(program, "/bin/sh") || !strcmp(program, "/bin/busybox"))
		return true;
	if ((conf->kdump_pre && !strcmp(program, conf->kdump_pre)) ||
	    (conf->kdump_post && !strcmp(program, conf->kdump_post)))
		return true;
	for (i = 0; i < conf->extra_bins.len; i++)
		if (!strcmp(program, *(char **)kdk_array_at(&conf->extra_bins, i)))
			return true;
	return false;
}

/* The capture /init mounts devtmpfs, proc, sysfs and tmpfs over these (capture/system.c): what
 * mkdumprd packs under them is hidden at crash time. */
static const char *hidden_by_mount(const char *path)
{
	static const char *const mounted[] = { "/dev", "/proc", "/sys", "/tmp", "/run" };

	for (size_t i = 0; i < sizeof(mounted) / sizeof(mounted[0]); i++) {
		size_t len = strlen(mounted[i]);
		if (!strncmp(path, mounted[i], len) && (path[len] == '/' || !path[len]))
			return mounted[i];
	}
	return NULL;
}

/* A hook runs with execl(): an ELF program, or a "#!" script whose interpreter is in the image. */
static int check_hook(const struct kdk_kdump_conf *conf, const char *what, const char *path,
		      unsigned line, struct kdk_err *err)
{
	char head[256] = "", *interp, *end;
	const char *hidden = hidden_by_mount(path);
	size_t got;
	FILE *in;

	if (hidden)
		return kdk_err_set(err, EINVAL, "%s:%u: %s %s: the capture /init mounts a file system "
				   "over %s, which hides it there; keep it elsewhere (e.g. /usr/local/sbin)",
				   conf->file, line, what, path, hidden);
	in = fopen(path, "re");
	if (!in)
		return kdk_err_sys(err, errno, "%s:%u: %s %s", conf->file, line, what, path);
	got = fread(head, 1, sizeof(head) - 1, in);
	fclose(in);
	head[got] = '\0';
	if (got >= 4 && !memcmp(head, "\177ELF", 4))
		return 0;
	if (strncmp(head, "#!", 2))
		return kdk_err_set(err, ENOEXEC, "%s:%u: %s %s is neither a program nor a \"#!\" script: "
				   "the capture /init cannot run it", conf->file, line, what, path);
	interp = head + 2 + strspn(head + 2, " \t");
	end = interp + strcspn(interp, " \t\r\n");
	*end = '\0';
	if (!strcmp(interp, "/usr/bin/env") || !strcmp(interp, "/bin/env"))
		return kdk_err_set(err, ENOEXEC, "%s:%u: %s %s: \"#!%s\" is not supported in the capture "
				   "image; name the interpreter (#!/bin/sh is busybox's sh)",
				   conf->file, line, what, path, interp);
	if (!packed(conf, interp))
		return kdk_err_set(err, ENOEXEC, "%s:%u: %s %s: its interpreter %s is not in the capture "
				   "image (it holds busybox as /bin/sh): use #!/bin/sh, or add %s to extra_bins",
				   conf->file, line, what, path, interp, interp);
	return 0;
}

/* The capture /init reaches an ssh target over IPv4 (ip= is IPv4): by address, or by a name it
 * resolves through DNS (lib/net/resolve) with the address the name has here as the fallback,
 * which mkdumprd writes into the image's /etc/hosts. So a name must resolve here, now. */
static int check_ssh_host(const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	const char *host = strchr(conf->ssh, '@') + 1;
	struct in_addr in;

	if (inet_pton(AF_INET, host, &in) == 1)
		return 0;
	if (host[0] == '[' || strchr(host, ':'))
		return kdk_err_set(err, ENOTSUP, "%s:%u: ssh %s: the capture kernel's network is IPv4 "
				   "only (ip=): give an IPv4 address or a host name", conf->file,
				   conf->target_line, conf->ssh);
	if (kdk_host_address_here(host, &in, err) < 0)
		return kdk_err_prefix(err, "%s:%u: ssh %s: ", conf->file, conf->target_line, conf->ssh);
	return 0;
}

int kdk_nfs_server_address(const char *server, struct in_addr *addr, struct kdk_err *err)
{
	if (inet_pton(AF_INET, server, addr) == 1)
		return 0;
	if (server[0] == '[' || strchr(server, ':'))
		return kdk_err_set(err, ENOTSUP, "NFS server %s: the capture kernel's network is IPv4 only "
				   "(ip=): give an IPv4 address or a host name", server);
	/* A name: the capture /init asks DNS, then the image's /etc/hosts with this address. */
	if (kdk_host_address_here(server, addr, err) < 0)
		return kdk_err_prefix(err, "NFS server %s: ", server);
	return 0;
}

int kdk_host_address_here(const char *host, struct in_addr *addr, struct kdk_err *err)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc;

	if (inet_pton(AF_INET, host, addr) == 1)
		return 0;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc || !res)
		return kdk_err_set(err, ENOENT, "%s does not resolve to an IPv4 address here (%s): the "
				   "capture image needs its address as the fallback when DNS gives none",
				   host, rc ? gai_strerror(rc) : "no address");
	*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* The nfs line and nfs_options as the capture /init will mount them (lib/nfs_target.c): an
 * option it cannot honour is refused on nfs_options' line, a server it cannot reach on the
 * nfs line. */
static int check_nfs(const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	struct kdk_nfs_target t;
	struct in_addr addr;
	int rc = kdk_nfs_target_parse(conf->fstype, conf->device, conf->nfs_options, &t, err);

	if (rc)
		return kdk_err_prefix(err, "%s:%u: ", conf->file, strstr(err->msg, "nfs_options") ==
				      err->msg ? conf->nfs_options_line : conf->target_line);
	rc = kdk_nfs_server_address(t.server, &addr, err);
	kdk_nfs_target_free(&t);
	if (rc)
		return kdk_err_prefix(err, "%s:%u: %s %s: ", conf->file, conf->target_line,
				      conf->fstype, conf->device);
	return 0;
}

int kdk_kdump_conf_check(const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	struct kdk_save_options opts;
	char **argv = NULL, *storage = NULL;
	bool dropped;
	int rc;

	/* the stream overwrites the partition's start, and with it any file system's superblock:
	 * a raw target found by UUID= would be found once */
	if (conf->target == KDK_TARGET_RAW &&
	    (!strncmp(conf->device, "UUID=", 5) || !strncmp(conf->device, "LABEL=", 6)))
		return kdk_err_set(err, EINVAL, "%s:%u: raw %s: a dump written over the partition "
				   "erases the file system id this names; name the partition by "
				   "PARTUUID= or /dev/…", conf->file, conf->target_line, conf->device);
	if (conf->nfs_options && conf->target != KDK_TARGET_NFS)
		return kdk_err_set(err, EINVAL, "%s:%u: nfs_options without an nfs target", conf->file,
				   conf->nfs_options_line);
	if (conf->target == KDK_TARGET_NFS && (rc = check_nfs(conf, err)))
		return rc;
	if (conf->target == KDK_TARGET_FS && conf->fstype && !strcmp(conf->fstype, "virtiofs"))
		return kdk_err_set(err, ENOTSUP, "%s:%u: virtiofs %s: virtiofs dump targets are not "
				   "supported yet (the capture /init mounts block devices)", conf->file,
				   conf->target_line, conf->device);
	if (conf->target == KDK_TARGET_SSH && (rc = check_ssh_host(conf, err)))
		return rc;
	rc = kdk_core_collector_options(conf->core_collector, "/proc/vmcore", "vmcore", &opts, &argv,
					&storage, &dropped, err);
	free(argv);
	free(storage);
	/* raw: the capture /init writes the flattened stream of a kdump-compressed dump (as
	 * makedumpfile -F does); an ELF dump has no flattened form here */
	if (!rc && conf->target == KDK_TARGET_RAW && opts.elf)
		return kdk_err_set(err, ENOTSUP, "%s:%u: raw %s: core_collector -E: a raw target holds a "
				   "kdump-compressed dump's flattened stream, not ELF", conf->file,
				   conf->target_line, conf->device);
	if (rc) {
		if (conf->core_collector_line)
			kdk_err_prefix(err, "%s:%u: ", conf->file, conf->core_collector_line);
		return rc;
	}
	for (size_t i = 0; i < conf->extra_bins.len; i++) {
		const char *bin = *(char **)kdk_array_at(&conf->extra_bins, i);
		const char *hidden = hidden_by_mount(bin);
		if (hidden)
			return kdk_err_set(err, EINVAL, "%s:%u: extra_bins %s: the capture /init mounts a "
					   "file system over %s, which hides it there", conf->file,
					   conf->extra_bins_line, bin, hidden);
	}
	if (conf->kdump_pre &&
	    (rc = check_hook(conf, "kdump_pre", conf->kdump_pre, conf->kdump_pre_line, err)))
		return rc;
	if (conf->kdump_post &&
	    (rc = check_hook(conf, "kdump_post", conf->kdump_post, conf->kdump_post_line, err)))
		return rc;
	return 0;
}
