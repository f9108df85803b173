/* disk_io.c — disks and their requests in flight, from kernel structures found by what exists:
 *   - the disks: block_class's subsys_private (class.p before 6.4; since 6.4, which dropped it, the
 *     subsys_private on class_kset's list whose .class is &block_class, as drivers/base/class.c
 *     finds it), its klist_devices (a klist_node whose n_klist has bit 0 set is dead), each
 *     device_private's device whose type is &disk_type. The device is a block_device's bd_device
 *     (5.11+: gendisk = bdev->bd_disk) or, before, the gendisk's part0 hd_struct's __dev.
 *   - blk-mq queues (request_queue.mq_ops set): each hardware context (request_queue.hctx_table,
 *     an xarray, since 5.19; queue_hw_ctx[nr_hw_queues] before), its tags' sbitmaps (breserved_tags
 *     for the first nr_reserved_tags tags, then bitmap_tags; pointers before 5.16, embedded since,
 *     told apart by the member's size), each set bit's request in tags->rqs[], counted when its
 *     queue is this one and its state is MQ_RQ_IN_FLIGHT — a write when the op's low bit is set
 *     (include/linux/blk_types.h op_is_write). A bit is set while a tag is allocated
 *     (word & ~cleared: lib/sbitmap.c defers clears); each word holds 1 << shift bits, the last
 *     what depth leaves (or sbitmap_word.depth, where 4.x–5.x keep it).
 *   - bio-based queues: the sum over CPUs of part0's per-CPU disk_stats.in_flight[2]
 *     (block_device.bd_stats since 5.11, hd_struct.dkstats before).
 * This is what crash's `dev -d` counts (its dev.c), so the two agree on the same dump. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "disk_io.h"
#include "list_guard.h"
#include "xarray_walk.h"

struct disk_layout {
	/* the block class's device list */
	uint64_t class_p, sp_klist_devices, sp_class, sp_subsys, kset_list, kset_kobj, kobj_entry;
	uint64_t klist_k_list, kn_n_node, kn_n_klist, dp_knode_class, dp_device, dev_type;
	uint64_t bdev_bd_device, bdev_bd_disk, hd_dev, disk_part0;
	bool have_class_p, have_bd_device, have_hd_dev;
	/* the disk */
	uint64_t disk_name, disk_name_size, disk_queue, disk_major;
	/* blk-mq */
	uint64_t q_mq_ops, q_hctx_table, q_hw_ctx, q_nr_hw;
	uint64_t rq_state, rq_q, rq_cmd_flags, hctx_tags;
	uint64_t tags_nr_reserved, tags_bitmap, tags_bitmap_size, tags_breserved, tags_rqs;
	uint64_t sbq_sb, sb_depth, sb_shift, sb_map_nr, sb_map, sbw_word, sbw_cleared, sbw_depth, sbw_size;
	uint64_t in_flight_state;
	bool have_mq, have_hctx_table, have_hw_ctx, have_nr_hw, have_cleared, have_sbw_depth;
	bool have_in_flight_state;
	int mq_layout;              /* 0: mq_keys all found; else -errno, why in mq_why */
	struct kdk_err mq_why;
	/* bio-based, and the 2.6-era driver count */
	uint64_t bdev_stats, hd_dkstats, ds_in_flight, q_in_flight, q_in_flight_size;
	bool have_bd_stats, have_dkstats, have_ds_in_flight, have_q_in_flight;
	uint64_t rw_sync;
	bool have_rw_sync;
};

