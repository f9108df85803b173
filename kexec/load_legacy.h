/* load_legacy.h — loading through kexec_load(2): kdumpkit parses the bzImage, builds boot_params,
 * the e820 map, the elfcorehdr (for a crash kernel) and purgatory, and places every segment. */
#ifndef KEXEC_LOAD_LEGACY_H
#define KEXEC_LOAD_LEGACY_H

#include <stdbool.h>
#include <stdio.h>

#include "kdk_err.h"
#include "kexec_sys.h"

struct kexec_legacy_request {
	enum kexec_image_kind kind;
	const char *kernel;
	const char *initrd;            /* may be NULL */
	const char *cmdline;           /* the user's; elfcorehdr= and the like are added */
	unsigned serial_port;          /* purgatory's report port, 0 for none */
	bool corrupt_digest;           /* store a wrong digest on purpose (tests) */
	bool dry_run;                  /* build everything, call nothing */
	FILE *debug;                   /* -d output, or NULL */
};

int kexec_legacy_load(const struct kexec_legacy_request *req, struct kdk_err *err);

/* Unload through kexec_load (no segments). */
int kexec_legacy_unload(enum kexec_image_kind kind, struct kdk_err *err);

#endif
