/* dump_save.c — the kdump-compressed save: count, bitmaps, then pages in batches that worker
 * threads compress (each with its own codec context) and the caller writes in order. */
#include "dump_save.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "elf_vmcore.h"

#define DEFAULT_WINDOW_PFNS (1ULL << 18)   /* 1 GiB of 4 KiB frames: 32 KiB per bitmap */
#define BATCH_PAGES 256                    /* pages read, then compressed together */

static uint64_t window_size(uint64_t requested)
{
	uint64_t w = requested ? requested : DEFAULT_WINDOW_PFNS;
	return (w + 7) & ~7ULL;
}

/* ---- pages the source could not give ---- */

/* The source file's offset of pfn's first byte, where the source is an ELF file. */
static bool source_offset(const struct kdk_dump *dump, uint64_t pfn, uint64_t *offset)
{
	uint64_t paddr = pfn * dump->page_size;
	size_t count, i;
	const struct kdk_elf_segment *seg = kdk_elf_segments(dump, &count);

	for (i = 0; seg && i < count; i++)
		if (paddr >= seg[i].paddr && paddr - seg[i].paddr < seg[i].filesz) {
			*offset = seg[i].offset + (paddr - seg[i].paddr);
			return true;
		}
	return false;
}

/* The open run into the text, as long as it fits. */
static void unreadable_close_run(const struct kdk_dump *dump, struct kdk_unreadable *u)
{
	uint64_t first, last;
	size_t used = strlen(u->text);
	char run[400], where[200] = "";
	int n;

	if (!u->run_end)
		return;
	if (source_offset(dump, u->run_start, &first) && source_offset(dump, u->run_end - 1, &last))
		snprintf(where, sizeof(where), ", %s offsets 0x%llx-0x%llx", dump->path,
			 (unsigned long long)first, (unsigned long long)(last + dump->page_size - 1));
	n = snprintf(run, sizeof(run), "%s0x%llx-0x%llx (pfns 0x%llx-0x%llx%s): %s", used ? "; " : "",
		     (unsigned long long)(u->run_start * dump->page_size),
		     (unsigned long long)(u->run_end * dump->page_size - 1),
		     (unsigned long long)u->run_start, (unsigned long long)(u->run_end - 1), where,
		     strerror(u->run_code));
	if (n > 0 && used + (size_t)n < sizeof(u->text) - 40) {
		memcpy(u->text + used, run, (size_t)n + 1);
		u->listed++;
	}
	u->run_end = 0;
}

static void unreadable_add(const struct kdk_dump *dump, struct kdk_unreadable *u, uint64_t pfn,
			   const struct kdk_err *why)
{
	u->pages++;
	if (!u->first_error[0])
		snprintf(u->first_error, sizeof(u->first_error), "%s", why->msg);
	if (u->run_end && pfn == u->run_end) {
		u->run_end++;
		return;
	}
	unreadable_close_run(dump, u);
	u->ranges++;
	u->run_start = pfn;
	u->run_end = pfn + 1;
	u->run_code = why->code ? why->code : EIO;
}

/* A page that does not read is marked, whatever the reason, except when memory ran out: the
 * source's own state decides, and one bad page must not cost the rest of the dump. */
static bool page_unreadable(const struct kdk_err *why)
{
	return why->code != ENOMEM;
}

/* Call visit for every frame the dump holds, in pfn order, window by window, saying whether the
 * filter keeps it; with kept_only, for the kept ones alone. */
