/* mkdumprd.c — build the capture initramfs from kdump.conf: our static capture /init, the
 * config, the kernel modules the dump target needs (with dependencies, libkmod), busybox only
 * when a shell is needed, kdump_pre/post scripts and extra_bins with their libraries. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "device_modules.h"
#include "needed.h"
#include "image.h"
#include "kdump_conf.h"
#include "core_collector.h"
#include "kdump_conf_check.h"
#include "nfs_target.h"
#include "module_deps.h"
#include "target_names.h"
#include "target_record.h"

#ifndef KDK_LIBEXECDIR
#define KDK_LIBEXECDIR "/usr/lib/kdumpkit"
#endif

struct mkdumprd_options {
	const char *release;       /* --kernel */
	const char *moddir;        /* --moddir */
	const char *conf;          /* -c */
	const char *init;          /* --init: the capture /init binary */
	const char *init_ssh;      /* --init-ssh: the one with SSH (default: kdump-init-ssh beside --init) */
	const char *init_zstd;     /* --init-zstd: the one with zstd (default: kdump-init-zstd beside --init) */
	const char *known_hosts;   /* --known-hosts (NULL: beside the ssh key) */
	const char *busybox;       /* --busybox */
	const char *output;
	struct rd_target_env target_env; /* --proc, --dev-disk: where target names are resolved */
	struct kdk_array modules;  /* const char *: --module, added to extra_modules */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: mkdumprd [--kernel VERSION | --moddir DIR] [-c kdump.conf] [--init PATH] [--init-ssh PATH]\n"
		"                [--init-zstd PATH] [--busybox PATH] [--module NAME]... [--known-hosts FILE]\n"
		"                [--proc DIR] [--dev-disk DIR] [--sys DIR] OUTPUT\n"
		"Builds the capture initramfs for kdump: the capture /init, kdump.conf, the kernel\n"
		"modules the dump target needs and what kdump.conf asks for.\n"
		"  --kernel VERSION  modules of /lib/modules/VERSION (default: the running kernel)\n"
		"  --moddir DIR      modules of DIR instead (a kernel tree not installed here)\n"
		"  -c FILE           kdump.conf to follow (default /etc/kdump.conf)\n"
		"  --init PATH       the capture /init (default " KDK_LIBEXECDIR "/kdump-init)\n"
		"  --init-ssh PATH   the capture /init for ssh targets (default: kdump-init-ssh in\n"
		"                    the directory of --init)\n"
		"  --init-zstd PATH  the capture /init where core_collector compresses with zstd (default:\n"
		"                    kdump-init-zstd in the directory of --init)\n"
		"  --busybox PATH    a static busybox, added when a shell is needed (default /bin/busybox)\n"
		"  --module NAME     one more module (as extra_modules)\n"
		"  --known-hosts FILE  the ssh target's host key, put in the image (default: known_hosts\n"
		"                    beside kdump.conf's sshkey)\n"
		"  --proc DIR        mount table (self/mountinfo) and root= (cmdline) of the machine the\n"
		"                    image is for (default /proc)\n"
		"  --dev-disk DIR    udev's by-partuuid links (default /dev/disk)\n"
		"  --sys DIR         sysfs, for what the target is stacked on (default /sys)\n");
}

/* /etc/kdumpkit/targets: the stable identifiers the capture /init looks for instead of the
 * names kdump.conf and root= give (docs/formats/targets.md); said on stdout too. */
static int add_target_records(struct rd_image *img, const struct kdk_array *records,
			      struct kdk_err *err)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *out;
	int rc = 0;

	if (!(out = open_memstream(&text, &len)))
		return kdk_err_sys(err, errno, "open_memstream");
	fprintf(out, "# dump targets resolved by mkdumprd (docs/formats/targets.md)\n");
	for (i = 0; i < records->len && !rc; i++) {
		const struct kdk_target_record *r = kdk_array_at(records, i);
		rc = kdk_target_record_write(out, r, err);
		printf("mkdumprd: target %s: %s%s%s%s%s, mounted at %s\n", r->spec, r->id,
		       r->fstype[0] ? " " : "", r->fstype, r->options[0] ? " " : "", r->options,
		       r->mount_at);
	}
	fclose(out);
	if (!rc)
		rc = rd_image_add_data(img, text, len, KDK_TARGET_RECORDS_PATH, 0644, err);
	free(text);
	return rc;
}

