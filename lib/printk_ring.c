/* printk_ring.c — walk the lockless printk ringbuffer (kernel/printk/printk_ringbuffer.h,
 * Linux 5.10+) in a dump, with every offset from VMCOREINFO, and format records as the console. */
#include "printk_ring.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const struct kdk_layout_key kdk_printk_layout_keys[] = {
#define KEY(kind, name, field) KDK_LAYOUT_KEY(kind, name, struct kdk_printk_layout, field)
	KEY(KDK_KEY_SYMBOL, "prb", prb_symbol),
	KEY(KDK_KEY_OFFSET, "printk_ringbuffer.desc_ring", rb_desc_ring),
	KEY(KDK_KEY_OFFSET, "printk_ringbuffer.text_data_ring", rb_text_data_ring),
	KEY(KDK_KEY_OFFSET, "prb_desc_ring.count_bits", desc_ring_count_bits),
	KEY(KDK_KEY_OFFSET, "prb_desc_ring.descs", desc_ring_descs),
	KEY(KDK_KEY_OFFSET, "prb_desc_ring.infos", desc_ring_infos),
	KEY(KDK_KEY_OFFSET, "prb_desc_ring.head_id", desc_ring_head_id),
	KEY(KDK_KEY_OFFSET, "prb_desc_ring.tail_id", desc_ring_tail_id),
	KEY(KDK_KEY_SIZE, "prb_desc", desc_size),
	KEY(KDK_KEY_OFFSET, "prb_desc.state_var", desc_state_var),
	KEY(KDK_KEY_OFFSET, "prb_desc.text_blk_lpos", desc_text_blk_lpos),
	KEY(KDK_KEY_OFFSET, "prb_data_blk_lpos.begin", lpos_begin),
	KEY(KDK_KEY_OFFSET, "prb_data_blk_lpos.next", lpos_next),
	KEY(KDK_KEY_SIZE, "printk_info", info_size),
	KEY(KDK_KEY_OFFSET, "printk_info.seq", info_seq),
	KEY(KDK_KEY_OFFSET, "printk_info.ts_nsec", info_ts_nsec),
	KEY(KDK_KEY_OFFSET, "printk_info.text_len", info_text_len),
	KEY(KDK_KEY_OFFSET, "printk_info.caller_id", info_caller_id),
	KEY(KDK_KEY_OFFSET, "prb_data_ring.size_bits", data_ring_size_bits),
	KEY(KDK_KEY_OFFSET, "prb_data_ring.data", data_ring_data),
	KEY(KDK_KEY_OFFSET, "atomic_long_t.counter", atomic_long_counter),
	KDK_LAYOUT_OPTIONAL(KDK_KEY_BIT_OFFSET, "printk_info.level", struct kdk_printk_layout,
			    info_level_bit, have_info_level_bit),
	KDK_LAYOUT_OPTIONAL(KDK_KEY_BIT_SIZE, "printk_info.level", struct kdk_printk_layout,
			    info_level_bits, have_info_level_bits),
#undef KEY
	{ 0, NULL, 0, 0 },
};

int kdk_printk_bitfield(const unsigned char *rec, uint64_t rec_size, bool known, uint64_t bit,
			uint64_t bits)
{
	unsigned v;

	if (!known || !bits || bits > 8 || (bit + bits + 7) / 8 > rec_size)
		return -1;
	v = rec[bit / 8];
	if (bit % 8 + bits > 8)
		v |= (unsigned)rec[bit / 8 + 1] << 8;
	return (int)((v >> (bit % 8)) & ((1u << bits) - 1));
}

int kdk_printk_layout_fill(struct kdk_printk_layout *l, kdk_layout_lookup_fn lookup,
			   void *lookup_ctx, struct kdk_err *err)
{
	uint64_t ignored;

	memset(l, 0, sizeof(*l));
	if (lookup(lookup_ctx, KDK_KEY_SYMBOL, "prb", &ignored) == 0) {
		l->kind = KDK_PRINTK_LOCKLESS;
		return kdk_layout_fill(kdk_printk_layout_keys, l, lookup, lookup_ctx, err);
	}
	if (lookup(lookup_ctx, KDK_KEY_SYMBOL, "log_buf", &ignored) == 0) {
		l->kind = KDK_PRINTK_LEGACY;
		return kdk_layout_fill(kdk_printk_legacy_keys, &l->legacy, lookup, lookup_ctx, err);
	}
	return kdk_err_set(err, ENOENT, "VMCOREINFO has neither SYMBOL(prb) (printk ringbuffer, 5.10+) "
					"nor SYMBOL(log_buf) (the log buffer before it)");
}

/* A descriptor's state_var holds the record id in the low 62 bits and its state in the top two. */
#define DESC_FLAGS_SHIFT 62
#define DESC_ID_MASK ((1ULL << DESC_FLAGS_SHIFT) - 1)
enum desc_state { DESC_RESERVED = 0, DESC_COMMITTED = 1, DESC_FINALIZED = 2, DESC_REUSABLE = 3 };

