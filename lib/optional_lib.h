/* optional_lib.h — a shared library loaded when it is first needed (dlopen), not at every start.
 *
 * Why: the host tools start ~6 ms sooner when libssh2 + OpenSSL and libsnappy (+ libstdc++) are
 * not mapped and relocated at every start (`perf stat -r 200` of an empty program linked with and
 * without them: 8.8 against 2.9 ms); only an ssh:// target or -p pages need them
 * (docs/benchmarks.md). dumpsave -d 31 -l of a 1 GiB vmcore takes ~0.1 s in all, so this is ~6 %.
 *
 * The dynamic links pull this module in with -Wl,-u,kdk_optional_lib_load (Makefile). The static
 * builds for the capture /init do not: every reference to it is weak, so there the function is
 * NULL and the caller says what the static build lacks (or uses what the static link put in). */
#ifndef KDK_OPTIONAL_LIB_H
#define KDK_OPTIONAL_LIB_H

#include <stddef.h>

#include "kdk_err.h"

/* One library and the functions wanted from it. The caller keeps it (static storage: it records
 * whether loading was tried, and why it failed, so that a second call costs nothing). */
struct kdk_optional_lib {
	const char *soname;              /* "libsnappy.so.1": the runtime package's name */
	const char *const *symbols;      /* the functions wanted, NULL-terminated */
	void **functions;                /* one per symbol, filled in the same order */
	/* Optional: called once, under the loader's lock, after functions[] is filled: the caller
	 * copies them into its typed table there, before any thread can see the library loaded. */
	void (*loaded)(void);
	/* the loader's */
	int state;                       /* 0: not tried; 1: loaded; < 0: -errno of the failure */
	char why[KDK_ERR_MSG_MAX];       /* the failure, as loading said it */
};

/* Load lib (once: later calls return the first result, without a lock once it is loaded) and fill
 * lib->functions. 0, or -ENOENT when the library or one of its functions is missing (err names
 * which). Thread-safe; cheap enough to ask before each use. */
int kdk_optional_lib_load(struct kdk_optional_lib *lib, struct kdk_err *err)
	__attribute__((weak));

#endif
