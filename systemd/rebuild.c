/* rebuild.c — the capture initramfs's inputs (kdump.conf, the kernel image and its modules.dep,
 * kdumpkit's own binaries that end up in or build the image, the files kdump.conf names) summed
 * with SHA-256; a difference from the sums recorded at the last build means rebuild. */
#include "rebuild.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kdump_conf_check.h"
#include "root_modules.h"
#include "sha256.h"

#define ABSENT "absent"

struct input {
	char *path;
	char sum[2 * KDK_SHA256_DIGEST_SIZE + 1];   /* hex, or ABSENT */
};

static int sum_file(const char *path, char *hex, struct kdk_err *err)
{
	uint8_t buf[65536], digest[KDK_SHA256_DIGEST_SIZE];
	struct kdk_sha256 ctx;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC), i;

	if (fd < 0) {
		if (errno == ENOENT) {
			strcpy(hex, ABSENT);
			return 0;
		}
		return kdk_err_sys(err, errno, "%s", path);
	}
	kdk_sha256_init(&ctx);
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		kdk_sha256_update(&ctx, buf, (size_t)got);
	if (got < 0) {
		int e = errno;
		close(fd);
		return kdk_err_sys(err, e, "%s", path);
	}
	close(fd);
	kdk_sha256_final(&ctx, digest);
	for (i = 0; i < KDK_SHA256_DIGEST_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", digest[i]);
	return 0;
}

