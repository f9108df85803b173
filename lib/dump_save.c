/* dump_save.c — the kdump-compressed save: count, bitmaps, then pages through a pipeline (the
 * caller reads batches, worker threads compress them, a writer thread writes them in order). */
#include "dump_save.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "elf_vmcore.h"
#include "kdk_clock.h"

#define DEFAULT_WINDOW_PFNS (1ULL << 18)   /* 1 GiB of 4 KiB frames: 32 KiB per bitmap */
#define BATCH_PAGES 128                    /* pages read, then compressed together: 512 KiB */

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

/* One run into the text, as long as it fits. */
static void unreadable_list_run(const struct kdk_dump *dump, struct kdk_unreadable *u,
				const struct kdk_unreadable_run *r)
{
	uint64_t first, last;
	size_t used = strlen(u->text);
	char run[400], where[200] = "";
	int n;

	if (source_offset(dump, r->start_pfn, &first) && source_offset(dump, r->end_pfn - 1, &last))
		snprintf(where, sizeof(where), ", %s offsets 0x%llx-0x%llx", dump->path,
			 (unsigned long long)first, (unsigned long long)(last + dump->page_size - 1));
	n = snprintf(run, sizeof(run), "%s0x%llx-0x%llx (pfns 0x%llx-0x%llx%s): %s", used ? "; " : "",
		     (unsigned long long)(r->start_pfn * dump->page_size),
		     (unsigned long long)(r->end_pfn * dump->page_size - 1),
		     (unsigned long long)r->start_pfn, (unsigned long long)(r->end_pfn - 1), where,
		     strerror(r->code));
	if (n > 0 && used + (size_t)n < sizeof(u->text) - 40) {
		memcpy(u->text + used, run, (size_t)n + 1);
		u->listed++;
	}
}

static int by_start_pfn(const void *a, const void *b)
{
	const struct kdk_unreadable_run *x = a, *y = b;

	return x->start_pfn < y->start_pfn ? -1 : x->start_pfn > y->start_pfn;
}

/* The save is over: the runs in pfn order, neighbours joined (pages come in batches that need
 * not be in pfn order), counted and listed. */
static void unreadable_finish(const struct kdk_dump *dump, struct kdk_unreadable *u)
{
	struct kdk_unreadable_run *runs = u->runs.items, *last = NULL;
	size_t i;

	if (!u->runs.len)
		return;         /* none, or listed already */
	kdk_array_sort(&u->runs, by_start_pfn);
	u->ranges = 0;
	for (i = 0; i < u->runs.len; i++) {
		if (last && runs[i].start_pfn == last->end_pfn) {
			last->end_pfn = runs[i].end_pfn;
			continue;
		}
		if (last)
			unreadable_list_run(dump, u, last);
		last = &runs[i];
		u->ranges++;
	}
	if (last)
		unreadable_list_run(dump, u, last);
	kdk_array_free(&u->runs);
}

static void unreadable_add(struct kdk_unreadable *u, uint64_t pfn, const struct kdk_err *why)
{
	struct kdk_unreadable_run *last = u->runs.len ?
		KDK_ARRAY_AT(&u->runs, struct kdk_unreadable_run, u->runs.len - 1) : NULL;
	struct kdk_err ignored = { 0 };

	if (!u->runs.item_size)
		kdk_array_init(&u->runs, sizeof(struct kdk_unreadable_run));
	u->pages++;
	if (!u->first_error[0])
		snprintf(u->first_error, sizeof(u->first_error), "%s", why->msg);
	if (last && pfn == last->end_pfn) {
		last->end_pfn++;
		return;
	}
	/* Out of memory for the list: the page is still counted and marked in the dump. */
	if (!(last = kdk_array_push(&u->runs, &ignored)))
		return;
	last->start_pfn = pfn;
	last->end_pfn = pfn + 1;
	last->code = why->code ? why->code : EIO;
}

/* A page that does not read is marked, whatever the reason, except when memory ran out: the
 * source's own state decides, and one bad page must not cost the rest of the dump. */
static bool page_unreadable(const struct kdk_err *why)
{
	return why->code != ENOMEM;
}

