/* ctl_util.c — kdumpctl's settings with their defaults, messages, files and child processes. */
#include "ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *const known_settings[] = {
	"KDUMP_KERNELVER", "KDUMP_KERNEL", "KDUMP_INITRD", "KDUMP_COMMANDLINE",
	"KDUMP_COMMANDLINE_REMOVE", "KDUMP_COMMANDLINE_APPEND", "KEXEC_ARGS", "KDUMP_PANIC_TIMEOUT", "KDUMP_CPUS", NULL,
};

static int dup_setting(const struct kdk_settings *s, const char *key, const char *fallback,
		       char **out, struct kdk_err *err)
{
	const char *value = kdk_settings_get(s, key);

	if (!value)
		value = fallback;
	if (!value) {
		*out = NULL;
		return 0;
	}
	*out = strdup(value);
	return *out ? 0 : kdk_err_set(err, ENOMEM, "out of memory");
}

/* A setting that must be a whole number from 1 to max: *out, or EINVAL naming the file, the line
 * and what was expected. */
static int number_setting(const struct ctl *ctl, const struct kdk_settings *s, const char *key,
			  unsigned long max, const char *expected, unsigned *out, struct kdk_err *err)
{
	const char *value = kdk_settings_get(s, key);
	unsigned line = 0;
	unsigned long n;
	char *end;
	size_t i;

	for (i = 0; i < s->entries.len; i++) {
		const struct kdk_setting *e = kdk_array_at(&s->entries, i);
		if (!strcmp(e->key, key))
			line = e->line;
	}
	errno = 0;
	n = strtoul(value, &end, 10);
	if (value[0] < '1' || value[0] > '9' || *end || errno || n > max)
		return kdk_err_set(err, EINVAL, "%s:%u: %s \"%s\": expected %s", ctl->settings_path, line,
				   key, value, expected);
	*out = (unsigned)n;
	return 0;
}

/* KDUMP_PANIC_TIMEOUT: 1 to 3600 seconds. */
static int panic_timeout(const struct ctl *ctl, const struct kdk_settings *s, unsigned *out,
			 struct kdk_err *err)
{
	*out = KDUMPCTL_DEFAULT_PANIC_TIMEOUT;
	if (!kdk_settings_get(s, "KDUMP_PANIC_TIMEOUT"))
		return 0;
	return number_setting(ctl, s, "KDUMP_PANIC_TIMEOUT", 3600, "seconds from 1 to 3600 (0 or "
			      "less would let a failed capture kernel hang)", out, err);
}

/* KDUMP_CPUS: "auto" (0), or 1 to 1024 CPUs for the capture kernel; default 1. */
static int capture_cpus_setting(const struct ctl *ctl, const struct kdk_settings *s, unsigned *out,
				struct kdk_err *err)
{
	const char *value = kdk_settings_get(s, "KDUMP_CPUS");

	*out = 1;
	if (!value)
		return 0;
	if (!strcmp(value, "auto")) {
		*out = 0;
		return 0;
	}
	return number_setting(ctl, s, "KDUMP_CPUS", 1024, "auto or a number of CPUs from 1 to 1024",
			      out, err);
}

int ctl_load_settings(struct ctl *ctl, struct kdk_err *err)
{
	struct kdk_settings s;
	struct utsname uts;
	char *kernel = NULL, *initrd = NULL;
	size_t i;
	int rc;

	rc = kdk_settings_load(ctl->settings_path, known_settings, &s, err);
	if (rc == -ENOENT)
		kdk_err_clear(err); /* no file: every default */
	else if (rc)
		return rc;
	for (i = 0; i < s.warnings.len; i++)
		ctl_warn(ctl, "%s", *(char **)kdk_array_at(&s.warnings, i));
	uname(&uts);
	if ((rc = dup_setting(&s, "KDUMP_KERNELVER", uts.release, &ctl->release, err)))
		goto out;
	if (asprintf(&kernel, "/boot/vmlinuz-%s", ctl->release) < 0 ||
	    asprintf(&initrd, "/var/lib/kdumpkit/initrd-%s.img", ctl->release) < 0) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = dup_setting(&s, "KDUMP_KERNEL", kernel, &ctl->kernel, err)) ||
	    (rc = dup_setting(&s, "KDUMP_INITRD", initrd, &ctl->initrd, err)) ||
	    (rc = dup_setting(&s, "KDUMP_COMMANDLINE", NULL, &ctl->commandline, err)) ||
	    (rc = dup_setting(&s, "KDUMP_COMMANDLINE_REMOVE", "", &ctl->commandline_remove, err)) ||
	    (rc = dup_setting(&s, "KDUMP_COMMANDLINE_APPEND", KDUMPCTL_DEFAULT_APPEND,
			      &ctl->commandline_append, err)) ||
	    (rc = dup_setting(&s, "KEXEC_ARGS", "", &ctl->kexec_args, err)) ||
	    (rc = panic_timeout(ctl, &s, &ctl->panic_timeout, err)) ||
	    (rc = capture_cpus_setting(ctl, &s, &ctl->capture_cpus, err)))
		goto out;
	if (ctl->kernel[0] != '/' || ctl->initrd[0] != '/')
		rc = kdk_err_set(err, EINVAL, "%s: KDUMP_KERNEL and KDUMP_INITRD must be absolute paths",
				 ctl->settings_path);
