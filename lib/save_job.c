/* save_job.c — what dumpsave (and the capture /init, from kdump.conf's core_collector) runs:
 * open the dump, set filtering up from its VMCOREINFO, save it under a partial name and rename
 * it when complete; or extract the kernel log; or reassemble a flattened stream. */
#include "save_job.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diskdump_write.h"
#include "dump_filter.h"
#include "elf_vmcore.h"
#include "flattened.h"
#include "kdk_clock.h"
#include "kdk_dump.h"
#include "kdk_kmem.h"
#include "kdk_log.h"
#include "kdk_out.h"
#include "kfacts/kfacts.h"
#include "printk_ring.h"
#include "save_dest.h"
#include "vmcoreinfo.h"
#include "x86_64_vtop.h"

static enum kdk_codec codec_of(enum kdk_save_codec c)
{
	switch (c) {
	case KDK_SAVE_CODEC_ZLIB: return KDK_CODEC_ZLIB;
	case KDK_SAVE_CODEC_LZO: return KDK_CODEC_LZO;
	case KDK_SAVE_CODEC_ZSTD: return KDK_CODEC_ZSTD;
	case KDK_SAVE_CODEC_SNAPPY: return KDK_CODEC_SNAPPY;
	default: return KDK_CODEC_NONE;
	}
}

/* An open dump with what dumpsave knows about it. Every kernel fact comes through one chain
 * (lib/kfacts): VMCOREINFO, then the dump's own BTF — whose symbols come from the dump's kallsyms,
 * decoded only when VMCOREINFO lacks a fact the dump level needs — then x86_64's definitions. */
struct source {
	struct kdk_dump *dump;
	struct kdk_vmcoreinfo vmcoreinfo;
	int have_vmcoreinfo;
	struct kdk_facts facts;
	struct kdk_kmem kmem;
	int have_kmem;
	struct kdk_err kmem_err;         /* why there is no kernel memory */
	struct kdk_page_layout page_layout;
	struct kdk_mem_map_layout mem_map_layout;
	int have_mem_map_layout;
	unsigned dump_level;             /* the level really used (≤ the one asked for) */
	char degraded[KDK_SAVE_REASON_MAX]; /* why it is lower than asked; "" when it is not */
};

static void source_close(struct source *src)
{
	kdk_facts_free(&src->facts);
	if (src->have_kmem)
		kdk_kmem_free(&src->kmem);
	if (src->have_vmcoreinfo)
		kdk_vmcoreinfo_free(&src->vmcoreinfo);
	if (src->dump)
		kdk_dump_close(src->dump);
	memset(src, 0, sizeof(*src));
}

/* The dump's BTF reads kernel memory, which may not be there. */
static int read_source_kmem(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	struct source *src = ctx;

	if (!src->have_kmem)
		return kdk_err_set(err, ENOENT, "no kernel memory: %s", src->kmem_err.msg);
	return kdk_kmem_read(&src->kmem, vaddr, buf, len, err);
}

/* Lower the level to `level`, keeping the first reason given. */
static void degrade(struct source *src, unsigned level, const char *why)
{
	size_t len = strlen(why);

	if (len >= sizeof(src->degraded))
		len = sizeof(src->degraded) - 1;
	if (!src->degraded[0]) {
		memcpy(src->degraded, why, len);
		src->degraded[len] = '\0';
	}
	src->dump_level = level;
}

/* Open the dump and what filtering at dump_level needs; kmem_for names what else needs kernel
 * memory (NULL: nothing). A level whose facts no source gives is lowered, never refused. */
