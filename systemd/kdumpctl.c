/* kdumpctl.c — kdumpctl: load and unload the capture kernel (kdump.service runs start and stop),
 * report its state, rebuild its initramfs, size and reserve its memory, test it. Commands are one
 * table; paths can be moved (options, environment) so tests run it against a fake /sys. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture_cmdline.h"
#include "capture_cpus.h"
#include "ctl.h"
#include "estimate.h"
#include "kdump_conf_check.h"
#include "grub.h"
#include "mem_ranges.h"
#include "propagate.h"
#include "hotplug.h"
#include "raw_save.h"
#include "rebuild.h"

#define MiB ((uint64_t)1024 * 1024)

struct command {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char **argv);
	const char *help;
};

static const char reserve_hint[] =
	"add crashkernel=SIZE to the kernel command line and reboot: `kdumpctl reset-crashkernel` "
	"writes it into /etc/default/grub (then run update-grub), `kdumpctl estimate` says how much";

static int fail(const struct ctl *ctl, const struct kdk_err *err)
{
	ctl_error(ctl, "%s", err->msg);
	return 1;
}

static int load_conf(const struct ctl *ctl, struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	size_t i;
	int rc = kdk_kdump_conf_load(ctl->conf_path, conf, err);

	if (rc)
		return rc;
	for (i = 0; i < conf->warnings.len; i++)
		ctl_warn(ctl, "%s", *(char **)kdk_array_at(&conf->warnings, i));
	return 0;
}

/* The reservation, or an error that says how to make one. */
static int check_reserved(const struct ctl *ctl, uint64_t *size, struct kdk_err *err)
{
	int rc = ctl_crash_size(ctl, size, err);

	if (rc == -ENOENT)
		return kdk_err_set(err, ENOENT, "%s/kernel/kexec_crash_size does not exist: this kernel has no kdump support (CONFIG_CRASH_DUMP)",
				   ctl->sysfs);
	if (rc)
		return rc;
	if (!*size)
		return kdk_err_set(err, ENOMEM, "no memory is reserved for the crash kernel (%s/kernel/kexec_crash_size is 0): %s",
				   ctl->sysfs, reserve_hint);
	return 0;
}

static int kexec_argv_run(const struct ctl *ctl, struct kdk_array *extra, const char *const *args,
			  struct kdk_err *err)
{
	struct kdk_array argv = KDK_ARRAY_INIT(const char *);
	const char **slot;
	size_t i;
	int status = 0;

	if (!(slot = kdk_array_push(&argv, err)))
		return -ENOMEM;
	*slot = ctl->kexec;
	for (i = 0; extra && i < extra->len && status == 0; i++) {
		if (!(slot = kdk_array_push(&argv, err)))
			status = -ENOMEM;
		else
			*slot = *(char **)kdk_array_at(extra, i);
	}
	for (i = 0; args[i] && status == 0; i++) {
		if (!(slot = kdk_array_push(&argv, err)))
			status = -ENOMEM;
		else
			*slot = args[i];
	}
	if (status == 0 && (slot = kdk_array_push(&argv, err)))
		*slot = NULL;
	else if (status == 0)
		status = -ENOMEM;
	if (status == 0)
		status = ctl_run(argv.items, err);
	kdk_array_free(&argv);
	return status;
}

static int set_crashkernel(const struct ctl *ctl, const char *size);

/* kdump.conf auto_reset_crashkernel yes: when the estimate needs more than is reserved, write
 * its crashkernel= for the next boot (the capture kernel is still loaded into what there is).
 * e: the estimate, or NULL when it could not be made (why in est_err). */