/* The filter's bits, window by window. A save walks the frames two or three times (count,
 * bitmaps, pages); when both bitmaps of the whole dump fit in BITS_CACHE_MAX bytes (2 bits a
 * frame: 64 GiB of 4 KiB frames in 4 MiB) the first walk keeps them and the later ones read no
 * struct page again. Larger dumps run the filter on every walk, in bounded memory. */
#define BITS_CACHE_MAX (4u << 20)

struct frame_bits {
	struct kdk_filter *filter;
	uint64_t window;
	uint64_t max_pfn;               /* what the cache covers */
	unsigned char *present, *keep;  /* cache: max_pfn bits each; or one window of scratch */
	bool cached;                    /* the cache is whole: the filter is not asked again */
	bool caching;                   /* present/keep are the cache, not scratch */
};

static int frame_bits_init(struct frame_bits *b, struct kdk_filter *filter, uint64_t max_pfn,
			   uint64_t window, struct kdk_err *err)
{
	uint64_t bytes = (max_pfn + 7) / 8;

	memset(b, 0, sizeof(*b));
	b->filter = filter;
	b->window = window;
	b->max_pfn = max_pfn;
	b->caching = 2 * bytes <= BITS_CACHE_MAX;
	if (!b->caching)
		bytes = window / 8;
	b->present = malloc(bytes ? bytes : 1);
	b->keep = malloc(bytes ? bytes : 1);
	if (!b->present || !b->keep) {
		free(b->present);
		free(b->keep);
		return kdk_err_set(err, ENOMEM, "out of memory for bitmap windows");
	}
	return 0;
}

static void frame_bits_free(struct frame_bits *b)
{
	free(b->present);
	free(b->keep);
}

static void frame_bits_rewind(struct frame_bits *b)
{
	if (!b->cached)
		kdk_filter_rewind(b->filter);
}

/* The bits of [start, start + count) (windows in order from 0 after a rewind). */
static int frame_bits_window(struct frame_bits *b, uint64_t start, uint64_t count,
			     const unsigned char **present, const unsigned char **keep,
			     struct kdk_err *err)
{
	size_t at = b->caching ? (size_t)(start / 8) : 0;
	int rc;

	if (!b->cached && (rc = kdk_filter_window(b->filter, start, count, b->present + at,
						  b->keep + at, err)) < 0)
		return rc;
	if (b->caching && start + count >= b->max_pfn)
		b->cached = true;       /* the walk reached the end: every window is in */
	*present = b->present + at;
	*keep = b->keep + at;
	return 0;
}

/* Call visit for every frame the dump holds below max_pfn, in pfn order, saying whether the
 * filter keeps it; with kept_only, for the kept ones alone. */
