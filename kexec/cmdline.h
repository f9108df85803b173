/* cmdline.h — the new kernel's command line: from --command-line/--append/--reuse-cmdline, with
 * the parameters that must not carry over (BOOT_IMAGE=, crashkernel= for a crash kernel) removed. */
#ifndef KEXEC_CMDLINE_H
#define KEXEC_CMDLINE_H

#include <stdbool.h>

#include "kdk_err.h"

/* A kernel command line being built (heap string, owned). */
struct kexec_cmdline {
	char *text;
};

/* Remove every "name" or "name=value" word from text (in place). */
void kexec_cmdline_remove(char *text, const char *name);

/* Append " words" (or "words" when empty). */
int kexec_cmdline_append(struct kexec_cmdline *cmdline, const char *words, struct kdk_err *err);

/* The running kernel's command line from `proc_cmdline` (/proc/cmdline), minus BOOT_IMAGE= and,
 * for a crash kernel, crashkernel= (the capture kernel must not reserve memory again). */
int kexec_cmdline_reuse(struct kexec_cmdline *cmdline, const char *proc_cmdline, bool for_crash,
			struct kdk_err *err);

void kexec_cmdline_free(struct kexec_cmdline *cmdline);

#endif
