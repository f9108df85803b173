/* kdk_run.h — run a program with a time limit: in its own process group, killed (the whole group)
 * when the limit passes. For the capture /init's kdump_pre/kdump_post hooks. */
#ifndef KDK_RUN_H
#define KDK_RUN_H

/* Run `program` with one argument (may be NULL) and wait at most `timeout` seconds (0: no
 * limit). Returns its exit status (128+N when killed by signal N), -ETIMEDOUT when it was
 * killed for running too long, or -errno when it could not be started (exec's errno). */
int kdk_run_limited(const char *program, const char *arg, unsigned timeout);

#endif