/* The ssh target's host: what follows the '@' of kdump.conf's "ssh user@host". */
static const char *ssh_host(const char *user_at_host)
{
	const char *at = strrchr(user_at_host, '@');

	return at ? at + 1 : user_at_host;
}

/* An nfs target: the kernel's NFS client for the version the /init will mount (nfsv4 or nfsv3;
 * nfs, sunrpc, lockd, grace… come from modules.dep, built-in ones are noted), and the driver of
 * the NIC this machine reaches the server through. The plain kdump-init serves: its network code
 * (capture/network.c) is libc and ioctls, no libssh2. */
static int add_nfs_modules(struct kdk_module_set *modules, const struct kdk_kdump_conf *conf,
			   struct kdk_array *warnings, struct kdk_err *err)
{
	struct kdk_nfs_target t;
	int rc = kdk_nfs_target_parse(conf->fstype, conf->device, conf->nfs_options, &t, err);

	if (rc < 0)
		return rc;
	rc = kdk_module_set_add(modules, t.version == 3 ? "nfsv3" : "nfsv4", err);
	if (rc >= 0)
		rd_network_device_modules(modules, t.server, warnings);
	kdk_nfs_target_free(&t);
	return rc;
}

/* /etc/hosts in the image: an ssh or nfs target's name with the address it has here, the capture
 * /init's fallback when DNS in the capture kernel gives no answer (lib/net/resolve). An ssh
 * host key is checked under the name as kdump.conf gives it, as ssh did for `kdumpctl propagate`. */
static int add_hosts_file(struct rd_image *img, const char *host, struct kdk_err *err)
{
	struct in_addr addr;
	char line[512];
	int rc, len;

	if (inet_pton(AF_INET, host, &addr) == 1)
		return 0;
	if ((rc = kdk_host_address_here(host, &addr, err)) < 0)
		return rc;
	len = snprintf(line, sizeof(line), "# the target's address when mkdumprd ran\n%s %s\n",
		       inet_ntoa(addr), host);
	printf("mkdumprd: /etc/hosts: %s %s (the capture /init asks DNS first)\n", inet_ntoa(addr), host);
	return rd_image_add_data(img, line, (size_t)len, "/etc/hosts", 0644, err);
}

/* An nfs server given by name: its address here into /etc/hosts. */
static int add_nfs_hosts(struct rd_image *img, const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	struct kdk_nfs_target t;
	int rc = kdk_nfs_target_parse(conf->fstype, conf->device, conf->nfs_options, &t, err);

	if (rc < 0)
		return rc;
	rc = add_hosts_file(img, t.server, err);
	kdk_nfs_target_free(&t);
	return rc;
}

/* The key and known_hosts the capture /init authenticates with (capture/main.c's paths). Both
 * must exist: kdumpctl propagate makes the key, installs it on the target and records its host
 * key; an image without them could only fail in the capture kernel, after a crash. */
static int add_ssh_files(struct rd_image *img, const struct kdk_kdump_conf *conf,
			 const char *known_hosts_opt, struct kdk_err *err)
{
	char pub[PATH_MAX], known_hosts[PATH_MAX], dir[PATH_MAX];
	int rc;

	if (access(conf->sshkey, R_OK))
		return kdk_err_set(err, errno, "ssh key %s (kdump.conf sshkey) for %s: %s; run "
					       "`kdumpctl propagate` to make it and install it on the target",
				   conf->sshkey, conf->ssh, strerror(errno));
	if (known_hosts_opt) {
		snprintf(known_hosts, sizeof(known_hosts), "%s", known_hosts_opt);
	} else {
		snprintf(dir, sizeof(dir), "%s", conf->sshkey);
		snprintf(known_hosts, sizeof(known_hosts), "%s/known_hosts", dirname(dir));
	}
	if (access(known_hosts, R_OK))
		return kdk_err_set(err, errno, "known_hosts %s (the host key of %s): %s; run "
					       "`kdumpctl propagate` to record it, or give --known-hosts FILE",
				   known_hosts, conf->ssh, strerror(errno));
	if ((rc = rd_image_add_file(img, conf->sshkey, "/etc/kdumpkit/ssh/id", 0600, err)) < 0 ||
	    (rc = rd_image_add_file(img, known_hosts, "/etc/kdumpkit/ssh/known_hosts", 0644, err)) < 0)
		return rc;
	snprintf(pub, sizeof(pub), "%s.pub", conf->sshkey);
	if (!access(pub, R_OK) &&
	    (rc = rd_image_add_file(img, pub, "/etc/kdumpkit/ssh/id.pub", 0644, err)) < 0)
		return rc;
	return add_hosts_file(img, ssh_host(conf->ssh), err);
}