static void auto_reset_crashkernel(const struct ctl *ctl, const struct kdk_kdump_conf *conf,
				   uint64_t reserved, const struct estimate *e,
				   const struct kdk_err *est_err)
{
	char size[32];

	if (!conf->auto_reset_crashkernel)
		return;
	if (!e) {
		ctl_warn(ctl, "%s:%u: auto_reset_crashkernel: no estimate: %s", conf->file,
			 conf->auto_reset_crashkernel_line, est_err->msg);
		return;
	}
	if (e->needed <= reserved) {
		ctl_info(ctl, "auto_reset_crashkernel: the reservation (%" PRIu64 " MiB) covers the estimate (%" PRIu64 " MiB): grub left alone",
			 reserved / MiB, (e->needed + MiB - 1) / MiB);
		return;
	}
	snprintf(size, sizeof(size), "%" PRIu64 "M", e->recommended / MiB);
	ctl_warn(ctl, "auto_reset_crashkernel: %" PRIu64 " MiB reserved, the estimate needs %" PRIu64 " MiB: writing crashkernel=%s for the next boot",
		 reserved / MiB, (e->needed + MiB - 1) / MiB, size);
	set_crashkernel(ctl, size);
}

/* Load the capture kernel, rebuilding its initramfs first as mode says. */
static int load(struct ctl *ctl, enum rebuild_mode mode)
{
	struct kdk_kdump_conf conf;
	struct kdk_err err = { 0 };
	struct kdk_array kexec_args = KDK_ARRAY_INIT(char *);
	char *cmdline = NULL, *initrd_opt = NULL, *cmdline_opt = NULL;
	uint64_t reserved;
	struct stat st = { 0 };
	char cpus_why[512];
	long disable_apicid = -1;
	unsigned cpus;
	struct estimate e;
	struct kdk_err est_err = { 0 };
	bool have_estimate = false;
	int rc, loaded, status;

	if ((loaded = ctl_crash_loaded(ctl, &err)) < 0 && loaded != -ENOENT)
		return fail(ctl, &err);
	if (loaded == 1) {
		ctl_info(ctl, "a capture kernel is already loaded (kdumpctl restart loads it again)");
		return 0;
	}
	kdk_err_clear(&err);
	if (check_reserved(ctl, &reserved, &err))
		return fail(ctl, &err);
	if (load_conf(ctl, &conf, &err))
		return fail(ctl, &err);
	rc = 1;
	/* What the capture /init could not do is refused now, not at crash time. */
	if (kdk_kdump_conf_check(&conf, &err))
		goto out;
	if (access(ctl->kernel, R_OK)) {
		kdk_err_sys(&err, errno, "capture kernel %s (KDUMP_KERNEL in %s)", ctl->kernel,
			    ctl->settings_path);
		goto out;
	}
	if (rebuild_initrd(ctl, &conf, mode, &err))
		goto out;
	/* One estimate (it reads the whole initramfs) for what needs it: auto_reset_crashkernel
	 * and KDUMP_CPUS=auto. */
	if (conf.auto_reset_crashkernel || !ctl->capture_cpus)
		have_estimate = !estimate_compute(ctl, &e, &est_err);
	auto_reset_crashkernel(ctl, &conf, reserved, have_estimate ? &e : NULL, &est_err);
	cpus = capture_cpus_choose(ctl, reserved, have_estimate ? &e : NULL, &est_err, &disable_apicid,
				   cpus_why, sizeof(cpus_why));
	if (cpus > 1 || ctl->capture_cpus != 1)
		ctl_info(ctl, "the capture kernel gets %u CPU%s (%s)", cpus, cpus > 1 ? "s" : "", cpus_why);
	if (capture_cmdline_build(ctl, &conf, cpus, disable_apicid, &cmdline, &err) ||
	    ctl_split_words(ctl->kexec_args, &kexec_args, &err))
		goto out;
	if (asprintf(&initrd_opt, "--initrd=%s", ctl->initrd) < 0 ||
	    asprintf(&cmdline_opt, "--command-line=%s", cmdline) < 0) {
		kdk_err_set(&err, ENOMEM, "out of memory");
		goto out;
	}
	hotplug_mark_loaded(ctl);
	{
		const char *args[] = { "-p", ctl->kernel, initrd_opt, cmdline_opt, NULL };
		status = kexec_argv_run(ctl, &kexec_args, args, &err);
	}
	if (status < 0)
		goto out;
	if (status) {
		kdk_err_set(&err, EIO, "%s -p %s failed (exit %d): no capture kernel loaded", ctl->kexec,
			    ctl->kernel, status);
		goto out;
	}
	if ((loaded = ctl_crash_loaded(ctl, &err)) != 1) {
		if (!loaded)
			kdk_err_set(&err, EIO, "%s -p succeeded but %s/kernel/kexec_crash_loaded still says 0",
				    ctl->kexec, ctl->sysfs);
		goto out;
	}
	if (stat(ctl->initrd, &st) < 0)
		st.st_size = 0;
	ctl_info(ctl, "loaded the capture kernel %s with %s (%" PRIu64 " KiB) into the %" PRIu64
		 " MiB reservation; its command line: %s",
		 ctl->kernel, ctl->initrd, (uint64_t)st.st_size / 1024, reserved / MiB, cmdline);
	ctl_info(ctl, "kdump is operational: a crash saves to %s%s%s, path %s",
		 conf.target == KDK_TARGET_SSH ? conf.ssh :
		 conf.target == KDK_TARGET_ROOTFS ? "the root filesystem" : conf.device,
		 conf.target == KDK_TARGET_FS || conf.target == KDK_TARGET_NFS ? " " : "",
		 conf.target == KDK_TARGET_FS || conf.target == KDK_TARGET_NFS ? conf.fstype : "",
		 conf.path);
	rc = 0;
out:
	if (rc)
		fail(ctl, &err);
	free(cmdline);
	free(initrd_opt);
	free(cmdline_opt);
	ctl_free_words(&kexec_args);
	kdk_kdump_conf_free(&conf);
	return rc;
}

