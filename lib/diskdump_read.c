/* diskdump_read.c — reading kdump-compressed dumps: headers and bitmaps checked against the file,
 * pfn → descriptor by a rank index over the second bitmap, pages decompressed with page_codec. */
#include "diskdump_read.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flattened.h"
#include "page_codec.h"

/* Limits on what a header may ask us to allocate: far above anything real (a VMCOREINFO is one
 * page, notes are ~1 KiB per CPU), low enough that a corrupt size cannot exhaust memory. */
#define MAX_NOTES_SIZE (64u << 20)
#define MAX_VMCOREINFO_SIZE (16u << 20)
/* Words of the second bitmap per rank entry: 8 × 64 = 512 pfns. */
#define RANK_WORDS 8
/* Bytes of the first bitmap scanned at a time while building the pfn ranges. */
#define BITMAP_CHUNK (64u << 10)

struct diskdump {
	struct kdk_diskdump_source src;
	struct kdk_disk_dump_header header;
	struct kdk_kdump_sub_header sub;
	uint32_t block_size;
	uint64_t max_pfn;
	uint64_t bitmap1_offset, bitmap2_offset, bitmap_len;
	uint64_t desc_offset;        /* first page descriptor */
	uint64_t pages_dumped;       /* bits set in the second bitmap */
	uint64_t data_offset;        /* page data starts after the descriptor table */
	bool incomplete;             /* KDK_DH_COMPRESSED_INCOMPLETE: lost pages are ENOENT */
	char excluded[96];           /* what the dump level leaves out, "" for level 0: named once
				      * here for the message of every page it left out */
	uint64_t *dumped;            /* the second bitmap, one bit per pfn, as words */
	uint64_t *rank;              /* bits set before word RANK_WORDS × i */
	struct kdk_page_codec *codec;
	unsigned char *stored;       /* one page's stored (compressed) bytes */
};

static void name_excluded(struct diskdump *dd);

static int src_read(struct diskdump *dd, uint64_t offset, void *buf,
		    size_t len, const char *what, struct kdk_err *err)
{
	if (offset > dd->src.size || len > dd->src.size - offset)
		return kdk_err_set(err, EIO, "%s at offset 0x%llx (%zu bytes) runs past the end of the "
				   "file (0x%llx)", what, (unsigned long long)offset, len,
				   (unsigned long long)dd->src.size);
	return dd->src.read(dd->src.ctx, offset, buf, len, err);
}

