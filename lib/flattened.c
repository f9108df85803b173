/* flattened.c — the flattened stream: records out of positioned writes, records back into a
 * seekable file, and an index of a flattened file's records so the diskdump reader can use it. */
#include "flattened.h"

#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diskdump_format.h"
#include "diskdump_read.h"

/* Data bytes copied at a time while reassembling. */
#define COPY_CHUNK (1u << 20)

static bool is_end_marker(int64_t offset, int64_t size)
{
	return offset == KDK_FLAT_END && size == KDK_FLAT_END;
}

/* The start block's checks, as makedumpfile -R makes them: signature and type (the version
 * is not checked by anyone; 1 is the only one written). */
static int check_start_header(const unsigned char *block, struct kdk_err *err)
{
	struct kdk_flat_header h;

	memcpy(&h, block, sizeof(h));
	if (memcmp(h.signature, KDK_FLAT_SIGNATURE, sizeof(KDK_FLAT_SIGNATURE)) != 0)
		return kdk_err_set(err, EINVAL, "no \"makedumpfile\" signature: not a flattened stream");
	if ((int64_t)be64toh((uint64_t)h.type) != KDK_FLAT_TYPE)
		return kdk_err_set(err, EINVAL, "flattened stream of type %lld, not %d",
				   (long long)(int64_t)be64toh((uint64_t)h.type), KDK_FLAT_TYPE);
	return 0;
}

/* ---- the sink ---- */

struct flat_out {
	struct kdk_out out;    /* first: the sink is the flat_out */
	char *name;
	int fd;
	struct kdk_out *stream;  /* instead of fd: a sequential sink we own (an SSH channel) */
	uint64_t position;     /* bytes written to the stream so far, for messages */
};

static int stream_write(struct flat_out *f, const void *buf, size_t len, struct kdk_err *err)
{
	int rc = f->stream ? kdk_out_write(f->stream, f->position, buf, len, err)
			   : kdk_write_full(f->fd, f->name, f->position, buf, len, err);
	if (rc == 0)
		f->position += len;
	return rc;
}

static int flat_write_at(struct kdk_out *out, uint64_t offset, const void *buf, size_t len,
			 struct kdk_err *err)
{
	struct flat_out *f = (struct flat_out *)out;
	struct kdk_flat_record rec;
	int rc;

	/* makedumpfile -R stops at a record of size 0: never write one. */
	if (len == 0)
		return 0;
	rec.offset = (int64_t)htobe64(offset);
	rec.size = (int64_t)htobe64((uint64_t)len);
	if ((rc = stream_write(f, &rec, sizeof(rec), err)) < 0)
		return rc;
	return stream_write(f, buf, len, err);
}

static int flat_finish(struct kdk_out *out, struct kdk_err *err)
{
	struct flat_out *f = (struct flat_out *)out;
	struct kdk_flat_record end = { .offset = (int64_t)htobe64((uint64_t)(int64_t)KDK_FLAT_END),
				       .size = (int64_t)htobe64((uint64_t)(int64_t)KDK_FLAT_END) };

	int rc = stream_write(f, &end, sizeof(end), err);

	if (rc == 0 && f->stream)
		rc = kdk_out_finish(f->stream, err);
	return rc;
}

static void flat_release(struct kdk_out *out)
{
	struct flat_out *f = (struct flat_out *)out;

	kdk_out_release(f->stream);
	free(f->name);
	free(f);
}

static int flat_open(struct kdk_out **out, int fd, struct kdk_out *stream, const char *name,
		     struct kdk_err *err)
{
	unsigned char block[KDK_FLAT_HEADER_SIZE];
	struct kdk_flat_header h;
	struct flat_out *f;
	int rc;