static int source_open(struct source *src, const char *path, unsigned dump_level,
		       const char *kmem_for, struct kdk_err *err)
{
	struct kdk_err why = { 0 };
	char asked[384], msg[KDK_ERR_MSG_MAX + 400];
	int rc;

	memset(src, 0, sizeof(*src));
	kdk_facts_init(&src->facts);
	src->dump_level = dump_level;
	if ((rc = kdk_dump_open(path, &src->dump, err)) < 0)
		return rc;
	if (src->dump->vmcoreinfo) {
		rc = kdk_vmcoreinfo_parse(src->dump->vmcoreinfo, src->dump->vmcoreinfo_size,
					  &src->vmcoreinfo, err);
		if (rc < 0)
			goto fail;
		src->have_vmcoreinfo = 1;
		if ((rc = kdk_facts_add_vmcoreinfo(&src->facts, &src->vmcoreinfo, err)) < 0 ||
		    (rc = kdk_facts_add_dump_btf(&src->facts, &src->vmcoreinfo, NULL, read_source_kmem,
						 src, err)) < 0)
			goto fail;
	}
	if ((rc = kdk_facts_add_x86_64(&src->facts, err)) < 0)
		goto fail;
	if (!src->have_vmcoreinfo)
		kdk_err_set(&src->kmem_err, ENOENT, "%s has no VMCOREINFO note", path);
	else if (kdk_kmem_init(&src->kmem, src->dump, kdk_facts_lookup_ready, &src->facts,
			       &src->kmem_err) == 0)
		src->have_kmem = 1;
	if (kmem_for && !src->have_kmem) {
		rc = kdk_err_set(err, src->kmem_err.code ? src->kmem_err.code : ENOENT, "%s: %s needs it",
				 src->kmem_err.msg, kmem_for);
		if (!strstr(err->msg, path))
			kdk_err_prefix(err, "%s: ", path);
		goto fail;
	}

	/* What VMCOREINFO (and the arch) give costs nothing; the dump's BTF is read only when the
	 * level needs a fact they lack. */
	kdk_layout_fill(kdk_page_layout_keys, &src->page_layout, kdk_facts_lookup_ready, &src->facts,
			NULL);
	if ((rc = kdk_page_layout_check(&src->page_layout, dump_level, &why)) == -ENOENT) {
		const struct kdk_layout_key *key;

		kdk_layout_fill(kdk_page_layout_keys, &src->page_layout, kdk_facts_lookup, &src->facts,
				NULL);
		rc = kdk_page_layout_check(&src->page_layout, dump_level, &why);
		for (key = kdk_page_layout_keys; key->name; key++) {
			char answered[128];
			uint64_t value;

			/* A row may name a kernel's renamings ("new|old"): say which name answered. */
			if (kdk_layout_lookup_key(key, kdk_vmcoreinfo_layout_lookup, &src->vmcoreinfo,
						  &value, NULL, 0) < 0 &&
			    kdk_layout_lookup_key(key, kdk_facts_lookup, &src->facts, &value, answered,
						  sizeof(answered)) == 0)
				kdk_log(KDK_LOG_COMMON, "%s: %s(%s) from %s (VMCOREINFO lacks it)", path,
					kdk_layout_kind_name(key->kind), answered, src->facts.answered_by);
		}
	}
	if (rc == -EINVAL && dump_level > KDK_DL_MAX) {
		*err = why;
		goto fail;
	}
	if (rc < 0) {
		kdk_facts_describe(&src->facts, asked, sizeof(asked));
		if (src->have_vmcoreinfo)
			snprintf(msg, sizeof(msg), "%s (asked: %s)", why.msg, asked);
		else
			snprintf(msg, sizeof(msg), "dump level %u needs VMCOREINFO, and %s has no VMCOREINFO note",
				 dump_level, path);
		degrade(src, kdk_page_layout_best_level(&src->page_layout, dump_level, NULL), msg);
	}
	/* mem_section's keys: at every level they tell where the kernel's memory ends; the dump's
	 * BTF is asked for them only when struct pages are needed. */
	src->have_mem_map_layout =
		kdk_layout_fill(kdk_mem_map_layout_keys, &src->mem_map_layout, kdk_facts_lookup_ready,
				&src->facts, &why) == 0;
	if (kdk_page_layout_walk_needed(&src->page_layout, src->dump_level) &&
	    src->dump_level > KDK_DL_ZERO && !src->have_mem_map_layout)
		src->have_mem_map_layout = kdk_facts_fill(&src->facts, kdk_mem_map_layout_keys,
							  &src->mem_map_layout, &why) == 0;
	if (kdk_page_layout_walk_needed(&src->page_layout, src->dump_level) &&
	    src->dump_level > KDK_DL_ZERO) {
		if (!src->have_kmem) {
			snprintf(msg, sizeof(msg), "dump level %u needs the kernel's memory: %s",
				 src->dump_level, src->kmem_err.msg);
			degrade(src, src->dump_level & KDK_DL_ZERO, msg);
		} else if (!src->have_mem_map_layout) {
			snprintf(msg, sizeof(msg), "dump level %u needs struct pages: %s", src->dump_level,
				 why.msg);
			degrade(src, src->dump_level & KDK_DL_ZERO, msg);
		}
	}
	return 0;
fail:
	source_close(src);
	return rc;
}

