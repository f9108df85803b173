/* options.c — kexec's options. The names and letters are kexec-tools', so kdumpctl scripts and
 * administrators' habits keep working. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#ifndef KDK_VERSION
#define KDK_VERSION "0.1"
#endif

enum {
	OPT_APPEND = 256, OPT_COMMAND_LINE, OPT_REUSE_CMDLINE, OPT_INITRD, OPT_DRY_RUN,
	OPT_CONSOLE_SERIAL, OPT_CORRUPT_DIGEST, OPT_VERSION,
};

static const struct option long_options[] = {
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "exec", no_argument, NULL, 'e' },
	{ "unload", no_argument, NULL, 'u' },
	{ "status", no_argument, NULL, 'S' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "debug", no_argument, NULL, 'd' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_COMMAND_LINE },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "console-serial", optional_argument, NULL, OPT_CONSOLE_SERIAL },
	{ "test-corrupt-digest", no_argument, NULL, OPT_CORRUPT_DIGEST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kexec [OPTION]... [KERNEL]\n"
		"Load a kernel to start later with kexec, or as the crash (capture) kernel.\n"
		"  -l, --load             load KERNEL, to be started by kexec -e\n"
		"  -p, --load-panic       load KERNEL as the crash kernel, started on a panic\n"
		"  -e, --exec             start the loaded kernel now\n"
		"  -u, --unload           unload the kernel (with -p: the crash kernel)\n"
		"  -S, --status           exit 1 if the kernel (by default the crash kernel) is\n"
		"                         loaded, 0 if not (kexec-tools' convention)\n"
		"  -s, --kexec-file-syscall  load with kexec_file_load\n"
		"  -c, --kexec-syscall    load with kexec_load (the loader builds everything)\n"
		"  -a, --kexec-syscall-auto  kexec_file_load, falling back to kexec_load when the\n"
		"                         kernel cannot use it (default)\n"
		"      --initrd=FILE, --ramdisk=FILE  the initramfs\n"
		"      --command-line=TEXT   the new kernel's command line\n"
		"      --append=TEXT      add TEXT to the command line\n"
		"      --reuse-cmdline    start from this kernel's /proc/cmdline (without\n"
		"                         BOOT_IMAGE=, and crashkernel= for -p)\n"
		"  -d, --debug            print the memory ranges, segments and elfcorehdr\n"
		"      --dry-run          build everything, load nothing (with -d: show it)\n"
		"      --console-serial[=PORT]  purgatory reports on this I/O port (0x3f8)\n"
		"  -y, --no-sync          with -e: do not sync filesystems first\n"
		"  -f, --force, -x, --no-ifdown  accepted for kexec-tools compatibility\n"
		"  -h, --help             this text\n");
}

int kexec_options_parse(int argc, char **argv, struct kexec_options *opts)
{
	bool load = false, exec = false, unload = false, status = false;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->kind = KEXEC_IMAGE_NORMAL;
	opts->syscall = KEXEC_SYSCALL_AUTO;
	while ((c = getopt_long(argc, argv, "lpeuSscadfxyhv", long_options, NULL)) != -1) {
		switch (c) {
		case 'l': load = true; opts->kind = KEXEC_IMAGE_NORMAL; break;
		case 'p': load = true; opts->kind = KEXEC_IMAGE_CRASH; break;
		case 'e': exec = true; break;
		case 'u': unload = true; break;
		case 'S': status = true; break;
		case 's': opts->syscall = KEXEC_SYSCALL_FILE; break;
		case 'c': opts->syscall = KEXEC_SYSCALL_LEGACY; break;
		case 'a': opts->syscall = KEXEC_SYSCALL_AUTO; break;
		case 'd': opts->debug = true; break;
		case 'f': case 'x': break;
		case 'y': opts->no_sync = true; break;
		case OPT_APPEND: opts->append = optarg; break;
		case OPT_COMMAND_LINE: opts->command_line = optarg; break;
		case OPT_REUSE_CMDLINE: opts->reuse_cmdline = true; break;
		case OPT_INITRD: opts->initrd = optarg; break;
		case OPT_DRY_RUN: opts->dry_run = true; break;
		case OPT_CONSOLE_SERIAL: {
			char *end;

			opts->serial_port = optarg ? (unsigned)strtoul(optarg, &end, 0) : 0x3f8;
			if (optarg && (*end || !opts->serial_port || opts->serial_port > 0xffff)) {
				fprintf(stderr, "kexec: --console-serial=%s: not an I/O port number\n", optarg);
				return -1;
			}
			break;
		}
		case OPT_CORRUPT_DIGEST: opts->corrupt_digest = true; break;
		case 'h': usage(stdout); return 1;
		case 'v': case OPT_VERSION: printf("kexec (kdumpkit) " KDK_VERSION "\n"); return 1;
		default: usage(stderr); return -1;
		}
	}
	/* Also -p with -u means "unload the crash kernel"; -S defaults to the crash kernel. */
	if (status) {
		opts->action = KEXEC_DO_STATUS;
		if (!load)
			opts->kind = KEXEC_IMAGE_CRASH;
	} else if (unload) {
		opts->action = KEXEC_DO_UNLOAD;
	} else if (load) {
		opts->action = KEXEC_DO_LOAD;
	} else if (exec) {
		opts->action = KEXEC_DO_EXEC;
	} else if (optind < argc) {
		opts->action = KEXEC_DO_LOAD_AND_EXEC;   /* "kexec KERNEL": load, then start it */
	} else {
		usage(stderr);
		return -1;
	}
	if (opts->action == KEXEC_DO_LOAD || opts->action == KEXEC_DO_LOAD_AND_EXEC) {
		if (optind >= argc) {
			fprintf(stderr, "kexec: no kernel image given (kexec %s KERNEL)\n",
				opts->kind == KEXEC_IMAGE_CRASH ? "-p" : "-l");
			return -1;
		}
		opts->kernel = argv[optind++];
	}
	if (optind < argc) {
		fprintf(stderr, "kexec: unexpected argument \"%s\"\n", argv[optind]);
		return -1;
	}
	if (opts->command_line && opts->reuse_cmdline) {
		fprintf(stderr, "kexec: --command-line and --reuse-cmdline both give the whole command "
				"line: use one (and --append to add to it)\n");
		return -1;
	}
	return 0;
}
