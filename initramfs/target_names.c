/* target_names.c — build-time resolution of dump targets: device paths (by-id, by-path, mapper,
 * VG/LV) to file system or partition identifiers, and the mount that really holds `path`. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "activate/md_super.h"
#include "device_modules.h"
#include "fs_probe.h"
#include "target_names.h"
#include "target_record.h"

void rd_mount_free(struct rd_mount *m)
{
	free(m->root);
	free(m->mount_point);
	free(m->fstype);
	free(m->source);
	free(m->super_options);
	memset(m, 0, sizeof(*m));
}

/* mountinfo escapes space, tab, newline and backslash as \ooo (fs/proc_namespace.c mangle()). */
static char *unescape(const char *field)
{
	char *out = malloc(strlen(field) + 1), *o = out;

	if (!out)
		return NULL;
	while (*field) {
		if (field[0] == '\\' && field[1] >= '0' && field[1] <= '3' && field[2] >= '0' &&
		    field[2] <= '7' && field[3] >= '0' && field[3] <= '7') {
			*o++ = (char)((field[1] - '0') << 6 | (field[2] - '0') << 3 | (field[3] - '0'));
			field += 4;
		} else {
			*o++ = *field++;
		}
	}
	*o = '\0';
	return out;
}

/* Whether mount point mp holds path: equal, or a prefix ending at a '/' of path. */
static size_t covers(const char *mp, const char *path)
{
	size_t len = strlen(mp);

	if (!strcmp(mp, "/"))
		return 1;
	if (strncmp(mp, path, len) || (path[len] && path[len] != '/'))
		return 0;
	return len;
}

/* "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue" (proc(5)) */
static int parse_line(char *line, struct rd_mount *m)
{
	char *fields[6], *sep, *save = NULL, *tok;
	unsigned n = 0;

	sep = strstr(line, " - ");
	if (!sep)
		return -1;
	*sep = '\0';
	for (tok = strtok_r(line, " ", &save); tok && n < 6; tok = strtok_r(NULL, " ", &save))
		fields[n++] = tok;
	if (n < 5 || sscanf(fields[2], "%u:%u", &m->major, &m->minor) != 2)
		return -1;
	m->root = unescape(fields[3]);
	m->mount_point = unescape(fields[4]);
	save = NULL;
	n = 0;
	for (tok = strtok_r(sep + 3, " \n", &save); tok && n < 3; tok = strtok_r(NULL, " \n", &save))
		fields[n++] = tok;
	if (n < 3)
		return -1;
	m->fstype = unescape(fields[0]);
	m->source = unescape(fields[1]);
	m->super_options = unescape(fields[2]);
	return m->root && m->mount_point && m->fstype && m->source && m->super_options ? 0 : -1;
}

int rd_mount_for_path(const char *mountinfo_path, const char *path, struct rd_mount *mount,
		      struct kdk_err *err)
{
	FILE *in = fopen(mountinfo_path, "re");
	char *line = NULL;
	size_t cap = 0, best = 0;
	unsigned lineno = 0;

	memset(mount, 0, sizeof(*mount));
	if (!in)
		return kdk_err_sys(err, errno, "%s", mountinfo_path);
	while (getline(&line, &cap, in) >= 0) {
		struct rd_mount m = { 0 };
		size_t len;

		lineno++;
		if (parse_line(line, &m)) {
			rd_mount_free(&m);
			continue;
		}
		len = covers(m.mount_point, path);
		if (len && len >= best) {
			rd_mount_free(mount);
			*mount = m;
			best = len;
		} else {
			rd_mount_free(&m);
		}
	}
	free(line);
	fclose(in);
	if (!best)
		return kdk_err_set(err, ENOENT, "%s: no mount holds %s", mountinfo_path, path);
	return 0;
}

static bool is_id_spec(const char *spec)
{
	return !strncmp(spec, "UUID=", 5) || !strncmp(spec, "LABEL=", 6) ||
	       !strncmp(spec, "PARTUUID=", 9) || !strncmp(spec, "PARTLABEL=", 10);
}