static int for_each_frame(struct kdk_filter *filter, uint64_t max_pfn, uint64_t window,
			  int kept_only,
			  int (*visit)(void *ctx, uint64_t pfn, int kept, struct kdk_err *err),
			  void *ctx, struct kdk_err *err)
{
	unsigned char *present = malloc(window / 8), *keep = malloc(window / 8);
	uint64_t start;
	int rc = 0;

	if (!present || !keep) {
		rc = kdk_err_set(err, ENOMEM, "out of memory for bitmap windows");
		goto out;
	}
	kdk_filter_rewind(filter);
	for (start = 0; start < max_pfn && rc == 0; start += window) {
		uint64_t count = max_pfn - start < window ? max_pfn - start : window, i;
		if ((rc = kdk_filter_window(filter, start, count, present, keep, err)) < 0)
			break;
		for (i = 0; i < count && rc == 0; i++) {
			int kept = (keep[i / 8] >> (i % 8)) & 1;
			if (kept || (!kept_only && ((present[i / 8] >> (i % 8)) & 1)))
				rc = visit(ctx, start + i, kept, err);
		}
	}
out:
	free(present);
	free(keep);
	return rc;
}

struct kept_count {
	uint64_t pages;
	uint64_t end_pfn;       /* one past the last kept frame */
};

static int count_page(void *ctx, uint64_t pfn, int kept, struct kdk_err *err)
{
	struct kept_count *c = ctx;
	(void)err;
	(void)kept;
	c->pages++;
	c->end_pfn = pfn + 1;
	return 0;
}

static int count_kept(struct kdk_filter *filter, uint64_t max_pfn, uint64_t window,
		      struct kept_count *c, struct kdk_err *err)
{
	c->pages = 0;
	c->end_pfn = 0;
	return for_each_frame(filter, max_pfn, window, 1, count_page, c, err);
}

int kdk_save_count(struct kdk_filter *filter, uint64_t max_pfn, uint64_t window_pfns,
		   uint64_t *kept, struct kdk_err *err)
{
	struct kept_count c;
	int rc = count_kept(filter, max_pfn, window_size(window_pfns), &c, err);
	*kept = c.pages;
	return rc;
}

/* ---- the compression batch, shared by the caller and its workers ---- */

struct batch {
	unsigned count;                 /* pages in this batch */
	uint64_t pfn[BATCH_PAGES];
	unsigned char *raw;             /* count × page_size */
	unsigned char *out;             /* count × bound */
	uint32_t size[BATCH_PAGES], flags[BATCH_PAGES];
	bool zero[BATCH_PAGES];
	bool unreadable[BATCH_PAGES];   /* the source could not give it: marked, not compressed */
	size_t bound;
	uint32_t page_size;
	bool share_zero;                /* dump level excludes zero pages */
};

struct worker {
	pthread_t thread;
	struct saver *saver;
	unsigned index;
	struct kdk_page_codec *codec;
	int rc;
	struct kdk_err err;
};

struct saver {
	struct batch batch;
	struct worker *workers;         /* [0] works in the calling thread */
	unsigned nworkers;
};

static bool all_zero(const unsigned char *p, uint32_t size)
{
	static const unsigned char zeros[256];
	uint32_t off;
	for (off = 0; off < size; off += sizeof(zeros))
		if (memcmp(p + off, zeros, sizeof(zeros)))
			return false;
	return true;
}

/* Worker w compresses pages w, w + n, w + 2n, … of the batch. */
static void *compress_share(void *arg)
{
	struct worker *w = arg;
	struct saver *s = w->saver;
	struct batch *b = &s->batch;
	unsigned i;

	w->rc = 0;
	for (i = w->index; i < b->count; i += s->nworkers) {
		const unsigned char *raw = b->raw + (size_t)i * b->page_size;
		if (b->unreadable[i]) {
			b->zero[i] = false;
			continue;
		}
		b->zero[i] = b->share_zero && all_zero(raw, b->page_size);
		if (b->zero[i])
			continue;
		w->rc = kdk_page_compress(w->codec, raw, b->out + (size_t)i * b->bound, b->bound,
					  &b->size[i], &b->flags[i], &w->err);
		if (w->rc < 0) {
			kdk_err_prefix(&w->err, "compressing pfn 0x%llx: ", (unsigned long long)b->pfn[i]);
			break;
		}
	}
	return NULL;
}

