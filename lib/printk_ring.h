/* printk_ring.h — the kernel log from a dump: walkers over the lockless printk ringbuffer
 * (Linux 5.10+, printk_ring.c) and the variable-length record buffer before it (3.11–5.9,
 * printk_legacy.c), each layout taken from VMCOREINFO keys, and the "[ssss.uuuuuu] text"
 * formatter. kdk_printk_layout_fill() finds which ring the kernel has by the keys it exports. */
#ifndef KDK_PRINTK_RING_H
#define KDK_PRINTK_RING_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kdk_err.h"
#include "kdk_kmem.h"
#include "kdk_layout.h"

/* Which log the kernel keeps; decided by the keys VMCOREINFO has (SYMBOL(prb) or SYMBOL(log_buf)). */
enum kdk_printk_kind {
	KDK_PRINTK_LOCKLESS = 0,          /* 5.10+: prb, descriptor and text rings */
	KDK_PRINTK_LEGACY,                /* 3.11–5.9: log_buf of struct printk_log records */
};

/* The record buffer before 5.10 (kernel/printk/printk.c, log_buf_vmcoreinfo_setup()). */
struct kdk_printk_legacy_layout {
	uint64_t log_buf;                 /* SYMBOL(log_buf): a char * variable */
	uint64_t log_buf_len;             /* SYMBOL(log_buf_len): a u32 variable */
	uint64_t log_first_idx;           /* SYMBOL(log_first_idx): u32, the oldest record's offset */
	uint64_t log_next_idx;            /* SYMBOL(log_next_idx): u32, where the next one goes */
	uint64_t rec_size;                /* SIZE(printk_log): the header; the text follows it */
	uint64_t rec_ts_nsec;             /* OFFSET(printk_log.ts_nsec): u64 */
	uint64_t rec_len;                 /* OFFSET(printk_log.len): u16, the whole record, padded */
	uint64_t rec_text_len;            /* OFFSET(printk_log.text_len): u16 */
	uint64_t rec_caller_id;           /* OFFSET(printk_log.caller_id): u32 (PRINTK_CALLER, 5.1+) */
	bool have_caller_id;
	uint64_t rec_level_bit, rec_level_bits;  /* BIT_OFFSET/BIT_SIZE(printk_log.level): a 3-bit
					  * bitfield no VMCOREINFO key has (BTF, DWARF) */
	bool have_level_bit, have_level_bits;
};

/* The legacy buffer's keys (kdk_layout.h), filled by kdk_printk_layout_fill(). */
extern const struct kdk_layout_key kdk_printk_legacy_keys[];

/* Offsets and sizes the walker needs, one field per VMCOREINFO key (see printk_ring.c's table). */
struct kdk_printk_layout {
	enum kdk_printk_kind kind;        /* zero: the lockless fields below */
	struct kdk_printk_legacy_layout legacy;
	uint64_t prb_symbol;              /* SYMBOL(prb): address of the `prb` pointer variable */
	uint64_t rb_desc_ring;            /* OFFSET(printk_ringbuffer.desc_ring) */
	uint64_t rb_text_data_ring;       /* OFFSET(printk_ringbuffer.text_data_ring) */
	uint64_t desc_ring_count_bits;    /* OFFSET(prb_desc_ring.count_bits) */
	uint64_t desc_ring_descs;         /* OFFSET(prb_desc_ring.descs) */
	uint64_t desc_ring_infos;         /* OFFSET(prb_desc_ring.infos) */
	uint64_t desc_ring_head_id;       /* OFFSET(prb_desc_ring.head_id) */
	uint64_t desc_ring_tail_id;       /* OFFSET(prb_desc_ring.tail_id) */
	uint64_t desc_size;               /* SIZE(prb_desc) */
	uint64_t desc_state_var;          /* OFFSET(prb_desc.state_var) */
	uint64_t desc_text_blk_lpos;      /* OFFSET(prb_desc.text_blk_lpos) */
	uint64_t lpos_begin;              /* OFFSET(prb_data_blk_lpos.begin) */
	uint64_t lpos_next;               /* OFFSET(prb_data_blk_lpos.next) */
	uint64_t info_size;               /* SIZE(printk_info) */
	uint64_t info_seq;                /* OFFSET(printk_info.seq) */
	uint64_t info_ts_nsec;            /* OFFSET(printk_info.ts_nsec) */
	uint64_t info_text_len;           /* OFFSET(printk_info.text_len) */
	uint64_t info_caller_id;          /* OFFSET(printk_info.caller_id) */
	uint64_t data_ring_size_bits;     /* OFFSET(prb_data_ring.size_bits) */
	uint64_t data_ring_data;          /* OFFSET(prb_data_ring.data) */
	uint64_t atomic_long_counter;     /* OFFSET(atomic_long_t.counter) */
	uint64_t info_level_bit, info_level_bits;  /* BIT_OFFSET/BIT_SIZE(printk_info.level): from BTF
					  * or DWARF only (no VMCOREINFO key); the records' level is -1
					  * without them */
	bool have_info_level_bit, have_info_level_bits;
};

