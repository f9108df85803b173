/* kdk_run.h — run a program with a time limit: in its own process group, killed (the whole group)
 * when the limit passes; and a watchdog on the whole process. For the capture /init. */
#ifndef KDK_RUN_H
#define KDK_RUN_H

/* Run `program` with one argument (may be NULL) and wait at most `timeout` seconds (0: no
 * limit). Returns its exit status (128+N when killed by signal N), -ETIMEDOUT when it was
 * killed for running too long, or -errno when it could not be started (exec's errno). */
int kdk_run_limited(const char *program, const char *arg, unsigned timeout);

/* The watchdog: call expired(SIGALRM) from a signal handler after `seconds` (0: none), whatever
 * the process is doing then — a hook's wait included (kdk_run_limited blocks only SIGCHLD).
 * expired may use async-signal-safe calls only. One watchdog per process (alarm(2)). */
void kdk_watchdog_arm(unsigned seconds, void (*expired)(int));
void kdk_watchdog_disarm(void);

#endif