/* Fork-join per batch: threads that could not start leave their share to the caller. */
static int compress_batch(struct saver *s, struct kdk_err *err)
{
	bool started[s->nworkers];
	unsigned i;

	for (i = 1; i < s->nworkers; i++)
		started[i] = pthread_create(&s->workers[i].thread, NULL, compress_share,
					    &s->workers[i]) == 0;
	compress_share(&s->workers[0]);
	for (i = 1; i < s->nworkers; i++) {
		if (started[i])
			pthread_join(s->workers[i].thread, NULL);
		else
			compress_share(&s->workers[i]);
	}
	for (i = 0; i < s->nworkers; i++)
		if (s->workers[i].rc < 0) {
			*err = s->workers[i].err;
			return s->workers[i].rc;
		}
	return 0;
}

static void saver_stop(struct saver *s)
{
	unsigned i;

	for (i = 0; s->workers && i < s->nworkers; i++)
		kdk_page_codec_free(s->workers[i].codec);
	free(s->workers);
	free(s->batch.raw);
	free(s->batch.out);
	memset(s, 0, sizeof(*s));
}

static int saver_start(struct saver *s, enum kdk_codec codec, uint32_t page_size, bool share_zero,
		       unsigned threads, struct kdk_err *err)
{
	unsigned i;
	int rc;

	memset(s, 0, sizeof(*s));
	s->nworkers = threads > 1 ? threads : 1;
	s->workers = calloc(s->nworkers, sizeof(*s->workers));
	if (!s->workers)
		return kdk_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < s->nworkers; i++) {
		s->workers[i].saver = s;
		s->workers[i].index = i;
		if ((rc = kdk_page_codec_new(&s->workers[i].codec, codec, page_size, err)) < 0) {
			saver_stop(s);
			return rc;
		}
	}
	s->batch.page_size = page_size;
	s->batch.share_zero = share_zero;
	s->batch.bound = kdk_page_codec_bound(s->workers[0].codec);
	s->batch.raw = malloc((size_t)BATCH_PAGES * page_size);
	s->batch.out = malloc((size_t)BATCH_PAGES * s->batch.bound);
	if (!s->batch.raw || !s->batch.out) {
		saver_stop(s);
		return kdk_err_set(err, ENOMEM, "out of memory for page buffers");
	}
	return 0;
}

/* Read the batch's pages, each run of consecutive pfns in one read (one pread or copy of up to
 * the whole batch instead of one per page). A run that fails is read again page by page, and
 * the pages that still fail are marked unreadable (makedumpfile stops at the first). */
static int read_batch(struct kdk_dump *dump, struct batch *b, struct kdk_unreadable *u,
		      struct kdk_err *err)
{
	unsigned i = 0, j, k;
	int rc;

	while (i < b->count) {
		for (j = i + 1; j < b->count && b->pfn[j] == b->pfn[j - 1] + 1; j++)
			;
		for (k = i; k < j; k++)
			b->unreadable[k] = false;
		if ((rc = kdk_dump_read_pages(dump, b->pfn[i], j - i,
					      b->raw + (size_t)i * b->page_size, err)) < 0) {
			if (!page_unreadable(err))
				return rc;
			kdk_err_clear(err);
			for (k = i; k < j; k++) {
				struct kdk_err why = { 0 };

				if (kdk_dump_read_page(dump, b->pfn[k], b->raw + (size_t)k * b->page_size,
						       &why) == 0)
					continue;
				if (!page_unreadable(&why)) {
					*err = why;
					return -why.code;
				}
				b->unreadable[k] = true;
				unreadable_add(dump, u, b->pfn[k], &why);
			}
		}
		i = j;
	}
	return 0;
}

/* Read, compress and write the batch in order. */
static int flush_batch(struct kdk_dump *dump, struct saver *s, struct kdk_diskdump_writer *w,
		       struct kdk_save_stats *st, struct kdk_err *err)
{
	struct batch *b = &s->batch;
	unsigned i;
	int rc;

