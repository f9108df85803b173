/* md_assemble.c — the capture /init's mdadm --assemble --readonly: members by superblock, the
 * freshest of each array, md ioctls (include/uapi/linux/raid/md_u.h; drivers/md/md.c v6.1). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/raid/md_u.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "activate/md_assemble.h"
#include "activate/notes.h"

struct member {
	char name[256];           /* "vdb1" */
	unsigned maj, min;
	struct kdk_md_super sb;
};

void kdk_md_pass_init(struct kdk_md_pass *pass)
{
	kdk_array_init(&pass->assembled, sizeof(struct kdk_md_assembled));
	kdk_array_init(&pass->notes, sizeof(char *));
}

void kdk_md_pass_free(struct kdk_md_pass *pass)
{
	size_t i;

	for (i = 0; i < pass->assembled.len; i++) {
		struct kdk_md_assembled *a = kdk_array_at(&pass->assembled, i);

		free(a->name);
		free(a->level);
		free(a->devices);
		free(a->array_state);
	}
	kdk_array_free(&pass->assembled);
	kdk_notes_free(&pass->notes);
}

/* The first line of a sysfs file, newline cut; NULL when it cannot be read. */
static char *read_line(const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f = fopen(path, "re");

	if (!f)
		return NULL;
	len = getline(&line, &cap, f);
	fclose(f);
	if (len < 0) {
		free(line);
		return NULL;
	}
	if (len && line[len - 1] == '\n')
		line[len - 1] = '\0';
	return line;
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len)
		rc = -errno;
	close(fd);
	return rc;
}

/* A device some other device is built on (an array member, a PV under an LV) is in use. */
static bool has_holders(const char *sys_block, const char *name)
{
	char path[PATH_MAX];
	struct dirent *d;
	bool held = false;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%s/holders", sys_block, name);
	if (!(dir = opendir(path)))
		return false;
	while (!held && (d = readdir(dir)))
		held = d->d_name[0] != '.';
	closedir(dir);
	return held;
}

static int find_members(const char *sys_block, const char *dev_dir, struct kdk_array *members,
			struct kdk_md_pass *pass, struct kdk_err *err)
{
	struct dirent *d;
	DIR *dir = opendir(sys_block);
	int rc = 0;

