/* kdk_run.c — fork, exec, and a deadline kept with sigtimedwait() on a blocked SIGCHLD (SIGALRM
 * stays free for the watchdog, alarm(2)). exec's failure comes back on a CLOEXEC pipe. */
#include "kdk_run.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

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
		remaining = deadline - now_seconds();
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
	status = wait_until(pid, timeout ? now_seconds() + timeout : 0, &chld);
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
