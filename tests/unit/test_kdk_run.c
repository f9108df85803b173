/* test_kdk_run.c — a hook with a time limit: its exit status comes back, one that runs too long
 * is killed with everything it started (within a second of the limit), one that cannot start
 * says why (exec's errno); the watchdog interrupts a hung hook's wait, and disarmed stays quiet.
 * A function run isolated: its value and error come back; its death by a signal or an early exit
 * is told apart from an error it returned, and what it wrote to shared memory before it died is
 * still there; it runs under the name given. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "kdk_run.h"
#include "test_tmpdir.h"

static void script(const char *name, const char *text)
{
	FILE *f = fopen(tmp_path(name), "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(tmp_path(name), 0755);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void exit_status_and_argument(void **state)
{
	(void)state;
	script("exit3", "#!/bin/sh\nexit 3\n");
	script("argis1", "#!/bin/sh\n[ \"$1\" = 1 ]\n");
	assert_int_equal(kdk_run_limited(tmp_path("exit3"), NULL, 10), 3);
	assert_int_equal(kdk_run_limited(tmp_path("argis1"), "1", 10), 0);
	assert_int_equal(kdk_run_limited(tmp_path("argis1"), "0", 0), 1);
}

static void a_hung_hook_and_its_children_are_killed(void **state)
{
	char text[256];
	double started, took;
	int rc;
	(void)state;
	/* The hook starts a child that would outlive it, then hangs. */
	snprintf(text, sizeof(text), "#!/bin/sh\nsleep 60 &\necho $! > %s\nsleep 60\n",
		 tmp_path("child.pid"));
	script("hang", text);
	started = now();
	rc = kdk_run_limited(tmp_path("hang"), NULL, 1);
	took = now() - started;
	if (rc != -ETIMEDOUT || took < 0.9 || took > 3.0)
		fail_msg("expected -ETIMEDOUT after ~1 s; got %d after %.2f s", rc, took);
	{
		FILE *f = fopen(tmp_path("child.pid"), "r");
		int pid = 0;
		assert_non_null(f);
		assert_int_equal(fscanf(f, "%d", &pid), 1);
		fclose(f);
		usleep(100000);
		/* Killed and reaped by init (or a zombie of it, which kill() still finds): check
		 * /proc/PID/stat's state instead of kill(pid, 0). */
		char path[64], stat_line[256] = "";
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(stat_line, sizeof(stat_line), f))
				stat_line[0] = '\0';
			fclose(f);
			char *close_paren = strrchr(stat_line, ')');
			if (close_paren && close_paren[2] != 'Z')
				fail_msg("the hook's child %d still runs: %s", pid, stat_line);
		}
	}
}

static void a_hook_that_cannot_start_says_why(void **state)
{
	(void)state;
	script("noexec", "#!/bin/sh\nexit 0\n");
	chmod(tmp_path("noexec"), 0644);
	script("badinterp", "#!/nonexistent/bash\nexit 0\n");
	assert_int_equal(kdk_run_limited(tmp_path("missing"), NULL, 5), -ENOENT);
	assert_int_equal(kdk_run_limited(tmp_path("noexec"), NULL, 5), -EACCES);
	assert_int_equal(kdk_run_limited(tmp_path("badinterp"), NULL, 5), -ENOENT);
}

static void expired(int sig)
{
	(void)sig;
	_exit(42);
}

/* In a child: the watchdog must end it while a hook (with a longer limit of its own) hangs. */
static void the_watchdog_fires_during_a_hung_hook(void **state)
{
	double started, took;
	int status;
	pid_t pid;
	(void)state;
	script("hang5", "#!/bin/sh\nexec sleep 5\n");
	started = now();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		kdk_watchdog_arm(1, expired);
		kdk_run_limited(tmp_path("hang5"), NULL, 30);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	took = now() - started;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 42 || took > 3.0)
		fail_msg("expected the watchdog's exit 42 after ~1 s; got status 0x%x after %.2f s", status,
			 took);
}

static void a_disarmed_watchdog_stays_quiet(void **state)
{
	int status;
	pid_t pid;
	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		kdk_watchdog_arm(1, expired);
		kdk_watchdog_disarm();
		sleep(2);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("expected exit 0 (disarmed); got status 0x%x", status);
}

/* What the isolated functions below leave for the test. */
struct progress {
	int steps;
	char comm[32];
};

static int returns_an_error(void *ctx, struct kdk_err *err)
{
	(void)ctx;
	return kdk_err_set(err, ENOSPC, "vmcore: no room");
}

static int returns_fine(void *ctx, struct kdk_err *err)
{
	struct progress *p = ctx;
	FILE *f = fopen("/proc/self/comm", "r");

	(void)err;
	if (f) {
		if (fgets(p->comm, sizeof(p->comm), f))
			p->comm[strcspn(p->comm, "\n")] = '\0';
		fclose(f);
	}
	p->steps = 2;
	return 0;
}

static int crashes_after_one_step(void *ctx, struct kdk_err *err)
{
	struct progress *p = ctx;

	(void)err;
	p->steps = 1;
	signal(SIGSEGV, SIG_DFL); /* cmocka's handler, inherited, would catch it */
	raise(SIGSEGV);
	p->steps = 2;
	return 0;
}

static int exits_early(void *ctx, struct kdk_err *err)
{
	(void)ctx;
	(void)err;
	_exit(0);
}

static void an_isolated_function_returns_or_dies_apart(void **state)
{
	struct progress *p = kdk_run_shared_alloc(sizeof(*p));
	struct kdk_err err = { 0 };
	int died = 99, rc;
	(void)state;

	assert_non_null(p);
	rc = kdk_run_isolated("kdk-test-save", returns_fine, p, &died, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(died, 0);
	assert_int_equal(p->steps, 2);
	assert_string_equal(p->comm, "kdk-test-save");

	rc = kdk_run_isolated("kdk-test-save", returns_an_error, p, &died, &err);
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(died, 0);
	assert_int_equal(err.code, ENOSPC);
	assert_string_equal(err.msg, "vmcore: no room");

	p->steps = 0;
	kdk_err_clear(&err);
	rc = kdk_run_isolated("kdk-test-save", crashes_after_one_step, p, &died, &err);
	assert_int_equal(rc, -EPIPE);
	assert_int_equal(died, SIGSEGV);
	assert_int_equal(p->steps, 1); /* what it did before it died is known */
	if (!strstr(err.msg, "kdk-test-save (pid ") || !strstr(err.msg, ") died of SIGSEGV ("))
		fail_msg("unexpected message: %s", err.msg);

	rc = kdk_run_isolated("kdk-test-save", exits_early, p, &died, &err);
	assert_int_equal(rc, -EPIPE);
	assert_int_equal(died, -1);
	if (!strstr(err.msg, "exited 0 before it was done"))
		fail_msg("unexpected message: %s", err.msg);
	kdk_run_shared_free(p, sizeof(*p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_status_and_argument),
		cmocka_unit_test(a_hung_hook_and_its_children_are_killed),
		cmocka_unit_test(a_hook_that_cannot_start_says_why),
		cmocka_unit_test(the_watchdog_fires_during_a_hung_hook),
		cmocka_unit_test(a_disarmed_watchdog_stays_quiet),
		cmocka_unit_test(an_isolated_function_returns_or_dies_apart),
	};
	return cmocka_run_group_tests_name("kdk_run", tests, tmpdir_setup, tmpdir_teardown);
}
