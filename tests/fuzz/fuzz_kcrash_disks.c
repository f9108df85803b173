/* fuzz_kcrash_disks.c — kcrash's `dev -d` walkers (analyze/disk_io.c, analyze/xarray_walk.c) over
 * 64 KiB of synthetic kernel memory taken from the input: block_class's device list, each disk's
 * hardware contexts (an xarray or an array), their tags' sbitmaps and requests, a bio-based
 * disk's per-CPU counters. The layout comes from a fake fact source (a compact one of its own,
 * not a kernel's); the input's first byte picks the variant: bit 0 class.p (else class_kset's
 * list), bit 1 hctx_table (else queue_hw_ctx), bit 2 bitmap_tags as pointers (else embedded),
 * bit 3 hd_struct-era disks (gendisk.part0 embedded; else block_device.bd_device). The rest is
 * memory, zero-padded.
 *
 * Memory at BASE: nr_cpu_ids (u32) at +0, __per_cpu_offset[8] at +0x08, the present, online and
 * active masks at +0x48/+0x50/+0x58, block_class at +0x80, class_kset (a pointer) at +0xc0,
 * disk_type at +0xc8 (tests/fuzz/make-seeds builds a sane machine of this shape). */
#include "fuzz_kcrash_common.h"

#include "disk_io.h"
#include "session.h"

#define BASE 0xffff888000000000ULL
#define MEM_SIZE 65536

static const struct fuzz_fact common_facts[] = {
	{ KDK_KEY_OFFSET, "subsys_private.subsys", 0x00 },
	{ KDK_KEY_OFFSET, "kset.list", 0x00 },
	{ KDK_KEY_OFFSET, "kset.kobj", 0x10 },
	{ KDK_KEY_OFFSET, "kobject.entry", 0x00 },
	{ KDK_KEY_OFFSET, "subsys_private.klist_devices", 0x30 },
	{ KDK_KEY_OFFSET, "klist.k_list", 0x08 },
	{ KDK_KEY_OFFSET, "subsys_private.class", 0x60 },
	{ KDK_KEY_OFFSET, "klist_node.n_klist", 0x00 },
	{ KDK_KEY_OFFSET, "klist_node.n_node", 0x08 },
	{ KDK_KEY_OFFSET, "device_private.device", 0x00 },
	{ KDK_KEY_OFFSET, "device_private.knode_class", 0x10 },
	{ KDK_KEY_OFFSET, "device.type", 0x08 },
	{ KDK_KEY_OFFSET, "block_device.bd_disk", 0x08 },
	{ KDK_KEY_OFFSET, "gendisk.part0", 0x00 },
	{ KDK_KEY_OFFSET, "gendisk.disk_name", 0x40 },
	{ KDK_KEY_SIZE, "gendisk.disk_name", 32 },
	{ KDK_KEY_OFFSET, "gendisk.queue", 0x60 },
	{ KDK_KEY_OFFSET, "gendisk.major", 0x68 },
	{ KDK_KEY_OFFSET, "request_queue.mq_ops", 0x00 },
	{ KDK_KEY_OFFSET, "xarray.xa_head", 0x08 },
	{ KDK_KEY_OFFSET, "xa_node.shift", 0x00 },
	{ KDK_KEY_OFFSET, "xa_node.slots", 0x08 },
	{ KDK_KEY_LENGTH, "xa_node.slots", 64 },
	{ KDK_KEY_OFFSET, "request.q", 0x00 },
	{ KDK_KEY_OFFSET, "request.cmd_flags", 0x08 },
	{ KDK_KEY_OFFSET, "request.state", 0x0c },
	{ KDK_KEY_NUMBER, "MQ_RQ_IN_FLIGHT", 1 },
	{ KDK_KEY_OFFSET, "blk_mq_hw_ctx.tags", 0x00 },
	{ KDK_KEY_OFFSET, "blk_mq_tags.nr_reserved_tags", 0x00 },
	{ KDK_KEY_OFFSET, "blk_mq_tags.bitmap_tags", 0x08 },
	{ KDK_KEY_OFFSET, "blk_mq_tags.breserved_tags", 0x48 },
	{ KDK_KEY_OFFSET, "blk_mq_tags.rqs", 0x88 },
	{ KDK_KEY_OFFSET, "sbitmap_queue.sb", 0x00 },
	{ KDK_KEY_OFFSET, "sbitmap.depth", 0x00 },
	{ KDK_KEY_OFFSET, "sbitmap.shift", 0x04 },
	{ KDK_KEY_OFFSET, "sbitmap.map_nr", 0x08 },
	{ KDK_KEY_OFFSET, "sbitmap.map", 0x10 },
	{ KDK_KEY_OFFSET, "sbitmap_word.word", 0x00 },
	{ KDK_KEY_OFFSET, "sbitmap_word.cleared", 0x08 },
	{ KDK_KEY_SIZE, "sbitmap_word", 0x40 },
	{ KDK_KEY_OFFSET, "disk_stats.in_flight", 0x10 },
};
static const struct fuzz_fact class_p_facts[] = { { KDK_KEY_OFFSET, "class.p", 0x08 } };
static const struct fuzz_fact hctx_table_facts[] = { { KDK_KEY_OFFSET, "request_queue.hctx_table", 0x28 } };
static const struct fuzz_fact hw_ctx_facts[] = {
	{ KDK_KEY_OFFSET, "request_queue.queue_hw_ctx", 0x18 },
	{ KDK_KEY_OFFSET, "request_queue.nr_hw_queues", 0x20 },
};
static const struct fuzz_fact tags_pointer_facts[] = { { KDK_KEY_SIZE, "blk_mq_tags.bitmap_tags", 8 } };
static const struct fuzz_fact tags_embedded_facts[] = { { KDK_KEY_SIZE, "blk_mq_tags.bitmap_tags", 0x40 } };
static const struct fuzz_fact bdev_facts[] = {      /* 5.11+ */
	{ KDK_KEY_OFFSET, "block_device.bd_device", 0x20 },
	{ KDK_KEY_OFFSET, "block_device.bd_stats", 0x10 },
};
static const struct fuzz_fact hd_struct_facts[] = { /* before */
	{ KDK_KEY_OFFSET, "hd_struct.__dev", 0x20 },
	{ KDK_KEY_OFFSET, "hd_struct.dkstats", 0x10 },
};

