/* core_collector.h — kdump.conf's core_collector line as dumpsave's options: what kdumpctl checks
 * and what the capture /init runs, through one parser. Its own file so that the static /init does
 * not link the host-side checks (and, through their getaddrinfo, glibc's resolver). */
#ifndef KDK_CORE_COLLECTOR_H
#define KDK_CORE_COLLECTOR_H

#include <stdbool.h>

#include "kdk_err.h"
#include "save_options.h"

/* The core_collector line as dumpsave's argv with vmcore and output appended, parsed into opts
 * by dumpsave's own parser (lib/save_options.c). "-F" (makedumpfile's way to pipe into ssh) is
 * dropped: *dropped_flatten says so. The words point into *storage; free *argv and *storage. */
int kdk_core_collector_options(const char *core_collector, const char *vmcore, const char *output,
			       struct kdk_save_options *opts, char ***argv, char **storage,
			       bool *dropped_flatten, struct kdk_err *err);

#endif