/* Text blocks with bit 0 of an lpos set carry no data (failed reservation, or an empty line). */
#define LPOS_DATALESS(lpos) ((lpos) & 1ULL)

/* Rings larger than this are not a printk ring: guards against reading garbage as sizes. */
#define MAX_COUNT_BITS 30
#define MAX_SIZE_BITS 31

struct ring {
	uint64_t descs, infos, data;
	uint64_t desc_count;              /* 1 << count_bits */
	uint64_t data_size;               /* 1 << size_bits */
	uint64_t head_id, tail_id;
};

static int read_u64(kdk_read_virt_fn read_virt, void *ctx, uint64_t vaddr, uint64_t *out,
		    struct kdk_err *err)
{
	return read_virt(ctx, vaddr, out, sizeof(*out), err);
}

static int read_ring(const struct kdk_printk_layout *l, kdk_read_virt_fn read_virt, void *ctx,
		     struct ring *ring, struct kdk_err *err)
{
	uint64_t rb, desc_ring, data_ring;
	uint32_t count_bits, size_bits;
	int rc;

	if ((rc = read_u64(read_virt, ctx, l->prb_symbol, &rb, err)) < 0)
		return kdk_err_prefix(err, "printk: reading the prb pointer: ");
	desc_ring = rb + l->rb_desc_ring;
	data_ring = rb + l->rb_text_data_ring;
	if ((rc = read_virt(ctx, desc_ring + l->desc_ring_count_bits, &count_bits,
			    sizeof(count_bits), err)) < 0 ||
	    (rc = read_u64(read_virt, ctx, desc_ring + l->desc_ring_descs, &ring->descs, err)) < 0 ||
	    (rc = read_u64(read_virt, ctx, desc_ring + l->desc_ring_infos, &ring->infos, err)) < 0 ||
	    (rc = read_u64(read_virt, ctx, desc_ring + l->desc_ring_head_id + l->atomic_long_counter,
			   &ring->head_id, err)) < 0 ||
	    (rc = read_u64(read_virt, ctx, desc_ring + l->desc_ring_tail_id + l->atomic_long_counter,
			   &ring->tail_id, err)) < 0 ||
	    (rc = read_virt(ctx, data_ring + l->data_ring_size_bits, &size_bits, sizeof(size_bits),
			    err)) < 0 ||
	    (rc = read_u64(read_virt, ctx, data_ring + l->data_ring_data, &ring->data, err)) < 0)
		return kdk_err_prefix(err, "printk: ringbuffer at 0x%llx: ", (unsigned long long)rb);
	if (count_bits > MAX_COUNT_BITS || size_bits > MAX_SIZE_BITS || size_bits < 3)
		return kdk_err_set(err, EINVAL,
				   "printk: ringbuffer at 0x%llx has count_bits %u and size_bits %u: not a printk ring",
				   (unsigned long long)rb, count_bits, size_bits);
	ring->desc_count = 1ULL << count_bits;
	ring->data_size = 1ULL << size_bits;
	ring->head_id &= DESC_ID_MASK;
	ring->tail_id &= DESC_ID_MASK;
	return 0;
}

/* Where a text block's bytes are: the block starts with the record id (an unsigned long);
 * a block that would cross the end of the ring is stored from the ring's start instead. */
static int text_block(const struct ring *ring, uint64_t begin, uint64_t next, uint64_t *offset,
		      uint64_t *len)
{
	uint64_t size_bits_mask = ring->data_size - 1;
	int shift = __builtin_ctzll(ring->data_size);

	if ((begin >> shift) == (next >> shift)) {
		*offset = begin & size_bits_mask;
		*len = next - begin;
	} else if (((begin + ring->data_size) >> shift) == (next >> shift)) {
		*offset = 0;
		*len = next & size_bits_mask;
	} else {
		return -1;
	}
	if (*len < sizeof(uint64_t) || *len > ring->data_size)
		return -1;
	*offset += sizeof(uint64_t);
	*len -= sizeof(uint64_t);
	return 0;
}

int kdk_printk_walk(const struct kdk_printk_layout *l, kdk_read_virt_fn read_virt,
		    void *read_ctx, kdk_printk_record_fn on_record, void *record_ctx,
		    struct kdk_printk_walk_stats *stats, struct kdk_err *err)
{
	struct kdk_printk_walk_stats local = { 0, 0 };
	unsigned char *desc = NULL, *info = NULL;
	char *text = NULL;
	size_t text_cap = 0;
	struct ring ring;
	uint64_t id, count, n;
	int rc;