	if (!b->count)
		return 0;
	if ((rc = read_batch(dump, b, &st->unreadable, err)) < 0 || (rc = compress_batch(s, err)) < 0)
		return rc;
	for (i = 0; i < b->count; i++) {
		if (b->unreadable[i]) {
			rc = kdk_diskdump_write_unreadable_page(w, b->pfn[i], err);
		} else if (b->zero[i]) {
			rc = kdk_diskdump_write_zero_page(w, b->pfn[i], err);
			st->zero_pages++;
		} else {
			rc = kdk_diskdump_write_page(w, b->pfn[i], b->out + (size_t)i * b->bound,
						     b->size[i], b->flags[i], err);
		}
		if (rc < 0)
			return rc;
		st->pages_dumped++;
	}
	b->count = 0;
	return 0;
}

struct page_visit {
	struct kdk_dump *dump;
	struct saver *saver;
	struct kdk_diskdump_writer *writer;
	struct kdk_save_stats *stats;
	const struct kdk_save_params *params;
	uint64_t total;
};

/* Add a kept page to the batch; read, compress and write the batch when it is full. */
static int batch_page(void *ctx, uint64_t pfn, int kept, struct kdk_err *err)
{
	struct page_visit *v = ctx;
	struct batch *b = &v->saver->batch;
	int rc;

	(void)kept;
	b->pfn[b->count] = pfn;
	if (++b->count == BATCH_PAGES &&
	    (rc = flush_batch(v->dump, v->saver, v->writer, v->stats, err)) < 0)
		return rc;
	if (v->params->progress && (pfn & 0xffff) == 0)
		v->params->progress(v->params->progress_ctx, v->stats->pages_dumped, v->total);
	return 0;
}

int kdk_save_kdump(struct kdk_dump *dump, struct kdk_filter *filter,
		   const struct kdk_diskdump_params *header, struct kdk_out *sink,
		   const struct kdk_save_params *params, struct kdk_save_stats *stats,
		   struct kdk_err *err)
{
	struct kdk_save_stats local;
	struct kdk_diskdump_params hp = *header;
	struct kdk_diskdump_writer *w = NULL;
	uint64_t window = window_size(params->window_pfns), start, kept, limit;
	unsigned char *present = NULL, *keep = NULL;
	struct kept_count counted;
	struct saver s;
	bool saver_up = false;
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if ((rc = count_kept(filter, dump->max_pfn, window, &counted, err)) < 0)
		return rc;
	kept = counted.pages;
	/* The file describes frames up to the last one kept: frames above it are all left out,
	 * and bitmaps for them would only cost space (makedumpfile's max_mapnr ends there too). */
	limit = counted.end_pfn ? counted.end_pfn : dump->max_pfn;
	hp.page_size = dump->page_size;
	hp.max_pfn = limit;
	hp.dump_level = (int32_t)filter->dump_level;
	hp.codec = params->codec;
	hp.pages_to_dump = kept;
	present = malloc(window / 8);
	keep = malloc(window / 8);
	if (!present || !keep) {
		rc = kdk_err_set(err, ENOMEM, "out of memory for bitmap windows");
		goto out;
	}
	if ((rc = saver_start(&s, params->codec, dump->page_size,
			      (filter->dump_level & KDK_DL_ZERO) != 0, params->num_threads, err)) < 0)
		goto out;
	saver_up = true;
	if ((rc = kdk_diskdump_write_open(&w, sink, &hp, err)) < 0)
		goto out;

	/* The bitmaps, window by window. */
	kdk_filter_rewind(filter);
	for (start = 0; start < limit; start += window) {
		uint64_t count = limit - start < window ? limit - start : window;
		if ((rc = kdk_filter_window(filter, start, count, present, keep, err)) < 0 ||
		    (rc = kdk_diskdump_write_bitmaps(w, start, count, present, keep, err)) < 0)
			goto out;
	}