	*out = NULL;
	f = calloc(1, sizeof(*f));
	if (!f || !(f->name = strdup(name))) {
		free(f);
		kdk_out_release(stream);
		return kdk_err_set(err, ENOMEM, "%s: out of memory", name);
	}
	f->fd = fd;
	f->stream = stream;
	f->out.name = f->name;
	f->out.write_at = flat_write_at;
	f->out.finish = flat_finish;
	f->out.release = flat_release;

	memset(&h, 0, sizeof(h));
	memcpy(h.signature, KDK_FLAT_SIGNATURE, sizeof(KDK_FLAT_SIGNATURE) - 1);
	h.type = (int64_t)htobe64(KDK_FLAT_TYPE);
	h.version = (int64_t)htobe64(KDK_FLAT_VERSION);
	memset(block, 0, sizeof(block));
	memcpy(block, &h, sizeof(h));
	if ((rc = stream_write(f, block, sizeof(block), err)) < 0) {
		flat_release(&f->out);
		return rc;
	}
	*out = &f->out;
	return 0;
}

int kdk_flat_out_open(struct kdk_out **out, int fd, const char *name, struct kdk_err *err)
{
	return flat_open(out, fd, NULL, name, err);
}

int kdk_flat_out_wrap(struct kdk_out **out, struct kdk_out *stream, struct kdk_err *err)
{
	return flat_open(out, -1, stream, stream->name, err);
}

/* ---- the reassembler ---- */

/* Exactly len bytes of the stream, or an error saying the stream was cut. */
static int stream_read(int fd, const char *name, uint64_t *position, void *buf, size_t len,
		       const char *what, struct kdk_err *err)
{
	size_t got;
	int rc = kdk_read_full(fd, name, *position, buf, len, &got, err);

	if (rc < 0)
		return rc;
	if (got < len)
		return kdk_err_set(err, EIO, "%s: stream ends inside %s at offset 0x%llx (%zu of %zu bytes)",
				   name, what, (unsigned long long)(*position + got), got, len);
	*position += len;
	return 0;
}

int kdk_flat_reassemble(int in_fd, const char *in_name, struct kdk_out *out,
			struct kdk_flat_stats *stats, struct kdk_err *err)
{
	unsigned char block[KDK_FLAT_HEADER_SIZE];
	struct kdk_flat_stats counted = { 0 };
	struct kdk_flat_record rec;
	uint64_t position = 0;
	unsigned char *buf;
	int rc;

	if ((rc = stream_read(in_fd, in_name, &position, block, sizeof(block), "the start block",
			      err)) < 0)
		return rc;
	if ((rc = check_start_header(block, err)) < 0)
		return kdk_err_prefix(err, "%s: ", in_name);
	buf = malloc(COPY_CHUNK);
	if (!buf)
		return kdk_err_set(err, ENOMEM, "%s: out of memory", in_name);
	for (;;) {
		uint64_t record_at = position, done = 0;
		int64_t offset, size;
		size_t got;

		if ((rc = kdk_read_full(in_fd, in_name, position, &rec, sizeof(rec), &got, err)) < 0)
			break;
		if (got == 0) {
			rc = kdk_err_set(err, EIO, "%s: stream ends at offset 0x%llx without the end marker "
					 "(after %llu records): the sender did not finish", in_name,
					 (unsigned long long)position, (unsigned long long)counted.records);
			break;
		}
		if (got < sizeof(rec)) {
			rc = kdk_err_set(err, EIO, "%s: stream ends inside a record header at offset 0x%llx",
					 in_name, (unsigned long long)(position + got));
			break;
		}
		position += sizeof(rec);
		offset = (int64_t)be64toh((uint64_t)rec.offset);
		size = (int64_t)be64toh((uint64_t)rec.size);
		if (is_end_marker(offset, size))
			break;
		if (offset < 0 || size < 0 || (uint64_t)size > (uint64_t)INT64_MAX - (uint64_t)offset) {
			rc = kdk_err_set(err, EINVAL, "%s: record at offset 0x%llx has offset %lld and size "
					 "%lld", in_name, (unsigned long long)record_at, (long long)offset,
					 (long long)size);
			break;
		}
		while (done < (uint64_t)size) {
			size_t n = (uint64_t)size - done < COPY_CHUNK ? (size_t)((uint64_t)size - done)
								       : COPY_CHUNK;
			if ((rc = stream_read(in_fd, in_name, &position, buf, n, "record data", err)) < 0 ||
			    (rc = kdk_out_write(out, (uint64_t)offset + done, buf, n, err)) < 0)
				goto out;
			done += n;
		}
		counted.records += size > 0;
		counted.bytes += (uint64_t)size;
	}
out:
	free(buf);
	if (stats)
		*stats = counted;
	return rc;
}

