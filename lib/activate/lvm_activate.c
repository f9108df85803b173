/* lvm_activate.c — the capture /init's vgchange -ay: PV labels read from the block devices, the
 * newest metadata of each VG, and a device-mapper table per linear/striped LV (docs/formats/lvm2.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "activate/dm_table.h"
#include "activate/lvm_activate.h"
#include "activate/notes.h"
#include "activate/lvm_meta.h"
#include "activate/md_super.h"

/* Metadata larger than this is no VG a capture kernel should trust (lvm2's default area is 1 MiB). */
#define MAX_TEXT (64u << 20)

struct found_pv {
	char name[256];           /* block device name: "vda1" */
	unsigned maj, min;
	char uuid[33];
	size_t vg;                /* index into vgs */
};

void kdk_lvm_pass_init(struct kdk_lvm_pass *pass)
{
	kdk_array_init(&pass->activated, sizeof(struct kdk_lvm_activated));
	kdk_array_init(&pass->notes, sizeof(char *));
}

void kdk_lvm_pass_free(struct kdk_lvm_pass *pass)
{
	size_t i;

	for (i = 0; i < pass->activated.len; i++) {
		struct kdk_lvm_activated *a = kdk_array_at(&pass->activated, i);

		free(a->vg);
		free(a->lv);
		free(a->dm_name);
		free(a->table);
	}
	kdk_array_free(&pass->activated);
	kdk_notes_free(&pass->notes);
}

