/* dump_dir.h — where a saved dump goes: <path>/<host>-<YYYY-MM-DD-HH:MM:SS>/, the layout kdump
 * users and their tools expect (Fedora's kdump names local dumps 127.0.0.1-…). */
#ifndef KDK_DUMP_DIR_H
#define KDK_DUMP_DIR_H

#include <stddef.h>
#include <time.h>

#include "kdk_err.h"

/* "<host>-<YYYY-MM-DD-HH:MM:SS>" of `when` (UTC, since the capture kernel has no time zone). */
int kdk_dump_dir_name(const char *host, time_t when, char *out, size_t size, struct kdk_err *err);

/* mkdir -p, mode 0700 for what it creates. */
int kdk_mkdir_p(const char *path, struct kdk_err *err);

#endif
