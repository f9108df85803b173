/* diskdump_write.c — the kdump-compressed writer: fixed layout computed at open from the page
 * count, descriptors and page data buffered in bounded batches, the incomplete flag until finish.
 * Page data goes in the order the pages come; a seek moves where their descriptors go. */
#include "diskdump_write.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Descriptors per batch (24 bytes each: 96 KiB) and page-data bytes per batch. Memory stays
 * at these two buffers plus one zero page whatever the dump size. */
#define DESC_BATCH 4096
#define DATA_BATCH (1u << 20)

struct kdk_diskdump_writer {
	struct kdk_out *out;
	struct kdk_disk_dump_header header;
	uint32_t page_size;
	uint32_t codec_flag;
	uint64_t max_pfn;
	uint64_t pages_to_dump;
	bool share_zero;

	uint64_t bitmap1_offset;          /* file offsets of the layout */
	uint64_t bitmap2_offset;
	uint64_t bitmap_len;              /* bytes of one bitmap, whole blocks */
	uint64_t desc_offset;             /* first page descriptor */
	uint64_t zero_page_offset;        /* the shared zero block, at the start of the data */

	uint64_t next_bitmap_pfn;         /* windows written so far end here */
	uint64_t dumped_bits;             /* bits set in the second bitmap so far */

	uint64_t pages_written;           /* descriptors made (buffered or written) */
	uint64_t next_index;              /* the descriptor the next page gets (moved by seek) */
	uint64_t next_pfn;                /* pages must come at or above this pfn */
	struct kdk_page_desc *descs;      /* descriptors not yet written */
	size_t descs_len;
	uint64_t descs_file_offset;       /* where descs[0] goes */

	unsigned char *data;              /* page data not yet written */
	size_t data_len, data_cap;
	uint64_t data_file_offset;        /* where data[0] goes */
	uint64_t next_data_offset;        /* where the next page's data goes */

	unsigned char *zeros;             /* page_size zero bytes */
	bool failed;                      /* a write failed: only abort/finish (which fails) remain */
};

static uint64_t div_round_up(uint64_t n, uint64_t d) { return n / d + (n % d != 0); }

/* Write through the sink, remembering a failure so no later call pretends to succeed. */
static int out_write(struct kdk_diskdump_writer *w, uint64_t offset, const void *buf, size_t len,
		     struct kdk_err *err)
{
	int rc = kdk_out_write(w->out, offset, buf, len, err);
	if (rc < 0)
		w->failed = true;
	return rc;
}

static int check_usable(struct kdk_diskdump_writer *w, struct kdk_err *err)
{
	if (w->failed)
		return kdk_err_set(err, EIO, "%s: an earlier write failed; the dump can only be aborted",
				   w->out->name);
	return 0;
}

static int write_zeros(struct kdk_diskdump_writer *w, uint64_t offset, uint64_t len,
		       struct kdk_err *err)
{
	while (len > 0) {
		size_t chunk = len < w->page_size ? (size_t)len : w->page_size;
		int rc = out_write(w, offset, w->zeros, chunk, err);
		if (rc < 0)
			return rc;
		offset += chunk;
		len -= chunk;
	}
	return 0;
}

/* Block 0: the main header and zeros to the end of the block. */
static int write_header(struct kdk_diskdump_writer *w, struct kdk_err *err)
{
	int rc = out_write(w, 0, &w->header, sizeof(w->header), err);
	if (rc < 0)
		return rc;
	return write_zeros(w, sizeof(w->header), w->page_size - sizeof(w->header), err);
}

/* Where the VMCOREINFO text starts inside the notes, or -1. makedumpfile points
 * offset_vmcoreinfo at the VMCOREINFO note's descriptor the same way. */