#define KEY(kind, name, field) KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct disk_layout, field)
#define OPT(kind, name, field, flag) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct disk_layout, field, flag)
static const struct kdk_layout_key disk_keys[] = {
	OPT(OFFSET, "class.p", class_p, have_class_p),
	KEY(OFFSET, "subsys_private.klist_devices", sp_klist_devices),
	KEY(OFFSET, "subsys_private.class", sp_class),
	KEY(OFFSET, "subsys_private.subsys", sp_subsys),
	KEY(OFFSET, "kset.list", kset_list),
	KEY(OFFSET, "kset.kobj", kset_kobj),
	KEY(OFFSET, "kobject.entry", kobj_entry),
	KEY(OFFSET, "klist.k_list", klist_k_list),
	KEY(OFFSET, "klist_node.n_node", kn_n_node),
	KEY(OFFSET, "klist_node.n_klist", kn_n_klist),
	KEY(OFFSET, "device_private.knode_class", dp_knode_class),
	KEY(OFFSET, "device_private.device", dp_device),
	KEY(OFFSET, "device.type", dev_type),
	OPT(OFFSET, "block_device.bd_device", bdev_bd_device, have_bd_device),
	KEY(OFFSET, "block_device.bd_disk", bdev_bd_disk),
	OPT(OFFSET, "hd_struct.__dev", hd_dev, have_hd_dev),
	KEY(OFFSET, "gendisk.part0", disk_part0),
	KEY(OFFSET, "gendisk.disk_name", disk_name),
	KEY(SIZE, "gendisk.disk_name", disk_name_size),
	KEY(OFFSET, "gendisk.queue", disk_queue),
	KEY(OFFSET, "gendisk.major", disk_major),
	OPT(OFFSET, "request_queue.mq_ops", q_mq_ops, have_mq),
	OPT(OFFSET, "request_queue.hctx_table", q_hctx_table, have_hctx_table),
	OPT(OFFSET, "request_queue.queue_hw_ctx", q_hw_ctx, have_hw_ctx),
	OPT(OFFSET, "request_queue.nr_hw_queues", q_nr_hw, have_nr_hw),
	OPT(OFFSET, "sbitmap_word.cleared", sbw_cleared, have_cleared),
	OPT(OFFSET, "sbitmap_word.depth", sbw_depth, have_sbw_depth),
	OPT(NUMBER, "MQ_RQ_IN_FLIGHT", in_flight_state, have_in_flight_state),
	OPT(OFFSET, "block_device.bd_stats", bdev_stats, have_bd_stats),
	OPT(OFFSET, "hd_struct.dkstats", hd_dkstats, have_dkstats),
	OPT(OFFSET, "disk_stats.in_flight", ds_in_flight, have_ds_in_flight),
	OPT(OFFSET, "request_queue.in_flight", q_in_flight, have_q_in_flight),
	OPT(SIZE, "request_queue.in_flight", q_in_flight_size, have_q_in_flight),
	OPT(NUMBER, "BLK_RW_SYNC", rw_sync, have_rw_sync),
	{ 0, NULL, 0, 0 },
};