/* The VMCOREINFO keys that fill struct kdk_printk_layout's lockless fields (see kdk_layout.h). */
extern const struct kdk_layout_key kdk_printk_layout_keys[];

/* A bitfield of at most 8 bits at bit offset bit of a record of rec_size bytes (little-endian,
 * as BTF's BIT_OFFSET counts); -1 when not known or outside the record. */
int kdk_printk_bitfield(const unsigned char *rec, uint64_t rec_size, bool known, uint64_t bit,
			uint64_t bits);

/* Fill layout for whichever log the kernel keeps: the lockless ring when SYMBOL(prb) is known,
 * else the legacy buffer when SYMBOL(log_buf) is; -ENOENT naming the missing key otherwise. */
int kdk_printk_layout_fill(struct kdk_printk_layout *layout, kdk_layout_lookup_fn lookup,
			   void *lookup_ctx, struct kdk_err *err);

struct kdk_printk_record {
	uint64_t seq;
	uint64_t ts_nsec;
	uint32_t caller_id;
	int level;                        /* the loglevel 0-7 (KERN_EMERG … KERN_DEBUG); -1 unknown */
	const char *text;                 /* not NUL-terminated; valid during the callback */
	size_t text_len;
};

/* Return non-zero from the callback to stop the walk (the walk then returns that value). */
typedef int (*kdk_printk_record_fn)(void *ctx, const struct kdk_printk_record *record);

struct kdk_printk_walk_stats {
	uint64_t records;                 /* handed to the callback */
	uint64_t skipped;                 /* descriptors not committed/finalized or inconsistent */
};

/* Walk every committed record from the oldest to the newest, in either kind of log. The rings
 * are read in bounded pieces (one descriptor, one info, one text block at a time). */
int kdk_printk_walk(const struct kdk_printk_layout *layout, kdk_read_virt_fn read_virt,
		    void *read_ctx, kdk_printk_record_fn on_record, void *record_ctx,
		    struct kdk_printk_walk_stats *stats, struct kdk_err *err);

/* Write one record as the console shows it: "[%5u.%06u] line" for each of its lines,
 * non-printable bytes escaped as \xNN. Returns 0 or -errno from the stream. */
int kdk_printk_format(FILE *out, const struct kdk_printk_record *record);

/* The legacy walker (printk_legacy.c); kdk_printk_walk() calls it for KDK_PRINTK_LEGACY. */
int kdk_printk_legacy_walk(const struct kdk_printk_legacy_layout *layout, kdk_read_virt_fn read_virt,
			   void *read_ctx, kdk_printk_record_fn on_record, void *record_ctx,
			   struct kdk_printk_walk_stats *stats, struct kdk_err *err);

#endif
