/* kdk_run.c — fork, exec, and a deadline kept with sigtimedwait() on a blocked SIGCHLD (SIGALRM
 * stays free for the watchdog, alarm(2)). exec's failure comes back on a CLOEXEC pipe. A function
 * run isolated returns its kdk_err through shared memory, written before the child exits. */
#include "kdk_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kdk_clock.h"

/* The wait status of pid, or -ETIMEDOUT at deadline (0: none). SIGCHLD is blocked by the caller,
 * so sigtimedwait() wakes when any child ends (and is then asked about pid again). */
static int wait_until(pid_t pid, double deadline, const sigset_t *chld)
{
	int status;

	for (;;) {
		pid_t got = waitpid(pid, &status, deadline ? WNOHANG : 0);
		double remaining;
		struct timespec left;

		if (got == pid)
			return status;
		if (got < 0 && errno != EINTR)
			return -errno;
		if (!deadline)
			continue;
		remaining = deadline - kdk_monotonic_seconds();
		if (remaining <= 0)
			return -ETIMEDOUT;
		left.tv_sec = (time_t)remaining;
		left.tv_nsec = (long)((remaining - (double)left.tv_sec) * 1e9);
		sigtimedwait(chld, NULL, &left);
	}
}

int kdk_run_limited(const char *program, const char *arg, unsigned timeout)
{
	sigset_t chld, old;
	int status, exec_errno = 0, pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -errno;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &old);
	pid = fork();
	if (pid < 0) {
		status = -errno;
		goto out;
	}
	if (pid == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		setpgid(0, 0); /* its own group: a timeout kills what it started too */
		execl(program, program, arg, (char *)NULL);
		exec_errno = errno;
		if (write(pipefd[1], &exec_errno, sizeof(exec_errno)) < 0)
			_exit(127);
		_exit(127);
	}
	setpgid(pid, pid); /* also here: no window where a kill(-pid) would miss */
	close(pipefd[1]);
	pipefd[1] = -1;
	status = wait_until(pid, timeout ? kdk_monotonic_seconds() + timeout : 0, &chld);
	if (status == -ETIMEDOUT) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		wait_until(pid, 0, &chld);
	} else if (status >= 0 && read(pipefd[0], &exec_errno, sizeof(exec_errno)) ==
				      (ssize_t)sizeof(exec_errno)) {
		status = -exec_errno;
	} else if (status >= 0) {
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
out:
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	return status;
}

void *kdk_run_shared_alloc(size_t size)
{
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return mem == MAP_FAILED ? NULL : mem;
}

void kdk_run_shared_free(void *mem, size_t size)
{
	if (mem)
		munmap(mem, size);
}

/* What the child hands back: fn's return value and its err. `done` is set last: a child that died
 * after fn returned (in exit handlers) still counts as having returned. */
struct isolated_result {
	int rc;
	int done;
	struct kdk_err err;
};

int kdk_run_isolated(const char *name, int (*fn)(void *ctx, struct kdk_err *err), void *ctx,
		     int *died, struct kdk_err *err)
{
	struct isolated_result *result = kdk_run_shared_alloc(sizeof(*result));
	int status, rc;
	pid_t pid, got;

	*died = 0;
	if (!result)
		return kdk_err_sys(err, errno, "%s: shared memory for the child", name);
	/* Nothing buffered may be written twice (once by each process). */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		rc = kdk_err_sys(err, errno, "%s: fork", name);
		kdk_run_shared_free(result, sizeof(*result));
		return rc;
	}
	if (pid == 0) {
		prctl(PR_SET_NAME, name, 0, 0, 0);
		result->rc = fn(ctx, &result->err);
		__atomic_store_n(&result->done, 1, __ATOMIC_RELEASE);
		fflush(NULL);
		_exit(result->rc ? 1 : 0);
	}
	do
		got = waitpid(pid, &status, 0);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		rc = kdk_err_sys(err, errno, "%s: waitpid", name);
	} else if (__atomic_load_n(&result->done, __ATOMIC_ACQUIRE)) {
		rc = result->rc;
		if (rc)
			*err = result->err;
	} else if (WIFSIGNALED(status)) {
		*died = WTERMSIG(status);
		rc = kdk_err_set(err, EPIPE, "%s (pid %d) died of SIG%s (%s)", name, (int)pid,
				 sigabbrev_np(*died) ? sigabbrev_np(*died) : "?", strsignal(*died));
	} else {
		*died = -1;
		rc = kdk_err_set(err, EPIPE, "%s (pid %d) exited %d before it was done", name,
				 (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	kdk_run_shared_free(result, sizeof(*result));
	return rc;
}

void kdk_watchdog_arm(unsigned seconds, void (*expired)(int))
{
	struct sigaction sa = { 0 };

	if (!seconds)
		return;
	sa.sa_handler = expired;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

void kdk_watchdog_disarm(void)
{
	alarm(0);
}