static int add_input(struct kdk_array *inputs, const char *path, struct kdk_err *err)
{
	struct input *in;
	size_t i;

	for (i = 0; i < inputs->len; i++)
		if (!strcmp(KDK_ARRAY_AT(inputs, struct input, i)->path, path))
			return 0;
	if (!(in = kdk_array_push(inputs, err)) || !(in->path = strdup(path)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	return sum_file(path, in->sum, err);
}

/* A value rather than a file: label stands where a path would, the value's SHA-256 for its sum. */
static int add_value_input(struct kdk_array *inputs, const char *label, const char *value,
			   struct kdk_err *err)
{
	uint8_t digest[KDK_SHA256_DIGEST_SIZE];
	struct kdk_sha256 ctx;
	struct input *in;

	if (!(in = kdk_array_push(inputs, err)) || !(in->path = strdup(label)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	kdk_sha256_init(&ctx);
	kdk_sha256_update(&ctx, value, strlen(value));
	kdk_sha256_final(&ctx, digest);
	for (int i = 0; i < KDK_SHA256_DIGEST_SIZE; i++)
		sprintf(in->sum + 2 * i, "%02x", digest[i]);
	return 0;
}

static void free_inputs(struct kdk_array *inputs)
{
	size_t i;

	for (i = 0; i < inputs->len; i++)
		free(KDK_ARRAY_AT(inputs, struct input, i)->path);
	kdk_array_free(inputs);
}

/* Everything whose change changes the image mkdumprd would build. */
static int collect_inputs(const struct ctl *ctl, const struct kdk_kdump_conf *conf,
			  struct kdk_array *inputs, struct kdk_err *err)
{
	char path[4096];
	size_t i;
	int rc;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", ctl->release);
	if ((rc = add_input(inputs, ctl->conf_path, err)) || (rc = add_input(inputs, ctl->kernel, err)) ||
	    (rc = add_input(inputs, path, err)) || (rc = add_input(inputs, ctl->mkdumprd, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/dumpsave", ctl->sbindir);
	if ((rc = add_input(inputs, path, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/kdump-init", ctl->libexecdir);
	if ((rc = add_input(inputs, path, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/kdump-init-zstd", ctl->libexecdir);
	if ((rc = add_input(inputs, path, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/kdump-init-ssh", ctl->libexecdir);
	if ((rc = add_input(inputs, path, err)))
		return rc;
	if (conf->target == KDK_TARGET_SSH && conf->sshkey) {
		char *copy = strdup(conf->sshkey);
		if (!copy)
			return kdk_err_set(err, ENOMEM, "out of memory");
		snprintf(path, sizeof(path), "%s/known_hosts", dirname(copy));
		free(copy);
		if ((rc = add_input(inputs, conf->sshkey, err)) || (rc = add_input(inputs, path, err)))
			return rc;
	}
	/* a target by name: mkdumprd writes the address it has now into the image's /etc/hosts */
	if ((conf->target == KDK_TARGET_SSH && strchr(conf->ssh, '@')) ||
	    (conf->target == KDK_TARGET_NFS && strchr(conf->device, ':'))) {
		char host[256];
		struct in_addr addr;
		char label[512];

		if (conf->target == KDK_TARGET_SSH)
			snprintf(host, sizeof(host), "%s", strchr(conf->ssh, '@') + 1);
		else
			snprintf(host, sizeof(host), "%.*s", (int)strcspn(conf->device, ":"), conf->device);

		if (inet_pton(AF_INET, host, &addr) != 1 && kdk_host_address_here(host, &addr, err) == 0) {
			snprintf(label, sizeof(label), "the address of %s here", host);
			if ((rc = add_value_input(inputs, label, inet_ntoa(addr), err)))
				return rc;
		}
		kdk_err_clear(err);
	}
	if (conf->kdump_pre && (rc = add_input(inputs, conf->kdump_pre, err)))
		return rc;
	if (conf->kdump_post && (rc = add_input(inputs, conf->kdump_post, err)))
		return rc;
	for (i = 0; i < conf->extra_bins.len; i++)
		if ((rc = add_input(inputs, *(char **)kdk_array_at(&conf->extra_bins, i), err)))
			return rc;
	return 0;
}

static char *state_path(const struct ctl *ctl)
{
	char *path;

	return asprintf(&path, "%s.inputs", ctl->initrd) < 0 ? NULL : path;
}

/* Compare with the record; *why gets the first difference, in words. 1: rebuild needed. */
static int compare_record(const char *record, const struct kdk_array *inputs, char *why,
			  size_t why_size, struct kdk_err *err)
{
	FILE *in = fopen(record, "re");
	char *line = NULL;
	size_t cap = 0, i, seen = 0;
	int changed = 0;

	if (!in) {
		if (errno != ENOENT)
			return kdk_err_sys(err, errno, "%s", record);
		snprintf(why, why_size, "there is no record of its last build (%s)", record);
		return 1;
	}
	while (!changed && getline(&line, &cap, in) >= 0) {
		char sum[80], path[4096];
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%79s %4095[^\n]", sum, path) != 2)
			continue;
		for (i = 0; i < inputs->len; i++) {
			const struct input *cur = KDK_ARRAY_AT(inputs, struct input, i);
			if (strcmp(cur->path, path + strspn(path, " ")))
				continue;
			seen++;
			if (strcmp(cur->sum, sum)) {
				snprintf(why, why_size, "%s %s since the last build", cur->path,
					 !strcmp(cur->sum, ABSENT) ? "was removed" :
					 !strcmp(sum, ABSENT) ? "appeared" : "changed");
				changed = 1;
			}
			break;
		}
		if (i == inputs->len) {
			snprintf(why, why_size, "%s is no longer an input", path);
			changed = 1;
		}
	}
	free(line);
	fclose(in);
	if (!changed && seen != inputs->len) {
		snprintf(why, why_size, "an input was added since the last build");
		changed = 1;
	}
	return changed;
}

static int write_record(const char *record, const struct kdk_array *inputs, struct kdk_err *err)
{
	char *tmp;
	FILE *out;
	size_t i;
	int rc = 0;

	if (asprintf(&tmp, "%s.part", record) < 0)
		return kdk_err_set(err, ENOMEM, "out of memory");
	if (!(out = fopen(tmp, "we"))) {
		rc = kdk_err_sys(err, errno, "%s", tmp);
		goto out;
	}
	fprintf(out, "# kdumpctl: the inputs of the capture initramfs at its last build\n");
	for (i = 0; i < inputs->len; i++) {
		const struct input *in = KDK_ARRAY_AT(inputs, struct input, i);
		fprintf(out, "%s  %s\n", in->sum, in->path);
	}
	if (fclose(out) || rename(tmp, record))
		rc = kdk_err_sys(err, errno, "%s", record);
out:
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

static int mkdir_parents(const char *file, struct kdk_err *err)
{
	char *copy = strdup(file), *p;
	int rc = 0;

	if (!copy)
		return kdk_err_set(err, ENOMEM, "out of memory");
	for (p = copy + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
			rc = kdk_err_sys(err, errno, "mkdir %s", copy);
			break;
		}
		*p = '/';
	}
	free(copy);
	return rc;
}

static int push_arg(struct kdk_array *argv, const char *arg, struct kdk_err *err)
{
	const char **slot = kdk_array_push(argv, err);

	if (!slot)
		return kdk_err_set(err, ENOMEM, "out of memory");
	*slot = arg;
	return 0;
}

/* mkdumprd --kernel R -c CONF [--module M]… INITRD; the root disk's modules when the dump may
 * go to the root filesystem. */
static int run_mkdumprd(const struct ctl *ctl, const struct kdk_kdump_conf *conf,
			struct kdk_err *err)
{
	struct kdk_array names = KDK_ARRAY_INIT(char *), argv = KDK_ARRAY_INIT(const char *);
	const char *fixed[] = { ctl->mkdumprd, "--kernel", ctl->release, "-c", ctl->conf_path };
	size_t i;
	int rc = 0, status;

	if (conf->target == KDK_TARGET_ROOTFS || conf->failure_action == KDK_ACTION_DUMP_TO_ROOTFS) {
		if ((rc = root_modules(ctl, &names, err)))
			goto out;
		if (names.len) {
			char list[1024] = "";
			for (i = 0; i < names.len; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? " " : "",
					 *(char **)kdk_array_at(&names, i));
			ctl_info(ctl, "the root filesystem's modules for the capture kernel: %s", list);
		}
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]) && rc == 0; i++)
		rc = push_arg(&argv, fixed[i], err);
	for (i = 0; i < names.len && rc == 0; i++)
		if (!(rc = push_arg(&argv, "--module", err)))
			rc = push_arg(&argv, *(char **)kdk_array_at(&names, i), err);
	if (rc || (rc = push_arg(&argv, ctl->initrd, err)) || (rc = push_arg(&argv, NULL, err)))
		goto out;
	status = ctl_run(argv.items, err);
	if (status < 0)
		rc = status;
	else if (status)
		rc = kdk_err_set(err, EIO, "%s failed (exit %d): the capture initramfs was not rebuilt",
				 ctl->mkdumprd, status);
out:
	kdk_array_free(&argv);
	ctl_free_words(&names);
	return rc;
}

int rebuild_initrd(const struct ctl *ctl, const struct kdk_kdump_conf *conf, enum rebuild_mode mode,
		   struct kdk_err *err)
{
	struct kdk_array inputs = KDK_ARRAY_INIT(struct input);
	char why[4200] = "", *record = state_path(ctl);
	bool exists = access(ctl->initrd, F_OK) == 0;
	int rc, need;

	if (!record)
		return kdk_err_set(err, ENOMEM, "out of memory");
	if ((rc = collect_inputs(ctl, conf, &inputs, err)))
		goto out;
	if (!exists) {
		need = 1;
		snprintf(why, sizeof(why), "it does not exist");
	} else if (mode == REBUILD_ALWAYS) {
		need = 1;
		snprintf(why, sizeof(why), "asked to");
	} else if (mode == REBUILD_IF_MISSING) {
		need = 0;
	} else if (conf->force_rebuild) {
		need = 1;
		snprintf(why, sizeof(why), "%s says force_rebuild", ctl->conf_path);
	} else if ((need = compare_record(record, &inputs, why, sizeof(why), err)) < 0) {
		rc = need;
		goto out;
	} else if (need && conf->force_no_rebuild) {
		ctl_warn(ctl, "%s is out of date (%s) but %s says force_no_rebuild: using it as it is",
			 ctl->initrd, why, ctl->conf_path);
		need = 0;
	}
	if (!need) {
		ctl_info(ctl, "%s is up to date: not rebuilt", ctl->initrd);
		goto out;
	}
	ctl_info(ctl, "rebuilding %s: %s", ctl->initrd, why);
	if ((rc = mkdir_parents(ctl->initrd, err)))
		goto out;
	if ((rc = run_mkdumprd(ctl, conf, err)))
		goto out;
	rc = write_record(record, &inputs, err);
out:
	free_inputs(&inputs);
	free(record);
	return rc;
}
