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
#include "flattened.h"
#include "kdk_dump.h"
#include "kdk_kmem.h"
#include "kdk_log.h"
#include "kdk_out.h"
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
	default: return KDK_CODEC_NONE;
	}
}

/* An open dump with what dumpsave knows about it. */
struct source {
	struct kdk_dump *dump;
	struct kdk_vmcoreinfo vmcoreinfo;
	int have_vmcoreinfo;
	struct kdk_kmem kmem;
	int have_kmem;
	struct kdk_page_layout page_layout;
	struct kdk_mem_map_layout mem_map_layout;
	int have_mem_map_layout;
};

static void source_close(struct source *src)
{
	if (src->have_kmem)
		kdk_kmem_free(&src->kmem);
	if (src->have_vmcoreinfo)
		kdk_vmcoreinfo_free(&src->vmcoreinfo);
	if (src->dump)
		kdk_dump_close(src->dump);
	memset(src, 0, sizeof(*src));
}

/* Open the dump and what filtering at dump_level needs; kmem_for names what else needs kernel
 * memory (NULL: nothing). */
static int source_open(struct source *src, const char *path, unsigned dump_level,
		       const char *kmem_for, struct kdk_err *err)
{
	int rc;

	memset(src, 0, sizeof(*src));
	if ((rc = kdk_dump_open(path, &src->dump, err)) < 0)
		return rc;
	if (src->dump->vmcoreinfo) {
		rc = kdk_vmcoreinfo_parse(src->dump->vmcoreinfo, src->dump->vmcoreinfo_size,
					  &src->vmcoreinfo, err);
		if (rc < 0)
			goto fail;
		src->have_vmcoreinfo = 1;
	}
	if (src->have_vmcoreinfo) {
		kdk_layout_fill(kdk_page_layout_keys, &src->page_layout, kdk_vmcoreinfo_layout_lookup,
				&src->vmcoreinfo, NULL);
		src->have_mem_map_layout =
			kdk_layout_fill(kdk_mem_map_layout_keys, &src->mem_map_layout,
					kdk_vmcoreinfo_layout_lookup, &src->vmcoreinfo, NULL) == 0;
	}
	/* A dump level that needs struct pages is refused without VMCOREINFO, naming the key. */
	if ((rc = kdk_page_layout_check(&src->page_layout, dump_level, err)) < 0)
		goto fail_named;
	if (kdk_page_layout_walk_needed(&src->page_layout, dump_level) && dump_level > 1 &&
	    !src->have_mem_map_layout) {
		rc = kdk_layout_fill(kdk_mem_map_layout_keys, &src->mem_map_layout,
				     src->have_vmcoreinfo ? kdk_vmcoreinfo_layout_lookup : NULL,
				     &src->vmcoreinfo, err);
		if (rc == 0)
			rc = kdk_err_set(err, ENOENT, "no usable mem_section keys");
		goto fail_named;
	}
	if (kmem_for || (src->have_mem_map_layout &&
			    kdk_page_layout_walk_needed(&src->page_layout, dump_level))) {
		if (!src->have_vmcoreinfo) {
			if (kmem_for)
				rc = kdk_err_set(err, ENOENT, "%s has no VMCOREINFO note: %s needs it", path,
						 kmem_for);
			else
				rc = kdk_err_set(err, ENOENT, "%s has no VMCOREINFO note: dump level %u needs it (levels 0 and 1 do not)",
						 path, dump_level);
			goto fail;
		}
		if ((rc = kdk_kmem_init(&src->kmem, src->dump, kdk_vmcoreinfo_layout_lookup,
					&src->vmcoreinfo, err)) < 0)
			goto fail_named;
		src->have_kmem = 1;
	} else if (src->have_mem_map_layout &&
		   kdk_kmem_init(&src->kmem, src->dump, kdk_vmcoreinfo_layout_lookup, &src->vmcoreinfo,
				 NULL) == 0) {
		/* Not needed at this level, but it tells where the kernel's memory ends. */
		src->have_kmem = 1;
	}
	return 0;
fail_named:
	kdk_err_prefix(err, "%s: ", path);
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
	if (kdk_vmcoreinfo_layout_lookup(&src->vmcoreinfo, KDK_KEY_NUMBER, "phys_base", &value) == 0)
		hp->phys_base = value;
	if (src->have_kmem &&
	    kdk_vmcoreinfo_layout_lookup(&src->vmcoreinfo, KDK_KEY_SYMBOL, "init_uts_ns", &uts) == 0 &&
	    kdk_vmcoreinfo_layout_lookup(&src->vmcoreinfo, KDK_KEY_OFFSET, "uts_namespace.name",
					 &name_off) == 0) {
		struct kdk_new_utsname live;
		if (kdk_kmem_read(&src->kmem, uts + name_off, &live, sizeof(live), NULL) == 0) {
			live.sysname[sizeof(live.sysname) - 1] = '\0';
			if (!strcmp(live.sysname, "Linux"))
				hp->utsname = live;
		}
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

static int open_output(struct kdk_save_dest *dest, const char *output, const char *partial_name,
		       int force, unsigned flags, struct output *o, struct kdk_err *err)
{
	const char *flat = dest->flattened && !(flags & KDK_DEST_SEQUENTIAL) ? ".flat" : "";
	bool exists;
	int rc;

	memset(o, 0, sizeof(*o));
	if (asprintf(&o->final, "%s%s", output, flat) < 0 ||
	    (partial_name ? asprintf(&o->partial, "%s%s", partial_name, flat)
			  : asprintf(&o->partial, "%s.incomplete%s", output, flat)) < 0) {
		o->final = o->partial = NULL;
		output_names_free(o);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	if ((rc = kdk_save_dest_exists(dest, o->final, &exists, err)) < 0)
		goto fail;
	if (!force && exists) {
		rc = kdk_err_set(err, EEXIST, "%s%s exists (use -f to overwrite it)", dest->prefix, o->final);
		goto fail;
	}
	if ((rc = kdk_save_dest_create(dest, o->partial, flags, &o->out, err)) < 0)
		goto fail;
	return 0;
fail:
	output_names_free(o);
	return rc;
}

/* Finish (every byte acknowledged and synced), then rename: the final name appears only for a
 * complete output. */
static int finish_output(struct kdk_save_dest *dest, struct output *o, int rc, struct kdk_err *err)
{
	if (rc == 0)
		rc = kdk_out_finish(o->out, err);
	kdk_out_release(o->out);
	o->out = NULL;
	if (rc == 0)
		rc = kdk_save_dest_rename(dest, o->partial, o->final, err);
	return rc;
}

static int save(const struct kdk_save_options *o, struct kdk_save_dest *dest,
		const char *partial_name, const struct kdk_save_hooks *hooks,
		struct kdk_save_report *report, struct kdk_err *err)
{
	struct output output = { 0 };
	struct kdk_save_params params = { codec_of(o->codec), o->num_threads, 0,
					  hooks ? hooks->progress : NULL, hooks ? hooks->ctx : NULL };
	struct kdk_diskdump_params header;
	struct kdk_save_stats stats;
	struct kdk_filter filter;
	struct kdk_out *out = NULL;
	struct source src;
	int rc;

	if ((rc = source_open(&src, o->vmcore, o->dump_level, NULL, err)) < 0)
		return rc;
	rc = kdk_filter_init(&filter, src.dump, o->dump_level, &src.page_layout,
			     src.have_mem_map_layout ? &src.mem_map_layout : NULL,
			     src.have_kmem ? kdk_kmem_read : NULL, &src.kmem, err);
	if (rc < 0)
		goto out_source;
	memset(&stats, 0, sizeof(stats));
	if (o->dry_run) {
		uint64_t kept;
		rc = kdk_save_count(&filter, src.dump->max_pfn, 0, &kept, err);
		stats.filter = filter.stats;
		if (report)
			report->dry_run_pages = kept;
		goto out_filter;
	}
	if (o->mode == KDK_SAVE_FLATTEN)
		rc = kdk_flat_out_open(&out, STDOUT_FILENO, "stdout", err);
	else if ((rc = open_output(dest, o->output, partial_name, o->force, 0, &output, err)) == 0)
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
		rc = kdk_save_kdump(src.dump, &filter, &header, out, &params, &stats, err);
	}
	if (o->mode == KDK_SAVE_FLATTEN) {
		if (rc == 0)
			rc = kdk_out_finish(out, err);
		kdk_out_release(out);
	} else {
		rc = finish_output(dest, &output, rc, err);
		if (rc < 0) {
			struct kdk_err probe_err = { 0 };
			bool exists = false;

			if (kdk_save_dest_exists(dest, output.partial, &exists, &probe_err) < 0)
				kdk_err_prefix(err, "the dump is incomplete; what reached %s is in %s%s (marked incomplete): ",
					       dest->prefix[0] ? dest->prefix : "the disk", dest->prefix,
					       output.partial);
			else if (exists)
				kdk_err_prefix(err, "the dump is incomplete, what was saved is in %s%s (marked incomplete): ",
					       dest->prefix, output.partial);
		}
	}
out_filter:
	if (report) {
		report->stats = stats;
		report->max_pfn = src.dump->max_pfn;
		report->elf = o->elf;
		report->have_stats = rc == 0;
	}
	kdk_filter_free(&filter);
out_source:
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
	if ((rc = kdk_printk_layout_fill(&layout, kdk_vmcoreinfo_layout_lookup,
				  &src.vmcoreinfo, err)) < 0) {
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
		rc = finish_output(dest, &output, rc, err);
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
	rc = finish_output(dest, &output, rc, err);
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
	rc = finish_output(dest, &output, rc, err);
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
