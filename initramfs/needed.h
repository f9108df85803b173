/* needed.h — the shared libraries a program needs (its ELF interpreter and the DT_NEEDED
 * closure, searched like the dynamic loader does for the usual Debian paths), for extra_bins. */
#ifndef MKDUMPRD_NEEDED_H
#define MKDUMPRD_NEEDED_H

#include "kdk_array.h"
#include "kdk_err.h"

/* Append to libs (char *, malloc'd absolute paths, each once) everything path needs to run.
 * A static program needs nothing. */
int rd_needed_libraries(const char *path, struct kdk_array *libs, struct kdk_err *err);

#endif