out:
	free(kernel);
	free(initrd);
	kdk_settings_free(&s);
	return rc;
}

void ctl_free(struct ctl *ctl)
{
	free(ctl->release);
	free(ctl->kernel);
	free(ctl->initrd);
	free(ctl->commandline);
	free(ctl->commandline_remove);
	free(ctl->commandline_append);
	free(ctl->kexec_args);
}

/* sd-daemon(3)'s prefixes: systemd reads "<3>" as LOG_ERR on a service's stderr. */
static void say(const struct ctl *ctl, int priority, const char *prefix, const char *fmt,
		va_list ap)
{
	if (ctl->journal)
		fprintf(stderr, "<%d>", priority);
	fprintf(stderr, "kdumpctl: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ctl_info(const struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(ctl, 6, "", fmt, ap);
	va_end(ap);
}

void ctl_warn(const struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(ctl, 4, "warning: ", fmt, ap);
	va_end(ap);
}

void ctl_error(const struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(ctl, 3, "", fmt, ap);
	va_end(ap);
}

char *ctl_path(const char *root, const char *rest)
{
	char *path;

	if (asprintf(&path, "%s/%s", root, rest[0] == '/' ? rest + 1 : rest) < 0)
		return NULL;
	return path;
}

int ctl_read_text(const char *path, char **text, struct kdk_err *err)
{
	FILE *in = fopen(path, "re");
	char buf[4096];
	size_t len = 0, got;
	char *out = NULL;

	if (!in)
		return kdk_err_sys(err, errno, "%s", path);
	/* sysfs and proc files report no size: read until the end. */
	while ((got = fread(buf, 1, sizeof(buf), in)) > 0) {
		char *bigger = realloc(out, len + got + 1);
		if (!bigger) {
			free(out);
			fclose(in);
			return kdk_err_set(err, ENOMEM, "out of memory");
		}
		out = bigger;
		memcpy(out + len, buf, got);
		len += got;
	}
	if (ferror(in)) {
		free(out);
		fclose(in);
		return kdk_err_set(err, EIO, "%s: read error", path);
	}
	fclose(in);
	if (!out && !(out = malloc(1)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	out[len] = '\0';
	*text = out;
	return 0;
}

int ctl_read_u64(const char *path, uint64_t *value, struct kdk_err *err)
{
	char *text, *end;
	int rc = ctl_read_text(path, &text, err);

	if (rc)
		return rc;
	errno = 0;
	*value = strtoull(text, &end, 0);
	if (errno || end == text || (*end && *end != '\n'))
		rc = kdk_err_set(err, EINVAL, "%s: expected a number, got \"%.40s\"", path, text);
	free(text);
	return rc;
}

int ctl_crash_loaded(const struct ctl *ctl, struct kdk_err *err)
{
	char *path = ctl_path(ctl->sysfs, "kernel/kexec_crash_loaded");
	uint64_t loaded = 0;
	int rc;

	if (!path)
		return kdk_err_set(err, ENOMEM, "out of memory");
	rc = ctl_read_u64(path, &loaded, err);
	free(path);
	return rc ? rc : loaded != 0;
}

int ctl_crash_size(const struct ctl *ctl, uint64_t *size, struct kdk_err *err)
{
	char *path = ctl_path(ctl->sysfs, "kernel/kexec_crash_size");
	int rc;

	if (!path)
		return kdk_err_set(err, ENOMEM, "out of memory");
	rc = ctl_read_u64(path, size, err);
	free(path);
	return rc;
}

int ctl_run(const char *const *argv, struct kdk_err *err)
{
	pid_t pid;
	int status, rc;

	fflush(NULL);
	rc = posix_spawn(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
	if (rc)
		return kdk_err_sys(err, rc, "cannot run %s", argv[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return kdk_err_sys(err, errno, "waiting for %s", argv[0]);
	if (WIFSIGNALED(status))
		return kdk_err_set(err, EINTR, "%s was killed by signal %d", argv[0], WTERMSIG(status));
	return WEXITSTATUS(status);
}

int ctl_split_words(const char *text, struct kdk_array *words, struct kdk_err *err)
{
	const char *p = text + strspn(text, " \t\n");

	while (*p) {
		size_t len = strcspn(p, " \t\n");
		char **slot = kdk_array_push(words, err);
		if (!slot || !(*slot = strndup(p, len)))
			return kdk_err_set(err, ENOMEM, "out of memory");
		p += len;
		p += strspn(p, " \t\n");
	}
	return 0;
}

void ctl_free_words(struct kdk_array *words)
{
	size_t i;

	for (i = 0; i < words->len; i++)
		free(*(char **)kdk_array_at(words, i));
	kdk_array_free(words);
}