	if (l->kind == KDK_PRINTK_LEGACY)
		return kdk_printk_legacy_walk(&l->legacy, read_virt, read_ctx, on_record, record_ctx,
					      stats, err);
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if ((rc = read_ring(l, read_virt, read_ctx, &ring, err)) < 0)
		return rc;
	if (l->desc_size < l->desc_text_blk_lpos + l->lpos_next + 8 ||
	    l->desc_size < l->desc_state_var + l->atomic_long_counter + 8 ||
	    l->info_size < l->info_text_len + 2 || l->info_size < l->info_caller_id + 4 ||
	    l->info_size < l->info_seq + 8 || l->info_size < l->info_ts_nsec + 8 ||
	    l->desc_size > 4096 || l->info_size > 4096)
		return kdk_err_set(err, EINVAL, "printk: VMCOREINFO sizes of prb_desc (%llu) or printk_info (%llu) do not hold their fields",
				   (unsigned long long)l->desc_size, (unsigned long long)l->info_size);
	desc = malloc(l->desc_size);
	info = malloc(l->info_size);
	if (!desc || !info) {
		rc = kdk_err_set(err, ENOMEM, "printk: out of memory");
		goto out;
	}

	/* Ids run from the tail (oldest) to the head (newest); at most one ring's worth. */
	count = ((ring.head_id - ring.tail_id) & DESC_ID_MASK) + 1;
	if (count > ring.desc_count)
		count = ring.desc_count;
	for (n = 0, id = ring.tail_id; n < count; n++, id = (id + 1) & DESC_ID_MASK) {
		uint64_t index = id & (ring.desc_count - 1);
		uint64_t state_var, begin, next, offset, len;
		struct kdk_printk_record rec;
		uint16_t text_len;
		enum desc_state state;

		if ((rc = read_virt(read_ctx, ring.descs + index * l->desc_size, desc, l->desc_size,
				    err)) < 0 ||
		    (rc = read_virt(read_ctx, ring.infos + index * l->info_size, info, l->info_size,
				    err)) < 0) {
			kdk_err_prefix(err, "printk: record %llu: ", (unsigned long long)id);
			goto out;
		}
		memcpy(&state_var, desc + l->desc_state_var + l->atomic_long_counter, 8);
		state = (enum desc_state)(state_var >> DESC_FLAGS_SHIFT);
		/* A slot reused by a newer record, or one still being written, is not this record. */
		if ((state_var & DESC_ID_MASK) != id ||
		    (state != DESC_COMMITTED && state != DESC_FINALIZED)) {
			stats->skipped++;
			continue;
		}
		memcpy(&begin, desc + l->desc_text_blk_lpos + l->lpos_begin, 8);
		memcpy(&next, desc + l->desc_text_blk_lpos + l->lpos_next, 8);
		memcpy(&rec.seq, info + l->info_seq, 8);
		memcpy(&rec.ts_nsec, info + l->info_ts_nsec, 8);
		memcpy(&text_len, info + l->info_text_len, 2);
		memcpy(&rec.caller_id, info + l->info_caller_id, 4);
		rec.level = kdk_printk_bitfield(info, l->info_size, l->have_info_level_bit &&
						l->have_info_level_bits, l->info_level_bit,
						l->info_level_bits);
		rec.text = "";
		rec.text_len = 0;
		if (!LPOS_DATALESS(begin) && !LPOS_DATALESS(next)) {
			if (text_block(&ring, begin, next, &offset, &len) < 0) {
				stats->skipped++;
				continue;
			}
			if (len > text_len)
				len = text_len;
			if (len > text_cap) {
				char *grown = realloc(text, len);
				if (!grown) {
					rc = kdk_err_set(err, ENOMEM, "printk: out of memory");
					goto out;
				}
				text = grown;
				text_cap = len;
			}
			if ((rc = read_virt(read_ctx, ring.data + offset, text, len, err)) < 0) {
				kdk_err_prefix(err, "printk: text of record %llu: ", (unsigned long long)id);
				goto out;
			}
			rec.text = text;
			rec.text_len = len;
		}
		stats->records++;
		if ((rc = on_record(record_ctx, &rec)) != 0)
			goto out;
	}
	rc = 0;
out:
	free(desc);
	free(info);
	free(text);
	return rc;
}

int kdk_printk_format(FILE *out, const struct kdk_printk_record *record)
{
	unsigned long long secs = record->ts_nsec / 1000000000ULL;
	unsigned long usecs = (record->ts_nsec % 1000000000ULL) / 1000;
	size_t i = 0;

	do {
		fprintf(out, "[%5llu.%06lu] ", secs, usecs);
		for (; i < record->text_len && record->text[i] != '\n'; i++) {
			unsigned char c = (unsigned char)record->text[i];
			if ((c < 0x20 && c != '\t') || c == 0x7f)
				fprintf(out, "\\x%02x", c);
			else
				fputc(c, out);
		}
		fputc('\n', out);
		i++; /* past the newline */
	} while (i < record->text_len);
	return ferror(out) ? -EIO : 0;
}