	if (!dir)
		return kdk_err_sys(err, errno, "%s", sys_block);
	while (!rc && (d = readdir(dir))) {
		struct kdk_err dev_err = { 0 };
		struct kdk_md_super sb;
		struct member *m;
		char path[PATH_MAX];
		unsigned maj, min;
		uint64_t bytes;
		FILE *f;
		int fd, ok;

		if (d->d_name[0] == '.' || !strncmp(d->d_name, "md", 2) ||
		    has_holders(sys_block, d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s/dev", sys_block, d->d_name);
		if (!(f = fopen(path, "re")))
			continue;
		ok = fscanf(f, "%u:%u", &maj, &min) == 2;
		fclose(f);
		if (!ok)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dev_dir, d->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (ioctl(fd, BLKGETSIZE64, &bytes)) {
			struct stat st;

			/* a regular file standing in for a disk (tests) */
			bytes = fstat(fd, &st) ? 0 : (uint64_t)st.st_size;
		}
		ok = kdk_md_super_read(fd, bytes, path, &sb, &dev_err);
		close(fd);
		if (ok) {
			if (ok != -EMEDIUMTYPE)
				kdk_note_add(&pass->notes, "%s", dev_err.msg);
			continue;
		}
		if (!(m = kdk_array_push(members, err))) {
			rc = -err->code;
			break;
		}
		snprintf(m->name, sizeof(m->name), "%s", d->d_name);
		m->maj = maj;
		m->min = min;
		m->sb = sb;
	}
	closedir(dir);
	return rc;
}

static bool uuid_wanted(const struct kdk_md_policy *policy, const uint8_t uuid[16])
{
	size_t i;

	if (!policy || !policy->uuids)
		return true;
	for (i = 0; i < policy->uuids->len; i++) {
		uint8_t want[16];

		if (!kdk_md_uuid_parse(*(char **)kdk_array_at(policy->uuids, i), want) &&
		    !memcmp(want, uuid, 16))
			return true;
	}
	return false;
}

/* mdadm names the array of /dev/mdN "host:N" (or "N"): keep N where it is free, else the first
 * free number from 127 down, as mdadm does for arrays of another host. -1 when none is free. */
static int pick_minor(const char *sys_block, const char *set_name)
{
	const char *colon = strrchr(set_name, ':');
	const char *num = colon ? colon + 1 : set_name;
	char path[PATH_MAX], *end;
	struct stat st;
	long n;
	int i;

	n = strtol(num, &end, 10);
	if (*num && !*end && n >= 0 && n < 256) {
		snprintf(path, sizeof(path), "%s/md%ld", sys_block, n);
		if (stat(path, &st))
			return (int)n;
	}
	for (i = 127; i >= 0; i--) {
		snprintf(path, sizeof(path), "%s/md%d", sys_block, i);
		if (stat(path, &st))
			return i;
	}
	return -1;
}

/* Start the array of members (all of one UUID, freshest only) as md<minor>. 0 when started
 * (*a filled); otherwise a note says why, and the members are released again. */
static int start_array(const char *sys_block, const char *dev_dir, const char *sys_module,
		       int minor, const struct member *const *members, size_t count,
		       struct kdk_md_pass *pass, struct kdk_md_assembled *a)
{
	const struct kdk_md_super *sb = &members[0]->sb;
	char path[PATH_MAX], node[PATH_MAX], name[16], uuid[KDK_MD_UUID_TEXT], *text;
	mdu_array_info_t info;
	size_t i;
	int fd, rc;

	kdk_md_uuid_format(sb->set_uuid, uuid);
	snprintf(name, sizeof(name), "md%d", minor);
	/* md_mod's new_array makes mdN at once (md.c add_named_array); without it the open of the
	 * node reaches md_probe through the block layer's legacy autoload */
	snprintf(path, sizeof(path), "%s/parameters/new_array", sys_module);
	if (!access(path, F_OK) && (rc = write_text(path, name)) && rc != -EEXIST) {
		kdk_note_add(&pass->notes, "md array %s: %s ← %s: %s", uuid, path, name, strerror(-rc));
		return rc;
	}
	snprintf(node, sizeof(node), "%s/%s", dev_dir, name);
	if (mknod(node, S_IFBLK | 0600, makedev(MD_MAJOR, (unsigned)minor)) && errno != EEXIST) {
		rc = -errno;
		kdk_note_add(&pass->notes, "md array %s: mknod %s: %s", uuid, node, strerror(errno));
		return rc;
	}
	if ((fd = open(node, O_RDWR | O_CLOEXEC)) < 0) {
		rc = -errno;
		kdk_note_add(&pass->notes, "md array %s: %s: %s (md_mod not loaded?)", uuid, node, strerror(errno));
		return rc;
	}
	/* raid_disks 0: "the superblocks on the members describe the array" (md_set_array_info) */
	memset(&info, 0, sizeof(info));
	info.major_version = 1;
	info.minor_version = (int)sb->minor_version;
	if (ioctl(fd, SET_ARRAY_INFO, &info)) {
		rc = -errno;
		kdk_note_add(&pass->notes, "md array %s: SET_ARRAY_INFO on %s: %s", uuid, node, strerror(errno));
		goto out;
	}
	for (i = 0; i < count; i++) {
		mdu_disk_info_t disk;

		memset(&disk, 0, sizeof(disk));
		disk.major = (int)members[i]->maj;
		disk.minor = (int)members[i]->min;
		if (ioctl(fd, ADD_NEW_DISK, &disk)) {
			rc = -errno;
			kdk_note_add(&pass->notes, "md array %s: ADD_NEW_DISK %s to %s: %s", uuid, members[i]->name,
			     node, strerror(errno));
			goto stop;
		}
	}
	/* read-auto: md_run with ro = MD_AUTO_READ; the first write (the dump's) makes it
	 * read-write. Older kernels without md/array_state: RUN_ARRAY (read-write at once). */
	snprintf(path, sizeof(path), "%s/%s/md/array_state", sys_block, name);
	if (!access(path, F_OK))
		rc = write_text(path, "read-auto");
	else
		rc = ioctl(fd, RUN_ARRAY, 0) ? -errno : 0;
	if (rc) {
		kdk_note_add(&pass->notes, "md array %s (%s, %u slots, %zu members): the kernel would not start it: "
			   "%s (its log says why)", uuid, kdk_md_level_name(sb->level) ?: "level ?",
		     sb->raid_disks, count, strerror(-rc));
		goto stop;
	}
	/* no resync, recovery or reshape in the capture kernel: the next boot's md does them */
	snprintf(path, sizeof(path), "%s/%s/md/sync_action", sys_block, name);
	if (!access(path, F_OK) && write_text(path, "frozen"))
		kdk_note_add(&pass->notes, "%s: could not freeze md/sync_action: %s", name, strerror(errno));
	close(fd);
	a->name = strdup(name);
	a->dev = makedev(MD_MAJOR, (unsigned)minor);
	memcpy(a->uuid, uuid, sizeof(uuid));
	snprintf(path, sizeof(path), "%s/%s/md/level", sys_block, name);
	a->level = read_line(path);
	snprintf(path, sizeof(path), "%s/%s/md/array_state", sys_block, name);
	a->array_state = read_line(path);
	snprintf(path, sizeof(path), "%s/%s/md/degraded", sys_block, name);
	text = read_line(path);
	a->degraded = text ? strtol(text, NULL, 10) : -1;
	free(text);
	a->raid_disks = sb->raid_disks;
	return 0;
stop:
	/* an array set up but not running holds its members: let them go */
	ioctl(fd, STOP_ARRAY, 0);
out:
	close(fd);
	return rc;
}

static int cmp_members(const void *x, const void *y)
{
	const struct member *a = x, *b = y;
	int c = memcmp(a->sb.set_uuid, b->sb.set_uuid, 16);

	if (c)
		return c;
	if (a->sb.events != b->sb.events)
		return a->sb.events > b->sb.events ? -1 : 1;   /* freshest first */
	return a->sb.role - b->sb.role;
}

/* One array: the members of one UUID (freshest first). */
static int assemble_one(const char *sys_block, const char *dev_dir, const char *sys_module,
			const struct kdk_md_policy *policy, const struct member *group, size_t count,
			struct kdk_md_pass *pass, struct kdk_err *err)
{
	const struct kdk_md_super *sb = &group[0].sb;
	const struct member **use = NULL;
	struct kdk_md_assembled a = { 0 }, *slot;
	char uuid[KDK_MD_UUID_TEXT], *devices = NULL, *filled = NULL;
	size_t i, used = 0, dev_len = 0, slots = 0;
	FILE *out;
	int minor, rc = 0;

	kdk_md_uuid_format(sb->set_uuid, uuid);
	if (!uuid_wanted(policy, sb->set_uuid))
		return 0;
	if (sb->feature_map & KDK_MD_FEATURE_CLUSTERED) {
		kdk_note_add(&pass->notes, "md array %s: clustered (needs the cluster's lock manager): not started", uuid);
		return 0;
	}
	/* a slot is a dev_roles value below 0xff00 (md_p.h MD_DISK_ROLE_MAX), whatever raid_disks
	 * a damaged superblock claims */
	if (!(use = calloc(count, sizeof(*use))) || !(filled = calloc(0x10000, 1)) ||
	    !(out = open_memstream(&devices, &dev_len))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < count; i++) {
		const struct member *m = &group[i];

		/* older event counts are members that missed writes: the kernel would kick them
		 * (md.c analyze_sbs); leave them out and count their slots as missing */
		if (m->sb.events != sb->events) {
			kdk_note_add(&pass->notes, "md array %s: %s is stale (events %llu, the array's %llu): left out",
			     uuid, m->name, (unsigned long long)m->sb.events,
			     (unsigned long long)sb->events);
			continue;
		}
		use[used++] = m;
		if (m->sb.role >= 0 && !filled[m->sb.role]) {
			filled[m->sb.role] = 1;
			slots++;
		}
		fprintf(out, "%s%s (%s%d)", used > 1 ? ", " : "", m->name,
			m->sb.role >= 0 ? "slot " : "role ", m->sb.role);
	}
	fclose(out);
	if (slots < sb->raid_disks && !(policy && policy->allow_degraded)) {
		kdk_note_add(&pass->notes, "md array %s (%s): %zu of %u slots present (%s): waiting for the rest",
		     uuid, kdk_md_level_name(sb->level) ?: "level ?", slots, sb->raid_disks,
		     devices ? devices : "");
		goto done;
	}
	if ((minor = pick_minor(sys_block, sb->set_name)) < 0) {
		kdk_note_add(&pass->notes, "md array %s: no free md device number", uuid);
		goto done;
	}
	if (start_array(sys_block, dev_dir, sys_module, minor, use, used, pass, &a))
		goto done;
	a.members = (unsigned)slots;
	a.devices = devices;
	devices = NULL;
	if (!(slot = kdk_array_push(&pass->assembled, err))) {
		rc = -err->code;
		free(a.name);
		free(a.level);
		free(a.array_state);
		free(a.devices);
		goto done;
	}
	*slot = a;
	if (!a.name)
		rc = kdk_err_set(err, ENOMEM, "out of memory");
done:
	free(devices);
	free(filled);
	free(use);
	return rc;
}

int kdk_md_assemble(const char *sys_block, const char *dev_dir, const char *sys_module,
		    const struct kdk_md_policy *policy, struct kdk_md_pass *pass, struct kdk_err *err)
{
	struct kdk_array members = KDK_ARRAY_INIT(struct member);
	size_t i, j;
	int rc;

	if ((rc = find_members(sys_block, dev_dir, &members, pass, err)))
		goto out;
	kdk_array_sort(&members, cmp_members);
	for (i = 0; i < members.len && !rc; i = j) {
		const struct member *first = kdk_array_at(&members, i);

		for (j = i + 1; j < members.len; j++)
			if (memcmp(KDK_ARRAY_AT(&members, struct member, j)->sb.set_uuid,
				   first->sb.set_uuid, 16))
				break;
		rc = assemble_one(sys_block, dev_dir, sys_module, policy, first, j - i, pass, err);
	}
out:
	kdk_array_free(&members);
	return rc;
}
