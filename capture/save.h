/* save.h — saving the dump into a mounted target: <base>/<127.0.0.1-date>/vmcore-dmesg.txt first
 * (the kernel log is small and the first thing an administrator reads), then vmcore through the
 * core_collector's dumpsave options, each under a partial name until complete. */
#ifndef CAPTURE_SAVE_H
#define CAPTURE_SAVE_H

#include <stddef.h>

#include "kdk_err.h"

/* base: the directory the dump directories go in (mounted target + kdump.conf path). The dump
 * directory made is returned in dump_dir. */
int capture_save(const char *core_collector, const char *base, const char *vmcore, char *dump_dir,
		 size_t size, struct kdk_err *err);

#endif
