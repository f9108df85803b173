/* kdk_run.h — run a program with a time limit: in its own process group, killed (the whole group)
 * when the limit passes; run a function in a child process, so that its death (a crash, the OOM
 * killer) leaves the caller alive; and a watchdog on the whole process. For the capture /init. */
#ifndef KDK_RUN_H
#define KDK_RUN_H

#include <stddef.h>

#include "kdk_err.h"

/* Run `program` with one argument (may be NULL) and wait at most `timeout` seconds (0: no
 * limit). Returns its exit status (128+N when killed by signal N), -ETIMEDOUT when it was
 * killed for running too long, or -errno when it could not be started (exec's errno). */
int kdk_run_limited(const char *program, const char *arg, unsigned timeout);

/* Memory the caller and a function run by kdk_run_isolated both see (MAP_SHARED, zeroed): what
 * the child got done stays readable after it died. NULL when mmap fails. */
void *kdk_run_shared_alloc(size_t size);
void kdk_run_shared_free(void *mem, size_t size);

/* Call fn(ctx, err) in a child process named `name` (its comm, at most 15 characters) and wait
 * for it. The child's return value and err come back as if fn had run here. When the child died
 * of a signal instead (SIGSEGV, SIGBUS, SIGABRT, SIGKILL from the OOM killer…), *died is that
 * signal, err says "<name> (pid N) died of SIGSEGV (…)" and the return is -EPIPE; a child that
 * exited without returning gives *died = -1 and the same. *died is 0 when fn returned. fn sees a
 * copy of the caller's memory: what the caller must learn beyond err goes through
 * kdk_run_shared_alloc's memory. A parent with other threads must not call it. */
int kdk_run_isolated(const char *name, int (*fn)(void *ctx, struct kdk_err *err), void *ctx,
		     int *died, struct kdk_err *err);

/* The watchdog: call expired(SIGALRM) from a signal handler after `seconds` (0: none), whatever
 * the process is doing then — a hook's wait included (kdk_run_limited blocks only SIGCHLD).
 * expired may use async-signal-safe calls only. One watchdog per process (alarm(2)). */
void kdk_watchdog_arm(unsigned seconds, void (*expired)(int));
void kdk_watchdog_disarm(void);

#endif