static int unload(struct ctl *ctl)
{
	struct kdk_err err = { 0 };
	int loaded = ctl_crash_loaded(ctl, &err), status;
	const char *args[] = { "-p", "-u", NULL };

	if (loaded < 0)
		return fail(ctl, &err);
	if (!loaded) {
		ctl_info(ctl, "no capture kernel is loaded");
		return 0;
	}
	status = kexec_argv_run(ctl, NULL, args, &err);
	if (status < 0)
		return fail(ctl, &err);
	if (status) {
		ctl_error(ctl, "%s -p -u failed (exit %d)", ctl->kexec, status);
		return 1;
	}
	ctl_info(ctl, "unloaded the capture kernel");
	return 0;
}

static int no_args(const struct ctl *ctl, int argc, const char *name)
{
	if (argc > 1) {
		ctl_error(ctl, "%s takes no arguments", name);
		return 2;
	}
	return 0;
}

/* A dump the last capture wrote on a raw target is saved before anything else, whatever start
 * then finds (no reservation, a loaded kernel); a failure is said, and start goes on (the next
 * crash needs kdump more). A kdump.conf that does not load is left to load() to report. */
static void save_raw_first(const struct ctl *ctl)
{
	struct kdk_kdump_conf conf;
	struct kdk_err err = { 0 };

	if (load_conf(ctl, &conf, &err))
		return;
	if (ctl_save_raw(ctl, &conf, &err))
		ctl_error(ctl, "%s", err.msg);
	kdk_kdump_conf_free(&conf);
}

static int cmd_start(struct ctl *ctl, int argc, char **argv)
{
	if (no_args(ctl, argc, argv[0]))
		return 2;
	save_raw_first(ctl);
	return load(ctl, REBUILD_IF_CHANGED);
}

static int cmd_stop(struct ctl *ctl, int argc, char **argv)
{
	return no_args(ctl, argc, argv[0]) ?: unload(ctl);
}

/* A broken kdump.conf stops restart and reload before the loaded capture kernel is unloaded. */
static int conf_is_valid(const struct ctl *ctl)
{
	struct kdk_kdump_conf conf;
	struct kdk_err err = { 0 };
	int rc;

	if (kdk_kdump_conf_load(ctl->conf_path, &conf, &err)) {
		ctl_error(ctl, "%s (the loaded capture kernel, if any, stays)", err.msg);
		return 1;
	}
	rc = kdk_kdump_conf_check(&conf, &err);
	kdk_kdump_conf_free(&conf);
	if (rc) {
		ctl_error(ctl, "%s (the loaded capture kernel, if any, stays)", err.msg);
		return 1;
	}
	return 0;
}