static int64_t vmcoreinfo_in_notes(const struct kdk_diskdump_params *p)
{
	const unsigned char *hit;

	if (!p->notes || !p->vmcoreinfo || p->vmcoreinfo_size == 0)
		return -1;
	hit = memmem(p->notes, p->notes_size, p->vmcoreinfo, p->vmcoreinfo_size);
	return hit ? (int64_t)(hit - (const unsigned char *)p->notes) : -1;
}

/* Blocks 1 … sub_hdr_size: sub-header, notes, VMCOREINFO text when not inside the notes,
 * zeros to the block end. Fills the sub-header's offsets from the layout. */
static int write_sub_header_area(struct kdk_diskdump_writer *w, const struct kdk_diskdump_params *p,
				 int64_t vmcoreinfo_pos, struct kdk_err *err)
{
	uint64_t base = (uint64_t)KDK_DISKDUMP_HEADER_BLOCKS * w->page_size;
	uint64_t area_end = base + (uint64_t)w->header.sub_hdr_size * w->page_size;
	uint64_t pos = base + sizeof(struct kdk_kdump_sub_header);
	struct kdk_kdump_sub_header sub;
	int rc;

	memset(&sub, 0, sizeof(sub));
	sub.phys_base = p->phys_base;
	sub.dump_level = p->dump_level;
	sub.max_mapnr_64 = p->max_pfn;
	if (p->notes_size > 0) {
		sub.offset_note = (int64_t)pos;
		sub.size_note = p->notes_size;
		if ((rc = out_write(w, pos, p->notes, p->notes_size, err)) < 0)
			return rc;
		pos += p->notes_size;
	}
	if (vmcoreinfo_pos >= 0) {
		sub.offset_vmcoreinfo = sub.offset_note + vmcoreinfo_pos;
		sub.size_vmcoreinfo = p->vmcoreinfo_size;
	} else if (p->vmcoreinfo_size > 0) {
		sub.offset_vmcoreinfo = (int64_t)pos;
		sub.size_vmcoreinfo = p->vmcoreinfo_size;
		if ((rc = out_write(w, pos, p->vmcoreinfo, p->vmcoreinfo_size, err)) < 0)
			return rc;
		pos += p->vmcoreinfo_size;
	}
	if ((rc = out_write(w, base, &sub, sizeof(sub), err)) < 0)
		return rc;
	return write_zeros(w, pos, area_end - pos, err);
}

static int check_params(const struct kdk_diskdump_params *p, const char *name, struct kdk_err *err)
{
	if (p->page_size < 1024 || p->page_size > (1u << 20) || (p->page_size & (p->page_size - 1)))
		return kdk_err_set(err, EINVAL, "%s: page size %u is not a power of two in 1 KiB…1 MiB",
				   name, p->page_size);
	if (p->max_pfn == 0 || p->max_pfn > (UINT64_MAX >> 16))
		return kdk_err_set(err, EINVAL, "%s: max_pfn 0x%llx out of range", name,
				   (unsigned long long)p->max_pfn);
	if (p->pages_to_dump > p->max_pfn)
		return kdk_err_set(err, EINVAL, "%s: %llu pages to dump but only %llu pfns", name,
				   (unsigned long long)p->pages_to_dump, (unsigned long long)p->max_pfn);
	if ((unsigned)p->codec > KDK_CODEC_SNAPPY)
		return kdk_err_set(err, EINVAL, "%s: unknown compression %d", name, (int)p->codec);
	if ((p->notes_size && !p->notes) || (p->vmcoreinfo_size && !p->vmcoreinfo))
		return kdk_err_set(err, EINVAL, "%s: notes or VMCOREINFO size without data", name);
	if (p->notes_size > (1u << 30) || p->vmcoreinfo_size > (1u << 30))
		return kdk_err_set(err, EINVAL, "%s: notes (%zu bytes) or VMCOREINFO (%zu bytes) too large",
				   name, p->notes_size, p->vmcoreinfo_size);
	return 0;
}