/* The header fields crash shows: from init_uts_ns in kernel memory when it can be read,
 * else from VMCOREINFO's OSRELEASE. */
static void fill_header(struct source *src, struct kdk_diskdump_params *hp)
{
	uint64_t uts, name_off, value;
	const char *text;
	size_t i;

	memset(hp, 0, sizeof(*hp));
	strcpy(hp->utsname.sysname, "Linux");
	strcpy(hp->utsname.machine, "x86_64");
	hp->notes = src->dump->notes;
	hp->notes_size = src->dump->notes_size;
	hp->vmcoreinfo = src->dump->vmcoreinfo;
	hp->vmcoreinfo_size = src->dump->vmcoreinfo_size;
	for (i = 0; i < src->dump->note_index.len; i++) {
		const struct kdk_dump_note *n = kdk_array_at(&src->dump->note_index, i);
		if (n->type == 1 /* NT_PRSTATUS */ && !strcmp(n->name, "CORE"))
			hp->nr_cpus++;
	}
	if (!src->have_vmcoreinfo)
		return;
	if ((text = kdk_vmcoreinfo_string(&src->vmcoreinfo, "OSRELEASE")))
		snprintf(hp->utsname.release, sizeof(hp->utsname.release), "%s", text);
	if ((text = kdk_vmcoreinfo_string(&src->vmcoreinfo, "CRASHTIME")))
		hp->timestamp_sec = strtoll(text, NULL, 10);
	if (kdk_facts_lookup_ready(&src->facts, KDK_KEY_NUMBER, "phys_base", &value) == 0)
		hp->phys_base = value;
	if (src->have_kmem &&
	    kdk_facts_lookup_ready(&src->facts, KDK_KEY_SYMBOL, "init_uts_ns", &uts) == 0 &&
	    kdk_facts_lookup_ready(&src->facts, KDK_KEY_OFFSET, "uts_namespace.name", &name_off) == 0) {
		struct kdk_new_utsname live;
		if (kdk_kmem_read(&src->kmem, uts + name_off, &live, sizeof(live), NULL) == 0) {
			live.sysname[sizeof(live.sysname) - 1] = '\0';
			if (!strcmp(live.sysname, "Linux"))
				hp->utsname = live;
		}
	}
}

void kdk_save_report_degraded(const struct kdk_save_report *report, char *buf, size_t size)
{
	int n = 0;

	buf[0] = '\0';
	if (report->degraded[0])
		n = snprintf(buf, size, "%s; saving at level %u instead", report->degraded,
			     report->dump_level_used);
	if (n < 0 || (size_t)n >= size)
		return;
	if (report->unreadable[0] && !report->stats.filter.unreadable)
		snprintf(buf + n, size - (size_t)n,
			 "%sstruct pages could not be read (%s): hwpoisoned frames are not skipped",
			 n ? "\n" : "", report->unreadable);
	else if (report->unreadable[0])
		snprintf(buf + n, size - (size_t)n,
			 "%sthe struct pages of %llu frames could not be read (first: %s): those frames are saved unfiltered",
			 n ? "\n" : "", (unsigned long long)report->stats.filter.unreadable,
			 report->unreadable);
	n = (int)strlen(buf);
	if ((size_t)n + 1 < size && report->stats.unreadable.pages) {
		const struct kdk_unreadable *u = &report->stats.unreadable;
		char more[64] = "";

		if (u->ranges > u->listed)
			snprintf(more, sizeof(more), "; and %llu more runs",
				 (unsigned long long)(u->ranges - u->listed));
		snprintf(buf + n, size - (size_t)n,
			 "%swarning: %llu pages in %llu runs could not be read from the source and are "
			 "marked unreadable in the dump: %s%s (first error: %s)", n ? "\n" : "",
			 (unsigned long long)u->pages, (unsigned long long)u->ranges, u->text, more,
			 u->first_error);
	}
}