static int cmd_restart(struct ctl *ctl, int argc, char **argv)
{
	return no_args(ctl, argc, argv[0]) ?: conf_is_valid(ctl) ?: unload(ctl) ?:
	       load(ctl, REBUILD_IF_CHANGED);
}

/* reload: the same initramfs again (systemctl reload kdump), e.g. after KDUMP_COMMANDLINE changed. */
static int cmd_reload(struct ctl *ctl, int argc, char **argv)
{
	return no_args(ctl, argc, argv[0]) ?: conf_is_valid(ctl) ?: unload(ctl) ?:
	       load(ctl, REBUILD_IF_MISSING);
}

/* The udev rule's command (systemd/98-kdumpkit-hotplug.rules.in): memory or CPUs changed. */
static int reload_for_hotplug(struct ctl *ctl)
{
	return conf_is_valid(ctl) ?: unload(ctl) ?: load(ctl, REBUILD_IF_MISSING);
}

static int cmd_hotplug(struct ctl *ctl, int argc, char **argv)
{
	return no_args(ctl, argc, argv[0]) ?: hotplug_follow(ctl, reload_for_hotplug);
}

/* kdump-utils' codes: 0 operational, 3 not (LSB "not running"), 1 when the state cannot be read. */
static int cmd_status(struct ctl *ctl, int argc, char **argv)
{
	struct kdk_err err = { 0 };
	uint64_t reserved;
	int loaded;

	if (no_args(ctl, argc, argv[0]))
		return 2;
	loaded = ctl_crash_loaded(ctl, &err);
	if (loaded < 0 && loaded != -ENOENT)
		return fail(ctl, &err);
	if (loaded == 1) {
		printf("Kdump is operational\n");
		hotplug_status(ctl);
		return 0;
	}
	printf("Kdump is not operational\n");
	kdk_err_clear(&err);
	if (check_reserved(ctl, &reserved, &err))
		printf("%s\n", err.msg);
	else
		printf("%" PRIu64 " MiB are reserved but no capture kernel is loaded (kdumpctl start)\n",
		       reserved / MiB);
	return 3;
}

/* A command that takes no arguments and works on the loaded kdump.conf. */
static int with_conf(struct ctl *ctl, int argc, char **argv,
		     int (*work)(const struct ctl *, const struct kdk_kdump_conf *, struct kdk_err *))
{
	struct kdk_kdump_conf conf;
	struct kdk_err err = { 0 };
	int rc;

	if (no_args(ctl, argc, argv[0]))
		return 2;
	if (load_conf(ctl, &conf, &err))
		return fail(ctl, &err);
	rc = work(ctl, &conf, &err) ? fail(ctl, &err) : 0;
	kdk_kdump_conf_free(&conf);
	return rc;
}

static int rebuild_always(const struct ctl *ctl, const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	return rebuild_initrd(ctl, conf, REBUILD_ALWAYS, err);
}

static int cmd_save_raw(struct ctl *ctl, int argc, char **argv)
{
	return with_conf(ctl, argc, argv, ctl_save_raw);
}

static int cmd_rebuild(struct ctl *ctl, int argc, char **argv)
{
	return with_conf(ctl, argc, argv, rebuild_always);
}

/* The reserved size from sysfs, where it is from /proc/iomem's "Crash kernel" lines. */
static int cmd_showmem(struct ctl *ctl, int argc, char **argv)
{
	struct kdk_array entries = KDK_ARRAY_INIT(struct kdk_iomem_entry);
	struct kdk_err err = { 0 };
	char *iomem = ctl_path(ctl->proc, "iomem");
	uint64_t size;
	size_t i, shown = 0;
	int rc = 0;

	if (no_args(ctl, argc, argv[0]))
		return 2;
	if (!iomem)
		return 1;
	if (check_reserved(ctl, &size, &err)) {
		rc = fail(ctl, &err);
		goto out;
	}
	printf("Reserved %" PRIu64 " MiB (%" PRIu64 " bytes) for the crash kernel\n", size / MiB, size);
	if (kdk_iomem_load(iomem, &entries, &err)) {
		ctl_warn(ctl, "where: %s", err.msg);
		goto out;
	}
	for (i = 0; i < entries.len; i++) {
		const struct kdk_iomem_entry *e = kdk_array_at(&entries, i);
		if (strcmp(e->name, "Crash kernel"))
			continue;
		printf("at 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64 " MiB, %s)\n", e->start, e->end,
		       (e->end - e->start + 1) / MiB, iomem);
		shown++;
	}
	if (!shown)
		printf("%s has no \"Crash kernel\" line\n", iomem);