/* The by-partuuid link that leads to real, as "PARTUUID=…"; NULL when none does. */
static char *partuuid_of(const char *real, const struct rd_target_env *env)
{
	char dir[PATH_MAX], link[PATH_MAX * 2], target[PATH_MAX];
	struct dirent *d;
	char *id = NULL;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/by-partuuid", env->dev_disk);
	if (!(dp = opendir(dir)))
		return NULL;
	while (!id && (d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		if (realpath(link, target) && !strcmp(target, real) &&
		    asprintf(&id, "PARTUUID=%s", d->d_name) < 0)
			id = NULL;
	}
	closedir(dp);
	return id;
}

int rd_stable_id(const char *spec, const struct rd_target_env *env, char **id, struct kdk_err *err)
{
	char real[PATH_MAX];
	struct kdk_fs_id fs;
	struct kdk_err probe_err = { 0 };
	int n = 0;

	*id = NULL;
	if (is_id_spec(spec)) {
		if (!(*id = strdup(spec)))
			return kdk_err_set(err, ENOMEM, "out of memory");
		return 0;
	}
	if (spec[0] != '/')
		return kdk_err_set(err, EINVAL, "%s: neither a device path nor UUID=, LABEL=, "
					       "PARTUUID=, PARTLABEL=", spec);
	if (!realpath(spec, real))
		return kdk_err_sys(err, errno, "%s", spec);
	/* The file system's UUID first: it follows the data (a partition copied to a new disk, an
	 * LV moved between PVs); the partition's only where there is no file system id. */
	if (!kdk_fs_probe(real, &fs, &probe_err) && fs.uuid[0])
		n = asprintf(id, "UUID=%s", fs.uuid);
	else if (!probe_err.code && fs.label[0])
		n = asprintf(id, "LABEL=%s", fs.label);
	else
		*id = partuuid_of(real, env);
	if (n < 0) {
		*id = NULL;
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	if (!*id)
		return kdk_err_set(err, ENODEV, "%s (%s): no file system UUID or LABEL (%s) and no "
						"PARTUUID in %s/by-partuuid: the capture kernel could not "
						"find it; name it by UUID= or LABEL=", spec, real,
				   probe_err.code ? probe_err.msg : "none set", env->dev_disk);
	return 0;
}

/* "subvol=…" from a btrfs mount's super options ("" when there is none or it is the top level). */
static char *subvol_option(const struct rd_mount *m)
{
	const char *opt = m->super_options;

	if (strcmp(m->fstype, "btrfs"))
		return strdup("");
	while (opt && *opt) {
		size_t len = strcspn(opt, ",");
		bool top_level = len == 8 && !strncmp(opt, "subvol=/", 8);

		if (!strncmp(opt, "subvol=", 7) && !top_level)
			return strndup(opt, len);
		opt += len + (opt[len] == ',');
	}
	return strdup("");
}

/* lvm2's dm uuids: "LVM-" + the VG's id + the LV's id (32 characters each); a device lvm2 stacks
 * under an LV (a thin pool, a snapshot's origin, a cache) adds "-<layer>" (lib/dm/dev_manager.c). */
#define LVM_UUID_LEN (4 + 32 + 32)

/* Read the first line of <sys>/class/block/<name>/<file> into buf; false when there is none. */
static bool sysfs_line(const struct rd_target_env *env, const char *name, const char *file,
		       char *buf, size_t size)
{
	char path[PATH_MAX];
	FILE *f;
	bool got;

	snprintf(path, sizeof(path), "%s/class/block/%s/%s", env->sys, name, file);
	if (!(f = fopen(path, "re")))
		return false;
	got = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (got)
		buf[strcspn(buf, "\n")] = '\0';
	return got;
}

/* Why the capture /init cannot open sysfs block device `name` ("dm-3", "md0", "vda2"), looking down
 * through its slaves: the first device-mapper device in the stack that is not one of LVM's linear
 * or striped LVs (which lib/activate creates from the VG's metadata). Empty why: it can. */
static void unopenable_below(const struct rd_target_env *env, const char *name, unsigned depth,
			     char *why, size_t size)
{
	char path[PATH_MAX], uuid[160], dm_name[160];
	bool have_uuid, have_name;
	struct dirent *d;
	DIR *dir;

	have_uuid = sysfs_line(env, name, "dm/uuid", uuid, sizeof(uuid));
	have_name = sysfs_line(env, name, "dm/name", dm_name, sizeof(dm_name));
	if (have_uuid || have_name) {
		if (!have_name)
			snprintf(dm_name, sizeof(dm_name), "%s", name);
		if (!have_uuid)
			uuid[0] = '\0';
		if (!strncmp(uuid, "CRYPT-", 6)) {
			snprintf(why, size, "is on /dev/mapper/%s (%s), a dm-crypt device (dm uuid %.*s…): "
				 "the capture kernel has no key to open it", dm_name, name, 12, uuid);
			return;
		}
		if (!strncmp(uuid, "mpath-", 6) || !strncmp(uuid, "part", 4)) {
			snprintf(why, size, "is on /dev/mapper/%s (%s), a multipath device%s: the capture "
				 "/init does not assemble multipath", dm_name, name,
				 uuid[0] == 'p' ? "'s partition" : "");
			return;
		}
		if (strncmp(uuid, "LVM-", 4)) {
			snprintf(why, size, "is on /dev/mapper/%s (%s), a device-mapper device that is no "
				 "LVM LV (dm uuid \"%s\"): the capture /init creates LVM's linear and "
				 "striped LVs only", dm_name, name, uuid);
			return;
		}
		if (strlen(uuid) > LVM_UUID_LEN) {
			snprintf(why, size, "is on /dev/mapper/%s (%s), an LVM %s layer: the capture /init "
				 "activates linear and striped LVs only, not thin, snapshot, cache or raid "
				 "ones", dm_name, name, uuid + LVM_UUID_LEN + 1);
			return;
		}
	}
	snprintf(path, sizeof(path), "%s/class/block/%s/slaves", env->sys, name);
	if (depth > 8 || !(dir = opendir(path)))
		return;
	while (!why[0] && (d = readdir(dir)))
		if (d->d_name[0] != '.')
			unopenable_below(env, d->d_name, depth + 1, why, size);
	closedir(dir);
}

/* The same for a device spec (a path, UUID=, LABEL=, PART*=) that names a device here. */
static bool spec_device(const char *spec, const struct rd_target_env *env, char *real);

static void unopenable(const char *spec, const struct rd_target_env *env, char *why, size_t size)
{
	char real[PATH_MAX];
	const char *name;

	why[0] = '\0';
	if (!spec_device(spec, env, real))
		return;
	name = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
	unopenable_below(env, name, 0, why, size);
}

/* The md arrays under sysfs block device `name` (itself, or below a dm device: LVM on md) into
 * out, as their UUIDs in mdadm's form: read from a member's superblock (lib/activate/md_super). */
static void md_arrays_below(const char *name, unsigned depth, FILE *out)
{
	char path[PATH_MAX];
	struct dirent *d;
	bool md;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/block/%s/md", name);
	md = !access(path, F_OK);
	snprintf(path, sizeof(path), "/sys/class/block/%s/slaves", name);
	if (depth > 8 || !(dir = opendir(path)))
		return;
	while ((d = readdir(dir))) {
		struct kdk_err err = { 0 };
		struct kdk_md_super sb;
		char uuid[KDK_MD_UUID_TEXT];
		uint64_t bytes;
		int fd;

		if (d->d_name[0] == '.')
			continue;
		if (!md) {
			md_arrays_below(d->d_name, depth + 1, out);
			continue;
		}
		snprintf(path, sizeof(path), "/dev/%s", d->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (!ioctl(fd, BLKGETSIZE64, &bytes) && !kdk_md_super_read(fd, bytes, path, &sb, &err)) {
			kdk_md_uuid_format(sb.set_uuid, uuid);
			fprintf(out, "%s%s", ftell(out) ? " " : "", uuid);
			close(fd);
			break;   /* one member names the array */
		}
		close(fd);
	}
	closedir(dir);
}

/* "uuid uuid…" of the md arrays the device at real (a /dev path) sits on; "" for none. */
static char *md_arrays_of(const char *real)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	if (!strncmp(real, "/dev/", 5) && !strchr(real + 5, '/'))
		md_arrays_below(real + 5, 0, out);
	if (fclose(out))
		return NULL;
	return text;
}

/* The record for the root-fs dump: root= names the spec the capture /init is given; what it
 * mounts is the file system holding conf->path, at its mount point (/var for a separate /var). */
static int rootfs_record(const struct kdk_kdump_conf *conf, const struct rd_target_env *env,
			 const char *root, struct kdk_target_record *r, bool *unopenable_dev,
			 struct kdk_err *err)
{
	char mountinfo[PATH_MAX], real[PATH_MAX], why[600];
	struct rd_mount m;
	int rc;

	snprintf(mountinfo, sizeof(mountinfo), "%s/self/mountinfo", env->proc);
	if ((rc = rd_mount_for_path(mountinfo, conf->path, &m, err)))
		return rc;
	/* A bind mount shows a directory of its file system as root; only btrfs subvolumes (whose
	 * root is the subvolume) can be mounted again the same way, with subvol=. */
	if (strcmp(m.root, "/") && strcmp(m.fstype, "btrfs")) {
		rc = kdk_err_set(err, ENOTSUP, "%s: path %s lies on %s, a bind mount of %s of %s: the "
					       "capture /init mounts whole file systems; set path to "
					       "the directory on that file system's own mount",
				 conf->file, conf->path, m.mount_point, m.root, m.source);
		goto out;
	}
	unopenable(m.source, env, why, sizeof(why));
	if ((*unopenable_dev = why[0] != '\0')) {
		rc = kdk_err_set(err, ENOTSUP, "%s: path %s lies on %s, which %s", conf->file,
				 conf->path, m.source, why);
		goto out;
	}
	if ((rc = rd_stable_id(m.source, env, &r->id, err))) {
		kdk_err_prefix(err, "%s: path %s lies on %s (%s): ", conf->file, conf->path,
			       m.mount_point, m.fstype);
		goto out;
	}
	r->spec = strdup(root);
	r->fstype = strdup(m.fstype);
	r->mount_at = strdup(m.mount_point);
	r->options = subvol_option(&m);
	r->md_arrays = md_arrays_of(realpath(m.source, real) ? real : m.source);
	if (!r->spec || !r->fstype || !r->mount_at || !r->options || !r->md_arrays)
		rc = kdk_err_set(err, ENOMEM, "out of memory");
out:
	rd_mount_free(&m);
	return rc;
}

/* Whether root= names the file system mounted on "/" here: mkdumprd may build an image for
 * another machine (the lab's guests), whose root= must not be resolved through this mount table. */
static bool root_is_here(const char *root, const struct rd_target_env *env)
{
	char mountinfo[PATH_MAX], real_root[PATH_MAX], real_src[PATH_MAX], *partuuid;
	struct kdk_err err = { 0 };
	struct kdk_fs_id fs;
	struct rd_mount m;
	bool here = false;

	snprintf(mountinfo, sizeof(mountinfo), "%s/self/mountinfo", env->proc);
	if (rd_mount_for_path(mountinfo, "/", &m, &err))
		return false;
	if (!realpath(m.source, real_src))
		goto out;
	if (!strncmp(root, "UUID=", 5) || !strncmp(root, "LABEL=", 6)) {
		here = !kdk_fs_probe(real_src, &fs, &err) && kdk_fs_matches(&fs, root);
	} else if (!strncmp(root, "PARTUUID=", 9)) {
		partuuid = partuuid_of(real_src, env);
		here = partuuid && !strcasecmp(partuuid + 9, root + 9);
		free(partuuid);
	} else if (root[0] == '/') {
		here = realpath(root, real_root) && !strcmp(real_root, real_src);
	}
out:
	rd_mount_free(&m);
	return here;
}

/* root= of the running kernel's command line (kdumpctl keeps it on the capture one). */
static char *cmdline_root(const struct rd_target_env *env)
{
	char path[PATH_MAX], *line = NULL, *tok, *save = NULL, *root = NULL;
	size_t cap = 0;
	FILE *in;

	snprintf(path, sizeof(path), "%s/cmdline", env->proc);
	if (!(in = fopen(path, "re")))
		return NULL;
	if (getline(&line, &cap, in) >= 0)
		for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			if (!strncmp(tok, "root=", 5)) {
				free(root);
				root = strdup(tok + 5);
			}
	free(line);
	fclose(in);
	return root;
}

/* The device spec names on this machine, through udev's links for UUID=/LABEL=/PART*=. */
static bool spec_device(const char *spec, const struct rd_target_env *env, char *real)
{
	static const struct { const char *prefix, *dir; } links[] = {
		{ "UUID=", "by-uuid" }, { "LABEL=", "by-label" },
		{ "PARTUUID=", "by-partuuid" }, { "PARTLABEL=", "by-partlabel" },
	};
	char link[PATH_MAX * 2];
	unsigned i;

	if (spec[0] == '/')
		return realpath(spec, real) != NULL;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		size_t len = strlen(links[i].prefix);
		if (!strncmp(spec, links[i].prefix, len)) {
			snprintf(link, sizeof(link), "%s/%s/%s", env->dev_disk, links[i].dir, spec + len);
			return realpath(link, real) != NULL;
		}
	}
	return false;
}

/* The record for kdump.conf's "<fstype> <device>" target: its path is relative to that file
 * system; a btrfs one mounted here on a subvolume is mounted on the same one. */
static int fs_record(const struct kdk_kdump_conf *conf, const struct rd_target_env *env,
		     struct kdk_target_record *r, struct kdk_err *err)
{
	char mountinfo[PATH_MAX], real[PATH_MAX], why[600], *line = NULL;
	size_t cap = 0;
	struct stat st;
	FILE *in;
	int rc;

	unopenable(conf->device, env, why, sizeof(why));
	if (why[0])
		return kdk_err_set(err, ENOTSUP, "%s:%u: dump target %s %s; dump to another target "
				   "(a plain disk, md or a linear LVM LV; nfs; ssh)", conf->file,
				   conf->target_line, conf->device, why);
	if ((rc = rd_stable_id(conf->device, env, &r->id, err)))
		return kdk_err_prefix(err, "%s:%u: dump target: ", conf->file, conf->target_line);
	r->spec = strdup(conf->device);
	r->fstype = strdup(conf->fstype);
	r->mount_at = strdup("/");
	r->options = strdup("");
	r->md_arrays = spec_device(conf->device, env, real) ? md_arrays_of(real) : strdup("");
	if (!r->spec || !r->fstype || !r->mount_at || !r->options || !r->md_arrays)
		return kdk_err_set(err, ENOMEM, "out of memory");
	/* Its subvolume, when it is mounted here: the first mount of the same device. */
	if (strcmp(conf->fstype, "btrfs") || !spec_device(conf->device, env, real) ||
	    stat(real, &st) || (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)))
		return 0;
	snprintf(mountinfo, sizeof(mountinfo), "%s/self/mountinfo", env->proc);
	if (!(in = fopen(mountinfo, "re")))
		return 0;
	while (getline(&line, &cap, in) >= 0) {
		struct rd_mount m = { 0 };
		char src[PATH_MAX];
		bool same = !parse_line(line, &m) && realpath(m.source, src) && !strcmp(src, real);

		if (same) {
			free(r->options);
			r->options = subvol_option(&m);
		}
		rd_mount_free(&m);
		if (same)
			break;
	}
	free(line);
	fclose(in);
	return r->options ? 0 : kdk_err_set(err, ENOMEM, "out of memory");
}

