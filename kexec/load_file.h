/* load_file.h — loading through kexec_file_load(2): the kernel parses and verifies the image
 * itself, builds the elfcorehdr and places everything. */
#ifndef KEXEC_LOAD_FILE_H
#define KEXEC_LOAD_FILE_H

#include "kdk_err.h"
#include "kexec_sys.h"

/* Load kernel (+ initrd, may be NULL) with cmdline. On failure err says why in the user's terms
 * and the return is -errno, so the caller can decide on a fallback. */
int kexec_file_load_image(enum kexec_image_kind kind, const char *kernel, const char *initrd,
			  const char *cmdline, struct kdk_err *err);

int kexec_file_unload(enum kexec_image_kind kind, struct kdk_err *err);

/* Whether an errno from kexec_file_load means "this kernel cannot do it this way" rather than
 * a problem with the input (so the other syscall may work). */
int kexec_file_errno_wants_fallback(int code);

#endif