static int for_each_frame(struct frame_bits *b, uint64_t max_pfn, int kept_only,
			  int (*visit)(void *ctx, uint64_t pfn, int kept, struct kdk_err *err),
			  void *ctx, struct kdk_err *err)
{
	const unsigned char *present, *keep;
	uint64_t start;
	int rc = 0;

	frame_bits_rewind(b);
	for (start = 0; start < max_pfn && rc == 0; start += b->window) {
		uint64_t count = max_pfn - start < b->window ? max_pfn - start : b->window, i;
		if ((rc = frame_bits_window(b, start, count, &present, &keep, err)) < 0)
			break;
		for (i = 0; i < count && rc == 0; i++) {
			int kept;
			if (i % 8 == 0 && !keep[i / 8] && (kept_only || !present[i / 8])) {
				i += 7;         /* eight frames neither kept nor wanted */
				continue;
			}
			kept = (keep[i / 8] >> (i % 8)) & 1;
			if (kept || (!kept_only && ((present[i / 8] >> (i % 8)) & 1)))
				rc = visit(ctx, start + i, kept, err);
		}
	}
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

static int count_kept(struct frame_bits *b, uint64_t max_pfn, struct kept_count *c,
		      struct kdk_err *err)
{
	c->pages = 0;
	c->end_pfn = 0;
	return for_each_frame(b, max_pfn, 1, count_page, c, err);
}

int kdk_save_count(struct kdk_filter *filter, uint64_t max_pfn, uint64_t window_pfns,
		   uint64_t *kept, struct kdk_err *err)
{
	struct frame_bits b;
	struct kept_count c = { 0, 0 };
	int rc;

	if ((rc = frame_bits_init(&b, filter, max_pfn, window_size(window_pfns), err)) < 0)
		return rc;
	rc = count_kept(&b, max_pfn, &c, err);
	frame_bits_free(&b);
	*kept = c.pages;
	return rc;
}

/* ---- the page pipeline: the caller reads, workers compress, a writer writes in order ----
 * Batches of pages travel through a ring of slots. The calling thread walks the filter and reads
 * each batch into the next free slot; N worker threads compress ready slots, each with its own
 * codec context; a writer thread writes compressed slots in the order they were read and frees
 * them. Reading, compressing and writing overlap, and memory is the ring's (N + 2 slots of
 * BATCH_PAGES pages), whatever the dump's size. With no threads the caller does each batch's
 * three steps itself. The output is the same bytes for any thread count.
 * Where the dump's reads may run at once (dump->concurrent_reads: an ELF file read with pread) and
 * there are several workers, the caller only lists each batch's pfns and the worker that
 * compresses a batch reads it too:
 * the copies out of the page cache then share the CPUs with compression instead of all falling
 * on the caller (-d 31 -l, 1 GiB kernel-made vmcore, 2 threads: docs/benchmarks.md). Pages that
 * do not read are entered in the save's list by the writer, in batch order, whoever read them. */

enum slot_state { SLOT_FREE, SLOT_READ, SLOT_DONE };

struct slot {
	enum slot_state state;
	unsigned count;                 /* pages in this batch */
	uint64_t pfn[BATCH_PAGES];      /* increasing */
	uint64_t index[BATCH_PAGES];    /* each page's descriptor index (its rank among kept pfns) */
	unsigned char *raw;             /* count × page_size */
	unsigned char *out;             /* count × bound */
	uint32_t size[BATCH_PAGES], flags[BATCH_PAGES];
	bool zero[BATCH_PAGES];
	bool unreadable[BATCH_PAGES];   /* the source could not give it: marked, not compressed */
	int why_code[BATCH_PAGES];      /* … and why (an errno) */
	struct kdk_err first_why;       /* the batch's first unreadable page's message */
	bool read_by_worker;            /* listed, not read yet: the worker reads it */
	int rc;                         /* reading's (by a worker) or compression's result */
	struct kdk_err err;
};

struct worker {
	pthread_t thread;
	bool started;
	struct saver *saver;
	struct kdk_page_codec *codec;
};

struct saver {
	pthread_mutex_t lock;
	/* Each stage waits on its own condition, so that a change wakes only the thread that can
	 * act on it (a broadcast to all cost a context switch per thread per batch). The end of
	 * the input and a failure are broadcast on all three. */
	pthread_cond_t readable;        /* workers: a slot was read */
	pthread_cond_t compressed;      /* the writer: a slot was compressed */
	pthread_cond_t freed;           /* the reader: a slot was written and is free */
	struct slot *slots;
	unsigned nslots;
	uint64_t next_fill, next_compress, next_write;   /* batch numbers; slot = number % nslots */
	bool input_done;                /* the caller read its last batch */
	bool stop;                      /* a stage failed: every thread leaves */
	struct worker *workers;         /* nworkers threads, or one context used inline */
	unsigned nworkers;
	pthread_t writer;
	bool writer_started;
	int write_rc;                   /* the writer's result */
	struct kdk_err write_err;
	size_t bound;
	uint32_t page_size;
	bool share_zero;                /* dump level excludes zero pages */
	/* the writer's side */
	struct kdk_diskdump_writer *w;
	struct kdk_save_stats *stats;
	const struct kdk_save_params *params;
	uint64_t total;
	struct kdk_dump *dump;          /* read by the workers where dump->concurrent_reads */
};

/* A page of zeros? Words, not bytes, and out at the first non-zero one (most pages that are not
 * zero leave within their first few words). */
static bool all_zero(const unsigned char *p, uint32_t size)
{
	const uint64_t *word = (const uint64_t *)p;
	uint32_t i, n = size / sizeof(uint64_t);

	for (i = 0; i < n; i += 4)
		if (word[i] | word[i + 1] | word[i + 2] | word[i + 3])
			return false;
	return true;
}

static void compress_slot(struct saver *s, struct slot *b, struct kdk_page_codec *codec)
{
	unsigned i;
	bool zero;

	b->rc = 0;
	for (i = 0; i < b->count; i++) {
		const unsigned char *raw = b->raw + (size_t)i * s->page_size;
		if (b->unreadable[i]) {
			b->zero[i] = false;
			continue;
		}
		zero = all_zero(raw, s->page_size);
		b->zero[i] = s->share_zero && zero;
		if (b->zero[i])
			continue;
		/* A level that keeps zero pages stores each one compressed: the same bytes every
		 * time, made once. */
		if (zero)
			b->rc = kdk_page_compress_zero(codec, b->out + (size_t)i * s->bound, s->bound,
						       &b->size[i], &b->flags[i], &b->err);
		else
			b->rc = kdk_page_compress(codec, raw, b->out + (size_t)i * s->bound, s->bound,
						  &b->size[i], &b->flags[i], &b->err);
		if (b->rc < 0) {
			kdk_err_prefix(&b->err, "compressing pfn 0x%llx: ", (unsigned long long)b->pfn[i]);
			return;
		}
	}
}

static int write_slot(struct saver *s, struct slot *b, struct kdk_err *err)
{
	struct kdk_save_stats *st = s->stats;
	bool first = true;
	unsigned i;
	int rc;

	if (b->rc < 0) {
		*err = b->err;
		return b->rc;
	}
	for (i = 0; i < b->count; i++) {
		if ((rc = kdk_diskdump_write_seek(s->w, b->index[i], err)) < 0)
			return rc;
		if (b->unreadable[i]) {
			struct kdk_err why = { .code = b->why_code[i] };

			if (first)
				why = b->first_why;
			first = false;
			unreadable_add(&st->unreadable, b->pfn[i], &why);
			rc = kdk_diskdump_write_unreadable_page(s->w, b->pfn[i], err);
		} else if (b->zero[i]) {
			rc = kdk_diskdump_write_zero_page(s->w, b->pfn[i], err);
			st->zero_pages++;
		} else {
			rc = kdk_diskdump_write_page(s->w, b->pfn[i], b->out + (size_t)i * s->bound,
						     b->size[i], b->flags[i], err);
		}
		if (rc < 0)
			return rc;
		st->pages_dumped++;
		if (s->params->progress && (st->pages_dumped & 0xffff) == 0)
			s->params->progress(s->params->progress_ctx, st->pages_dumped, s->total);
	}
	return 0;
}

/* The input ended or a stage failed: every waiting thread looks again. Under s->lock. */
static void saver_wake_all(struct saver *s)
{
	pthread_cond_broadcast(&s->readable);
	pthread_cond_broadcast(&s->compressed);
	pthread_cond_broadcast(&s->freed);
}

static int read_batch(struct kdk_dump *dump, struct saver *s, struct slot *b, struct kdk_err *err);

static void *compress_thread(void *arg)
{
	struct worker *wk = arg;
	struct saver *s = wk->saver;
	struct slot *b;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		while (!s->stop && s->next_compress == s->next_fill && !s->input_done)
			pthread_cond_wait(&s->readable, &s->lock);
		if (s->stop || s->next_compress == s->next_fill)
			break;
		b = &s->slots[s->next_compress++ % s->nslots];
		pthread_mutex_unlock(&s->lock);
		if (!b->read_by_worker || (b->rc = read_batch(s->dump, s, b, &b->err)) == 0)
			compress_slot(s, b, wk->codec);
		pthread_mutex_lock(&s->lock);
		b->state = SLOT_DONE;
		if (b == &s->slots[s->next_write % s->nslots])
			pthread_cond_signal(&s->compressed);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void *write_thread(void *arg)
{
	struct saver *s = arg;
	struct slot *b;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		b = &s->slots[s->next_write % s->nslots];
		while (!s->stop && (s->next_write == s->next_fill ? !s->input_done
								    : b->state != SLOT_DONE))
			pthread_cond_wait(&s->compressed, &s->lock);
		if (s->stop || s->next_write == s->next_fill)
			break;
		pthread_mutex_unlock(&s->lock);
		rc = write_slot(s, b, &s->write_err);
		pthread_mutex_lock(&s->lock);
		if (rc < 0) {
			s->write_rc = rc;
			s->stop = true;
			saver_wake_all(s);
			break;
		}
		b->state = SLOT_FREE;
		s->next_write++;
		pthread_cond_signal(&s->freed);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

static void saver_free(struct saver *s);

/* threads compression workers (0: everything in the calling thread). Threads that cannot start
 * are a failure, not a silent slowdown: the caller asked for them. */
static int saver_start(struct saver *s, enum kdk_codec codec, uint32_t page_size, bool share_zero,
		       unsigned threads, struct kdk_err *err)
{
	unsigned i, contexts = threads ? threads : 1;
	int rc;

	memset(s, 0, sizeof(*s));
	s->page_size = page_size;
	s->share_zero = share_zero;
	s->nworkers = threads;
	s->nslots = threads ? threads + 2 : 1;
	s->workers = calloc(contexts, sizeof(*s->workers));
	s->slots = calloc(s->nslots, sizeof(*s->slots));
	if (!s->workers || !s->slots) {
		free(s->workers);
		free(s->slots);
		memset(s, 0, sizeof(*s));
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->readable, NULL);
	pthread_cond_init(&s->compressed, NULL);
	pthread_cond_init(&s->freed, NULL);
	for (i = 0; i < contexts; i++) {
		s->workers[i].saver = s;
		if ((rc = kdk_page_codec_new(&s->workers[i].codec, codec, page_size, err)) < 0)
			goto fail;
	}
	s->bound = kdk_page_codec_bound(s->workers[0].codec);
	for (i = 0; i < s->nslots; i++) {
		s->slots[i].raw = malloc((size_t)BATCH_PAGES * page_size);
		s->slots[i].out = malloc((size_t)BATCH_PAGES * s->bound);
		if (!s->slots[i].raw || !s->slots[i].out) {
			rc = kdk_err_set(err, ENOMEM, "out of memory for page buffers");
			goto fail;
		}
	}
	return 0;
fail:
	saver_free(s);
	return rc;
}

/* Start the writer and the workers once the writer's file is open. */
static int saver_run(struct saver *s, struct kdk_dump *dump, struct kdk_diskdump_writer *w,
		     struct kdk_save_stats *stats, const struct kdk_save_params *params,
		     uint64_t total, struct kdk_err *err)
{
	unsigned i;
	int e;

	s->dump = dump;
	s->w = w;
	s->stats = stats;
	s->params = params;
	s->total = total;
	if (!s->nworkers)
		return 0;
	if ((e = pthread_create(&s->writer, NULL, write_thread, s)) != 0)
		return kdk_err_sys(err, e, "cannot start the writer thread");
	s->writer_started = true;
	for (i = 0; i < s->nworkers; i++) {
		if ((e = pthread_create(&s->workers[i].thread, NULL, compress_thread, &s->workers[i])))
			return kdk_err_sys(err, e, "cannot start compression thread %u of %u", i + 1,
					   s->nworkers);
		s->workers[i].started = true;
	}
	return 0;
}

/* Read the batch's pages, each run of consecutive pfns in one read (one pread or copy of up to
 * the whole batch instead of one per page). A run that fails is read again page by page, and
 * the pages that still fail are marked unreadable (makedumpfile stops at the first), with why;
 * write_slot enters them in the save's list. Touches nothing but the slot (and the dump's reads):
 * workers call it at once where the dump allows. */
static int read_batch(struct kdk_dump *dump, struct saver *s, struct slot *b, struct kdk_err *err)
{
	bool any_unreadable = false;
	unsigned i = 0, j, k;
	int rc;

	while (i < b->count) {
		for (j = i + 1; j < b->count && b->pfn[j] == b->pfn[j - 1] + 1; j++)
			;
		for (k = i; k < j; k++)
			b->unreadable[k] = false;
		if ((rc = kdk_dump_read_pages(dump, b->pfn[i], j - i,
					      b->raw + (size_t)i * s->page_size, err)) < 0) {
			if (!page_unreadable(err))
				return rc;
			kdk_err_clear(err);
			for (k = i; k < j; k++) {
				struct kdk_err why = { 0 };

				if (kdk_dump_read_page(dump, b->pfn[k], b->raw + (size_t)k * s->page_size,
						       &why) == 0)
					continue;
				if (!page_unreadable(&why)) {
					*err = why;
					return -why.code;
				}
				b->unreadable[k] = true;
				b->why_code[k] = why.code ? why.code : EIO;
				if (!any_unreadable)
					b->first_why = why;
				any_unreadable = true;
			}
		}
		i = j;
	}
	return 0;
}

/* The slot the caller fills next, once the writer has freed it; NULL when a stage failed. */
static struct slot *fill_slot(struct saver *s)
{
	struct slot *b = &s->slots[s->next_fill % s->nslots];

	if (!s->nworkers)
		return b;
	pthread_mutex_lock(&s->lock);
	while (!s->stop && b->state != SLOT_FREE)
		pthread_cond_wait(&s->freed, &s->lock);
	pthread_mutex_unlock(&s->lock);
	return s->stop ? NULL : b;
}

/* The first failure of a stage, after the threads stopped. */
static int saver_error(struct saver *s, struct kdk_err *err)
{
	uint64_t n;

	if (s->write_rc < 0) {
		*err = s->write_err;
		return s->write_rc;
	}
	for (n = s->next_write; n < s->next_fill; n++) {
		struct slot *b = &s->slots[n % s->nslots];
		if (b->state == SLOT_DONE && b->rc < 0) {
			*err = b->err;
			return b->rc;
		}
	}
	return kdk_err_set(err, EIO, "the page pipeline stopped");
}

/* Tell the threads the input ended (or, with abandon, to stop at once) and wait for them. */
static void saver_join(struct saver *s, bool abandon)
{
	unsigned i;

	pthread_mutex_lock(&s->lock);
	s->input_done = true;
	if (abandon)
		s->stop = true;
	saver_wake_all(s);
	pthread_mutex_unlock(&s->lock);
	if (s->writer_started)
		pthread_join(s->writer, NULL);
	s->writer_started = false;
	for (i = 0; i < s->nworkers; i++) {
		if (s->workers[i].started)
			pthread_join(s->workers[i].thread, NULL);
		s->workers[i].started = false;
	}
}

static void saver_free(struct saver *s)
{
	unsigned i;

	saver_join(s, true);
	for (i = 0; i < (s->nworkers ? s->nworkers : 1); i++)
		kdk_page_codec_free(s->workers[i].codec);
	for (i = 0; i < s->nslots; i++) {
		free(s->slots[i].raw);
		free(s->slots[i].out);
	}
	pthread_cond_destroy(&s->readable);
	pthread_cond_destroy(&s->compressed);
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->lock);
	free(s->slots);
	free(s->workers);
	memset(s, 0, sizeof(*s));
}

/* Wait for the threads to write everything read; their first failure, if any. */
static int saver_finish(struct saver *s, struct kdk_err *err)
{
	if (!s->nworkers)
		return 0;
	saver_join(s, false);
	if (s->write_rc < 0 || s->next_write != s->next_fill)
		return saver_error(s, err);
	return 0;
}

/* Read the filled slot's pages and pass it on (or, without threads, compress and write it). */
static int flush_batch(struct kdk_dump *dump, struct saver *s, struct slot *b, struct kdk_err *err)
{
	int rc;

	if (!b->count)
		return 0;
	/* One worker: the caller reading while it compresses keeps two CPUs busy, where the worker
	 * reading too would leave one idle. */
	b->read_by_worker = s->nworkers > 1 && dump->concurrent_reads;
	if (!b->read_by_worker && (rc = read_batch(dump, s, b, err)) < 0)
		return rc;
	if (!s->nworkers) {
		compress_slot(s, b, s->workers[0].codec);
		rc = write_slot(s, b, err);
		b->count = 0;
		return rc;
	}
	pthread_mutex_lock(&s->lock);
	b->state = SLOT_READ;
	s->next_fill++;
	pthread_cond_signal(&s->readable);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

struct page_visit {
	struct kdk_dump *dump;
	struct saver *saver;
	struct slot *slot;              /* being filled, NULL until the first kept page */
	uint64_t next_index;            /* pfn order: the next kept frame's descriptor index */
};

/* Add a kept page to the slot being filled; read and pass the slot on when it is full. */
static int add_page(struct page_visit *v, uint64_t pfn, uint64_t index, struct kdk_err *err)
{
	struct saver *s = v->saver;
	int rc;

	if (!v->slot) {
		if (!(v->slot = fill_slot(s)))
			return saver_error(s, err);
		v->slot->count = 0;
	}
	v->slot->pfn[v->slot->count] = pfn;
	v->slot->index[v->slot->count++] = index;
	if (v->slot->count == BATCH_PAGES) {
		rc = flush_batch(v->dump, s, v->slot, err);
		v->slot = NULL;
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* for_each_frame's visitor for pfn order. */
static int batch_page(void *ctx, uint64_t pfn, int kept, struct kdk_err *err)
{
	struct page_visit *v = ctx;

	(void)kept;
	return add_page(v, pfn, v->next_index++, err);
}

static bool bit_set(const unsigned char *bits, uint64_t i) { return (bits[i / 8] >> (i % 8)) & 1; }

static bool in_range(const struct kdk_pfn_range *r, uint64_t pfn)
{
	return pfn >= r->start_pfn && pfn < r->end_pfn;
}

/* Save order over the cached bits of [0, limit) (kept frames `kept` in all): the frames of
 * `first` in increasing order, then every other kept frame from both ends of memory inward, a
 * batch of BATCH_PAGES from the top, one from the bottom, and so on, each batch in increasing
 * pfn order (one descriptor run and sequential source reads per batch). memblock takes the early
 * boot allocations from the top down; the buddy allocator's first pages (the first tasks and
 * pid structures) sit at the bottom; a cut loses the middle, allocated last. A frame's index is
 * its rank among all kept frames. */
static int visit_in_save_order(struct page_visit *v, const unsigned char *keep, uint64_t limit,
			       uint64_t kept, struct kdk_pfn_range first, struct kdk_err *err)
{
	uint64_t pfn, index = 0, low = 0, low_index = 0, high = limit, high_index = kept;
	uint64_t top[BATCH_PAGES], top_index[BATCH_PAGES];
	bool from_top = true;
	unsigned n;
	int rc;

	if (first.end_pfn > limit)
		first.end_pfn = limit;
	if (first.start_pfn < first.end_pfn) {
		for (pfn = 0; pfn + 8 <= first.start_pfn; pfn += 8)
			index += (uint64_t)__builtin_popcount(keep[pfn / 8]);
		for (; pfn < first.start_pfn; pfn++)
			index += bit_set(keep, pfn);
		for (pfn = first.start_pfn; pfn < first.end_pfn; pfn++)
			if (bit_set(keep, pfn) && (rc = add_page(v, pfn, index++, err)) < 0)
				return rc;
	}
	for (; low < high; from_top = !from_top) {
		n = 0;
		if (from_top) {
			while (high > low && n < BATCH_PAGES) {
				if (high % 8 == 0 && high - low >= 8 && !keep[high / 8 - 1]) {
					high -= 8;      /* eight frames, none kept */
					continue;
				}
				if (!bit_set(keep, --high))
					continue;
				high_index--;
				if (!in_range(&first, high)) {
					top[n] = high;
					top_index[n++] = high_index;
				}
			}
			while (n > 0) {
				n--;
				if ((rc = add_page(v, top[n], top_index[n], err)) < 0)
					return rc;
			}
			continue;
		}
		while (low < high && n < BATCH_PAGES) {
			if (low % 8 == 0 && high - low >= 8 && !keep[low / 8]) {
				low += 8;
				continue;
			}
			if (bit_set(keep, low)) {
				if (!in_range(&first, low)) {
					if ((rc = add_page(v, low, low_index, err)) < 0)
						return rc;
					n++;
				}
				low_index++;
			}
			low++;
		}
	}
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
	const unsigned char *present, *keep;
	struct frame_bits bits;
	struct kept_count counted;
	struct saver s;
	bool saver_up = false;
	double step = kdk_monotonic_seconds();
	int rc;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if ((rc = frame_bits_init(&bits, filter, dump->max_pfn, window, err)) < 0)
		return rc;
	if ((rc = count_kept(&bits, dump->max_pfn, &counted, err)) < 0)
		goto out;
	stats->exclude_seconds = kdk_monotonic_seconds() - step;
	step += stats->exclude_seconds;
	kept = counted.pages;
	/* The file describes frames up to the last one kept: frames above it are all left out,
	 * and bitmaps for them would only cost space (makedumpfile's max_mapnr ends there too). */
	limit = counted.end_pfn ? counted.end_pfn : dump->max_pfn;
	hp.page_size = dump->page_size;
	hp.max_pfn = limit;
	hp.dump_level = (int32_t)filter->dump_level;
	hp.codec = params->codec;
	hp.pages_to_dump = kept;
	if ((rc = saver_start(&s, params->codec, dump->page_size,
			      (filter->dump_level & KDK_DL_ZERO) != 0, params->num_threads, err)) < 0)
		goto out;
	saver_up = true;
	if ((rc = kdk_diskdump_write_open(&w, sink, &hp, err)) < 0)
		goto out;

	/* The bitmaps, window by window. */
	frame_bits_rewind(&bits);
	for (start = 0; start < limit; start += window) {
		uint64_t count = limit - start < window ? limit - start : window;
		if ((rc = frame_bits_window(&bits, start, count, &present, &keep, err)) < 0 ||
		    (rc = kdk_diskdump_write_bitmaps(w, start, count, present, keep, err)) < 0)
			goto out;
	}
	stats->bitmap_seconds = kdk_monotonic_seconds() - step;
	step += stats->bitmap_seconds;

	/* The pages through the pipeline: in save order from the cached bits, else the same
	 * windows again in pfn order. */
	if ((rc = saver_run(&s, dump, w, stats, params, kept, err)) < 0)
		goto out;
	{
		struct page_visit v = { dump, &s, NULL, 0 };

		if (bits.cached)
			rc = visit_in_save_order(&v, bits.keep, limit, kept, params->first, err);
		else
			rc = for_each_frame(&bits, limit, 1, batch_page, &v, err);
		if (rc < 0 || (v.slot && (rc = flush_batch(dump, &s, v.slot, err)) < 0))
			goto out;
	}
	/* Let the threads write what was read; a failure of theirs is the save's. */
	if ((rc = saver_finish(&s, err)) < 0)
		goto out;
	stats->bytes_written = kdk_diskdump_write_size(w);
	stats->filter = filter->stats;
	rc = kdk_diskdump_write_finish(w, err);
	w = NULL;
	stats->copy_seconds = kdk_monotonic_seconds() - step;
	if (rc == 0 && params->progress)
		params->progress(params->progress_ctx, kept, kept);
out:
	/* The threads first: the writer uses w and enters unreadable pages until it stops. */
	if (saver_up)
		saver_free(&s);
	unreadable_finish(dump, &stats->unreadable);
	if (w) {
		stats->bytes_written = kdk_diskdump_write_size(w);
		kdk_diskdump_write_abort(w);
	}
	frame_bits_free(&bits);
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
		unreadable_add(&v->stats->unreadable, pfn, &why);
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
	struct frame_bits bits;
	struct elf_visit v;
	void *notes = NULL;
	size_t notes_size;
	bool notes_allocated = false;
	double step = kdk_monotonic_seconds();
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
	if ((rc = frame_bits_init(&bits, filter, dump->max_pfn, window, err)) < 0)
		return rc;
	if (!(v.page = malloc(dump->page_size))) {
		frame_bits_free(&bits);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	/* Pass 1: how many PT_LOADs (and, with zero pages left out, which pages). */
	if ((rc = for_each_frame(&bits, dump->max_pfn, 0, elf_page, &v, err)) < 0)
		goto out;
	stats->exclude_seconds = kdk_monotonic_seconds() - step;
	step += stats->exclude_seconds;
	unreadable_finish(dump, &stats->unreadable);
	if ((rc = elf_notes(&v, &notes, &notes_size, &notes_allocated, err)) < 0 ||
	    (rc = kdk_elf_write_open(&v.writer, sink, v.runs.runs, notes, notes_size,
				     dump->page_size, text, err)) < 0)
		goto out;
	/* Pass 2: the same pages again, written. */
	if ((rc = for_each_frame(&bits, dump->max_pfn, 0, elf_page, &v, err)) < 0) {
		stats->bytes_written = kdk_elf_write_size(v.writer);
		kdk_elf_write_abort(v.writer);
		goto out;
	}
	stats->bytes_written = kdk_elf_write_size(v.writer);
	stats->filter = filter->stats;
	rc = kdk_elf_write_finish(v.writer, err);
	stats->copy_seconds = kdk_monotonic_seconds() - step;
	if (rc == 0 && params->progress)
		params->progress(params->progress_ctx, v.total, v.total);
out:
	unreadable_finish(dump, &stats->unreadable);
	if (notes_allocated)
		free(notes);
	kdk_array_free(&v.unreadable);
	free(v.page);
	frame_bits_free(&bits);
	return rc;
}