/* The record for "raw <device path>": the partition's PARTUUID (a raw partition holds no file
 * system id, and the stream would erase one). Returns 1 when no record is needed or possible:
 * PARTUUID= given, or a kernel name (/dev/vdb1) without a PARTUUID, used as it is (warned). */
static int raw_record(const struct kdk_kdump_conf *conf, const struct rd_target_env *env,
		      struct kdk_target_record *r, struct kdk_array *warnings, struct kdk_err *err)
{
	char real[PATH_MAX];

	if (conf->device[0] != '/')
		return 1;
	if (!realpath(conf->device, real)) {
		rd_warn(warnings, "%s:%u: raw %s is not on this machine: the capture /init looks for "
				  "it by that name", conf->file, conf->target_line, conf->device);
		return 1;
	}
	if (!(r->id = partuuid_of(real, env))) {
		struct stat st;

		/* a udev name (a symlink) does not exist in the capture kernel; a kernel name does */
		if (!lstat(conf->device, &st) && S_ISLNK(st.st_mode))
			return kdk_err_set(err, ENODEV, "%s:%u: raw %s (%s): no PARTUUID in %s/by-partuuid: "
					   "the capture kernel could not find it; name it by PARTUUID=",
					   conf->file, conf->target_line, conf->device, real,
					   env->dev_disk);
		rd_warn(warnings, "%s:%u: raw %s has no PARTUUID: the capture /init writes to that "
				  "kernel name, which may name another disk there", conf->file,
			conf->target_line, conf->device);
		return 1;
	}
	r->spec = strdup(conf->device);
	r->fstype = strdup("");
	r->mount_at = strdup("/");
	r->options = strdup("");
	if (!r->spec || !r->fstype || !r->mount_at || !r->options)
		return kdk_err_set(err, ENOMEM, "out of memory");
	return 0;
}