static int add_program(struct rd_image *img, const char *path, struct kdk_err *err)
{
	struct kdk_array libs = KDK_ARRAY_INIT(char *);
	size_t i;
	int rc;

	if ((rc = rd_image_add_file(img, path, path, 0, err)) < 0)
		return rc;
	if ((rc = rd_needed_libraries(path, &libs, err)) < 0)
		goto out;
	for (i = 0; i < libs.len && rc == 0; i++) {
		const char *lib = *(char **)kdk_array_at(&libs, i);
		char real[PATH_MAX];
		/* Keep the name the loader asks for; store the file it points to. */
		if (!realpath(lib, real))
			rc = kdk_err_sys(err, errno, "%s", lib);
		else
			rc = rd_image_add_file(img, real, lib, 0, err);
	}
out:
	for (i = 0; i < libs.len; i++)
		free(*(char **)kdk_array_at(&libs, i));
	kdk_array_free(&libs);
	return rc;
}

/* Whether kdump.conf's core_collector compresses with zstd (-z, --zstd), read by dumpsave's own
 * parser. A line it refuses was refused by kdk_kdump_conf_check before this. */
static bool collector_uses_zstd(const struct kdk_kdump_conf *conf)
{
	struct kdk_save_options opts;
	struct kdk_err ignored = { 0 };
	char **argv = NULL, *storage = NULL;
	bool dropped_flatten, zstd;

	if (!conf->core_collector)
		return false;
	zstd = kdk_core_collector_options(conf->core_collector, "/proc/vmcore", "vmcore", &opts, &argv,
					  &storage, &dropped_flatten, &ignored) == 0 &&
	       opts.codec == KDK_SAVE_CODEC_ZSTD;
	free(argv);
	free(storage);
	return zstd;
}

/* The smallest capture /init that has what kdump.conf needs (Makefile, "Static builds"): the one
 * with SSH (and zstd) for ssh targets, the one with zstd for -z, else kdump-init. Each beside
 * --init unless named; *named holds a name made here (free it). */