	/* The pages, the same windows again. */
	{
		struct page_visit v = { dump, &s, w, stats, params, kept };
		if ((rc = for_each_frame(filter, limit, window, 1, batch_page, &v, err)) < 0)
			goto out;
	}
	if ((rc = flush_batch(dump, &s, w, stats, err)) < 0)
		goto out;
	stats->bytes_written = kdk_diskdump_write_size(w);
	stats->filter = filter->stats;
	rc = kdk_diskdump_write_finish(w, err);
	w = NULL;
	if (rc == 0 && params->progress)
		params->progress(params->progress_ctx, kept, kept);
out:
	unreadable_close_run(dump, &stats->unreadable);
	if (w) {
		stats->bytes_written = kdk_diskdump_write_size(w);
		kdk_diskdump_write_abort(w);
	}
	if (saver_up)
		saver_stop(&s);
	free(present);
	free(keep);
	return rc;
}

/* ---- ELF ---- */

struct elf_visit {
	struct kdk_dump *dump;
	unsigned char *page;
	bool skip_zero;
	struct kdk_elf_run_counter runs;   /* counting pass */
	struct kdk_elf_writer *writer;     /* writing pass, NULL while counting */
	struct kdk_save_stats *stats;
	const struct kdk_save_params *params;
	uint64_t total;
	/* Pages the counting pass could not read (struct kdk_pfn_range, in order): left out of
	 * every PT_LOAD, so readers find no data there rather than zeros. */
	struct kdk_array unreadable;
	size_t unreadable_at;              /* the writing pass's place in it */
};

static bool counted_unreadable(struct elf_visit *v, uint64_t pfn)
{
	while (v->unreadable_at < v->unreadable.len) {
		const struct kdk_pfn_range *r = kdk_array_at(&v->unreadable, v->unreadable_at);
		if (pfn < r->start_pfn)
			return false;
		if (pfn < r->end_pfn)
			return true;
		v->unreadable_at++;
	}
	return false;
}

static int elf_page(void *ctx, uint64_t pfn, int kept, struct kdk_err *err)
{
	struct elf_visit *v = ctx;
	struct kdk_err why = { 0 };
	int rc;

	if (kept && v->writer && counted_unreadable(v, pfn))
		return 0;
	if (kept && kdk_dump_read_page(v->dump, pfn, v->page, &why) < 0) {
		struct kdk_pfn_range *last = v->unreadable.len ?
			kdk_array_at(&v->unreadable, v->unreadable.len - 1) : NULL;

		if (!page_unreadable(&why)) {
			*err = why;
			return -why.code;
		}
		unreadable_add(v->dump, &v->stats->unreadable, pfn, &why);
		if (v->writer) {
			/* It read on the counting pass: its place in a PT_LOAD is fixed by now, so
			 * it is written as zeros, and the warning lists it. */
			memset(v->page, 0, v->dump->page_size);
		} else if (last && last->end_pfn == pfn) {
			last->end_pfn++;
			return 0;
		} else {
			if (!(last = kdk_array_push(&v->unreadable, err)))
				return -err->code;
			last->start_pfn = pfn;
			last->end_pfn = pfn + 1;
			return 0;
		}
	}
	if (kept && v->skip_zero && all_zero(v->page, v->dump->page_size)) {
		kept = 0;
		if (v->writer)
			v->stats->zero_pages++;
	}
	if (!v->writer) {
		kdk_elf_count_frame(&v->runs, pfn, kept);
		v->total += kept;
		return 0;
	}
	if (!kept)
		return kdk_elf_write_excluded(v->writer, pfn, err);
	if ((rc = kdk_elf_write_page(v->writer, pfn, v->page, err)) < 0)
		return rc;
	v->stats->pages_dumped++;
	if (v->params->progress && (pfn & 0xffff) == 0)
		v->params->progress(v->params->progress_ctx, v->stats->pages_dumped, v->total);
	return 0;
}

/* The source's notes and, when pages were unreadable, one more: name "KDUMPKIT", type
 * KDK_NOTE_UNREADABLE, descriptor pairs of little-endian u64 [start, end) physical addresses
 * (docs/formats/elf-vmcore.md). *notes is the dump's own buffer when nothing is added. */