int rd_resolve_targets(const struct kdk_kdump_conf *conf, const struct rd_target_env *env,
		       struct kdk_array *records, struct kdk_array *warnings, struct kdk_err *err)
{
	bool fs = conf->target == KDK_TARGET_FS && strcmp(conf->fstype, "nfs") &&
		  strcmp(conf->fstype, "nfs4") && strcmp(conf->fstype, "virtiofs");
	bool rootfs = conf->target == KDK_TARGET_ROOTFS ||
		      conf->failure_action == KDK_ACTION_DUMP_TO_ROOTFS;
	struct kdk_target_record *r;
	bool unopenable_root = false;
	char *root = NULL;
	int rc = 0;

	kdk_array_init(records, sizeof(struct kdk_target_record));
	if (fs) {
		if (!(r = kdk_array_push(records, err)))
			return -err->code;
		memset(r, 0, sizeof(*r));
		if ((rc = fs_record(conf, env, r, err)))
			goto out;
	}
	if (conf->target == KDK_TARGET_RAW) {
		if (!(r = kdk_array_push(records, err)))
			return -err->code;
		memset(r, 0, sizeof(*r));
		if ((rc = raw_record(conf, env, r, warnings, err)) == 1) {
			kdk_target_record_clear(r);
			records->len--;
			rc = 0;
		} else if (rc) {
			goto out;
		}
	}
	if (rootfs) {
		if (!(root = cmdline_root(env))) {
			rd_warn(warnings, "no root= on %s/cmdline: a root file system dump finds its "
					  "file system only by the root= of the capture command line",
				env->proc);
			goto out;
		}
		if (fs && !strcmp(root, conf->device))
			goto out; /* one spec, one record: the target's */
		if (!root_is_here(root, env)) {
			rd_warn(warnings, "root=%s (%s/cmdline) is not the file system on / here: no "
					  "record for root file system dumps (an image for another "
					  "machine?); the capture /init looks for root= as given", root,
				env->proc);
			goto out;
		}
		if (!(r = kdk_array_push(records, err))) {
			rc = -err->code;
			goto out;
		}
		memset(r, 0, sizeof(*r));
		/* Implicit (no target line, or only the failure action): what cannot be resolved
		 * is a warning, and the capture /init looks for root= as given, as before — but a
		 * root file system the capture kernel cannot open at all (dm-crypt…) is no dump
		 * target: refused when it is the only one. */
		rc = rootfs_record(conf, env, root, r, &unopenable_root, err);
		if (rc && unopenable_root && conf->target == KDK_TARGET_ROOTFS) {
			kdk_err_prefix(err, "no dump target in %s, so the dump goes to the root file "
					    "system: ", conf->file);
			goto out;
		}
		if (rc) {
			rc = 0;
			rd_warn(warnings, "root file system dump: %s", err->msg);
			kdk_err_clear(err);
			kdk_target_record_clear(r);
			records->len--;
		}
	}
out:
	free(root);
	if (rc)
		kdk_target_records_free(records);
	return rc;
}