out:
	kdk_iomem_free(&entries);
	free(iomem);
	return rc;
}

static int cmd_estimate(struct ctl *ctl, int argc, char **argv)
{
	struct estimate e;
	struct kdk_err err = { 0 };
	uint64_t reserved = 0;

	if (no_args(ctl, argc, argv[0]))
		return 2;
	if (estimate_compute(ctl, &e, &err))
		return fail(ctl, &err);
	estimate_print(ctl, &e, stdout);
	if (!ctl_crash_size(ctl, &reserved, NULL))
		printf("Reserved now: %" PRIu64 "M%s\n", reserved / MiB,
		       reserved && reserved < e.needed ? " (less than needed)" : "");
	return 0;
}

/* Crash the machine on purpose, as the kdump articles do: echo c > /proc/sysrq-trigger. */
static int cmd_test(struct ctl *ctl, int argc, char **argv)
{
	struct kdk_err err = { 0 };
	bool force = argc == 2 && (!strcmp(argv[1], "--force") || !strcmp(argv[1], "-f"));
	char *trigger = ctl_path(ctl->proc, "sysrq-trigger"), answer[16] = "";
	FILE *out;
	int loaded;

	if (!trigger || (argc > 1 && !force)) {
		ctl_error(ctl, "usage: kdumpctl test [--force]");
		free(trigger);
		return 2;
	}
	if ((loaded = ctl_crash_loaded(ctl, &err)) != 1) {
		if (loaded < 0)
			fail(ctl, &err);
		ctl_error(ctl, "kdump is not operational: a crash now would not be captured (kdumpctl start)");
		free(trigger);
		return 1;
	}
	if (!force) {
		fprintf(stderr, "This crashes the system now (writes c to %s); the capture kernel saves a dump "
			"and the machine reboots. Type yes to go on: ", trigger);
		if (!fgets(answer, sizeof(answer), stdin) || strcmp(answer, "yes\n")) {
			ctl_info(ctl, "not confirmed: nothing done");
			free(trigger);
			return 1;
		}
	}
	ctl_info(ctl, "crashing the system through %s", trigger);
	sync();
	if (!(out = fopen(trigger, "we")) || fputs("c", out) == EOF || fclose(out)) {
		ctl_error(ctl, "%s: %s", trigger, strerror(errno));
		free(trigger);
		return 1;
	}
	free(trigger);
	return 0; /* reached only when the trigger is not the kernel's */
}

static int cmd_propagate(struct ctl *ctl, int argc, char **argv)
{
	return with_conf(ctl, argc, argv, propagate_ssh_key);
}

/* crashkernel=size where grub-mkconfig takes GRUB_CMDLINE_LINUX from; 0, or -1 (reported). */
static int set_crashkernel(const struct ctl *ctl, const char *size)
{
	struct kdk_array backups = KDK_ARRAY_INIT(char *);
	struct kdk_err err = { 0 };
	size_t i;

	if (grub_set_crashkernel(ctl->grub_defaults, size, &backups, &err)) {
		fail(ctl, &err);
		ctl_error(ctl, "crashkernel=%s was not written: nothing changed", size);
		return -1;
	}
	if (!backups.len)
		ctl_info(ctl, "%s already sets crashkernel=%s: unchanged", ctl->grub_defaults, size);
	for (i = 0; i < backups.len; i++) {
		char *backup = *(char **)kdk_array_at(&backups, i);
		ctl_info(ctl, "%.*s: crashkernel=%s where GRUB_CMDLINE_LINUX takes effect (other crashkernel= words removed); the old file is %s",
			 (int)(strlen(backup) - strlen(strrchr(backup, '.') ? strrchr(backup, '.') : "")),
			 backup, size, backup);
		free(backup);
	}
	if (backups.len)
		ctl_info(ctl, "run update-grub and reboot for the reservation to take effect");
	kdk_array_free(&backups);
	return 0;
}

