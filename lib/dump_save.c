/* dump_save.c — the kdump-compressed save: count, bitmaps, then pages in batches that worker
 * threads compress (each with its own codec context) and the caller writes in order. */
#include "dump_save.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_WINDOW_PFNS (1ULL << 18)   /* 1 GiB of 4 KiB frames: 32 KiB per bitmap */
#define BATCH_PAGES 256                    /* pages read, then compressed together */

static uint64_t window_size(uint64_t requested)
{
	uint64_t w = requested ? requested : DEFAULT_WINDOW_PFNS;
	return (w + 7) & ~7ULL;
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
 * the whole batch instead of one per page). */
static int read_batch(struct kdk_dump *dump, struct batch *b, struct kdk_err *err)
{
	unsigned i = 0, j;
	int rc;

	while (i < b->count) {
		for (j = i + 1; j < b->count && b->pfn[j] == b->pfn[j - 1] + 1; j++)
			;
		if ((rc = kdk_dump_read_pages(dump, b->pfn[i], j - i,
					      b->raw + (size_t)i * b->page_size, err)) < 0)
			return rc;
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
	if ((rc = read_batch(dump, b, err)) < 0 || (rc = compress_batch(s, err)) < 0)
		return rc;
	for (i = 0; i < b->count; i++) {
		if (b->zero[i]) {
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
};

static int elf_page(void *ctx, uint64_t pfn, int kept, struct kdk_err *err)
{
	struct elf_visit *v = ctx;
	int rc;

	if (kept) {
		if ((rc = kdk_dump_read_page(v->dump, pfn, v->page, err)) < 0)
			return rc;
		if (v->skip_zero && all_zero(v->page, v->dump->page_size)) {
			kept = 0;
			if (v->writer)
				v->stats->zero_pages++;
		}
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

int kdk_save_elf(struct kdk_dump *dump, struct kdk_filter *filter, struct kdk_out *sink,
		 const struct kdk_elf_text *text, const struct kdk_save_params *params,
		 struct kdk_save_stats *stats, struct kdk_err *err)
{
	struct kdk_save_stats local;
	uint64_t window = window_size(params->window_pfns);
	struct elf_visit v;
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	memset(&v, 0, sizeof(v));
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
	if ((rc = kdk_elf_write_open(&v.writer, sink, v.runs.runs, dump->notes, dump->notes_size,
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
	free(v.page);
	return rc;
}
