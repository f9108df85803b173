/* system.c — mounts, modules, command line, scripts and the final reboot of the capture /init. */
#include <errno.h>
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
#include "system.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4   /* Linux 6.2+ with CONFIG_MODULE_DECOMPRESS */
#endif

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

int system_run(const char *program, const char *arg)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execl(program, program, arg, (char *)NULL);
		fprintf(stderr, "kdump: cannot run %s: %s\n", program, strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void system_finish(enum kdk_conf_action action)
{
	sync();
	if (action == KDK_ACTION_SHELL) {
		if (!access("/bin/sh", X_OK)) {
			say("starting a shell (exit it to reboot)");
			system_run("/bin/sh", NULL);
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