void kdk_save_report_print(FILE *out, const struct kdk_save_report *report)
{
	const struct kdk_save_stats *st = &report->stats;
	uint64_t max_pfn = report->max_pfn;
	int elf = report->elf;
	const uint64_t *x = st->filter.excluded;
	uint64_t excluded = x[KDK_PAGE_FREE] + x[KDK_PAGE_CACHE] + x[KDK_PAGE_CACHE_PRIVATE] +
			    x[KDK_PAGE_USER] + x[KDK_PAGE_HWPOISON] + x[KDK_PAGE_OFFLINE] +
			    (elf ? st->zero_pages : 0);
	uint64_t remaining = st->filter.present - excluded;

	/* makedumpfile's step lines (the name in 27 columns), then its report */
	fprintf(out, "\nSTEP [%-27s] : %.6f seconds\n", "Excluding unnecessary pages",
		st->exclude_seconds);
	if (!report->dry_run) {
		if (!elf)
			fprintf(out, "STEP [%-27s] : %.6f seconds\n", "Writing bitmaps", st->bitmap_seconds);
		fprintf(out, "STEP [%-27s] : %.6f seconds\n", "Copying data", st->copy_seconds);
		fprintf(out, "STEP [%-27s] : %.6f seconds\n", "Syncing and renaming", report->sync_seconds);
	}
	fprintf(out, "\nOriginal pages  : 0x%016llx\n", (unsigned long long)st->filter.present);
	fprintf(out, "  Excluded pages   : 0x%016llx\n", (unsigned long long)excluded);
	fprintf(out, "    Pages filled with zero  : 0x%016llx\n", (unsigned long long)st->zero_pages);
	fprintf(out, "    Non-private cache pages : 0x%016llx\n", (unsigned long long)x[KDK_PAGE_CACHE]);
	fprintf(out, "    Private cache pages     : 0x%016llx\n",
		(unsigned long long)x[KDK_PAGE_CACHE_PRIVATE]);
	fprintf(out, "    User process data pages : 0x%016llx\n", (unsigned long long)x[KDK_PAGE_USER]);
	fprintf(out, "    Free pages              : 0x%016llx\n", (unsigned long long)x[KDK_PAGE_FREE]);
	fprintf(out, "    Hwpoison pages          : 0x%016llx\n", (unsigned long long)x[KDK_PAGE_HWPOISON]);
	fprintf(out, "    Offline pages           : 0x%016llx\n", (unsigned long long)x[KDK_PAGE_OFFLINE]);
	fprintf(out, "  Remaining pages  : 0x%016llx\n", (unsigned long long)remaining);
	if (st->filter.present)
		fprintf(out, "  (The number of pages is reduced to %lld%%.)\n",
			(long long)(remaining * 100 / st->filter.present));
	fprintf(out, "Memory Hole     : 0x%016llx\n",
		(unsigned long long)(max_pfn - st->filter.present));
	fprintf(out, "--------------------------------------------------\n");
	fprintf(out, "Total pages     : 0x%016llx\n", (unsigned long long)max_pfn);
	fprintf(out, "Write bytes     : %llu\n", (unsigned long long)st->bytes_written);
}

/* Output goes to partial_name (default NAME.incomplete) and becomes NAME only when complete.
 * Where the destination can only take a flattened stream, both names end in ".flat". */
struct output {
	char *partial;
	char *final;
	struct kdk_out *out;
};