int kdk_diskdump_write_open(struct kdk_diskdump_writer **out, struct kdk_out *sink,
			    const struct kdk_diskdump_params *p, struct kdk_err *err)
{
	struct kdk_diskdump_writer *w;
	struct kdk_disk_dump_header *h;
	uint64_t sub_area, sub_blocks, bitmap_blocks;
	int64_t vmcoreinfo_pos;
	int rc;

	*out = NULL;
	if ((rc = check_params(p, sink->name, err)) < 0)
		return rc;
	vmcoreinfo_pos = vmcoreinfo_in_notes(p);
	sub_area = sizeof(struct kdk_kdump_sub_header) + p->notes_size +
		   (vmcoreinfo_pos >= 0 ? 0 : p->vmcoreinfo_size);
	sub_blocks = div_round_up(sub_area, p->page_size);
	/* Both bitmaps start on a block boundary: crash requires it. */
	bitmap_blocks = div_round_up(div_round_up(p->max_pfn, 8), p->page_size);
	if (sub_blocks > INT32_MAX || bitmap_blocks > UINT32_MAX / 2)
		return kdk_err_set(err, EFBIG, "%s: sub-header (%llu blocks) or bitmaps (%llu blocks) too "
				   "large for the header's 32-bit fields", sink->name,
				   (unsigned long long)sub_blocks, (unsigned long long)bitmap_blocks);

	w = calloc(1, sizeof(*w));
	if (!w)
		return kdk_err_set(err, ENOMEM, "%s: out of memory for the writer", sink->name);
	w->out = sink;
	w->page_size = p->page_size;
	w->codec_flag = kdk_codec_flag(p->codec);
	w->max_pfn = p->max_pfn;
	w->pages_to_dump = p->pages_to_dump;
	w->share_zero = (p->dump_level & KDK_DL_EXCLUDE_ZERO) != 0;
	w->data_cap = DATA_BATCH > 2 * p->page_size ? DATA_BATCH : 2 * p->page_size;
	w->descs = malloc(DESC_BATCH * sizeof(*w->descs));
	w->data = malloc(w->data_cap);
	w->zeros = calloc(1, p->page_size);
	if (!w->descs || !w->data || !w->zeros) {
		kdk_diskdump_write_abort(w);
		return kdk_err_set(err, ENOMEM, "%s: out of memory for the writer's buffers", sink->name);
	}

	w->bitmap_len = bitmap_blocks * p->page_size;
	w->bitmap1_offset = (KDK_DISKDUMP_HEADER_BLOCKS + sub_blocks) * p->page_size;
	w->bitmap2_offset = w->bitmap1_offset + w->bitmap_len;
	w->desc_offset = w->bitmap2_offset + w->bitmap_len;
	w->descs_file_offset = w->desc_offset;
	w->data_file_offset = w->desc_offset + p->pages_to_dump * sizeof(struct kdk_page_desc);
	w->next_data_offset = w->data_file_offset;
	if (w->share_zero) {
		/* The shared zero block opens the data area, as makedumpfile writes it. */
		w->zero_page_offset = w->next_data_offset;
		memset(w->data, 0, p->page_size);
		w->data_len = p->page_size;
		w->next_data_offset += p->page_size;
	}

	h = &w->header;
	memcpy(h->signature, KDK_DISKDUMP_SIGNATURE, KDK_DISKDUMP_SIG_LEN);
	h->header_version = KDK_DISKDUMP_HEADER_VERSION;
	h->utsname = p->utsname;
	h->timestamp_sec = p->timestamp_sec;
	h->timestamp_usec = p->timestamp_usec;
	h->status = w->codec_flag | KDK_DH_COMPRESSED_INCOMPLETE;
	h->block_size = (int32_t)p->page_size;
	h->sub_hdr_size = (int32_t)sub_blocks;
	h->bitmap_blocks = (uint32_t)(2 * bitmap_blocks);
	h->max_mapnr = p->max_pfn > UINT32_MAX ? UINT32_MAX : (uint32_t)p->max_pfn;
	h->nr_cpus = p->nr_cpus;

	if ((rc = write_header(w, err)) < 0 ||
	    (rc = write_sub_header_area(w, p, vmcoreinfo_pos, err)) < 0) {
		kdk_diskdump_write_abort(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* Bits set in the first `bits` bits of a bitmap window. */
static uint64_t count_bits(const unsigned char *map, uint64_t bits)
{
	uint64_t n = 0, i;

	for (i = 0; i + 8 <= bits; i += 8)
		n += (uint64_t)__builtin_popcount(map[i / 8]);
	if (i < bits)
		n += (uint64_t)__builtin_popcount(map[i / 8] & ((1u << (bits - i)) - 1));
	return n;
}

/* One bitmap window at base + start_pfn/8; a partial last byte is masked so no bit past
 * max_pfn is ever set. */
static int write_bitmap_window(struct kdk_diskdump_writer *w, uint64_t base, uint64_t start_pfn,
			       uint64_t count, const unsigned char *map, struct kdk_err *err)
{
	uint64_t full = count / 8;
	int rc;

	if ((rc = out_write(w, base + start_pfn / 8, map, full, err)) < 0)
		return rc;
	if (count % 8) {
		unsigned char last = map[full] & (unsigned char)((1u << (count % 8)) - 1);
		if ((rc = out_write(w, base + start_pfn / 8 + full, &last, 1, err)) < 0)
			return rc;
	}
	return 0;
}

int kdk_diskdump_write_bitmaps(struct kdk_diskdump_writer *w, uint64_t start_pfn, uint64_t count,
			       const unsigned char *present, const unsigned char *dumped,
			       struct kdk_err *err)
{
	uint64_t end = start_pfn + count, used, bits;
	int rc;

	if ((rc = check_usable(w, err)) < 0)
		return rc;
	if (start_pfn != w->next_bitmap_pfn)
		return kdk_err_set(err, EINVAL, "%s: bitmap window at pfn 0x%llx, expected 0x%llx (windows "
				   "come in order without gaps)", w->out->name,
				   (unsigned long long)start_pfn, (unsigned long long)w->next_bitmap_pfn);
	if (count == 0 || count > w->max_pfn - start_pfn)
		return kdk_err_set(err, EINVAL, "%s: bitmap window of %llu pfns at 0x%llx passes max_pfn "
				   "0x%llx", w->out->name, (unsigned long long)count,
				   (unsigned long long)start_pfn, (unsigned long long)w->max_pfn);
	if (count % 8 && end != w->max_pfn)
		return kdk_err_set(err, EINVAL, "%s: bitmap window [0x%llx, 0x%llx) is not a multiple of "
				   "8 pfns and not the last", w->out->name, (unsigned long long)start_pfn,
				   (unsigned long long)end);
	/* A page can only be dumped where there is memory. */
	for (uint64_t i = 0; i < div_round_up(count, 8); i++) {
		unsigned char stray = (unsigned char)(dumped[i] & ~present[i]);
		if (i == count / 8)
			stray &= (unsigned char)((1u << (count % 8)) - 1);
		if (stray)
			return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx is marked dumped but not present",
					   w->out->name,
					   (unsigned long long)(start_pfn + 8 * i + (uint64_t)__builtin_ctz(stray)));
	}
	bits = count_bits(dumped, count);
	if (bits > w->pages_to_dump - w->dumped_bits)
		return kdk_err_set(err, EINVAL, "%s: the second bitmap has more than the %llu pages "
				   "announced (window at pfn 0x%llx)", w->out->name,
				   (unsigned long long)w->pages_to_dump, (unsigned long long)start_pfn);

	if ((rc = write_bitmap_window(w, w->bitmap1_offset, start_pfn, count, present, err)) < 0 ||
	    (rc = write_bitmap_window(w, w->bitmap2_offset, start_pfn, count, dumped, err)) < 0)
		return rc;
	w->dumped_bits += bits;
	w->next_bitmap_pfn = end;
	if (end == w->max_pfn) {
		/* Zero the bitmaps' tails past max_pfn up to their block end: no holes in metadata. */
		used = div_round_up(w->max_pfn, 8);
		if ((rc = write_zeros(w, w->bitmap1_offset + used, w->bitmap_len - used, err)) < 0 ||
		    (rc = write_zeros(w, w->bitmap2_offset + used, w->bitmap_len - used, err)) < 0)
			return rc;
	}
	return 0;
}

static int flush_data(struct kdk_diskdump_writer *w, struct kdk_err *err)
{
	int rc = out_write(w, w->data_file_offset, w->data, w->data_len, err);

	if (rc < 0)
		return rc;
	w->data_file_offset += w->data_len;
	w->data_len = 0;
	return 0;
}

/* Data first, then the descriptors that point at it: after an ENOSPC every descriptor on disk
 * has its data on disk, and the rest read as zero (offset 0 = "lost", makedumpfile's rule). */
static int flush_descs(struct kdk_diskdump_writer *w, struct kdk_err *err)
{
	size_t bytes = w->descs_len * sizeof(*w->descs);
	int rc;

	if ((rc = flush_data(w, err)) < 0)
		return rc;
	if ((rc = out_write(w, w->descs_file_offset, w->descs, bytes, err)) < 0)
		return rc;
	w->descs_file_offset += bytes;
	w->descs_len = 0;
	return 0;
}

uint64_t kdk_diskdump_write_next_index(const struct kdk_diskdump_writer *w)
{
	return w->next_index;
}

int kdk_diskdump_write_seek(struct kdk_diskdump_writer *w, uint64_t index, struct kdk_err *err)
{
	int rc;

	if ((rc = check_usable(w, err)) < 0)
		return rc;
	if (index >= w->pages_to_dump)
		return kdk_err_set(err, EINVAL, "%s: page index %llu is past the %llu pages announced",
				   w->out->name, (unsigned long long)index,
				   (unsigned long long)w->pages_to_dump);
	if (index == w->next_index)
		return 0;
	if ((rc = flush_descs(w, err)) < 0)
		return rc;
	w->descs_file_offset = w->desc_offset + index * sizeof(struct kdk_page_desc);
	w->next_index = index;
	w->next_pfn = 0;
	return 0;
}

static int check_next_page(struct kdk_diskdump_writer *w, uint64_t pfn, struct kdk_err *err)
{
	int rc;

	if ((rc = check_usable(w, err)) < 0)
		return rc;
	if (pfn >= w->max_pfn)
		return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx is past max_pfn 0x%llx", w->out->name,
				   (unsigned long long)pfn, (unsigned long long)w->max_pfn);
	if (pfn < w->next_pfn)
		return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx comes after pfn 0x%llx (pages go in "
				   "increasing pfn order)", w->out->name, (unsigned long long)pfn,
				   (unsigned long long)(w->next_pfn - 1));
	if (w->pages_written == w->pages_to_dump || w->next_index >= w->pages_to_dump)
		return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx is one page more than the %llu announced",
				   w->out->name, (unsigned long long)pfn,
				   (unsigned long long)w->pages_to_dump);
	if (w->descs_len == DESC_BATCH && (rc = flush_descs(w, err)) < 0)
		return rc;
	return 0;
}