/* The estimate's value, as crashkernel= takes it ("96M"), alone on stdout; the initramfs is
 * built first when it is missing or out of date, since the estimate measures it. */
static int cmd_get_default_crashkernel(struct ctl *ctl, int argc, char **argv)
{
	struct kdk_kdump_conf conf;
	struct kdk_err err = { 0 };
	struct estimate e;

	if (no_args(ctl, argc, argv[0]))
		return 2;
	if (load_conf(ctl, &conf, &err))
		return fail(ctl, &err);
	if (rebuild_initrd(ctl, &conf, REBUILD_IF_CHANGED, &err) || estimate_compute(ctl, &e, &err)) {
		kdk_kdump_conf_free(&conf);
		return fail(ctl, &err);
	}
	kdk_kdump_conf_free(&conf);
	printf("%" PRIu64 "M\n", e.recommended / MiB);
	return 0;
}

/* crashkernel= into /etc/default/grub: SIZE given, or estimate's (building the initramfs first,
 * since the estimate measures it). */
static int cmd_reset_crashkernel(struct ctl *ctl, int argc, char **argv)
{
	struct kdk_err err = { 0 };
	char size[32];
	int i;

	size[0] = '\0';
	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--size=", 7) && argv[i][7])
			snprintf(size, sizeof(size), "%s", argv[i] + 7);
		else {
			ctl_error(ctl, "usage: kdumpctl reset-crashkernel [--size=SIZE]");
			return 2;
		}
	}
	if (!size[0]) {
		struct kdk_kdump_conf conf;
		struct estimate e;
		if (load_conf(ctl, &conf, &err))
			return fail(ctl, &err);
		if (rebuild_initrd(ctl, &conf, REBUILD_IF_CHANGED, &err) ||
		    estimate_compute(ctl, &e, &err)) {
			kdk_kdump_conf_free(&conf);
			return fail(ctl, &err);
		}
		kdk_kdump_conf_free(&conf);
		snprintf(size, sizeof(size), "%lluM", (unsigned long long)(e.recommended / MiB));
		ctl_info(ctl, "kdumpctl estimate recommends crashkernel=%s", size);
	}
	return set_crashkernel(ctl, size) ? 1 : 0;
}

static int cmd_help(struct ctl *ctl, int argc, char **argv);

static const struct command commands[] = {
	{ "start", cmd_start, "load the capture kernel (rebuilding its initramfs if its inputs changed)" },
	{ "stop", cmd_stop, "unload it" },
	{ "restart", cmd_restart, "stop, then start" },
	{ "reload", cmd_reload, "unload and load again with the same initramfs" },
	{ "status", cmd_status, "exit 0 when operational (a capture kernel is loaded), 3 when not; how hotplug is followed" },
	{ "hotplug", cmd_hotplug, "reload after memory/CPU hotplug unless the kernel updates the elfcorehdr (udev runs it)" },
	{ "rebuild", cmd_rebuild, "rebuild the capture initramfs now" },
	{ "save-raw", cmd_save_raw, "save the dump a capture wrote on kdump.conf's raw device (start does)" },
	{ "showmem", cmd_showmem, "the memory reserved for the crash kernel, and where" },
	{ "estimate", cmd_estimate, "the crashkernel= this machine needs, and how it was reckoned" },
	{ "get-default-crashkernel", cmd_get_default_crashkernel,
	  "print the estimate's crashkernel= value (e.g. 96M) on stdout" },
	{ "reset-crashkernel", cmd_reset_crashkernel,
	  "[--size=SIZE] put crashkernel= into /etc/default/grub (default: the estimate)" },
	{ "propagate", cmd_propagate, "make the SSH key, install it on the ssh target, record its host key" },
	{ "test", cmd_test, "[--force] crash the system now to test kdump (asks first unless --force)" },
	{ "help", cmd_help, "this list" },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: kdumpctl [OPTIONS] COMMAND\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-18s %s\n", commands[i].name, commands[i].help);
	fprintf(out,
		"Options (and the environment variables that set them):\n"
		"  --conf FILE        kdump.conf (KDUMP_CONF; default /etc/kdump.conf)\n"
		"  --settings FILE    KEY=value settings (KDUMP_SETTINGS; default /etc/default/kdump)\n"
		"  --grub FILE        for reset-crashkernel (KDUMPCTL_GRUB; default /etc/default/grub)\n"
		"  --sysfs DIR        (KDUMPCTL_SYSFS; default /sys)   --proc DIR (KDUMPCTL_PROC; default /proc)\n"
		"  KDUMPCTL_RUNDIR    hotplug's lock and the last load's time (default /run/kdumpkit)\n"
		"Tools: KDUMPCTL_KEXEC, KDUMPCTL_MKDUMPRD (default " KDK_PREFIX "/sbin/…),\n"
		"KDUMPCTL_LIBEXECDIR (default " KDK_PREFIX "/lib/kdumpkit), KDUMPCTL_SSH, KDUMPCTL_SSH_KEYGEN.\n");
}

