/* options.h — kexec's command line, kexec-tools compatible for what both have. */
#ifndef KEXEC_OPTIONS_H
#define KEXEC_OPTIONS_H

#include <stdbool.h>

#include "kexec_sys.h"

enum kexec_action { KEXEC_DO_NOTHING, KEXEC_DO_LOAD, KEXEC_DO_LOAD_AND_EXEC, KEXEC_DO_EXEC,
		    KEXEC_DO_UNLOAD, KEXEC_DO_STATUS };

enum kexec_syscall_choice {
	KEXEC_SYSCALL_AUTO,        /* -a: kexec_file_load, falling back to kexec_load */
	KEXEC_SYSCALL_FILE,        /* -s */
	KEXEC_SYSCALL_LEGACY,      /* -c */
};

struct kexec_options {
	enum kexec_action action;
	enum kexec_image_kind kind;       /* -p: crash kernel */
	enum kexec_syscall_choice syscall;
	const char *kernel;
	const char *initrd;               /* --initrd / --ramdisk */
	const char *command_line;         /* --command-line: replaces */
	const char *append;               /* --append: added */
	bool reuse_cmdline;               /* --reuse-cmdline */
	bool debug;                       /* -d */
	bool dry_run;                     /* --dry-run: build everything, load nothing */
	bool no_sync;                     /* -y */
	unsigned serial_port;             /* --console-serial[=PORT]: purgatory reports there */
	bool corrupt_digest;              /* --test-corrupt-digest: purgatory must refuse (tests) */
};

/* Parse argv. Returns 0, or 1 when --help/--version printed and the caller should exit 0,
 * or -1 after printing a usage error to stderr. */
int kexec_options_parse(int argc, char **argv, struct kexec_options *opts);

#endif