static int elf_notes(const struct elf_visit *v, void **notes, size_t *size, bool *allocated,
		     struct kdk_err *err)
{
	static const char name[] = KDK_NOTE_NAME;
	size_t name_size = sizeof(name), desc_size = v->unreadable.len * 16, i;
	size_t note_size = 12 + ((name_size + 3) & ~(size_t)3) + desc_size;
	unsigned char *buf, *p;
	uint32_t word;

	*notes = v->dump->notes;
	*size = v->dump->notes_size;
	*allocated = false;
	if (!v->unreadable.len)
		return 0;
	if (desc_size > UINT32_MAX || !(buf = calloc(1, v->dump->notes_size + note_size)))
		return kdk_err_set(err, ENOMEM, "out of memory for the unreadable-pages note");
	if (v->dump->notes_size)
		memcpy(buf, v->dump->notes, v->dump->notes_size);
	p = buf + v->dump->notes_size;
	word = (uint32_t)name_size;
	memcpy(p, &word, 4);
	word = (uint32_t)desc_size;
	memcpy(p + 4, &word, 4);
	word = KDK_NOTE_UNREADABLE;
	memcpy(p + 8, &word, 4);
	memcpy(p + 12, name, name_size);
	p += 12 + ((name_size + 3) & ~(size_t)3);
	for (i = 0; i < v->unreadable.len; i++) {
		const struct kdk_pfn_range *r = kdk_array_at(&v->unreadable, i);
		uint64_t range[2] = { r->start_pfn * v->dump->page_size, r->end_pfn * v->dump->page_size };
		memcpy(p + i * 16, range, 16);
	}
	*notes = buf;
	*size = v->dump->notes_size + note_size;
	*allocated = true;
	return 0;
}

int kdk_save_elf(struct kdk_dump *dump, struct kdk_filter *filter, struct kdk_out *sink,
		 const struct kdk_elf_text *text, const struct kdk_save_params *params,
		 struct kdk_save_stats *stats, struct kdk_err *err)
{
	struct kdk_save_stats local;
	uint64_t window = window_size(params->window_pfns);
	struct elf_visit v;
	void *notes = NULL;
	size_t notes_size;
	bool notes_allocated = false;
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&v, 0, sizeof(v));
	kdk_array_init(&v.unreadable, sizeof(struct kdk_pfn_range));
	v.dump = dump;
	v.skip_zero = (filter->dump_level & KDK_DL_ZERO) != 0;
	v.stats = stats;
	v.params = params;
	v.runs.text_pfn = text && text->start_vaddr ? text->start_pfn : UINT64_MAX;
	if (!(v.page = malloc(dump->page_size)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	/* Pass 1: how many PT_LOADs (and, with zero pages left out, which pages). */
	if ((rc = for_each_frame(filter, dump->max_pfn, window, 0, elf_page, &v, err)) < 0)
		goto out;
	unreadable_close_run(dump, &stats->unreadable);
	if ((rc = elf_notes(&v, &notes, &notes_size, &notes_allocated, err)) < 0 ||
	    (rc = kdk_elf_write_open(&v.writer, sink, v.runs.runs, notes, notes_size,
				     dump->page_size, text, err)) < 0)
		goto out;
	/* Pass 2: the same pages again, written. */
	if ((rc = for_each_frame(filter, dump->max_pfn, window, 0, elf_page, &v, err)) < 0) {
		stats->bytes_written = kdk_elf_write_size(v.writer);
		kdk_elf_write_abort(v.writer);
		goto out;
	}
	stats->bytes_written = kdk_elf_write_size(v.writer);
	stats->filter = filter->stats;
	rc = kdk_elf_write_finish(v.writer, err);
	if (rc == 0 && params->progress)
		params->progress(params->progress_ctx, v.total, v.total);
out:
	unreadable_close_run(dump, &stats->unreadable);
	if (notes_allocated)
		free(notes);
	kdk_array_free(&v.unreadable);
	free(v.page);
	return rc;
}