static int read_exact(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t got;

	while (len) {
		got = pread(fd, buf, len, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EIO;
		buf = (char *)buf + got;
		len -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

/* The VG text of the PV open on fd: the first metadata area's current copy, joined if it wrapped. */
static int read_vg(int fd, const char *dev, const struct kdk_lvm_label *label,
		   struct kdk_lvm_vg *vg, struct kdk_err *err)
{
	unsigned char header[KDK_LVM_MDA_HEADER_SIZE];
	const struct kdk_lvm_area *area;
	struct kdk_lvm_text_locn locn;
	uint64_t first;
	char *text, what[PATH_MAX + 32];
	int rc;

	if (!label->meta_areas.len)
		return kdk_err_set(err, ENODATA, "%s: PV without a metadata area", dev);
	area = kdk_array_at(&label->meta_areas, 0);
	if ((rc = read_exact(fd, header, sizeof(header), area->offset)))
		return kdk_err_set(err, -rc, "%s: reading the LVM metadata header at %llu: %s", dev,
				   (unsigned long long)area->offset, strerror(-rc));
	if ((rc = kdk_lvm_mda_header_parse(header, area, &locn, err)))
		return kdk_err_prefix(err, "%s: ", dev);
	if (locn.size > MAX_TEXT)
		return kdk_err_set(err, EFBIG, "%s: LVM metadata of %llu bytes", dev,
				   (unsigned long long)locn.size);
	if (!(text = malloc(locn.size)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	/* The area is a ring after its header: text running past its end goes on at offset 512. */
	first = locn.offset + locn.size <= locn.area_size ? locn.size : locn.area_size - locn.offset;
	rc = read_exact(fd, text, first, area->offset + locn.offset);
	if (!rc && first < locn.size)
		rc = read_exact(fd, text + first, locn.size - first,
				area->offset + KDK_LVM_MDA_HEADER_SIZE);
	if (rc) {
		rc = kdk_err_set(err, -rc, "%s: reading LVM metadata: %s", dev, strerror(-rc));
	} else if (!kdk_lvm_text_checksum_ok(text, &locn)) {
		rc = kdk_err_set(err, EBADMSG, "%s: LVM metadata text fails its checksum", dev);
	} else {
		snprintf(what, sizeof(what), "%s: LVM metadata", dev);
		rc = kdk_lvm_vg_parse(text, locn.size, what, vg, err);
	}
	free(text);
	return rc;
}

/* Every PV among the block devices, and the VGs their metadata describe (newest seqno per VG id). */
static int find_pvs(const char *sys_block, const char *dev_dir, struct kdk_array *pvs,
		    struct kdk_array *vgs, struct kdk_lvm_pass *pass, struct kdk_err *err)
{
	struct dirent *d;
	DIR *dir = opendir(sys_block);
	int rc = 0;

	if (!dir)
		return kdk_err_sys(err, errno, "%s", sys_block);
	while (!rc && (d = readdir(dir))) {
		unsigned char buf[KDK_LVM_LABEL_SCAN_BYTES];
		struct kdk_err dev_err = { 0 };
		struct kdk_lvm_label label;
		struct kdk_lvm_vg vg;
		struct found_pv *pv;
		char path[PATH_MAX];
		unsigned maj, min;
		uint64_t dev_bytes;
		ssize_t got;
		size_t i;
		FILE *f;
		int fd, ok;

		/* dm devices are what we make; an LV used as a PV is not followed */
		if (d->d_name[0] == '.' || !strncmp(d->d_name, "dm-", 3))
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
		got = pread(fd, buf, sizeof(buf), 0);
		if (got <= 0 || kdk_lvm_label_parse(buf, (size_t)got, &label, &dev_err)) {
			if (got > 0 && dev_err.code != EMEDIUMTYPE)
				kdk_note_add(&pass->notes, "%s: %s", path, dev_err.msg);
			close(fd);
			continue;
		}
		/* a PV label on an md member (metadata 1.0/0.90: data at its start) is the array's:
		 * the PV is used through mdN once the md pass has started it */
		if (!ioctl(fd, BLKGETSIZE64, &dev_bytes) && kdk_md_is_member(fd, dev_bytes)) {
			kdk_lvm_label_free(&label);
			close(fd);
			continue;
		}
		if (read_vg(fd, path, &label, &vg, &dev_err)) {
			kdk_note_add(&pass->notes, "%s", dev_err.msg);
			kdk_lvm_label_free(&label);
			close(fd);
			continue;
		}
		close(fd);
		if (!(pv = kdk_array_push(pvs, err))) {
			rc = -err->code;
			kdk_lvm_vg_free(&vg);
		} else {
			snprintf(pv->name, sizeof(pv->name), "%s", d->d_name);
			pv->maj = maj;
			pv->min = min;
			memcpy(pv->uuid, label.pv_uuid, sizeof(pv->uuid));
			for (i = 0; i < vgs->len; i++)
				if (!strcmp(KDK_ARRAY_AT(vgs, struct kdk_lvm_vg, i)->id, vg.id))
					break;
			pv->vg = i;
			if (i == vgs->len) {
				struct kdk_lvm_vg *slot = kdk_array_push(vgs, err);

				if (slot)
					*slot = vg;
				else
					rc = -err->code;
			} else if (KDK_ARRAY_AT(vgs, struct kdk_lvm_vg, i)->seqno < vg.seqno) {
				kdk_lvm_vg_free(kdk_array_at(vgs, i));
				*KDK_ARRAY_AT(vgs, struct kdk_lvm_vg, i) = vg;
			} else {
				kdk_lvm_vg_free(&vg);
			}
			if (rc)
				kdk_lvm_vg_free(&vg);
		}
		kdk_lvm_label_free(&label);
	}
	closedir(dir);
	return rc;
}

static const struct found_pv *pv_device(const struct kdk_array *pvs, const char *id)
{
	size_t i;

	for (i = 0; i < pvs->len; i++) {
		const struct found_pv *pv = kdk_array_at(pvs, i);

		if (kdk_lvm_uuid_equal(pv->uuid, id))
			return pv;
	}
	return NULL;
}

/* *why = the formatted note (NULL when there is no memory for it); returns rc. */
static __attribute__((format(printf, 3, 4))) int why_not(char **why, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(why, fmt, ap) < 0)
		*why = NULL;
	va_end(ap);
	return rc;
}

/* The table of one LV, or a note saying why it has none. Params strings are malloc'd in params. */
static int lv_table(const struct kdk_lvm_vg *vg, const struct kdk_lvm_lv *lv,
		    const struct kdk_array *pvs, struct kdk_array *targets, struct kdk_array *params,
		    char **why)
{
	size_t i, j;

	for (i = 0; i < lv->segments.len; i++) {
		const struct kdk_lvm_segment *seg = kdk_array_at(&lv->segments, i);
		struct kdk_dm_target *t;
		char *line = NULL, **slot;
		size_t len = 0;
		FILE *out;

		if (strcmp(seg->type, "striped"))
			return why_not(why, -ENOTSUP, "LV %s/%s: segment type %s (only linear and striped LVs "
					     "are activated)", vg->name, lv->name, seg->type);
		if (!(out = open_memstream(&line, &len)))
			return -ENOMEM;
		if (seg->stripes.len > 1)
			fprintf(out, "%zu %llu", seg->stripes.len, (unsigned long long)seg->stripe_size);
		for (j = 0; j < seg->stripes.len; j++) {
			const struct kdk_lvm_stripe *st = kdk_array_at(&seg->stripes, j);
			const struct kdk_lvm_pv *mpv = kdk_lvm_vg_pv(vg, st->pv);
			const struct found_pv *dev = mpv ? pv_device(pvs, mpv->id) : NULL;

			if (!dev) {
				fclose(out);
				free(line);
				return why_not(why, -ENODEV, "LV %s/%s: its PV %s (%s) is not among the disks",
						vg->name, lv->name, st->pv, mpv ? mpv->id : "not in the VG");
			}
			/* an extent of the PV starts at pe_start + n × extent_size sectors */
			fprintf(out, "%s%u:%u %llu", seg->stripes.len > 1 || j ? " " : "", dev->maj,
				dev->min, (unsigned long long)(mpv->pe_start +
							       st->start_extent * vg->extent_size));
		}
		if (fclose(out) || !(slot = kdk_array_push(params, NULL)) ||
		    !(t = kdk_array_push(targets, NULL))) {
			free(line);
			return -ENOMEM;
		}
		*slot = line;
		t->start = seg->start_extent * vg->extent_size;
		t->length = seg->extent_count * vg->extent_size;
		t->type = seg->stripes.len > 1 ? "striped" : "linear";
		t->params = line;
	}
	if (!lv->segments.len)
		return why_not(why, -ENODATA, "LV %s/%s has no segments", vg->name, lv->name);
	return 0;
}

static void strip_hyphens(char *out, const char *in, size_t size)
{
	size_t n = 0;

	for (; *in && n + 1 < size; in++)
		if (*in != '-')
			out[n++] = *in;
	out[n] = '\0';
}

/* /dev/mapper/<name> and /dev/<vg>/<lv> → ../mapper/<name>, as udev would make them. */
static void make_nodes(const char *dev_dir, const struct kdk_lvm_activated *a,
		       struct kdk_lvm_pass *pass)
{
	char path[PATH_MAX], link[PATH_MAX];

	snprintf(path, sizeof(path), "%s/mapper/%s", dev_dir, a->dm_name);
	if (mknod(path, S_IFBLK | 0600, a->dev) && errno != EEXIST)
		kdk_note_add(&pass->notes, "mknod %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", dev_dir, a->vg);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dev_dir, a->vg, a->lv);
	snprintf(link, sizeof(link), "../mapper/%s", a->dm_name);
	if (symlink(link, path) && errno != EEXIST)
		kdk_note_add(&pass->notes, "symlink %s: %s", path, strerror(errno));
}

static int activate_lv(const char *dev_dir, const struct kdk_lvm_vg *vg,
		       const struct kdk_lvm_lv *lv, const struct kdk_array *pvs,
		       struct kdk_lvm_pass *pass, struct kdk_err *err)
{
	struct kdk_array targets = KDK_ARRAY_INIT(struct kdk_dm_target);
	struct kdk_array params = KDK_ARRAY_INIT(char *);
	struct kdk_lvm_activated *a;
	struct kdk_err dm_err = { 0 };
	char control[PATH_MAX], node[PATH_MAX], uuid[160], vgid[64], lvid[64], *why = NULL;
	char *name = kdk_lvm_dm_name(vg->name, lv->name), *table = NULL;
	size_t i, table_len = 0;
	struct stat st;
	dev_t dev;
	FILE *out;
	int rc = 0;

	if (!name)
		return kdk_err_set(err, ENOMEM, "out of memory");
	snprintf(node, sizeof(node), "%s/mapper/%s", dev_dir, name);
	if (!stat(node, &st))
		goto out;  /* active already (an earlier pass) */
	rc = lv_table(vg, lv, pvs, &targets, &params, &why);
	if (rc == -ENOMEM) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (rc) {
		if (why)
			kdk_note_add(&pass->notes, "%s", why);
		rc = 0;
		goto out;
	}
	strip_hyphens(vgid, vg->id, sizeof(vgid));
	strip_hyphens(lvid, lv->id, sizeof(lvid));
	/* the dm uuid lvm2 gives an LV, so lvm2 in the next boot recognises it */
	snprintf(uuid, sizeof(uuid), "LVM-%s%s", vgid, lvid);
	snprintf(control, sizeof(control), "%s/mapper/control", dev_dir);
	if (kdk_dm_create(control, name, uuid, targets.items, targets.len, &dev, &dm_err)) {
		if (dm_err.code != EEXIST)
			kdk_note_add(&pass->notes, "LV %s/%s: %s", vg->name, lv->name, dm_err.msg);
		goto out;
	}
	if (!(out = open_memstream(&table, &table_len))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < targets.len; i++) {
		const struct kdk_dm_target *t = kdk_array_at(&targets, i);

		fprintf(out, "%s%llu %llu %s %s", i ? "; " : "", (unsigned long long)t->start,
			(unsigned long long)t->length, t->type, t->params);
	}
	fclose(out);
	if (!(a = kdk_array_push(&pass->activated, err))) {
		free(table);
		rc = -err->code;
		goto out;
	}
	a->vg = strdup(vg->name);
	a->lv = strdup(lv->name);
	a->dm_name = name;
	a->dev = dev;
	a->table = table;
	name = NULL;
	if (!a->vg || !a->lv)
		rc = kdk_err_set(err, ENOMEM, "out of memory");
	else
		make_nodes(dev_dir, a, pass);
out:
	for (i = 0; i < params.len; i++)
		free(*(char **)kdk_array_at(&params, i));
	kdk_array_free(&params);
	kdk_array_free(&targets);
	free(why);
	free(name);
	return rc;
}

int kdk_lvm_activate(const char *sys_block, const char *dev_dir, struct kdk_lvm_pass *pass,
		     struct kdk_err *err)
{
	struct kdk_array pvs = KDK_ARRAY_INIT(struct found_pv);
	struct kdk_array vgs = KDK_ARRAY_INIT(struct kdk_lvm_vg);
	char control[PATH_MAX];
	size_t i, j;
	int rc;

	if ((rc = find_pvs(sys_block, dev_dir, &pvs, &vgs, pass, err)))
		goto out;
	snprintf(control, sizeof(control), "%s/mapper/control", dev_dir);
	if (vgs.len && access(control, F_OK)) {
		kdk_note_add(&pass->notes, "LVM PVs found but no %s: dm_mod is not loaded (not in the initramfs? "
			   "extra_modules dm_mod)", control);
		goto out;
	}
	for (i = 0; i < vgs.len && !rc; i++) {
		const struct kdk_lvm_vg *vg = kdk_array_at(&vgs, i);

		for (j = 0; j < vg->lvs.len && !rc; j++) {
			const struct kdk_lvm_lv *lv = kdk_array_at(&vg->lvs, j);

			if (lv->visible)
				rc = activate_lv(dev_dir, vg, lv, &pvs, pass, err);
		}
	}
out:
	for (i = 0; i < vgs.len; i++)
		kdk_lvm_vg_free(kdk_array_at(&vgs, i));
	kdk_array_free(&vgs);
	kdk_array_free(&pvs);
	return rc;
}