static int pread_source(void *ctx, uint64_t offset, void *buf, size_t len, struct kdk_err *err)
{
	const struct kdk_dump *dump = ctx;
	unsigned char *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(dump->fd, p + done, len - done, (off_t)(offset + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kdk_err_sys(err, errno, "read at offset 0x%llx failed", (unsigned long long)(offset + done));
		if (n == 0)
			return kdk_err_set(err, EIO, "unexpected end of file at offset 0x%llx", (unsigned long long)(offset + done));
		done += (size_t)n;
	}
	return 0;
}

static int probe(const unsigned char *head, size_t head_len)
{
	return head_len >= KDK_DISKDUMP_SIG_LEN &&
	       memcmp(head, KDK_DISKDUMP_SIGNATURE, KDK_DISKDUMP_SIG_LEN) == 0;
}

static void free_diskdump(struct diskdump *dd)
{
	if (!dd)
		return;
	if (dd->src.release)
		dd->src.release(dd->src.ctx);
	free(dd->dumped);
	free(dd->rank);
	kdk_page_codec_free(dd->codec);
	free(dd->stored);
	free(dd);
}

/* The generic fields this reader fills: freed and cleared, so a later generic clean-up finds
 * nothing twice. */
static void clear_dump_fields(struct kdk_dump *dump)
{
	free(dump->notes);
	dump->notes = NULL;
	dump->notes_size = 0;
	kdk_array_free(&dump->note_index);
	free(dump->vmcoreinfo);
	dump->vmcoreinfo = NULL;
	dump->vmcoreinfo_size = 0;
	kdk_array_free(&dump->ranges);
}

void kdk_diskdump_close(struct kdk_dump *dump)
{
	free_diskdump(dump->format_data);
	dump->format_data = NULL;
	clear_dump_fields(dump);
}

/* The main header's own fields, before anything is read through them. */
static int check_header(struct diskdump *dd, struct kdk_err *err)
{
	const struct kdk_disk_dump_header *h = &dd->header;
	uint64_t bs = (uint64_t)(uint32_t)h->block_size;

	if (h->header_version < 0 || h->header_version > 1000)
		return kdk_err_set(err, EINVAL, "header version %d (a big-endian dump?)", h->header_version);
	if (h->block_size < 1024 || h->block_size > (1 << 20) || (bs & (bs - 1)))
		return kdk_err_set(err, EINVAL, "block size %d is not a power of two in 1 KiB…1 MiB",
				   h->block_size);
	if (h->sub_hdr_size < 0)
		return kdk_err_set(err, EINVAL, "negative sub-header size %d", h->sub_hdr_size);
	if (h->bitmap_blocks == 0 || h->bitmap_blocks % 2)
		return kdk_err_set(err, EINVAL, "%u bitmap blocks: a kdump-compressed file has two "
				   "bitmaps of equal size", h->bitmap_blocks);
	dd->block_size = (uint32_t)bs;
	return 0;
}

/* Block offsets of the bitmaps and descriptors, checked against the file and max_pfn. */
static int check_layout(struct diskdump *dd, struct kdk_err *err)
{
	uint64_t bs = dd->block_size;

	dd->bitmap_len = (uint64_t)dd->header.bitmap_blocks / 2 * bs;
	dd->bitmap1_offset = (KDK_DISKDUMP_HEADER_BLOCKS + (uint64_t)dd->header.sub_hdr_size) * bs;
	dd->bitmap2_offset = dd->bitmap1_offset + dd->bitmap_len;
	dd->desc_offset = dd->bitmap2_offset + dd->bitmap_len;
	if (dd->desc_offset > dd->src.size)
		return kdk_err_set(err, EIO, "headers and bitmaps end at 0x%llx, past the end of the "
				   "file (0x%llx)", (unsigned long long)dd->desc_offset,
				   (unsigned long long)dd->src.size);
	if (dd->max_pfn == 0 || dd->max_pfn > dd->bitmap_len * 8)
		return kdk_err_set(err, EINVAL, "max_mapnr 0x%llx does not fit bitmaps of %llu bytes",
				   (unsigned long long)dd->max_pfn,
				   (unsigned long long)dd->bitmap_len);
	return 0;
}

/* The sub-header, with the fields its header_version predates cleared. */
static int read_sub_header(struct diskdump *dd, struct kdk_err *err)
{
	struct kdk_kdump_sub_header *s = &dd->sub;
	uint64_t area = (uint64_t)dd->header.sub_hdr_size * dd->block_size;
	size_t len = area < sizeof(*s) ? (size_t)area : sizeof(*s);
	int version = dd->header.header_version;
	int rc;

	memset(s, 0, sizeof(*s));
	if (len && (rc = src_read(dd, dd->block_size, s, len, "sub-header", err)) < 0)
		return rc;
	if (version < 1)
		s->dump_level = 0;
	if (version < 2)
		s->split = 0, s->start_pfn = s->end_pfn = 0;
	if (version < 3)
		s->offset_vmcoreinfo = 0, s->size_vmcoreinfo = 0;
	if (version < 4)
		s->offset_note = 0, s->size_note = 0;
	if (version < 5)
		s->offset_eraseinfo = 0, s->size_eraseinfo = 0;
	if (version < 6)
		s->start_pfn_64 = s->end_pfn_64 = s->max_mapnr_64 = 0;
	/* 64-bit pfn limit from version 6 on; the header's 32-bit copy before (or if left 0). */
	dd->max_pfn = s->max_mapnr_64 ? s->max_mapnr_64 : dd->header.max_mapnr;
	return 0;
}

/* A blob of the sub-header area (notes, VMCOREINFO) into a fresh NUL-terminated buffer. */
static int read_blob(struct diskdump *dd, int64_t offset, uint64_t size,
		     uint64_t limit, const char *what, char **out, struct kdk_err *err)
{
	char *buf;
	int rc;

	*out = NULL;
	if (offset <= 0 || (uint64_t)offset > dd->src.size || size > dd->src.size - (uint64_t)offset)
		return kdk_err_set(err, EIO, "%s at offset 0x%llx (%llu bytes) is outside the file "
				   "(0x%llx bytes)", what, (unsigned long long)offset,
				   (unsigned long long)size, (unsigned long long)dd->src.size);
	if (size > limit)
		return kdk_err_set(err, EINVAL, "%s of %llu bytes at offset 0x%llx is implausibly "
				   "large", what, (unsigned long long)size,
				   (unsigned long long)offset);
	buf = malloc(size + 1);
	if (!buf)
		return kdk_err_set(err, ENOMEM, "out of memory for %s", what);
	if ((rc = src_read(dd, (uint64_t)offset, buf, size, what, err)) < 0) {
		free(buf);
		return rc;
	}
	buf[size] = '\0';
	*out = buf;
	return 0;
}

static int read_notes_and_vmcoreinfo(struct diskdump *dd, struct kdk_dump *dump,
				     struct kdk_err *err)
{
	const struct kdk_kdump_sub_header *s = &dd->sub;
	char *buf;
	int rc;

	if (s->size_note > 0) {
		if ((rc = read_blob(dd, s->offset_note, s->size_note, MAX_NOTES_SIZE, "ELF notes",
				    &buf, err)) < 0)
			return rc;
		dump->notes = buf;
		dump->notes_size = s->size_note;
		if ((rc = kdk_notes_parse(dump->notes, dump->notes_size, &dump->note_index, err)) < 0)
			return kdk_err_prefix(err, "ELF notes at offset 0x%llx: ", (unsigned long long)s->offset_note);
	}
	if (s->size_vmcoreinfo > 0) {
		if ((rc = read_blob(dd, s->offset_vmcoreinfo, s->size_vmcoreinfo,
				    MAX_VMCOREINFO_SIZE, "VMCOREINFO", &buf, err)) < 0)
			return rc;
		dump->vmcoreinfo = buf;
		dump->vmcoreinfo_size = strnlen(buf, s->size_vmcoreinfo);
		return 0;
	}
	/* No pointer in the sub-header (header_version < 3): the VMCOREINFO note, if any. */
	return kdk_dump_take_vmcoreinfo(dump, err);
}

static int add_range(struct kdk_dump *dump, uint64_t start, uint64_t end, struct kdk_err *err)
{
	struct kdk_pfn_range *r = kdk_array_push(&dump->ranges, err);

	if (!r)
		return kdk_err_prefix(err, "pfn ranges: ");
	r->start_pfn = start;
	r->end_pfn = end;
	return 0;
}

/* dump->ranges from the first bitmap, read a chunk at a time. */
static int read_ranges(struct diskdump *dd, struct kdk_dump *dump, struct kdk_err *err)
{
	uint64_t bytes = (dd->max_pfn + 7) / 8, pos, run_start = 0;
	bool in_run = false;
	unsigned char *chunk;
	int rc = 0;

	chunk = malloc(BITMAP_CHUNK);
	if (!chunk)
		return kdk_err_set(err, ENOMEM, "out of memory for the first bitmap");
	for (pos = 0; pos < bytes && rc == 0; pos += BITMAP_CHUNK) {
		size_t len = bytes - pos < BITMAP_CHUNK ? (size_t)(bytes - pos) : BITMAP_CHUNK;
		if ((rc = src_read(dd, dd->bitmap1_offset + pos, chunk, len, "first bitmap",
				   err)) < 0)
			break;
		for (size_t i = 0; i < len && rc == 0; i++) {
			unsigned char byte = chunk[i];
			uint64_t pfn = (pos + i) * 8;
			if ((byte == 0xff && in_run) || (byte == 0 && !in_run))
				continue;
			for (unsigned b = 0; b < 8 && pfn + b < dd->max_pfn; b++) {
				bool set = byte & (1u << b);
				if (set && !in_run) {
					run_start = pfn + b;
					in_run = true;
				} else if (!set && in_run) {
					rc = add_range(dump, run_start, pfn + b, err);
					in_run = false;
				}
			}
		}
	}
	if (rc == 0 && in_run)
		rc = add_range(dump, run_start, dd->max_pfn, err);
	free(chunk);
	return rc;
}

/* The second bitmap in memory with its rank index: descriptor of pfn = bits set below it. */
static int read_dumped_bitmap(struct diskdump *dd, struct kdk_err *err)
{
	uint64_t words = (dd->max_pfn + 63) / 64, bytes = (dd->max_pfn + 7) / 8, count = 0;
	uint64_t blocks = words / RANK_WORDS + 1;
	int rc;

	dd->dumped = calloc(words, sizeof(uint64_t));
	dd->rank = calloc(blocks, sizeof(uint64_t));
	if (!dd->dumped || !dd->rank)
		return kdk_err_set(err, ENOMEM, "out of memory for the second bitmap (%llu bytes)",
				   (unsigned long long)bytes);
	if ((rc = src_read(dd, dd->bitmap2_offset, dd->dumped, bytes, "second bitmap", err)) < 0)
		return rc;
	/* Bits past max_pfn mean nothing; a writer may have left them set. */
	if (dd->max_pfn % 64)
		dd->dumped[words - 1] &= (UINT64_C(1) << (dd->max_pfn % 64)) - 1;
	for (uint64_t w = 0; w < words; w++) {
		if (w % RANK_WORDS == 0)
			dd->rank[w / RANK_WORDS] = count;
		count += (uint64_t)__builtin_popcountll(dd->dumped[w]);
	}
	dd->pages_dumped = count;
	dd->data_offset = dd->desc_offset + count * sizeof(struct kdk_page_desc);
	if (dd->data_offset > dd->src.size && !dd->incomplete)
		return kdk_err_set(err, EIO, "%llu page descriptors at 0x%llx run past the end of the "
				   "file (0x%llx)", (unsigned long long)count,
				   (unsigned long long)dd->desc_offset, (unsigned long long)dd->src.size);
	return 0;
}

int kdk_diskdump_open_source(struct kdk_dump *dump, const struct kdk_diskdump_source *src,
			     struct kdk_err *err)
{
	struct diskdump *dd;
	int rc;

	dd = calloc(1, sizeof(*dd));
	if (!dd) {
		if (src->release)
			src->release(src->ctx);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	dd->src = *src;
	dump->format_data = dd;
	kdk_array_init(&dump->ranges, sizeof(struct kdk_pfn_range));
	kdk_array_init(&dump->note_index, sizeof(struct kdk_dump_note));

	if ((rc = src_read(dd, 0, &dd->header, sizeof(dd->header), "main header", err)) < 0)
		goto fail;
	if (memcmp(dd->header.signature, KDK_DISKDUMP_SIGNATURE, KDK_DISKDUMP_SIG_LEN) != 0) {
		rc = kdk_err_set(err, EINVAL, "no \"KDUMP   \" signature");
		goto fail;
	}
	dd->incomplete = (dd->header.status & KDK_DH_COMPRESSED_INCOMPLETE) != 0;
	if ((rc = check_header(dd, err)) < 0 ||
	    (rc = read_sub_header(dd, err)) < 0 ||
	    (rc = check_layout(dd, err)) < 0 ||
	    (rc = read_dumped_bitmap(dd, err)) < 0 ||
	    (rc = read_ranges(dd, dump, err)) < 0 ||
	    (rc = read_notes_and_vmcoreinfo(dd, dump, err)) < 0)
		goto fail;
	name_excluded(dd);
	if ((rc = kdk_page_codec_new(&dd->codec, KDK_CODEC_NONE, dd->block_size, err)) < 0)
		goto fail;
	dd->stored = malloc(dd->block_size);
	if (!dd->stored) {
		rc = kdk_err_set(err, ENOMEM, "out of memory for a page buffer");
		goto fail;
	}
	dump->page_size = dd->block_size;
	dump->max_pfn = dd->max_pfn;
	return 0;
fail:
	kdk_diskdump_close(dump);
	return rc;
}

static int open_file(struct kdk_dump *dump, struct kdk_err *err)
{
	struct kdk_diskdump_source src = { .read = pread_source, .ctx = dump };
	struct stat st;

	if (fstat(dump->fd, &st) < 0)
		return kdk_err_sys(err, errno, "fstat failed");
	dump->file_size = (uint64_t)st.st_size;
	src.size = dump->file_size;
	return kdk_diskdump_open_source(dump, &src, err);
}

static uint64_t rank_of(const struct diskdump *dd, uint64_t pfn)
{
	uint64_t word = pfn / 64, n = dd->rank[word / RANK_WORDS];

	for (uint64_t w = word - word % RANK_WORDS; w < word; w++)
		n += (uint64_t)__builtin_popcountll(dd->dumped[w]);
	return n + (uint64_t)__builtin_popcountll(dd->dumped[word] & ((UINT64_C(1) << (pfn % 64)) - 1));
}

static bool is_dumped(const struct diskdump *dd, uint64_t pfn)
{
	return pfn < dd->max_pfn && (dd->dumped[pfn / 64] >> (pfn % 64)) & 1;
}

/* What the dump level leaves out, in words (makedumpfile's bits: 1 zero pages, 2 page cache
 * without private data, 4 page cache, 8 user pages, 16 free pages), into dd->excluded. */
static void name_excluded(struct diskdump *dd)
{
	static const struct { int bit; const char *name; } excluded[] = {
		{ 1, "zero" }, { 4, "page cache" }, { 2, "page cache without private data" },
		{ 8, "user" }, { 16, "free" },
	};
	int level = dd->sub.dump_level;
	size_t len = 0;

	dd->excluded[0] = '\0';
	for (size_t i = 0; level > 0 && i < sizeof(excluded) / sizeof(excluded[0]); i++) {
		if (!(level & excluded[i].bit) || (excluded[i].bit == 2 && (level & 4)))
			continue;
		len += (size_t)snprintf(dd->excluded + len, sizeof(dd->excluded) - len, "%s%s",
					len ? ", " : "", excluded[i].name);
	}
}

/* Why a pfn has no page: a hole in the crashed kernel's memory, or memory the dump left out. */
static int not_dumped(const struct kdk_dump *dump, const struct diskdump *dd, uint64_t pfn,
		      struct kdk_err *err)
{
	unsigned long long lpfn = (unsigned long long)pfn;

	if (!dd->excluded[0] || !kdk_dump_describes(dump, pfn))
		return kdk_err_set(err, ENOENT, "%s: pfn 0x%llx is not in the dump", dump->path, lpfn);
	return kdk_err_set(err, ENOENT, "%s: pfn 0x%llx is not in the dump: it is memory the dump "
			   "left out (dump level %d: %s pages)", dump->path, lpfn, dd->sub.dump_level,
			   dd->excluded);
}

int kdk_diskdump_read_page(struct kdk_dump *dump, uint64_t pfn, void *buf, struct kdk_err *err)
{
	struct diskdump *dd = dump->format_data;
	unsigned long long desc_at, lpfn = (unsigned long long)pfn;
	struct kdk_page_desc desc;
	int rc;

	if (!is_dumped(dd, pfn))
		return not_dumped(dump, dd, pfn, err);
	desc_at = dd->desc_offset + rank_of(dd, pfn) * sizeof(desc);
	/* An incomplete dump lost its tail: descriptors past the end, or zero, mean "not saved". */
	if (desc_at + sizeof(desc) > dd->src.size) {
		if (dd->incomplete)
			return kdk_err_set(err, ENOENT, "%s: pfn 0x%llx was not saved (incomplete dump)",
					   dump->path, lpfn);
		return kdk_err_set(err, EIO, "%s: pfn 0x%llx: page descriptor at offset 0x%llx is past the "
				   "end of the file", dump->path, lpfn, desc_at);
	}
	if ((rc = dd->src.read(dd->src.ctx, desc_at, &desc, sizeof(desc), err)) < 0)
		return kdk_err_prefix(err, "%s: pfn 0x%llx: page descriptor: ", dump->path, lpfn);
	if (desc.offset == 0 && dd->incomplete)
		return kdk_err_set(err, ENOENT, "%s: pfn 0x%llx was not saved (incomplete dump, or "
				   "unreadable when saved)", dump->path, lpfn);
	/* Offset 0 in a complete dump: the page could not be read when the dump was saved
	 * (docs/formats/kdump-compressed.md; crash says "page incomplete" for it). */
	if (desc.offset == 0 && desc.size == 0)
		return kdk_err_set(err, EIO, "%s: pfn 0x%llx could not be read when the dump was saved "
				   "(page descriptor at offset 0x%llx marks it unreadable)", dump->path,
				   lpfn, desc_at);
	if (desc.offset < 0 || (uint64_t)desc.offset < dd->data_offset || desc.size == 0 ||
	    desc.size > dd->block_size)
		return kdk_err_set(err, EIO, "%s: pfn 0x%llx: corrupt page descriptor at offset 0x%llx "
				   "(data offset 0x%llx, size %u; data area starts at 0x%llx, pages "
				   "are at most %u bytes)", dump->path, lpfn, desc_at,
				   (unsigned long long)desc.offset, desc.size,
				   (unsigned long long)dd->data_offset, dd->block_size);
	if ((uint64_t)desc.offset + desc.size > dd->src.size) {
		if (dd->incomplete)
			return kdk_err_set(err, ENOENT, "%s: pfn 0x%llx was not saved (incomplete dump)",
					   dump->path, lpfn);
		return kdk_err_set(err, EIO, "%s: pfn 0x%llx: page descriptor at offset 0x%llx points at "
				   "0x%llx + %u bytes, past the end of the file (0x%llx)", dump->path,
				   lpfn, desc_at, (unsigned long long)desc.offset, desc.size,
				   (unsigned long long)dd->src.size);
	}
	if ((rc = dd->src.read(dd->src.ctx, (uint64_t)desc.offset, dd->stored, desc.size, err)) < 0)
		return kdk_err_prefix(err, "%s: pfn 0x%llx: page data: ", dump->path, lpfn);
	if ((rc = kdk_page_decompress(dd->codec, desc.flags, dd->stored, desc.size, buf, err)) < 0)
		return kdk_err_prefix(err, "%s: pfn 0x%llx: page data at offset 0x%llx (descriptor at "
				      "0x%llx): ", dump->path, lpfn, (unsigned long long)desc.offset,
				      desc_at);
	return 0;
}

static const struct diskdump *diskdump_of(const struct kdk_dump *dump)
{
	if (dump->format != &kdk_format_diskdump && dump->format != &kdk_format_flattened)
		return NULL;
	return dump->format_data;
}

const struct kdk_disk_dump_header *kdk_diskdump_header(const struct kdk_dump *dump)
{
	const struct diskdump *dd = diskdump_of(dump);
	return dd ? &dd->header : NULL;
}

const struct kdk_kdump_sub_header *kdk_diskdump_sub_header(const struct kdk_dump *dump)
{
	const struct diskdump *dd = diskdump_of(dump);
	return dd ? &dd->sub : NULL;
}

int kdk_diskdump_pfn_dumped(const struct kdk_dump *dump, uint64_t pfn)
{
	const struct diskdump *dd = diskdump_of(dump);
	if (!dd)
		return -EINVAL;
	return is_dumped(dd, pfn);
}

const struct kdk_dump_format kdk_format_diskdump = {
	.name = "kdump-compressed",
	.probe = probe,
	.open = open_file,
	.read_page = kdk_diskdump_read_page,
	.close = kdk_diskdump_close,
};