/* ---- reading a flattened file in place ---- */

/* A run of the reassembled image held contiguously in the flattened file. */
struct flat_extent {
	uint64_t offset;      /* in the reassembled image */
	uint64_t size;
	uint64_t file_pos;    /* in the flattened file */
	uint64_t seq;         /* record number: a later record overwrites an earlier one */
};

struct flat_index {
	const struct kdk_dump *dump;
	struct kdk_array extents;   /* struct flat_extent, sorted by offset, not overlapping */
	uint64_t size;              /* of the reassembled image */
};

static int probe(const unsigned char *head, size_t head_len)
{
	return head_len >= sizeof(struct kdk_flat_header) &&
	       check_start_header(head, NULL) == 0;
}

static int cmp_extent(const void *a, const void *b)
{
	const struct flat_extent *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The part [from, to) of extent e. */
static struct flat_extent cut(const struct flat_extent *e, uint64_t from, uint64_t to)
{
	struct flat_extent piece = *e;

	piece.offset = from;
	piece.size = to - from;
	piece.file_pos = e->file_pos + (from - e->offset);
	return piece;
}

static int push_extent(struct kdk_array *arr, const struct flat_extent *e, struct kdk_err *err)
{
	struct flat_extent *slot;

	if (e->size == 0)
		return 0;
	if (!(slot = kdk_array_push(arr, err)))
		return -ENOMEM;
	*slot = *e;
	return 0;
}

/* Add record r (records come sorted by offset) to the non-overlapping extents: where r overlaps
 * extents already there, the later record wins, as when the records are applied in order. */
static int add_record(struct kdk_array *extents, const struct flat_extent *r, struct kdk_array *tmp,
		      struct kdk_err *err)
{
	uint64_t r_end = r->offset + r->size, covered = r->offset;
	size_t first = extents->len;
	int rc = 0;

	while (first > 0) {
		const struct flat_extent *e = kdk_array_at(extents, first - 1);
		if (e->offset + e->size <= r->offset)
			break;
		first--;
	}
	if (first == extents->len)
		return push_extent(extents, r, err);

	/* Rebuild the overlapped tail in tmp, in offset order, then put it back. */
	tmp->len = 0;
	for (size_t i = first; i < extents->len && rc == 0; i++) {
		struct flat_extent e = *(struct flat_extent *)kdk_array_at(extents, i);
		uint64_t e_end = e.offset + e.size;
		uint64_t lo = e.offset > r->offset ? e.offset : r->offset;
		uint64_t hi = e_end < r_end ? e_end : r_end;
		struct flat_extent before = cut(&e, e.offset, e.offset < r->offset ? r->offset : e.offset);

		if ((rc = push_extent(tmp, &before, err)) < 0)
			break;
		if (covered < lo && covered < r_end) {   /* a gap between extents: r's */
			struct flat_extent gap = cut(r, covered, lo < r_end ? lo : r_end);
			if ((rc = push_extent(tmp, &gap, err)) < 0)
				break;
		}
		if (lo < hi) {
			struct flat_extent mid = e.seq > r->seq ? cut(&e, lo, hi) : cut(r, lo, hi);
			if ((rc = push_extent(tmp, &mid, err)) < 0)
				break;
		}
		if (hi > covered)
			covered = hi;
		if (e_end > r_end) {
			struct flat_extent after = cut(&e, e.offset > r_end ? e.offset : r_end, e_end);
			if ((rc = push_extent(tmp, &after, err)) < 0)
				break;
		}
	}
	if (rc == 0 && covered < r_end) {
		struct flat_extent rest = cut(r, covered, r_end);
		rc = push_extent(tmp, &rest, err);
	}
	if (rc < 0)
		return rc;
	extents->len = first;
	for (size_t i = 0; i < tmp->len && rc == 0; i++)
		rc = push_extent(extents, kdk_array_at(tmp, i), err);
	return rc;
}

static int read_record_header(const struct kdk_dump *dump, uint64_t pos,
			      struct kdk_flat_record *rec, struct kdk_err *err)
{
	ssize_t n;

	do
		n = pread(dump->fd, rec, sizeof(*rec), (off_t)pos);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return kdk_err_sys(err, errno, "read at offset 0x%llx failed", (unsigned long long)pos);
	if ((size_t)n < sizeof(*rec))
		return kdk_err_set(err, EIO, "flattened stream ends at offset 0x%llx without the end "
				   "marker (truncated: reassemble what there is with dumpsave -R)",
				   (unsigned long long)(pos + (uint64_t)n));
	rec->offset = (int64_t)be64toh((uint64_t)rec->offset);
	rec->size = (int64_t)be64toh((uint64_t)rec->size);
	return 0;
}

/* Walk every record header of the file, then sort and resolve overlaps into extents. */
static int build_index(struct flat_index *idx, const struct kdk_dump *dump, struct kdk_err *err)
{
	struct kdk_array records = KDK_ARRAY_INIT(struct flat_extent);
	struct kdk_array tmp = KDK_ARRAY_INIT(struct flat_extent);
	uint64_t pos = KDK_FLAT_HEADER_SIZE, seq = 0;
	int rc = 0;

	for (;;) {
		struct kdk_flat_record rec;
		struct flat_extent *e;

		if ((rc = read_record_header(dump, pos, &rec, err)) < 0)
			goto out;
		if (is_end_marker(rec.offset, rec.size))
			break;
		if (rec.offset < 0 || rec.size < 0 ||
		    (uint64_t)rec.size > (uint64_t)INT64_MAX - (uint64_t)rec.offset ||
		    (uint64_t)rec.size > dump->file_size - pos - sizeof(rec)) {
			rc = kdk_err_set(err, EIO, "flattened record at offset 0x%llx (offset %lld, size "
					 "%lld) runs past the end of the file (0x%llx)", (unsigned long long)pos, (long long)rec.offset, (long long)rec.size,
					 (unsigned long long)dump->file_size);
			goto out;
		}
		if (rec.size > 0) {
			if (!(e = kdk_array_push(&records, err))) {
				rc = -ENOMEM;
				goto out;
			}
			e->offset = (uint64_t)rec.offset;
			e->size = (uint64_t)rec.size;
			e->file_pos = pos + sizeof(rec);
			e->seq = seq++;
			if (e->offset + e->size > idx->size)
				idx->size = e->offset + e->size;
		}
		pos += sizeof(rec) + (uint64_t)rec.size;
	}
	kdk_array_sort(&records, cmp_extent);
	for (size_t i = 0; i < records.len && rc == 0; i++)
		rc = add_record(&idx->extents, kdk_array_at(&records, i), &tmp, err);
	if (rc < 0)
		kdk_err_prefix(err, "indexing flattened records: ");
out:
	kdk_array_free(&records);
	kdk_array_free(&tmp);
	return rc;
}

/* Reassembled bytes [offset, offset + len): from the records' data, zeros where no record wrote
 * (a reassembled file has holes there). */
static int index_read(void *ctx, uint64_t offset, void *buf, size_t len, struct kdk_err *err)
{
	struct flat_index *idx = ctx;
	const struct kdk_dump *dump = idx->dump;
	unsigned char *out = buf;
	size_t lo = 0, hi = idx->extents.len;

	/* The first extent ending after offset. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct flat_extent *e = kdk_array_at(&idx->extents, mid);
		if (e->offset + e->size <= offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (len > 0) {
		const struct flat_extent *e = lo < idx->extents.len ? kdk_array_at(&idx->extents, lo) : NULL;
		size_t n;

		if (!e || e->offset > offset) {
			uint64_t gap = e ? e->offset - offset : len;
			n = gap < len ? (size_t)gap : len;
			memset(out, 0, n);
		} else {
			uint64_t in_extent = offset - e->offset, avail = e->size - in_extent;
			ssize_t got;
			n = avail < len ? (size_t)avail : len;
			do
				got = pread(dump->fd, out, n, (off_t)(e->file_pos + in_extent));
			while (got < 0 && errno == EINTR);
			if (got < 0)
				return kdk_err_sys(err, errno, "read at offset 0x%llx failed", (unsigned long long)(e->file_pos + in_extent));
			if ((size_t)got < n)
				return kdk_err_set(err, EIO, "file shrank: short read at offset 0x%llx",
						   (unsigned long long)(e->file_pos + in_extent));
			n = (size_t)got;
			if (n == avail)
				lo++;
		}
		out += n;
		offset += n;
		len -= n;
	}
	return 0;
}

static void index_release(void *ctx)
{
	struct flat_index *idx = ctx;

	kdk_array_free(&idx->extents);
	free(idx);
}

static int open_flattened(struct kdk_dump *dump, struct kdk_err *err)
{
	unsigned char block[KDK_FLAT_HEADER_SIZE];
	struct kdk_diskdump_source src;
	unsigned char sig[KDK_DISKDUMP_SIG_LEN];
	struct flat_index *idx;
	struct stat st;
	int rc;

	if (fstat(dump->fd, &st) < 0)
		return kdk_err_sys(err, errno, "fstat failed");
	dump->file_size = (uint64_t)st.st_size;
	if (dump->file_size < KDK_FLAT_HEADER_SIZE ||
	    pread(dump->fd, block, sizeof(block), 0) != (ssize_t)sizeof(block))
		return kdk_err_set(err, EIO, "flattened stream shorter than its %d-byte start block",
				   KDK_FLAT_HEADER_SIZE);
	if ((rc = check_start_header(block, err)) < 0)
		return rc;
	idx = calloc(1, sizeof(*idx));
	if (!idx)
		return kdk_err_set(err, ENOMEM, "out of memory");
	idx->dump = dump;
	kdk_array_init(&idx->extents, sizeof(struct flat_extent));
	if ((rc = build_index(idx, dump, err)) < 0)
		goto fail;
	/* makedumpfile -F -E flattens an ELF vmcore too: only kdump-compressed is read in place. */
	if (idx->size < sizeof(sig) || (rc = index_read(idx, 0, sig, sizeof(sig), err)) < 0 ||
	    memcmp(sig, KDK_DISKDUMP_SIGNATURE, KDK_DISKDUMP_SIG_LEN) != 0) {
		rc = kdk_err_set(err, ENOTSUP, "the flattened stream does not hold a kdump-compressed "
				 "dump (an ELF one?): reassemble it with dumpsave -R first");
		goto fail;
	}
	src.size = idx->size;
	src.read = index_read;
	src.release = index_release;
	src.ctx = idx;
	return kdk_diskdump_open_source(dump, &src, err);
fail:
	index_release(idx);
	return rc;
}

const struct kdk_dump_format kdk_format_flattened = {
	.name = "flattened",
	.probe = probe,
	.open = open_flattened,
	.read_page = kdk_diskdump_read_page,
	.close = kdk_diskdump_close,
};
