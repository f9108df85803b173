/* target.c — finding and mounting the dump target: the identifier mkdumprd recorded for it
 * (/etc/kdumpkit/targets), matched by superblock or partition table; never udev names. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "activate/lvm_activate.h"
#include "activate/md_assemble.h"
#include "console.h"
#include "fs_probe.h"
#include "part_table.h"
#include "target.h"
#include "target_record.h"

static bool is_partition_spec(const char *spec)
{
	return !strncmp(spec, "PARTUUID=", 9) || !strncmp(spec, "PARTLABEL=", 10);
}

/* An md member's file system is the array's: mounting the member would write one mirror behind
 * md's back (metadata 1.0 and 0.90 keep the data at the member's start, so its UUID shows). */
static bool md_member(const char *path)
{
	uint64_t bytes = 0;
	bool member;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	member = !ioctl(fd, BLKGETSIZE64, &bytes) && kdk_md_is_member(fd, bytes);
	close(fd);
	return member;
}

/* One look at every block device; 0 with dev filled when spec matches one. */
static int scan_once(const char *spec, char *dev, size_t size)
{
	struct dirent *d;
	DIR *dir;
	int found = -ENOENT;

	if (spec[0] == '/') {
		struct stat st;

		if (!stat(spec, &st) && S_ISBLK(st.st_mode)) {
			snprintf(dev, size, "%s", spec);
			return 0;
		}
		return -ENOENT;
	}
	dir = opendir("/sys/class/block");
	if (!dir)
		return -errno;
	while (found && (d = readdir(dir))) {
		struct kdk_fs_id id;
		struct kdk_err err = { 0 };
		char path[300];

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/dev/%s", d->d_name);
		if (is_partition_spec(spec) ?
			    kdk_partition_device_matches("/sys/class/block", "/dev", d->d_name, spec) :
			    !kdk_fs_probe(path, &id, &err) && kdk_fs_matches(&id, spec) &&
			    !md_member(path)) {
			snprintf(dev, size, "%s", path);
			found = 0;
		}
	}
	closedir(dir);
	return found;
}

/* One LVM activation pass (a PV may have appeared since the last): what it activated goes to the
 * console; why something was not activated is kept in notes for the timeout's message. */
static void activate_lvm(char **notes)
{
	struct kdk_lvm_pass pass;
	struct kdk_err err = { 0 };
	size_t i, len = 0;
	FILE *out;

	kdk_lvm_pass_init(&pass);
	if (kdk_lvm_activate("/sys/class/block", "/dev", &pass, &err))
		say("LVM activation: %s", err.msg);
	for (i = 0; i < pass.activated.len; i++) {
		const struct kdk_lvm_activated *a = kdk_array_at(&pass.activated, i);

		say("LVM: activated %s/%s as /dev/mapper/%s (%u:%u), table: %s", a->vg, a->lv,
		    a->dm_name, major(a->dev), minor(a->dev), a->table);
	}
	free(*notes);
	*notes = NULL;
	if (pass.notes.len && (out = open_memstream(notes, &len))) {
		for (i = 0; i < pass.notes.len; i++)
			fprintf(out, "; %s", *(char **)kdk_array_at(&pass.notes, i));
		fclose(out);
	}
	kdk_lvm_pass_free(&pass);
}

/* The md arrays mkdumprd named (blank-separated UUIDs; NULL or "": every array) into uuids. */
static void md_uuid_list(const char *md_arrays, struct kdk_array *uuids)
{
	char *copy = md_arrays ? strdup(md_arrays) : NULL, *word, *save = NULL;

	kdk_array_init(uuids, sizeof(char *));
	for (word = copy ? strtok_r(copy, " \t", &save) : NULL; word; word = strtok_r(NULL, " \t", &save)) {
		char **slot = kdk_array_push(uuids, NULL);

		if (slot && !(*slot = strdup(word)))
			uuids->len--;
	}
	free(copy);
}

/* One md assembly pass: arrays started go to the console (degraded ones said so); why others
 * were not is kept in notes for the timeout's message. */