/* What counting blk-mq's tags needs, all of it (request.state: 4.17+). */
static const struct kdk_layout_key mq_keys[] = {
	KEY(OFFSET, "request.state", rq_state),
	KEY(OFFSET, "request.q", rq_q),
	KEY(OFFSET, "request.cmd_flags", rq_cmd_flags),
	KEY(OFFSET, "blk_mq_hw_ctx.tags", hctx_tags),
	KEY(OFFSET, "blk_mq_tags.nr_reserved_tags", tags_nr_reserved),
	KEY(OFFSET, "blk_mq_tags.bitmap_tags", tags_bitmap),
	KEY(SIZE, "blk_mq_tags.bitmap_tags", tags_bitmap_size),
	KEY(OFFSET, "blk_mq_tags.breserved_tags", tags_breserved),
	KEY(OFFSET, "blk_mq_tags.rqs", tags_rqs),
	KEY(OFFSET, "sbitmap_queue.sb", sbq_sb),
	KEY(OFFSET, "sbitmap.depth", sb_depth),
	KEY(OFFSET, "sbitmap.shift", sb_shift),
	KEY(OFFSET, "sbitmap.map_nr", sb_map_nr),
	KEY(OFFSET, "sbitmap.map", sb_map),
	KEY(OFFSET, "sbitmap_word.word", sbw_word),
	KEY(SIZE, "sbitmap_word", sbw_size),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

/* More list nodes, hardware contexts or tags than a machine has: a chain past it loops. */
#define DISK_MAX_CHAIN (1u << 20)
/* More tags than a tag set has (include/linux/blk-mq.h BLK_MQ_MAX_DEPTH is 10240), and more
 * hardware contexts than CPUs could ask for. */
#define MAX_TAGS (1u << 16)
#define MAX_HW_QUEUES (1u << 16)
/* include/linux/blk-mq.h: enum mq_rq_state's MQ_RQ_IN_FLIGHT where the fact chain lacks it. */
#define MQ_RQ_IN_FLIGHT_DEFAULT 1

struct counting {
	struct session *s;
	const struct disk_layout *l;
	uint64_t queue;
	int64_t read, write;
};

/* The subsys_private of block_class: class.p, or the one on class_kset's list pointing back. */
static int block_subsys(struct session *s, const struct disk_layout *l, uint64_t *sp, struct kdk_err *err)
{
	uint64_t block_class, class_kset, head, pos;
	struct list_guard guard;
	unsigned n = 0;
	int rc;

	if ((rc = session_symbol(s, "block_class", &block_class, err)))
		return rc;
	if (l->have_class_p)
		return session_read(s, block_class + l->class_p, sp, 8, err);
	if ((rc = session_symbol(s, "class_kset", &class_kset, err)) ||
	    (rc = session_read(s, class_kset, &class_kset, 8, err)))
		return kdk_err_prefix(err, "struct class has no p and ");
	head = class_kset + l->kset_list;
	if ((rc = session_read(s, head, &pos, 8, err)))
		return rc;
	list_guard_init(&guard, head);
	for (; pos != head && n < DISK_MAX_CHAIN && !list_guard_loops(&guard, pos); n++) {
		uint64_t cand = pos - l->kobj_entry - l->kset_kobj - l->sp_subsys, cls;

		if ((rc = session_read(s, cand + l->sp_class, &cls, 8, err)))
			return rc;
		if (cls == block_class) {
			*sp = cand;
			return 0;
		}
		if ((rc = session_read(s, pos, &pos, 8, err)))
			return rc;
	}
	return kdk_err_set(err, ENOENT, "block_class is not on class_kset's list");
}

/* A request in rqs[bitnr] (the tags' request array): counted when it is this queue's and in
 * flight. */
static void count_request(struct counting *c, uint64_t rqs, uint64_t bitnr)
{
	const struct disk_layout *l = c->l;
	struct kdk_err ignored = { 0 };
	uint64_t rq, q;
	uint32_t state, flags;

	if (session_read(c->s, rqs + 8 * bitnr, &rq, 8, &ignored) || !(rq >> 63) ||
	    session_read(c->s, rq + l->rq_q, &q, 8, &ignored) ||
	    session_read(c->s, rq + l->rq_state, &state, 4, &ignored) ||
	    session_read(c->s, rq + l->rq_cmd_flags, &flags, 4, &ignored))
		return;
	if (q != c->queue ||
	    state != (l->have_in_flight_state ? (uint32_t)l->in_flight_state : MQ_RQ_IN_FLIGHT_DEFAULT))
		return;
	if (flags & 1)
		c->write++;
	else
		c->read++;
}

/* Every allocated tag of one sbitmap_queue; reserved tags are numbered from 0, the others after
 * them. */
static int count_sbitmap(struct counting *c, uint64_t rqs, uint64_t sbq, uint32_t first_tag,
			 struct kdk_err *err)
{
	const struct disk_layout *l = c->l;
	uint64_t sb = sbq + l->sbq_sb, map, index;
	uint32_t depth, shift, map_nr;
	int rc;

	if ((rc = session_read(c->s, sb + l->sb_depth, &depth, 4, err)) ||
	    (rc = session_read(c->s, sb + l->sb_shift, &shift, 4, err)) ||
	    (rc = session_read(c->s, sb + l->sb_map_nr, &map_nr, 4, err)) ||
	    (rc = session_read(c->s, sb + l->sb_map, &map, 8, err)))
		return rc;
	if (shift > 6 || depth > MAX_TAGS || map_nr > (depth >> shift) + 1)
		return kdk_err_set(err, EINVAL, "sbitmap %" PRIx64 ": depth %u, shift %u, map_nr %u", sb, depth,
				   shift, map_nr);
	for (index = 0; index < map_nr; index++) {
		uint64_t w = map + index * l->sbw_size, word, cleared = 0, bits, nr;

		if ((rc = session_read(c->s, w + l->sbw_word, &word, 8, err)) ||
		    (l->have_cleared && (rc = session_read(c->s, w + l->sbw_cleared, &cleared, 8, err))))
			return rc;
		if (l->have_sbw_depth) {
			if ((rc = session_read(c->s, w + l->sbw_depth, &bits, 8, err)))
				return rc;
		} else {
			bits = index == map_nr - 1u ? depth - (index << shift) : 1u << shift;
		}
		word &= ~cleared;
		if (bits < 64)
			word &= (1ULL << bits) - 1;
		for (nr = 0; word; nr++, word >>= 1)
			if (word & 1)
				count_request(c, rqs, first_tag + (index << shift) + nr);
	}
	return 0;
}

static int count_hctx(struct counting *c, uint64_t hctx, struct kdk_err *err)
{
	const struct disk_layout *l = c->l;
	bool pointers = l->tags_bitmap_size == 8;
	uint64_t tags, rqs, sbq;
	uint32_t reserved;
	int rc;

	if ((rc = session_read(c->s, hctx + l->hctx_tags, &tags, 8, err)) ||
	    (rc = session_read(c->s, tags + l->tags_nr_reserved, &reserved, 4, err)) ||
	    (rc = session_read(c->s, tags + l->tags_rqs, &rqs, 8, err)))
		return rc;
	if (reserved) {
		sbq = tags + l->tags_breserved;
		if ((pointers && (rc = session_read(c->s, sbq, &sbq, 8, err))) ||
		    (rc = count_sbitmap(c, rqs, sbq, 0, err)))
			return rc;
	}
	sbq = tags + l->tags_bitmap;
	if (pointers && (rc = session_read(c->s, sbq, &sbq, 8, err)))
		return rc;
	return count_sbitmap(c, rqs, sbq, reserved, err);
}

static int count_hctx_entry(void *ctx, uint64_t index, uint64_t hctx, struct kdk_err *err)
{
	(void)index;
	return count_hctx(ctx, hctx, err);
}

static int count_mq(struct session *s, const struct disk_layout *l, struct disk_io *d, struct kdk_err *err)
{
	struct counting c = { s, l, d->queue, 0, 0 };
	int rc;

	if (l->mq_layout)
		return kdk_err_set(err, -l->mq_layout, "%s", l->mq_why.msg);
	if (l->have_hctx_table) {
		struct xa_walk_layout xa;

		if ((rc = xa_walk_layout_fill(s, &xa, err)) ||
		    (rc = xa_walk(s, &xa, d->queue + l->q_hctx_table, count_hctx_entry, &c, err)))
			return rc;
	} else if (l->have_hw_ctx && l->have_nr_hw) {
		uint64_t array, i, hctx;
		uint32_t nr;

		if ((rc = session_read(s, d->queue + l->q_nr_hw, &nr, 4, err)) ||
		    (rc = session_read(s, d->queue + l->q_hw_ctx, &array, 8, err)))
			return rc;
		if (nr > MAX_HW_QUEUES)
			return kdk_err_set(err, EINVAL, "nr_hw_queues %u", nr);
		for (i = 0; i < nr; i++)
			if ((rc = session_read(s, array + 8 * i, &hctx, 8, err)) ||
			    (rc = count_hctx(&c, hctx, err)))
				return rc;
	} else {
		return kdk_err_set(err, ENOENT, "request_queue has neither hctx_table nor queue_hw_ctx");
	}
	d->read = c.read;
	d->write = c.write;
	return 0;
}

/* A bio-based disk: part0's per-CPU disk_stats.in_flight[READ] and [WRITE], summed. */
static int count_bio(struct session *s, const struct disk_layout *l, struct disk_io *d, struct kdk_err *err)
{
	uint64_t stats, cpu, reads = 0, writes = 0;
	int rc;

	if (!l->have_ds_in_flight)
		return kdk_err_set(err, ENOENT, "no disk_stats.in_flight");
	if (l->have_bd_stats) {
		uint64_t part0;

		if ((rc = session_read(s, d->gendisk + l->disk_part0, &part0, 8, err)) ||
		    (rc = session_read(s, part0 + l->bdev_stats, &stats, 8, err)))
			return rc;
	} else if (l->have_dkstats) {
		if ((rc = session_read(s, d->gendisk + l->disk_part0 + l->hd_dkstats, &stats, 8, err)))
			return rc;
	} else {
		return kdk_err_set(err, ENOENT, "neither block_device.bd_stats nor hd_struct.dkstats");
	}
	if ((rc = cpus_load(s, err)))
		return rc;
	for (cpu = 0; cpu < s->cpus.len; cpu++) {
		uint64_t addr, in_flight[2];

		if ((rc = cpus_per_cpu_addr(s, stats, (uint32_t)cpu, &addr, err)) ||
		    (rc = session_read(s, addr + l->ds_in_flight, in_flight, sizeof(in_flight), err)))
			return rc;
		/* each CPU's local_t may be negative (an I/O ended on another CPU than it began); the
		 * sum wraps as the kernel's does */
		reads += in_flight[0];
		writes += in_flight[1];
	}
	d->read = (int64_t)reads;
	d->write = (int64_t)writes;
	return 0;
}

/* The disk's queue, major and name; its counts (the reason kept, not an error, when unreadable). */
static int read_disk(struct session *s, const struct disk_layout *l, uint64_t gendisk, struct disk_io *d,
		     struct kdk_err *err)
{
	struct kdk_err why = { 0 };
	size_t name_len = l->disk_name_size < sizeof(d->name) ? l->disk_name_size : sizeof(d->name) - 1;
	uint64_t mq_ops = 0;
	int32_t major;
	int rc;

	memset(d, 0, sizeof(*d));
	d->gendisk = gendisk;
	if ((rc = session_read(s, gendisk + l->disk_name, d->name, name_len, err)) ||
	    (rc = session_read(s, gendisk + l->disk_queue, &d->queue, 8, err)) ||
	    (rc = session_read(s, gendisk + l->disk_major, &major, 4, err)))
		return kdk_err_prefix(err, "gendisk %" PRIx64 ": ", gendisk);
	d->name[sizeof(d->name) - 1] = 0;
	d->major = (uint32_t)major;
	if (l->have_mq && (rc = session_read(s, d->queue + l->q_mq_ops, &mq_ops, 8, &why)) == 0)
		d->mq = mq_ops != 0;
	if (!rc)
		rc = d->mq ? count_mq(s, l, d, &why) : count_bio(s, l, d, &why);
	d->counted = rc == 0;
	if (rc)
		snprintf(d->why, sizeof(d->why), "%s", why.msg);
	if (l->have_q_in_flight && !d->mq) {
		uint32_t v[2] = { 0, 0 };

		if (!session_read(s, d->queue + l->q_in_flight, v, l->q_in_flight_size == 8 ? 8 : 4, &why)) {
			d->have_drv = true;
			d->drv = v[0] + v[1];
		}
	}
	return 0;
}

/* crash's dev.c leaves out RAM disks and loop devices. */
static bool skipped(const char *name)
{
	return !strncmp(name, "ram", 3) || !strncmp(name, "loop", 4);
}

/* The gendisk of a block-class device: through its block_device (5.11+) or as part0's device. */
static int gendisk_of(struct session *s, const struct disk_layout *l, uint64_t device, uint64_t *gendisk,
		      struct kdk_err *err)
{
	if (l->have_bd_device)
		return session_read(s, device - l->bdev_bd_device + l->bdev_bd_disk, gendisk, 8, err);
	if (l->have_hd_dev) {
		*gendisk = device - l->hd_dev - l->disk_part0;
		return 0;
	}
	return kdk_err_set(err, ENOENT, "neither block_device.bd_device nor hd_struct.__dev");
}

static int add_disk(struct disk_io_table *t, const struct disk_io *d, struct kdk_err *err)
{
	struct disk_io *grown = realloc(t->disk, (t->len + 1) * sizeof(*grown));

	if (!grown)
		return kdk_err_set(err, ENOMEM, "%zu disks", t->len + 1);
	t->disk = grown;
	t->disk[t->len++] = *d;
	return 0;
}

int disk_io_load(struct session *s, struct disk_io_table *t, struct kdk_err *err)
{
	struct disk_layout l;
	struct list_guard guard;
	uint64_t sp, head, pos, disk_type;
	unsigned n = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	memset(&l, 0, sizeof(l));
	if ((rc = kdk_facts_fill(&s->facts, disk_keys, &l, err)) ||
	    (rc = session_symbol(s, "disk_type", &disk_type, err)) ||
	    (rc = block_subsys(s, &l, &sp, err)))
		return rc;
	l.mq_layout = kdk_facts_fill(&s->facts, mq_keys, &l, &l.mq_why);
	t->sync_names = l.have_rw_sync;
	t->drv_column = l.have_q_in_flight;
	head = sp + l.sp_klist_devices + l.klist_k_list;
	if ((rc = session_read(s, head, &pos, 8, err)))
		return kdk_err_prefix(err, "block_class's devices: ");
	list_guard_init(&guard, head);
	for (; pos != head; rc = session_read(s, pos, &pos, 8, err)) {
		uint64_t node = pos - l.kn_n_node, klist, devp, device, type, gendisk;
		struct disk_io d;

		if (rc)
			goto fail;
		if (++n > DISK_MAX_CHAIN || list_guard_loops(&guard, pos)) {
			rc = kdk_err_set(err, ELOOP, "block_class's device list loops at %" PRIx64, pos);
			goto fail;
		}
		devp = node - l.dp_knode_class;
		if ((rc = session_read(s, node + l.kn_n_klist, &klist, 8, err)))
			goto fail;
		if (klist & 1)   /* KNODE_DEAD: being removed */
			continue;
		if ((rc = session_read(s, devp + l.dp_device, &device, 8, err)) ||
		    (rc = session_read(s, device + l.dev_type, &type, 8, err)))
			goto fail;
		if (type != disk_type)   /* a partition */
			continue;
		if ((rc = gendisk_of(s, &l, device, &gendisk, err)) || (rc = read_disk(s, &l, gendisk, &d, err)))
			goto fail;
		if (!skipped(d.name) && (rc = add_disk(t, &d, err)))
			goto fail;
	}
	return 0;
fail:
	disk_io_free(t);
	return rc;
}

void disk_io_free(struct disk_io_table *t)
{
	free(t->disk);
	t->disk = NULL;
	t->len = 0;
}
