/* cmd_dev.c — `dev`: the character device majors (chrdevs: name, cdev, file operations) and block
 * device majors (major_names: name, gendisk, block_device_operations); `dev -d`/`-D`: each disk's
 * requests in flight (analyze/disk_io), -D only the disks with some; as crash prints them. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "disk_io.h"

/* fs/char_dev.c: static struct char_device_struct *chrdevs[CHRDEV_MAJOR_HASH_SIZE], each a chain
 * by .next with major, baseminor, name[64] and the cdev registered (cdev->ops the fops); a cdev
 * added by cdev_add alone is found in cdev_map's kobj_map probes (data: the cdev).
 * block/genhd.c: static struct blk_major_name *major_names[BLKDEV_MAJOR_HASH_SIZE] (chains by
 * .next, major, name[16]); the gendisk of a major among the block devices' inodes on
 * blockdev_superblock's s_inodes (5.11+, block/bdev.c: struct bdev_inode { bdev; vfs_inode; }). */
struct dev_layout {
	uint64_t cd_next, cd_major, cd_baseminor, cd_name, cd_name_size, cd_cdev, cdev_ops;
	uint64_t map_probes, map_nprobes, probe_next, probe_dev, probe_data;
	uint64_t bm_next, bm_major, bm_name, bm_name_size;
	uint64_t sb_inodes, inode_sb_list, bi_bdev, bi_inode, bdev_disk, disk_major, disk_fops;
	bool have_cdev, have_map, have_bdev_inode;
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct dev_layout, field)
#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct dev_layout, field, flag)
static const struct kdk_layout_key dev_keys[] = {
	KEY(OFFSET, "char_device_struct.next", cd_next),
	KEY(OFFSET, "char_device_struct.major", cd_major),
	KEY(OFFSET, "char_device_struct.baseminor", cd_baseminor),
	KEY(OFFSET, "char_device_struct.name", cd_name),
	KEY(SIZE, "char_device_struct.name", cd_name_size),
	OPT(OFFSET, "char_device_struct.cdev", cd_cdev, have_cdev),
	KEY(OFFSET, "cdev.ops", cdev_ops),
	OPT(OFFSET, "kobj_map.probes", map_probes, have_map),
	OPT(LENGTH, "kobj_map.probes", map_nprobes, have_map),
	OPT(OFFSET, "probe.next", probe_next, have_map),
	OPT(OFFSET, "probe.dev", probe_dev, have_map),
	OPT(OFFSET, "probe.data", probe_data, have_map),
	KEY(OFFSET, "blk_major_name.next", bm_next),
	KEY(OFFSET, "blk_major_name.major", bm_major),
	KEY(OFFSET, "blk_major_name.name", bm_name),
	KEY(SIZE, "blk_major_name.name", bm_name_size),
	OPT(OFFSET, "super_block.s_inodes", sb_inodes, have_bdev_inode),
	OPT(OFFSET, "inode.i_sb_list", inode_sb_list, have_bdev_inode),
	OPT(OFFSET, "bdev_inode.bdev", bi_bdev, have_bdev_inode),
	OPT(OFFSET, "bdev_inode.vfs_inode", bi_inode, have_bdev_inode),
	OPT(OFFSET, "block_device.bd_disk", bdev_disk, have_bdev_inode),
	OPT(OFFSET, "gendisk.major", disk_major, have_bdev_inode),
	OPT(OFFSET, "gendisk.fops", disk_fops, have_bdev_inode),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

/* include/linux/fs.h: CHRDEV_MAJOR_HASH_SIZE and BLKDEV_MAJOR_HASH_SIZE, 255 since 2.6; the
 * arrays' own length (LENGTH through the fact chain) is used where a source knows it. */
#define MAJOR_HASH_SIZE 255
/* More entries than majors and minors can make: a chain past it loops. */
#define DEV_MAX_CHAIN (1u << 20)

static uint64_t array_length(struct session *s, const char *var_name)
{
	uint64_t count;

	if (kdk_facts_lookup(&s->facts, KDK_KEY_LENGTH, var_name, &count) == 0 && count &&
	    count <= 4096)
		return count;
	return MAJOR_HASH_SIZE;
}

/* "  NAME" of an operations table: its symbol (name+offset), else its address. */
static void print_ops(struct session *s, uint64_t ops)
{
	char name[256];

	if (session_symbol_text(s, ops, name, sizeof(name)))
		fprintf(s->out, "%s\n", name);
	else
		fprintf(s->out, "%" PRIx64 "\n", ops);
}

static void print_row(struct session *s, uint32_t major, const char *name, uint64_t object, uint64_t ops)
{
	fprintf(s->out, " %3u      %-13s ", major, name);
	if (!ops) {
		fprintf(s->out, "      (none)     \n");
		return;
	}
	fprintf(s->out, " %16" PRIx64 "  ", object);
	print_ops(s, ops);
}

/* The cdev in cdev_map's probes for (major, minor), or 0: include/linux/kdev_t.h's dev_t is
 * major << 20 | minor. */
static uint64_t cdev_from_map(struct session *s, const struct dev_layout *l, uint32_t major, uint32_t minor)
{
	struct kdk_err ignored = { 0 };
	uint64_t map_sym, map, probe;
	unsigned n = 0;

	if (!l->have_map || session_symbol(s, "cdev_map", &map_sym, &ignored) ||
	    session_read(s, map_sym, &map, 8, &ignored) || !map ||
	    session_read(s, map + l->map_probes + 8ULL * (major % l->map_nprobes), &probe, 8, &ignored))
		return 0;
	for (; probe && n < DEV_MAX_CHAIN; n++) {
		uint32_t dev;
		uint64_t data;

		if (session_read(s, probe + l->probe_dev, &dev, 4, &ignored))
			return 0;
		if (dev >> 20 == major && (dev & 0xfffff) == minor)
			return session_read(s, probe + l->probe_data, &data, 8, &ignored) ? 0 : data;
		if (session_read(s, probe + l->probe_next, &probe, 8, &ignored))
			return 0;
	}
	return 0;
}

static int dump_chrdevs(struct session *s, const struct dev_layout *l, struct kdk_err *err)
{
	uint64_t base, len = array_length(s, "chrdevs"), i;
	char name[256];
	int rc;

	if ((rc = session_symbol(s, "chrdevs", &base, err)))
		return rc;
	fprintf(s->out, "CHRDEV    NAME                 CDEV        OPERATIONS      \n");
	for (i = 0; i < len; i++) {
		uint64_t cd;
		unsigned n = 0;

		if ((rc = session_read(s, base + 8 * i, &cd, 8, err)))
			return rc;
		for (; cd; rc = session_read(s, cd + l->cd_next, &cd, 8, err)) {
			uint32_t major, minor;
			uint64_t cdev = 0, ops = 0;
			size_t size = l->cd_name_size < sizeof(name) ? l->cd_name_size : sizeof(name) - 1;

			if (rc)
				return rc;
			if (++n > DEV_MAX_CHAIN)
				return kdk_err_set(err, ELOOP, "chrdevs[%" PRIu64 "]: a chain longer than %u", i,
						   DEV_MAX_CHAIN);
			memset(name, 0, sizeof(name));
			if ((rc = session_read(s, cd + l->cd_major, &major, 4, err)) ||
			    (rc = session_read(s, cd + l->cd_baseminor, &minor, 4, err)) ||
			    (rc = session_read(s, cd + l->cd_name, name, size, err)))
				return kdk_err_prefix(err, "char_device_struct %" PRIx64 ": ", cd);
			if (l->have_cdev && (rc = session_read(s, cd + l->cd_cdev, &cdev, 8, err)))
				return rc;
			if (!cdev)
				cdev = cdev_from_map(s, l, major, minor);
			if (cdev && session_read(s, cdev + l->cdev_ops, &ops, 8, err)) {
				kdk_err_clear(err);
				ops = 0;
			}
			print_row(s, major, name, cdev, ops);
		}
	}
	return 0;
}

/* The first gendisk of major among blockdev_superblock's inodes, and its fops; 0 when none. */
static uint64_t gendisk_of(struct session *s, const struct dev_layout *l, uint32_t major, uint64_t *fops)
{
	struct kdk_err ignored = { 0 };
	uint64_t sb_sym, sb, head, pos;
	unsigned n = 0;

	*fops = 0;
	if (!l->have_bdev_inode || session_symbol(s, "blockdev_superblock", &sb_sym, &ignored) ||
	    session_read(s, sb_sym, &sb, 8, &ignored) || !sb)
		return 0;
	head = sb + l->sb_inodes;
	if (session_read(s, head, &pos, 8, &ignored))
		return 0;
	for (; pos && pos != head && n < DEV_MAX_CHAIN; n++) {
		uint64_t inode = pos - l->inode_sb_list, bdev = inode - l->bi_inode + l->bi_bdev, disk;
		int32_t disk_major;

		if (!session_read(s, bdev + l->bdev_disk, &disk, 8, &ignored) && disk &&
		    !session_read(s, disk + l->disk_major, &disk_major, 4, &ignored) &&
		    (uint32_t)disk_major == major &&
		    !session_read(s, disk + l->disk_fops, fops, 8, &ignored) && *fops)
			return disk;
		if (session_read(s, pos, &pos, 8, &ignored))
			return 0;
	}
	*fops = 0;
	return 0;
}

static int dump_blkdevs(struct session *s, const struct dev_layout *l, struct kdk_err *err)
{
	uint64_t base, len = array_length(s, "major_names"), i;
	char name[64];
	int rc;

	if ((rc = session_symbol(s, "major_names", &base, err)))
		return rc;
	fprintf(s->out, "BLKDEV    NAME                GENDISK      OPERATIONS      \n");
	for (i = 0; i < len; i++) {
		uint64_t bm;
		unsigned n = 0;

		if ((rc = session_read(s, base + 8 * i, &bm, 8, err)))
			return rc;
		for (; bm; rc = session_read(s, bm + l->bm_next, &bm, 8, err)) {
			uint64_t disk, fops;
			uint32_t major;
			size_t size = l->bm_name_size < sizeof(name) ? l->bm_name_size : sizeof(name) - 1;

			if (rc)
				return rc;
			if (++n > DEV_MAX_CHAIN)
				return kdk_err_set(err, ELOOP, "major_names[%" PRIu64 "]: a chain longer than %u", i,
						   DEV_MAX_CHAIN);
			memset(name, 0, sizeof(name));
			if ((rc = session_read(s, bm + l->bm_major, &major, 4, err)) ||
			    (rc = session_read(s, bm + l->bm_name, name, size, err)))
				return kdk_err_prefix(err, "blk_major_name %" PRIx64 ": ", bm);
			disk = gendisk_of(s, l, major, &fops);
			print_row(s, major, name[0] ? name : "(unknown)", disk, fops);
		}
	}
	return 0;
}

/* crash's dev -d columns: the major, the gendisk and queue addresses (16 hex digits), the name in
 * ten, then TOTAL and the two counts in five each; DRV where the kernel has
 * request_queue.in_flight. An uncounted disk shows "?" for its counts. */
static void print_disk_io(struct session *s, const struct disk_io_table *t, bool nonzero_only)
{
	size_t i;

	fprintf(s->out, "MAJOR GENDISK            NAME       REQUEST_QUEUE      TOTAL %5s %5s %s\n",
		t->sync_names ? "ASYNC" : "READ", t->sync_names ? "SYNC" : "WRITE", t->drv_column ? "  DRV" : "");
	for (i = 0; i < t->len; i++) {
		const struct disk_io *d = &t->disk[i];

		if (nonzero_only && d->counted && (uint64_t)d->read + (uint64_t)d->write == 0)
			continue;
		fprintf(s->out, "%5u %-16" PRIx64 "   %-10s %-16" PRIx64 "   ", d->major, d->gendisk, d->name,
			d->queue);
		if (d->counted)
			fprintf(s->out, "%5d %5d %5d ", (int)((uint64_t)d->read + (uint64_t)d->write), (int)d->read, (int)d->write);
		else
			fprintf(s->out, "%5s %5s %5s ", "?", "?", "?");
		if (!t->drv_column)
			fputc('\n', s->out);
		else if (d->mq)
			fprintf(s->out, "N/A(MQ)\n");
		else
			fprintf(s->out, "%5u\n", d->drv);
	}
}

static int dev_disks(struct session *s, bool nonzero_only, struct kdk_err *err)
{
	struct disk_io_table t;
	int rc;

	if ((rc = disk_io_load(s, &t, err)))
		return kdk_err_prefix(err, "dev -d: ");
	print_disk_io(s, &t, nonzero_only);
	for (size_t i = 0; i < t.len; i++)
		if (!t.disk[i].counted)
			fprintf(stderr, "kcrash: dev -d: %s (gendisk %" PRIx64 "): requests in flight not counted: %s\n",
				t.disk[i].name, t.disk[i].gendisk, t.disk[i].why);
	disk_io_free(&t);
	return 0;
}

int cmd_dev(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct dev_layout l;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "-p"))
		return dev_pci(s, err);
	if (argc == 2 && (!strcmp(argv[1], "-d") || !strcmp(argv[1], "-D"))) {
		if (!session_kstructs(s, err))
			return kdk_err_prefix(err, "dev: ");
		return dev_disks(s, argv[1][1] == 'D', err);
	}
	if (argc > 1)
		return kdk_err_set(err, EINVAL, "dev: \"%s\": usage: dev [-d|-D|-p]", argv[1]);
	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "dev: ");
	memset(&l, 0, sizeof(l));
	if ((rc = kdk_facts_fill(&s->facts, dev_keys, &l, err)))
		return kdk_err_prefix(err, "dev: ");
	if ((rc = dump_chrdevs(s, &l, err)))
		return kdk_err_prefix(err, "dev: ");
	fputc('\n', s->out);
	if ((rc = dump_blkdevs(s, &l, err)))
		return kdk_err_prefix(err, "dev: ");
	return 0;
}