static void add_desc(struct kdk_diskdump_writer *w, uint64_t pfn, uint64_t offset, uint32_t size,
		     uint32_t flags)
{
	struct kdk_page_desc *d = &w->descs[w->descs_len++];

	d->offset = (int64_t)offset;
	d->size = size;
	d->flags = flags;
	d->page_flags = 0;
	w->pages_written++;
	w->next_index++;
	w->next_pfn = pfn + 1;
}

int kdk_diskdump_write_page(struct kdk_diskdump_writer *w, uint64_t pfn, const void *data,
			    uint32_t size, uint32_t flags, struct kdk_err *err)
{
	int rc;

	if (size == 0 || size > w->page_size)
		return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx: %u bytes of page data (1…%u allowed)",
				   w->out->name, (unsigned long long)pfn, size, w->page_size);
	if (flags != 0 && flags != w->codec_flag)
		return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx: page flags 0x%x, the dump's compression "
				   "is 0x%x", w->out->name, (unsigned long long)pfn, flags, w->codec_flag);
	if (flags == 0 && size != w->page_size)
		return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx: raw page of %u bytes, not %u",
				   w->out->name, (unsigned long long)pfn, size, w->page_size);
	if ((rc = check_next_page(w, pfn, err)) < 0)
		return rc;
	/* Each batch of data goes with its descriptors: after an ENOSPC, every page whose data
	 * reached the disk before the failing batch can be read (not only whole 4096-page
	 * descriptor batches). */
	if (w->data_len + size > w->data_cap && (rc = flush_descs(w, err)) < 0)
		return rc;
	memcpy(w->data + w->data_len, data, size);
	w->data_len += size;
	add_desc(w, pfn, w->next_data_offset, size, flags);
	w->next_data_offset += size;
	return 0;
}