static int cmd_help(struct ctl *ctl, int argc, char **argv)
{
	(void)ctl, (void)argc, (void)argv;
	usage(stdout);
	return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *value = getenv(name);
	return value && *value ? value : fallback;
}

/* systemd sets JOURNAL_STREAM=dev:inode of the stream it gave us (systemd.exec(5)). */
static bool stderr_is_journal(void)
{
	const char *stream = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return stream && sscanf(stream, "%llu:%llu", &dev, &ino) == 2 && !fstat(2, &st) &&
	       st.st_dev == dev && st.st_ino == ino;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "conf", required_argument, NULL, 'c' }, { "settings", required_argument, NULL, 's' },
		{ "grub", required_argument, NULL, 'g' }, { "sysfs", required_argument, NULL, 'y' },
		{ "proc", required_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl ctl = {
		.sysfs = env_or("KDUMPCTL_SYSFS", "/sys"),
		.proc = env_or("KDUMPCTL_PROC", "/proc"),
		.conf_path = env_or("KDUMP_CONF", "/etc/kdump.conf"),
		.settings_path = env_or("KDUMP_SETTINGS", "/etc/default/kdump"),
		.rundir = env_or("KDUMPCTL_RUNDIR", "/run/kdumpkit"),
		.grub_defaults = env_or("KDUMPCTL_GRUB", "/etc/default/grub"),
		.resolv_conf = env_or("KDUMPCTL_RESOLV_CONF", "/etc/resolv.conf"),
		.sbindir = KDK_PREFIX "/sbin",
		.libexecdir = env_or("KDUMPCTL_LIBEXECDIR", KDK_PREFIX "/lib/kdumpkit"),
		.kexec = env_or("KDUMPCTL_KEXEC", KDK_PREFIX "/sbin/kexec"),
		.mkdumprd = env_or("KDUMPCTL_MKDUMPRD", KDK_PREFIX "/sbin/mkdumprd"),
		.journal = stderr_is_journal(),
	};
	struct kdk_err err = { 0 };
	size_t i;
	int c, rc;

	/* '+': options stop at the command, whose own arguments (test --force) follow it. */
	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (c) {
		case 'c': ctl.conf_path = optarg; break;
		case 's': ctl.settings_path = optarg; break;
		case 'g': ctl.grub_defaults = optarg; break;
		case 'y': ctl.sysfs = optarg; break;
		case 'p': ctl.proc = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < NR_COMMANDS && strcmp(commands[i].name, argv[optind]); i++)
		;
	if (i == NR_COMMANDS) {
		ctl_error(&ctl, "unknown command \"%s\" (kdumpctl help lists them)", argv[optind]);
		return 2;
	}
	if (ctl_load_settings(&ctl, &err)) {
		ctl_free(&ctl);
		return fail(&ctl, &err);
	}
	rc = commands[i].run(&ctl, argc - optind, argv + optind);
	ctl_free(&ctl);
	return rc;
}
