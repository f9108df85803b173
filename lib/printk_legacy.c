/* printk_legacy.c — the kernel log before the lockless ringbuffer (3.11–5.9): log_buf holds
 * variable-length struct printk_log records back to back; walked from log_first_idx to log_next_idx. */
#include "printk_ring.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* kernel/printk/printk.c, log_buf_vmcoreinfo_setup() of 4.x–5.9. */
const struct kdk_layout_key kdk_printk_legacy_keys[] = {
#define KEY(kind, name, field) KDK_LAYOUT_KEY(kind, name, struct kdk_printk_legacy_layout, field)
	KEY(KDK_KEY_SYMBOL, "log_buf", log_buf),
	KEY(KDK_KEY_SYMBOL, "log_buf_len", log_buf_len),
	KEY(KDK_KEY_SYMBOL, "log_first_idx", log_first_idx),
	KEY(KDK_KEY_SYMBOL, "log_next_idx", log_next_idx),
	KEY(KDK_KEY_SIZE, "printk_log", rec_size),
	KEY(KDK_KEY_OFFSET, "printk_log.ts_nsec", rec_ts_nsec),
	KEY(KDK_KEY_OFFSET, "printk_log.len", rec_len),
	KEY(KDK_KEY_OFFSET, "printk_log.text_len", rec_text_len),
	KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "printk_log.caller_id", struct kdk_printk_legacy_layout,
			    rec_caller_id, have_caller_id),
	KDK_LAYOUT_OPTIONAL(KDK_KEY_BIT_OFFSET, "printk_log.level", struct kdk_printk_legacy_layout,
			    rec_level_bit, have_level_bit),
	KDK_LAYOUT_OPTIONAL(KDK_KEY_BIT_SIZE, "printk_log.level", struct kdk_printk_legacy_layout,
			    rec_level_bits, have_level_bits),
#undef KEY
	{ 0, NULL, 0, 0 },
};

/* A buffer larger than this is not a printk buffer (the kernel caps log_buf_len at 1 << 25 per
 * CPU contribution; 2 GiB is far past any real one): guards against garbage sizes. */
#define MAX_LOG_BUF_LEN (1ULL << 31)

/* The kernel pads each record to __alignof__(struct printk_log), 8 on x86_64; a record's len
 * covers header, text, dictionary and padding. A len of 0 marks the wrap: the next record is at
 * the start of the buffer (log_next() in kernel/printk/printk.c). */
int kdk_printk_legacy_walk(const struct kdk_printk_legacy_layout *l, kdk_read_virt_fn read_virt,
			   void *read_ctx, kdk_printk_record_fn on_record, void *record_ctx,
			   struct kdk_printk_walk_stats *stats, struct kdk_err *err)
{
	struct kdk_printk_walk_stats local = { 0, 0 };
	uint64_t buf_addr, seq = 0;
	uint32_t buf_len, first, next, idx;
	unsigned char *buf = NULL;
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (l->rec_size < l->rec_ts_nsec + 8 || l->rec_size < l->rec_len + 2 ||
	    l->rec_size < l->rec_text_len + 2 ||
	    (l->have_caller_id && l->rec_size < l->rec_caller_id + 4) || l->rec_size > 256)
		return kdk_err_set(err, EINVAL, "printk: VMCOREINFO's SIZE(printk_log)=%llu does not hold its fields",
				   (unsigned long long)l->rec_size);
	if ((rc = read_virt(read_ctx, l->log_buf, &buf_addr, sizeof(buf_addr), err)) < 0 ||
	    (rc = read_virt(read_ctx, l->log_buf_len, &buf_len, sizeof(buf_len), err)) < 0 ||
	    (rc = read_virt(read_ctx, l->log_first_idx, &first, sizeof(first), err)) < 0 ||
	    (rc = read_virt(read_ctx, l->log_next_idx, &next, sizeof(next), err)) < 0)
		return kdk_err_prefix(err, "printk: the log buffer's variables: ");
	if (!buf_len || buf_len > MAX_LOG_BUF_LEN || first >= buf_len || next >= buf_len)
		return kdk_err_set(err, EINVAL,
				   "printk: log_buf_len %u, log_first_idx %u, log_next_idx %u: not a printk buffer",
				   buf_len, first, next);
	/* A damaged log_buf_len can say up to 2 GiB: the buffer's last byte must be readable before
	 * that much is allocated (and read). */
	{
		unsigned char last;

		if ((rc = read_virt(read_ctx, buf_addr + buf_len - 1, &last, 1, err)) < 0)
			return kdk_err_prefix(err, "printk: log_buf_len %u: the buffer at 0x%llx does not end in memory: ",
					      buf_len, (unsigned long long)buf_addr);
	}
	/* One read of the whole buffer (at most a few MiB): records are then parsed in place. */
	if (!(buf = malloc(buf_len)))
		return kdk_err_set(err, ENOMEM, "printk: out of memory for a %u-byte log buffer", buf_len);
	if ((rc = read_virt(read_ctx, buf_addr, buf, buf_len, err)) < 0) {
		kdk_err_prefix(err, "printk: the log buffer at 0x%llx: ", (unsigned long long)buf_addr);
		goto out;
	}
	/* At most buf_len / rec_size records fit: a bound that stops a cycle in damaged memory. */
	for (idx = first; idx != next && seq <= buf_len / l->rec_size; seq++) {
		struct kdk_printk_record rec;
		uint16_t len, text_len;

		if ((uint64_t)idx + l->rec_size > buf_len)
			break;
		memcpy(&len, buf + idx + l->rec_len, 2);
		if (len == 0) {              /* the wrap marker */
			if (idx == 0)
				break;
			idx = 0;
			seq--;
			continue;
		}
		memcpy(&text_len, buf + idx + l->rec_text_len, 2);
		if (len < l->rec_size || (uint64_t)idx + len > buf_len ||
		    l->rec_size + text_len > len) {
			stats->skipped++;
			break;               /* nothing after a broken record can be found */
		}
		rec.seq = seq;
		memcpy(&rec.ts_nsec, buf + idx + l->rec_ts_nsec, 8);
		rec.caller_id = 0;
		if (l->have_caller_id)
			memcpy(&rec.caller_id, buf + idx + l->rec_caller_id, 4);
		rec.level = kdk_printk_bitfield(buf + idx, l->rec_size, l->have_level_bit && l->have_level_bits,
						l->rec_level_bit, l->rec_level_bits);
		rec.text = (const char *)buf + idx + l->rec_size;
		rec.text_len = text_len;
		stats->records++;
		if ((rc = on_record(record_ctx, &rec)) != 0)
			goto out;
		idx += len;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}