static int choose_init(const struct mkdumprd_options *o, const struct kdk_kdump_conf *conf,
		       const char **init, char **named, struct kdk_err *err)
{
	const char *given = NULL, *name = NULL, *slash = strrchr(o->init, '/');

	*named = NULL;
	*init = o->init;
	if (conf->target == KDK_TARGET_SSH) {
		given = o->init_ssh;
		name = "kdump-init-ssh";
	} else if (collector_uses_zstd(conf)) {
		given = o->init_zstd;
		name = "kdump-init-zstd";
	}
	if (!name)
		return 0;
	if (given) {
		*init = given;
		return 0;
	}
	if (asprintf(named, "%.*s%s", slash ? (int)(slash - o->init + 1) : 0, o->init, name) < 0) {
		*named = NULL;
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	*init = *named;
	return 0;
}

static int build(const struct mkdumprd_options *o, struct kdk_err *err)
{
	struct kdk_kdump_conf conf;
	struct kdk_module_set modules;
	struct kdk_array warnings = KDK_ARRAY_INIT(char *);
	struct kdk_array records = KDK_ARRAY_INIT(struct kdk_target_record);
	struct rd_image *img = NULL;
	char moddir[PATH_MAX], *order = NULL, *init_named = NULL;
	const char *init;
	size_t order_len = 0, i;
	FILE *order_file = NULL;
	uint64_t size;
	int rc, need_shell;

	if ((rc = kdk_kdump_conf_load(o->conf, &conf, err)) < 0)
		return rc;
	if ((rc = kdk_kdump_conf_check(&conf, err)) < 0)
		goto out_conf;
	if (o->moddir)
		snprintf(moddir, sizeof(moddir), "%s", o->moddir);
	else
		snprintf(moddir, sizeof(moddir), "/lib/modules/%s", o->release);
	if ((rc = kdk_module_set_init(&modules, moddir, err)) < 0)
		goto out_conf;

	if (conf.target == KDK_TARGET_FS && (rc = kdk_module_set_add(&modules, conf.fstype, err)) < 0)
		goto out_modules;
	if (conf.target == KDK_TARGET_FS || conf.target == KDK_TARGET_RAW)
		rd_block_device_modules(&modules, conf.device, &warnings);
	if (conf.target == KDK_TARGET_SSH)
		rd_network_device_modules(&modules, ssh_host(conf.ssh), &warnings);
	if (conf.target == KDK_TARGET_NFS && (rc = add_nfs_modules(&modules, &conf, &warnings, err)) < 0)
		goto out_modules;
	/* The stable names the capture /init will look for; a root-fs dump whose path lies on
	 * another file system (a separate /var) needs that disk's drivers too. */
	if ((rc = rd_resolve_targets(&conf, &o->target_env, &records, &warnings, err)) < 0)
		goto out_modules;
	for (i = 0; i < records.len; i++) {
		const struct kdk_target_record *r = kdk_array_at(&records, i);
		struct kdk_err mod_err = { 0 };

		if (conf.target == KDK_TARGET_FS && !strcmp(r->spec, conf.device))
			continue;
		rd_block_device_modules(&modules, r->id, &warnings);
		if (r->fstype[0] && kdk_module_set_add(&modules, r->fstype, &mod_err) < 0)
			rd_warn(&warnings, "root file system dump on %s (%s): %s", r->id, r->fstype,
				mod_err.msg);
	}
	for (i = 0; i < conf.extra_modules.len && rc == 0; i++)
		rc = kdk_module_set_add(&modules, *(char **)kdk_array_at(&conf.extra_modules, i), err);
	for (i = 0; i < o->modules.len && rc == 0; i++)
		rc = kdk_module_set_add(&modules, *(const char **)kdk_array_at(&o->modules, i), err);
	if (rc < 0)
		goto out_modules;

	if ((rc = rd_image_open(&img, o->output, err)) < 0)
		goto out_modules;
	if ((rc = choose_init(o, &conf, &init, &init_named, err)) < 0)
		goto out_image;
	if ((rc = rd_image_add_file(img, init, "/init", 0755, err)) < 0 ||
	    (rc = rd_image_add_file(img, o->conf, "/etc/kdump.conf", 0644, err)) < 0)
		goto out_image;
	for (i = 0; i < 6 && rc == 0; i++) {
		static const char *const dirs[] = { "/dev", "/proc", "/sys", "/tmp", "/run", "/mnt" };
		rc = rd_image_add_dir(img, dirs[i], err);
	}
	if (rc < 0 || (conf.target == KDK_TARGET_SSH &&
		       (rc = add_ssh_files(img, &conf, o->known_hosts, err)) < 0) ||
	    (conf.target == KDK_TARGET_NFS && (rc = add_nfs_hosts(img, &conf, err)) < 0))
		goto out_image;
	if ((rc = add_target_records(img, &records, err)) < 0)
		goto out_image;

	/* Modules, and the list /init loads them from, in order. */
	order_file = open_memstream(&order, &order_len);
	if (!order_file) {
		rc = kdk_err_sys(err, errno, "open_memstream");
		goto out_image;
	}
	for (i = 0; i < modules.load_order.len && rc == 0; i++) {
		const struct kdk_module_file *m = kdk_array_at(&modules.load_order, i);
		char dst[PATH_MAX];
		snprintf(dst, sizeof(dst), "/lib/modules/%s", basename((char *)m->path));
		rc = rd_image_add_file(img, m->path, dst, 0644, err);
		fprintf(order_file, "%s %s\n", m->name, dst);
	}
	fclose(order_file);
	if (rc < 0 || (rc = rd_image_add_data(img, order, order_len, "/etc/kdumpkit/modules", 0644,
					      err)) < 0)
		goto out_image;

	need_shell = conf.failure_action == KDK_ACTION_SHELL || conf.kdump_pre || conf.kdump_post;
	if (need_shell) {
		if ((rc = rd_image_add_file(img, o->busybox, "/bin/busybox", 0755, err)) < 0 ||
		    (rc = rd_image_add_symlink(img, "busybox", "/bin/sh", err)) < 0)
			goto out_image;
	}
	if (conf.kdump_pre && (rc = add_program(img, conf.kdump_pre, err)) < 0)
		goto out_image;
	if (conf.kdump_post && (rc = add_program(img, conf.kdump_post, err)) < 0)
		goto out_image;
	for (i = 0; i < conf.extra_bins.len && rc == 0; i++)
		rc = add_program(img, *(char **)kdk_array_at(&conf.extra_bins, i), err);
	if (rc < 0)
		goto out_image;

	{
		uint64_t content = rd_image_content_size(img);
		rc = rd_image_close(img, &size, err);
		img = NULL;
		if (rc < 0)
			goto out_modules;
		for (i = 0; i < conf.warnings.len; i++)
			fprintf(stderr, "mkdumprd: %s\n", *(char **)kdk_array_at(&conf.warnings, i));
		for (i = 0; i < warnings.len; i++)
			fprintf(stderr, "mkdumprd: warning: %s\n", *(char **)kdk_array_at(&warnings, i));
		printf("mkdumprd: wrote %s: %llu KiB (%llu KiB unpacked), /init from %s, %zu modules%s%s\n",
		       o->output, (unsigned long long)(size + 1023) / 1024,
		       (unsigned long long)(content + 1023) / 1024, init, modules.load_order.len,
		       need_shell ? ", busybox" : "", modules.builtin.len ? " (plus built-in ones)" : "");
	}
out_image:
	if (img)
		rd_image_abort(img);
out_modules:
	free(order);
	free(init_named);
	for (i = 0; i < warnings.len; i++)
		free(*(char **)kdk_array_at(&warnings, i));
	kdk_array_free(&warnings);
	kdk_target_records_free(&records);
	kdk_module_set_free(&modules);
out_conf:
	kdk_kdump_conf_free(&conf);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "kernel", required_argument, NULL, 'k' }, { "moddir", required_argument, NULL, 'm' },
		{ "init", required_argument, NULL, 'i' }, { "busybox", required_argument, NULL, 'b' },
		{ "init-ssh", required_argument, NULL, 'I' }, { "init-zstd", required_argument, NULL, 'Z' },
		{ "module", required_argument, NULL, 'M' }, { "help", no_argument, NULL, 'h' },
		{ "known-hosts", required_argument, NULL, 'K' },
		{ "proc", required_argument, NULL, 'P' }, { "dev-disk", required_argument, NULL, 'D' },
		{ "sys", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct mkdumprd_options o = { .conf = "/etc/kdump.conf", .init = KDK_LIBEXECDIR "/kdump-init",
				      .busybox = "/bin/busybox",
				      .target_env = { .proc = "/proc", .dev_disk = "/dev/disk",
						      .sys = "/sys" } };
	struct kdk_err err = { 0 };
	struct utsname uts;
	int c, rc;

	kdk_array_init(&o.modules, sizeof(const char *));
	while ((c = getopt_long(argc, argv, "c:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'k': o.release = optarg; break;
		case 'm': o.moddir = optarg; break;
		case 'c': o.conf = optarg; break;
		case 'i': o.init = optarg; break;
		case 'I': o.init_ssh = optarg; break;
		case 'Z': o.init_zstd = optarg; break;
		case 'b': o.busybox = optarg; break;
		case 'K': o.known_hosts = optarg; break;
		case 'P': o.target_env.proc = optarg; break;
		case 'D': o.target_env.dev_disk = optarg; break;
		case 'S': o.target_env.sys = optarg; break;
		case 'M': {
			const char **slot = kdk_array_push(&o.modules, NULL);
			if (!slot) {
				fprintf(stderr, "mkdumprd: out of memory\n");
				return 1;
			}
			*slot = optarg;
			break;
		}
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o.output = argv[optind];
	if (!o.release && !o.moddir) {
		uname(&uts);
		o.release = uts.release;
	}
	rc = build(&o, &err);
	kdk_array_free(&o.modules);
	if (rc < 0) {
		fprintf(stderr, "mkdumprd: %s\n", err.msg);
		return 1;
	}
	return 0;
}