static void assemble_md(const struct kdk_array *uuids, bool allow_degraded, char **notes)
{
	struct kdk_md_policy policy = { allow_degraded, uuids->len ? uuids : NULL };
	struct kdk_md_pass pass;
	struct kdk_err err = { 0 };
	size_t i, len = 0;
	FILE *out;

	kdk_md_pass_init(&pass);
	if (kdk_md_assemble("/sys/class/block", "/dev", "/sys/module/md_mod", &policy, &pass, &err))
		say("md assembly: %s", err.msg);
	for (i = 0; i < pass.assembled.len; i++) {
		const struct kdk_md_assembled *a = kdk_array_at(&pass.assembled, i);

		say("md: assembled /dev/%s (%u:%u) uuid %s, %s, %u of %u slots: %s; state %s%s", a->name,
		    major(a->dev), minor(a->dev), a->uuid, a->level ? a->level : "level ?", a->members,
		    a->raid_disks, a->devices ? a->devices : "", a->array_state ? a->array_state : "?",
		    a->degraded > 0 ? ", DEGRADED (the next boot's md recovers it)" :
		    a->degraded < 0 ? ", degraded not known" : "");
	}
	free(*notes);
	*notes = NULL;
	if (pass.notes.len && (out = open_memstream(notes, &len))) {
		for (i = 0; i < pass.notes.len; i++)
			fprintf(out, "; %s", *(char **)kdk_array_at(&pass.notes, i));
		fclose(out);
	}
	kdk_md_pass_free(&pass);
}

int target_find(const char *spec, const char *md_arrays, unsigned timeout_s, char *dev, size_t size,
		struct kdk_err *err)
{
	double start = uptime_seconds(), deadline = start + timeout_s;
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	char *lvm_notes = NULL, *md_notes = NULL;
	struct kdk_array md_uuids;
	size_t i;
	int rc;

	md_uuid_list(md_arrays, &md_uuids);

	for (;;) {
		if (!scan_once(spec, dev, size)) {
			rc = 0;
			break;
		}
		/* The target may be on an md array or an LV whose members are among the disks:
		 * assemble and activate what is there, then look again at once (mdN, dm-N and the
		 * LV's /dev/mapper name are new devices). An array with members missing is started
		 * degraded once a third of the wait has passed (the rest may still be probing). */
		assemble_md(&md_uuids, uptime_seconds() >= start + timeout_s / 3.0, &md_notes);
		activate_lvm(&lvm_notes);
		if (!scan_once(spec, dev, size)) {
			rc = 0;
			break;
		}
		if (uptime_seconds() >= deadline) {
			rc = kdk_err_set(err, ENODEV, "dump target %s did not appear within %u s "
						      "(disk missing, or its driver not in the initramfs: "
						      "extra_modules in kdump.conf)%s%s%s%s", spec,
					 timeout_s, md_notes ? "; md" : "", md_notes ? md_notes : "",
					 lvm_notes ? "; LVM" : "", lvm_notes ? lvm_notes : "");
			break;
		}
		nanosleep(&pause, NULL);
	}
	free(lvm_notes);
	free(md_notes);
	for (i = 0; i < md_uuids.len; i++)
		free(*(char **)kdk_array_at(&md_uuids, i));
	kdk_array_free(&md_uuids);
	return rc;
}

static void mkdir_p(const char *dir)
{
	char path[PATH_MAX], *slash;

	snprintf(path, sizeof(path), "%s", dir);
	for (slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	mkdir(path, 0755);
}

int target_mount(const char *spec, const char *fstype, const char *mountpoint, unsigned timeout_s,
		 struct kdk_err *err)
{
	struct kdk_array records;
	const struct kdk_target_record *record;
	const char *find = spec, *options = NULL, *md_arrays = NULL;
	char dev[300], at[PATH_MAX];
	struct kdk_fs_id id;
	int rc;

	/* What mkdumprd resolved spec to: a device path or a root= the capture kernel cannot see
	 * by that name (udev made it), a btrfs subvolume, a separate mount holding the path. */
	if ((rc = kdk_target_records_load(KDK_TARGET_RECORDS_PATH, &records, err)))
		return rc;
	snprintf(at, sizeof(at), "%s", mountpoint);
	record = kdk_target_record_find(&records, spec);
	if (record) {
		find = record->id;
		if (record->fstype[0])
			fstype = record->fstype;
		options = record->options[0] ? record->options : NULL;
		md_arrays = record->md_arrays[0] ? record->md_arrays : NULL;
		if (strcmp(record->mount_at, "/"))
			snprintf(at, sizeof(at), "%s%s", mountpoint, record->mount_at);
		say("dump target %s is %s%s%s (recorded by mkdumprd), mounted at %s", spec, find,
		    options ? ", " : "", options ? options : "", at);
	}
	rc = target_find(find, md_arrays, timeout_s, dev, sizeof(dev), err);
	if (rc)
		goto out;
	if (!fstype) {
		if ((rc = kdk_fs_probe(dev, &id, err)))
			goto out;
		fstype = id.type;
	}
	mkdir_p(at);
	if (mount(dev, at, fstype, 0, options)) {
		rc = kdk_err_sys(err, errno, "mount %s (%s, %s%s%s) on %s", dev, spec, fstype,
				 options ? ", " : "", options ? options : "", at);
		goto out;
	}
	say("mounted %s (%s) on %s", dev, find, at);
out:
	kdk_target_records_free(&records);
	return rc;
}
