/* fuzz_printk_ring.c — the lockless printk ring walker (lib/printk_ring.c) over fake kernel
 * memory taken from the input, with the descriptor/info/data offsets 6.1 and 6.12 export. */
#include "fuzz_common.h"
#include "printk_ring.h"

#define BASE 0xffffffff81000000ULL
#define MEM_SIZE 16384

static const struct kdk_printk_layout layout = {
	.kind = KDK_PRINTK_LOCKLESS,
	.prb_symbol = BASE, .rb_desc_ring = 0, .rb_text_data_ring = 48,
	.desc_ring_count_bits = 0, .desc_ring_descs = 8, .desc_ring_infos = 16,
	.desc_ring_head_id = 24, .desc_ring_tail_id = 32, .desc_size = 24, .desc_state_var = 0,
	.desc_text_blk_lpos = 8, .lpos_begin = 0, .lpos_next = 8, .info_size = 88, .info_seq = 0,
	.info_ts_nsec = 8, .info_text_len = 16, .info_caller_id = 20, .data_ring_size_bits = 0,
	.data_ring_data = 8, .atomic_long_counter = 0,
};

static int on_record(void *ctx, const struct kdk_printk_record *record)
{
	(void)ctx;
	return kdk_printk_format(fuzz_null(), record) < 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[MEM_SIZE];
	struct fuzz_mem m = { BASE, mem, sizeof(mem) };
	struct kdk_printk_walk_stats stats;
	struct kdk_err err = { 0 };

	memset(mem, 0, sizeof(mem));
	memcpy(mem, data, size < sizeof(mem) ? size : sizeof(mem));
	(void)kdk_printk_walk(&layout, fuzz_mem_read, &m, on_record, NULL, &stats, &err);
	return 0;
}