static void output_names_free(struct output *o)
{
	free(o->partial);
	free(o->final);
	o->partial = o->final = NULL;
}

static int output_names(struct kdk_save_dest *dest, const char *output, const char *partial_name,
			unsigned flags, struct output *o, struct kdk_err *err)
{
	const char *flat = dest->flattened && !(flags & KDK_DEST_SEQUENTIAL) ? ".flat" : "";

	memset(o, 0, sizeof(*o));
	if (asprintf(&o->final, "%s%s", output, flat) < 0 ||
	    (partial_name ? asprintf(&o->partial, "%s%s", partial_name, flat)
			  : asprintf(&o->partial, "%s.incomplete%s", output, flat)) < 0) {
		o->final = o->partial = NULL;
		output_names_free(o);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

int kdk_save_job_remove_partial(struct kdk_save_dest *dest, const char *output,
				const char *partial_name, char *removed, size_t size,
				struct kdk_err *err)
{
	struct output o;
	int rc;

	if ((rc = output_names(dest, output, partial_name, 0, &o, err)))
		return rc;
	rc = kdk_save_dest_remove(dest, o.partial, err);
	if (!rc && removed)
		snprintf(removed, size, "%s%s", dest->prefix, o.partial);
	output_names_free(&o);
	return rc;
}

static int open_output(struct kdk_save_dest *dest, const char *output, const char *partial_name,
		       int force, unsigned flags, struct output *o, struct kdk_err *err)
{
	bool exists;
	int rc;

	if ((rc = output_names(dest, output, partial_name, flags, o, err)))
		return rc;
	if ((rc = kdk_save_dest_exists(dest, o->final, &exists, err)) < 0)
		goto fail;
	if (!force && exists) {
		rc = kdk_err_set(err, EEXIST, "%s%s exists (use -f to overwrite it)", dest->prefix, o->final);
		goto fail;
	}
	if ((rc = kdk_save_dest_create(dest, o->partial, flags, &o->out, err)) == -EEXIST) {
		/* An earlier run that did not finish left it: maybe the only copy of that crash. */
		kdk_err_set(err, EEXIST, "%s%s exists, left by an earlier save that did not finish (it may "
			    "be the only copy of that crash): move it away or name another output",
			    dest->prefix, o->partial);
		goto fail;
	}
	if (rc < 0)
		goto fail;
	return 0;
fail:
	output_names_free(o);
	return rc;
}

/* Finish (every byte acknowledged and synced), then rename: the final name appears only for a
 * complete output. *renaming (may be NULL) says the output was complete and only the rename
 * failed. */
static int finish_output(struct kdk_save_dest *dest, struct output *o, int rc, bool *renaming,
			 struct kdk_err *err)
{
	if (renaming)
		*renaming = false;
	if (rc == 0)
		rc = kdk_out_finish(o->out, err);
	kdk_out_release(o->out);
	o->out = NULL;
	if (rc == 0 && (rc = kdk_save_dest_rename(dest, o->partial, o->final, err)) < 0 && renaming)
		*renaming = true;
	return rc;
}

/* The VMCOREINFO copy of a kdump-compressed file whose level was lowered: the dump's text and
 * one line more, KDUMPKIT_DUMP_LEVEL=<used> (requested <asked>: <why>), which crash and
 * makedumpfile skip (docs/formats/kdump-compressed.md). '=' in the reason becomes ':' so that
 * no "KEY=" a reader searches for can appear in it. NULL when out of memory (then no line). */
static char *vmcoreinfo_with_level(const struct source *src, unsigned requested)
{
	const char *text = src->dump->vmcoreinfo ? src->dump->vmcoreinfo : "";
	size_t len = src->dump->vmcoreinfo ? src->dump->vmcoreinfo_size : 0;
	const char *newline = len && text[len - 1] != '\n' ? "\n" : "";
	char *out, *p;

	if (asprintf(&out, "%.*s%sKDUMPKIT_DUMP_LEVEL=%u (requested %u: %s)\n", (int)len, text,
		     newline, src->dump_level, requested, src->degraded) < 0)
		return NULL;
	for (p = out + len + strlen(newline) + strlen("KDUMPKIT_DUMP_LEVEL="); *p; p++)
		if (*p == '=' || (*p == '\n' && p[1]))
			*p = *p == '=' ? ':' : ' ';
	return out;
}

/* The kernel image's frames, which the save writes first (dump_save.h): the PT_LOAD the first
 * kernel made for it at its kernel-map address (kexec_file_load and our kexec both add one, from
 * _text to _end), else the image's own page-table mapping; none when neither says. */
static struct kdk_pfn_range kernel_image_frames(struct source *src)
{
	struct kdk_pfn_range frames = { 0, 0 };
	uint64_t page = src->dump->page_size, start, end;
	const struct kdk_elf_segment *seg;
	struct kdk_err ignored = { 0 };
	size_t count, i;

	seg = kdk_elf_segments(src->dump, &count);
	for (i = 0; seg && i < count; i++)
		if (seg[i].vaddr >= KDK_X86_64_START_KERNEL_MAP && seg[i].memsz &&
		    seg[i].paddr < UINT64_MAX - seg[i].memsz) {
			frames.start_pfn = seg[i].paddr / page;
			frames.end_pfn = (seg[i].paddr + seg[i].memsz + page - 1) / page;
			return frames;
		}
	if (src->have_kmem && kdk_kmem_kernel_image(&src->kmem, &start, &end, &ignored) == 0) {
		frames.start_pfn = start / page;
		frames.end_pfn = end / page;
	}
	return frames;
}

static int save(const struct kdk_save_options *o, struct kdk_save_dest *dest,
		const char *partial_name, const struct kdk_save_hooks *hooks,
		struct kdk_save_report *report, struct kdk_err *err)
{
	struct output output = { 0 };
	struct kdk_save_params params = { codec_of(o->codec), o->num_threads, 0,
					  hooks ? hooks->progress : NULL, hooks ? hooks->ctx : NULL,
					  { 0, 0 } };
	struct kdk_diskdump_params header;
	struct kdk_save_stats stats;
	struct kdk_filter filter;
	struct kdk_out *out = NULL;
	char *vmcoreinfo_note = NULL, no_walk[KDK_ERR_MSG_MAX] = "";
	struct source src;
	double sync_started;
	int rc;

	if ((rc = source_open(&src, o->vmcore, o->dump_level, NULL, err)) < 0)
		return rc;
	rc = kdk_filter_init(&filter, src.dump, src.dump_level, &src.page_layout,
			     src.have_mem_map_layout ? &src.mem_map_layout : NULL,
			     src.have_kmem ? kdk_kmem_read : NULL, &src.kmem, err);
	if (rc < 0 && src.have_mem_map_layout && src.have_kmem) {
		/* mem_section does not describe sparsemem as we know it, or its roots are
		 * unreadable: save without struct pages rather than not at all. At levels 0 and 1
		 * that only loses skipping hwpoisoned frames, which is said too. */
		char why[KDK_ERR_MSG_MAX + 64];

		if (src.dump_level > KDK_DL_ZERO) {
			snprintf(why, sizeof(why), "dump level %u needs struct pages: %s",
				 src.dump_level, err->msg);
			degrade(&src, src.dump_level & KDK_DL_ZERO, why);
		} else {
			snprintf(no_walk, sizeof(no_walk), "%s", err->msg);
		}
		kdk_err_clear(err);
		rc = kdk_filter_init(&filter, src.dump, src.dump_level, &src.page_layout, NULL, NULL,
				     NULL, err);
	}
	if (report) {
		report->dump_level_requested = o->dump_level;
		report->dump_level_used = src.dump_level;
		memcpy(report->degraded, src.degraded, sizeof(report->degraded));
		memcpy(report->unreadable, no_walk, sizeof(report->unreadable));
	}
	if (rc < 0)
		goto out_source;
	memset(&stats, 0, sizeof(stats));
	if (o->dry_run) {
		uint64_t kept;
		double started = kdk_monotonic_seconds();

		rc = kdk_save_count(&filter, src.dump->max_pfn, 0, &kept, err);
		stats.exclude_seconds = kdk_monotonic_seconds() - started;
		stats.filter = filter.stats;
		if (report)
			report->dry_run = true;
		if (report)
			report->dry_run_pages = kept;
		goto out_filter;
	}
	if (o->mode == KDK_SAVE_FLATTEN)
		rc = kdk_flat_out_open(&out, STDOUT_FILENO, "stdout", err);
	else if ((rc = open_output(dest, o->output, partial_name, o->force,
				   o->direct_io ? KDK_DEST_DIRECT : 0, &output, err)) == 0)
		out = output.out;
	if (rc < 0)
		goto out_filter;
	if (o->elf) {
		struct kdk_elf_text text = { 0, 0, 0 };
		uint64_t phys_base, image_size = 1ULL << 30;
		if (src.have_vmcoreinfo &&
		    kdk_vmcoreinfo_layout_lookup(&src.vmcoreinfo, KDK_KEY_NUMBER, "phys_base", &phys_base) == 0) {
			/* phys_base may be negative: the window then starts at physical 0. */
			int64_t start = (int64_t)phys_base;
			kdk_vmcoreinfo_layout_lookup(&src.vmcoreinfo, KDK_KEY_NUMBER, "KERNEL_IMAGE_SIZE",
						     &image_size);
			if (start < 0)
				start = 0;
			text.start_pfn = (uint64_t)start / src.dump->page_size;
			text.end_pfn = (phys_base + image_size) / src.dump->page_size;
			text.start_vaddr = KDK_X86_64_START_KERNEL_MAP + ((uint64_t)start - phys_base);
		}
		rc = kdk_save_elf(src.dump, &filter, out, &text, &params, &stats, err);
	} else {
		fill_header(&src, &header);
		if (src.degraded[0] && (vmcoreinfo_note = vmcoreinfo_with_level(&src, o->dump_level))) {
			header.vmcoreinfo = vmcoreinfo_note;
			header.vmcoreinfo_size = strlen(vmcoreinfo_note);
		}
		params.first = kernel_image_frames(&src);
		rc = kdk_save_kdump(src.dump, &filter, &header, out, &params, &stats, err);
	}
	sync_started = kdk_monotonic_seconds();
	if (o->mode == KDK_SAVE_FLATTEN) {
		if (rc == 0)
			rc = kdk_out_finish(out, err);
		kdk_out_release(out);
	} else {
		bool renaming;

		rc = finish_output(dest, &output, rc, &renaming, err);
		if (rc < 0) {
			struct kdk_err probe_err = { 0 };
			bool exists = false;

			if (renaming)
				kdk_err_prefix(err, "the dump is complete in %s%s, but not under its final name: ",
					       dest->prefix, output.partial);
			else if (kdk_save_dest_exists(dest, output.partial, &exists, &probe_err) < 0)
				kdk_err_prefix(err, "the dump is incomplete; what reached %s is in %s%s (marked incomplete): ",
					       dest->prefix[0] ? dest->prefix : "the disk", dest->prefix,
					       output.partial);
			else if (exists)
				kdk_err_prefix(err, "the dump is incomplete, what was saved is in %s%s (marked incomplete): ",
					       dest->prefix, output.partial);
		}
	}
	if (report)
		report->sync_seconds = kdk_monotonic_seconds() - sync_started;
out_filter:
	if (report) {
		report->stats = stats;
		report->max_pfn = src.dump->max_pfn;
		report->elf = o->elf;
		report->have_stats = rc == 0;
		if (filter.unreadable_err.code)
			snprintf(report->unreadable, sizeof(report->unreadable), "%s",
				 filter.unreadable_err.msg);
	}
	kdk_filter_free(&filter);
out_source:
	free(vmcoreinfo_note);
	output_names_free(&output);
	source_close(&src);
	return rc;
}

static int write_record(void *ctx, const struct kdk_printk_record *record)
{
	return kdk_printk_format(ctx, record) < 0 ? -EIO : 0;
}

/* The kernel log is written through stdio (the printk formatter's interface) into whatever
 * sink the destination gives: a cookie stream appending to it. */
struct sink_stream {
	struct kdk_out *out;
	uint64_t position;
	struct kdk_err *err;
	int failed;
};

static ssize_t sink_stream_write(void *cookie, const char *buf, size_t size)
{
	struct sink_stream *st = cookie;

	if (st->failed || kdk_out_write(st->out, st->position, buf, size, st->err) < 0) {
		st->failed = 1;
		errno = EIO;
		return -1;
	}
	st->position += size;
	return (ssize_t)size;
}

static int dump_dmesg(const struct kdk_save_options *o, struct kdk_save_dest *dest,
		      const char *partial_name, struct kdk_err *err)
{
	cookie_io_functions_t io = { .write = sink_stream_write };
	struct kdk_printk_layout layout;
	struct output output = { 0 };
	struct sink_stream st = { 0 };
	struct kdk_err write_err = { 0 };
	struct source src;
	FILE *out = NULL;
	int rc;

	if ((rc = source_open(&src, o->vmcore, 0, "the kernel log", err)) < 0)
		return rc;
	/* Which ring the kernel has is told by the keys VMCOREINFO exports: asked without the
	 * dump's BTF, whose symbol table would also name a 5.10+ kernel's leftover log_buf. */
	if ((rc = kdk_printk_layout_fill(&layout, kdk_facts_lookup_ready, &src.facts, err)) < 0) {
		kdk_err_prefix(err, "%s: the kernel log: ", o->vmcore);
		goto out;
	}
	if ((rc = open_output(dest, o->output, partial_name, o->force, KDK_DEST_SEQUENTIAL, &output,
			      err)) < 0)
		goto out;
	st.out = output.out;
	st.err = &write_err;
	if (!(out = fopencookie(&st, "w", io))) {
		rc = kdk_err_sys(err, errno, "%s", output.partial);
		rc = finish_output(dest, &output, rc, NULL, err);
		goto out;
	}
	setvbuf(out, NULL, _IOFBF, 64 * 1024);
	rc = kdk_printk_walk(&layout, kdk_kmem_read, &src.kmem, write_record, out, NULL, err);
	if (fclose(out) != 0 && rc == 0)
		rc = -EIO;
	if (st.failed) {
		*err = write_err;
		rc = -write_err.code;
	} else if (rc == -EIO) {
		rc = kdk_err_sys(err, EIO, "%s%s", dest->prefix, output.partial);
	}
	rc = finish_output(dest, &output, rc, NULL, err);
out:
	output_names_free(&output);
	source_close(&src);
	return rc;
}

static int reassemble(const struct kdk_save_options *o, struct kdk_save_dest *dest,
		      const char *partial_name, struct kdk_err *err)
{
	struct output output;
	int rc;

	if ((rc = open_output(dest, o->output, partial_name, o->force, 0, &output, err)) < 0)
		return rc;
	rc = kdk_flat_reassemble(STDIN_FILENO, "stdin", output.out, NULL, err);
	rc = finish_output(dest, &output, rc, NULL, err);
	output_names_free(&output);
	return rc;
}

int kdk_save_job_run_dest(const struct kdk_save_options *opts, struct kdk_save_dest *dest,
			  const char *partial_name, const struct kdk_save_hooks *hooks,
			  struct kdk_save_report *report, struct kdk_err *err)
{
	if (report)
		memset(report, 0, sizeof(*report));
	switch (opts->mode) {
	case KDK_SAVE_REASSEMBLE: return reassemble(opts, dest, partial_name, err);
	case KDK_SAVE_DMESG: return dump_dmesg(opts, dest, partial_name, err);
	case KDK_SAVE_SAVE: case KDK_SAVE_FLATTEN:
		return save(opts, dest, partial_name, hooks, report, err);
	default: return kdk_err_set(err, EINVAL, "nothing to run for this mode");
	}
}
