/* system.c — mounts, modules, command line, scripts and the final reboot of the capture /init. */
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "kdk_run.h"
#include "system.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4   /* Linux 6.2+ with CONFIG_MODULE_DECOMPRESS */
#endif

/* The names glibc gives the tunables (2.33 and later; older ones ignore them) and the size below
 * which memset and memcpy then use vector stores: well above lzo1x_1's dictionary, and above most
 * runs of pages copied out of /proc/vmcore's mapped windows. */
#define VECTOR_STRING_TUNABLES "glibc.cpu.x86_rep_stosb_threshold=1048576:" \
	"glibc.cpu.x86_rep_movsb_threshold=1048576"
#define RESTARTED_MARK "KDK_INIT_RESTARTED"

int system_restart_with_vector_strings(char **argv)
{
	if (getenv(RESTARTED_MARK)) {
		/* the restarted /init: glibc has read the tunable; what this /init starts does not */
		unsetenv("GLIBC_TUNABLES");
		unsetenv(RESTARTED_MARK);
		return 1;
	}
	if (!argv || !argv[0] || argv[0][0] != '/' || getenv("GLIBC_TUNABLES"))
		return 0;
	if (!setenv("GLIBC_TUNABLES", VECTOR_STRING_TUNABLES, 1) && !setenv(RESTARTED_MARK, "1", 1))
		execv(argv[0], argv);
	/* not restarted: carry on as this process, with nothing set */
	unsetenv("GLIBC_TUNABLES");
	unsetenv(RESTARTED_MARK);
	return 0;
}

static void mount_one(const char *source, const char *target, const char *type, const char *data)
{
	mkdir(target, 0755);
	if (mount(source, target, type, MS_NOSUID, data) && errno != EBUSY)
		say("mount %s on %s failed: %s", type, target, strerror(errno));
}

void system_mount_basics(void)
{
	mount_one("devtmpfs", "/dev", "devtmpfs", NULL);
	mount_one("proc", "/proc", "proc", NULL);
	mount_one("sysfs", "/sys", "sysfs", NULL);
	mount_one("tmpfs", "/tmp", "tmpfs", "mode=1777");
	mount_one("tmpfs", "/run", "tmpfs", "mode=0755");
}

static int load_module(const char *name, const char *path)
{
	size_t len = strlen(path);
	int compressed = (len > 3 && !strcmp(path + len - 3, ".xz")) ||
			 (len > 4 && !strcmp(path + len - 4, ".zst")) ||
			 (len > 3 && !strcmp(path + len - 3, ".gz"));
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0) {
		say("module %s: %s: %s", name, path, strerror(errno));
		return -1;
	}
	rc = (int)syscall(SYS_finit_module, fd, "", compressed ? MODULE_INIT_COMPRESSED_FILE : 0);
	if (rc && errno == EEXIST)
		rc = 0;
	if (rc)
		say("module %s: finit_module %s: %s%s", name, path, strerror(errno),
		    compressed && errno == EINVAL ? " (compressed module: this kernel cannot "
						    "decompress it; rebuild with mkdumprd)" : "");
	close(fd);
	return rc ? -1 : 0;
}

int system_load_modules(const char *list)
{
	char line[1024];
	int failed = 0, loaded = 0;
	FILE *in = fopen(list, "re");

	if (!in)
		return 0;   /* no modules needed (all built in) */
	while (fgets(line, sizeof(line), in)) {
		char name[256], path[768];

		if (sscanf(line, "%255s %767s", name, path) != 2)
			continue;
		if (load_module(name, path))
			failed++;
		else
			loaded++;
	}
	fclose(in);
	say("loaded %d kernel modules%s", loaded, failed ? ", some failed (above)" : "");
	return failed;
}

int system_cmdline_value(const char *name, char *out, size_t size)
{
	char line[4096], *word, *save = NULL;
	size_t name_len = strlen(name);
	FILE *in = fopen("/proc/cmdline", "re");

	if (!in)
		return -errno;
	if (!fgets(line, sizeof(line), in))
		line[0] = '\0';
	fclose(in);
	for (word = strtok_r(line, " \n", &save); word; word = strtok_r(NULL, " \n", &save)) {
		if (!strncmp(word, name, name_len) && word[name_len] == '=') {
			snprintf(out, size, "%s", word + name_len + 1);
			return 0;
		}
	}
	return -ENOENT;
}

int system_run(const char *program, const char *arg, unsigned timeout)
{
	return kdk_run_limited(program, arg, timeout);
}

/* The watchdog: SIGALRM ends the capture kernel with failure_action's end, from the handler
 * itself (async-signal-safe calls only: write and reboot; no sync — a hung target would hang it). */
static volatile sig_atomic_t watchdog_action = KDK_ACTION_REBOOT;

static void watchdog_expired(int sig)
{
	static const char msg[] = "kdump: the save did not finish in time (kdump_save_timeout): "
				  "failure_action\n";
	int action = watchdog_action;

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to tell */
	}
	reboot(action == KDK_ACTION_HALT ? RB_HALT_SYSTEM :
	       action == KDK_ACTION_POWEROFF ? RB_POWER_OFF : RB_AUTOBOOT);
	_exit(1); /* PID 1 exiting panics the kernel: panic= reboots it */
}

void system_watchdog(unsigned seconds, enum kdk_conf_action failure_action)
{
	/* shell and dump_to_rootfs need more than a signal handler can do: reboot. */
	watchdog_action = failure_action == KDK_ACTION_HALT || failure_action == KDK_ACTION_POWEROFF
				  ? (int)failure_action : KDK_ACTION_REBOOT;
	kdk_watchdog_arm(seconds, watchdog_expired);
}

void system_watchdog_stop(void)
{
	kdk_watchdog_disarm();
}

void system_finish(enum kdk_conf_action action)
{
	sync();
	if (action == KDK_ACTION_SHELL) {
		system_watchdog_stop(); /* the administrator's shell has no time limit */
		if (!access("/bin/sh", X_OK)) {
			say("starting a shell (exit it to reboot)");
			system_run("/bin/sh", NULL, 0);
		} else {
			say("no shell in this initramfs: rebooting instead");
		}
		action = KDK_ACTION_REBOOT;
	}
	say("%s", action == KDK_ACTION_HALT ? "halting" : action == KDK_ACTION_POWEROFF ?
						  "powering off" : "rebooting");
	sync();
	reboot(action == KDK_ACTION_HALT ? RB_HALT_SYSTEM :
	       action == KDK_ACTION_POWEROFF ? RB_POWER_OFF : RB_AUTOBOOT);
	/* PID 1 must not exit (the kernel would panic); wait for the end. */
	for (;;)
		pause();
}
