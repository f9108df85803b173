/* main.c — kexec: load a kernel for kexec or as the crash kernel, start it, unload it, report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bzimage.h"
#include "cmdline.h"
#include "kexec_sys.h"
#include "load_file.h"
#include "load_legacy.h"
#include "options.h"

static int fail(const struct kdk_err *err)
{
	fprintf(stderr, "kexec: %s\n", err->msg);
	return 1;
}

/* Lockdown (integrity or confidentiality) forbids kexec_load; only signed kexec_file_load works. */
static bool lockdown_active(void)
{
	char line[128] = "";
	FILE *in = fopen("/sys/kernel/security/lockdown", "re");
	bool active;

	if (!in)
		return false;
	if (!fgets(line, sizeof(line), in))
		line[0] = '\0';
	fclose(in);
	active = line[0] && !strstr(line, "[none]");
	return active;
}

static int build_cmdline(const struct kexec_options *opts, struct kexec_cmdline *cmdline,
			 struct kdk_err *err)
{
	if (opts->reuse_cmdline &&
	    kexec_cmdline_reuse(cmdline, "/proc/cmdline", opts->kind == KEXEC_IMAGE_CRASH, err))
		return -err->code;
	if (opts->command_line && kexec_cmdline_append(cmdline, opts->command_line, err))
		return -err->code;
	if (opts->append && kexec_cmdline_append(cmdline, opts->append, err))
		return -err->code;
	return kexec_cmdline_append(cmdline, "", err);
}

/* Checks that give a better message than the syscall's errno would. */
static int check_before_load(const struct kexec_options *opts, struct kdk_err *err)
{
	struct kexec_bzimage image;
	int rc;

	if (geteuid() != 0 && !opts->dry_run)
		return kdk_err_set(err, EPERM, "loading a kernel needs root (CAP_SYS_BOOT)");
	if (opts->initrd && access(opts->initrd, R_OK))
		return kdk_err_sys(err, errno, "initrd %s", opts->initrd);
	rc = kexec_bzimage_load(opts->kernel, &image, err);
	if (rc)
		return rc;
	kexec_bzimage_free(&image);
	if (opts->kind == KEXEC_IMAGE_CRASH && !opts->dry_run) {
		FILE *in = fopen("/sys/kernel/kexec_crash_size", "re");
		unsigned long long size = 0;

		if (in) {
			if (fscanf(in, "%llu", &size) != 1)
				size = 0;
			fclose(in);
			if (!size)
				return kdk_err_set(err, ENOMEM,
						   "no memory is reserved for a crash kernel: add "
						   "crashkernel=256M (or what `kdumpctl estimate` says) to "
						   "the kernel command line and reboot");
		}
	}
	return 0;
}

static int do_load(const struct kexec_options *opts, struct kdk_err *err)
{
	struct kexec_cmdline cmdline = { NULL };
	struct kexec_legacy_request req;
	bool auto_choice = opts->syscall == KEXEC_SYSCALL_AUTO;
	const char *name = kexec_image_name(opts->kind);
	int rc;

	if ((rc = check_before_load(opts, err)) || (rc = build_cmdline(opts, &cmdline, err)))
		goto out;
	if (opts->syscall != KEXEC_SYSCALL_LEGACY && !opts->dry_run) {
		rc = kexec_file_load_image(opts->kind, opts->kernel, opts->initrd, cmdline.text, err);
		if (!rc) {
			if (auto_choice || opts->debug)
				fprintf(stderr, "kexec: %s loaded with kexec_file_load\n", name);
			goto out;
		}
		if (!auto_choice || !kexec_file_errno_wants_fallback(-rc))
			goto out;
		if (lockdown_active()) {
			kdk_err_prefix(err, "kernel lockdown is on, so kexec_load cannot be used either: ");
			goto out;
		}
		fprintf(stderr, "kexec: %s; trying kexec_load\n", err->msg);
		kdk_err_clear(err);
	}
	req = (struct kexec_legacy_request){
		.kind = opts->kind,
		.kernel = opts->kernel,
		.initrd = opts->initrd,
		.cmdline = cmdline.text,
		.serial_port = opts->serial_port,
		.corrupt_digest = opts->corrupt_digest,
		.dry_run = opts->dry_run,
		.debug = opts->debug ? stdout : NULL,
	};
	rc = kexec_legacy_load(&req, err);
	if (rc == -EPERM && lockdown_active())
		kdk_err_prefix(err, "kernel lockdown forbids kexec_load (use -s with a signed kernel): ");
	else if (!rc && !opts->dry_run && (auto_choice || opts->debug))
		fprintf(stderr, "kexec: %s loaded with kexec_load\n", name);
out:
	kexec_cmdline_free(&cmdline);
	return rc;
}

static int do_unload(const struct kexec_options *opts, struct kdk_err *err)
{
	int rc;

	if (opts->syscall != KEXEC_SYSCALL_LEGACY) {
		rc = kexec_file_unload(opts->kind, err);
		if (!rc || opts->syscall == KEXEC_SYSCALL_FILE || !kexec_file_errno_wants_fallback(-rc))
			return rc;
		kdk_err_clear(err);
	}
	return kexec_legacy_unload(opts->kind, err);
}

static int do_exec(const struct kexec_options *opts, struct kdk_err *err)
{
	int loaded = kexec_sys_loaded(KEXEC_IMAGE_NORMAL, err);

	if (loaded < 0)
		return loaded;
	if (!loaded)
		return kdk_err_set(err, ENOENT, "nothing has been loaded: load a kernel with "
						"kexec -l KERNEL first (a crash kernel only starts on a panic)");
	if (!opts->no_sync)
		sync();
	return kexec_sys_exec(err);
}

int main(int argc, char **argv)
{
	struct kexec_options opts;
	struct kdk_err err = { 0 };
	int rc, loaded;

	rc = kexec_options_parse(argc, argv, &opts);
	if (rc)
		return rc > 0 ? 0 : 1;
	switch (opts.action) {
	case KEXEC_DO_STATUS:
		loaded = kexec_sys_loaded(opts.kind, &err);
		if (loaded < 0)
			return fail(&err) ? 2 : 2;
		printf("%s: %s\n", kexec_image_name(opts.kind), loaded ? "loaded" : "not loaded");
		return loaded;
	case KEXEC_DO_UNLOAD:
		return do_unload(&opts, &err) ? fail(&err) : 0;
	case KEXEC_DO_LOAD:
		return do_load(&opts, &err) ? fail(&err) : 0;
	case KEXEC_DO_LOAD_AND_EXEC:
		if (do_load(&opts, &err) || opts.dry_run)
			return err.code ? fail(&err) : 0;
		return do_exec(&opts, &err) ? fail(&err) : 0;
	case KEXEC_DO_EXEC:
		return do_exec(&opts, &err) ? fail(&err) : 0;
	case KEXEC_DO_NOTHING:
		break;
	}
	return 1;
}