int kdk_diskdump_write_zero_page(struct kdk_diskdump_writer *w, uint64_t pfn, struct kdk_err *err)
{
	int rc;

	if (!w->share_zero)
		return kdk_err_set(err, EINVAL, "%s: pfn 0x%llx: zero pages are shared only at dump "
				   "levels with bit 0 (exclude zero pages)", w->out->name,
				   (unsigned long long)pfn);
	if ((rc = check_next_page(w, pfn, err)) < 0)
		return rc;
	add_desc(w, pfn, w->zero_page_offset, w->page_size, 0);
	return 0;
}

int kdk_diskdump_write_unreadable_page(struct kdk_diskdump_writer *w, uint64_t pfn,
				       struct kdk_err *err)
{
	int rc;

	if ((rc = check_next_page(w, pfn, err)) < 0)
		return rc;
	add_desc(w, pfn, 0, 0, 0);
	return 0;
}

static void free_writer(struct kdk_diskdump_writer *w)
{
	free(w->descs);
	free(w->data);
	free(w->zeros);
	free(w);
}

int kdk_diskdump_write_finish(struct kdk_diskdump_writer *w, struct kdk_err *err)
{
	const char *name = w->out->name;
	int rc;

	if ((rc = check_usable(w, err)) < 0)
		goto out;
	if (w->next_bitmap_pfn != w->max_pfn) {
		rc = kdk_err_set(err, EINVAL, "%s: bitmaps written up to pfn 0x%llx of 0x%llx", name,
				 (unsigned long long)w->next_bitmap_pfn, (unsigned long long)w->max_pfn);
		goto out;
	}
	if (w->dumped_bits != w->pages_to_dump || w->pages_written != w->pages_to_dump) {
		rc = kdk_err_set(err, EINVAL, "%s: %llu pages announced, %llu set in the second bitmap, "
				 "%llu written", name, (unsigned long long)w->pages_to_dump,
				 (unsigned long long)w->dumped_bits, (unsigned long long)w->pages_written);
		goto out;
	}
	if ((rc = flush_descs(w, err)) < 0 || (rc = kdk_out_sync(w->out, err)) < 0)
		goto out;
	/* Only now, with every page durable, does the header stop saying "incomplete". */
	w->header.status &= ~KDK_DH_COMPRESSED_INCOMPLETE;
	if ((rc = out_write(w, 0, &w->header, sizeof(w->header), err)) < 0)
		goto out;
	rc = kdk_out_sync(w->out, err);
out:
	free_writer(w);
	return rc;
}

void kdk_diskdump_write_abort(struct kdk_diskdump_writer *w)
{
	if (w)
		free_writer(w);
}

uint64_t kdk_diskdump_write_size(const struct kdk_diskdump_writer *w)
{
	return w->next_data_offset;
}