struct fake_facts { unsigned variant; };

static int fake_lookup(void *ctx, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	const struct fake_facts *f = ctx;

	if (FUZZ_FACT_FOUND(common_facts))
		return 0;
	if ((f->variant & 1) && FUZZ_FACT_FOUND(class_p_facts))
		return 0;
	if ((f->variant & 2) ? FUZZ_FACT_FOUND(hctx_table_facts) : FUZZ_FACT_FOUND(hw_ctx_facts))
		return 0;
	if ((f->variant & 4) ? FUZZ_FACT_FOUND(tags_pointer_facts) : FUZZ_FACT_FOUND(tags_embedded_facts))
		return 0;
	if ((f->variant & 8) ? FUZZ_FACT_FOUND(hd_struct_facts) : FUZZ_FACT_FOUND(bdev_facts))
		return 0;
	return -ENOENT;
}

static const struct fuzz_symbol symbols[] = {
	{ "nr_cpu_ids", 0x00 }, { "__per_cpu_offset", 0x08 }, { "__cpu_present_mask", 0x48 },
	{ "__cpu_online_mask", 0x50 }, { "__cpu_active_mask", 0x58 }, { "block_class", 0x80 },
	{ "class_kset", 0xc0 }, { "disk_type", 0xc8 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[MEM_SIZE];
	struct fuzz_mem m = { BASE, mem, sizeof(mem) };
	struct fake_facts ff;
	struct kdk_facts_source source = { .name = "the harness's layout", .lookup = fake_lookup,
					   .ctx = &ff };
	struct disk_io_table table;
	struct session s;
	struct kdk_err err = { 0 };
	size_t i;

	if (size < 1)
		return 0;
	ff.variant = data[0];
	fuzz_kcrash_memory(mem, sizeof(mem), data, size);

	fuzz_kcrash_session(&s, &m, symbols, sizeof(symbols) / sizeof(symbols[0]), &source);
	if (!disk_io_load(&s, &table, &err)) {
		for (i = 0; i < table.len; i++)
			fprintf(s.out, "%u %s %lld %lld %s\n", table.disk[i].major, table.disk[i].name,
				(long long)table.disk[i].read, (long long)table.disk[i].write, table.disk[i].why);
		disk_io_free(&table);
	}
	kdk_err_clear(&err);
	session_close(&s);
	return 0;
}
