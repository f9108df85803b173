/* save.c — the capture /init's dump: kernel log, then vmcore, through lib/save_job, in a child
 * process (the collector, "kdump-save"): a collector that dies — a crash on a kernel or memory it
 * does not understand, the OOM killer in a small reservation — leaves PID 1 alive to save again,
 * at dump level 0 (nothing read from kernel structures) in one thread, and then to say so. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "kdk_run.h"
#include "dump_dir.h"
#include "save.h"
#include "kdk_out.h"
#include "save_job.h"
#include "kdk_log.h"
#include "core_collector.h"
#include "page_codec.h"
#include "save_options.h"

struct progress {
	int last_tenth;
};

static void show_progress(void *ctx, uint64_t done, uint64_t total)
{
	struct progress *p = ctx;
	int tenth = total ? (int)(done * 10 / total) : 10;

	if (tenth > p->last_tenth) {
		p->last_tenth = tenth;
		say("saving vmcore: %d%%", tenth * 10);
	}
}

/* A dump saved other than asked (a lower dump level, unfiltered frames, a collector that died and
 * was run again: `rescued`, or ""): the reason goes on the
 * console and into <dump dir>/vmcore-level.txt beside vmcore-dmesg.txt (docs/formats/kfacts.md),
 * so whoever opens the directory sees it. The note failing to write is said, nothing more. */
static void note_degraded(struct kdk_save_dest *dest, const char *path, const char *rescued,
			  const struct kdk_save_report *report)
{
	char text[KDK_SAVE_REPORT_TEXT_MAX + KDK_ERR_MSG_MAX + 200], note[4200], *line, *end;
	struct kdk_err err = { 0 };
	struct kdk_out *out = NULL;
	size_t len, skip;
	int rc;

	/* The rescue's reason is on the console already (capture_save): only the file gets it. */
	skip = rescued[0] ? (size_t)snprintf(text, sizeof(text), "%s\n", rescued) : 0;
	kdk_save_report_degraded(report, text + skip, sizeof(text) - skip - 1);
	if (!text[0])
		return;
	for (line = text + skip; *line; line = end + 1) {
		end = strchr(line, '\n');
		if (end)
			*end = '\0';
		say("dumpsave: %s", line);
		if (!end)
			break;
		*end = '\n';
	}
	len = strlen(text);
	if (text[len - 1] != '\n')
		text[len++] = '\n';
	snprintf(note, sizeof(note), "%s/vmcore-level.txt", path);
	rc = kdk_save_dest_create(dest, note, KDK_DEST_SEQUENTIAL, &out, &err);
	if (rc == 0)
		rc = kdk_out_write(out, 0, text, len, &err);
	if (rc == 0)
		rc = kdk_out_finish(out, &err);
	if (out)
		kdk_out_release(out);
	if (rc < 0)
		say("%s%s not written: %s", dest->prefix, note, err.msg);
}

/* The core_collector line as dumpsave options (lib/kdump_conf_check.c, which kdumpctl start and
 * mkdumprd use to refuse a bad line before any crash). */
static int collector_options(const char *core_collector, const char *vmcore, const char *output,
			     struct kdk_save_options *opts, char ***argv, char **storage,
			     struct kdk_err *err)
{
	char why[KDK_ERR_MSG_MAX];
	bool dropped_flatten;
	int rc = kdk_core_collector_options(core_collector, vmcore, output, opts, argv, storage,
					    &dropped_flatten, err);

	if (dropped_flatten)
		say("core_collector: -F is not needed: the dump is written to the target directly");
	/* mkdumprd puts the /init with zstd in images whose core_collector has -z; an image made
	 * otherwise (an explicit --init) still saves, with the codec every build has. */
	if (rc == 0 && opts->codec == KDK_SAVE_CODEC_ZSTD &&
	    !kdk_codec_available(KDK_CODEC_ZSTD, why, sizeof(why))) {
		say("core_collector: -z: %s; compressing with lzo (-l) instead", why);
		opts->codec = KDK_SAVE_CODEC_LZO;
	}
	return rc;
}

void capture_default_threads(struct kdk_save_options *opts)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 2 || opts->num_threads_given)
		return;
	opts->num_threads = (unsigned)cpus;
	say("compressing in %ld threads, one per CPU of the capture kernel", cpus);
}

void capture_rescue_options(struct kdk_save_options *opts)
{
	opts->dump_level = 0;
	opts->num_threads = 0;
}

/* What the collector got done, in memory PID 1 sees too (kdk_run_shared_alloc): after a death the
 * next collector saves into the same directory and knows which steps are behind it. */
struct save_progress {
	char path[4096];            /* the dump directory on the destination; "" until made */
	char dump_dir[4300];        /* the same with the destination's prefix */
	bool dmesg_tried;           /* vmcore-dmesg.txt was begun (done or not: not tried twice) */
	bool vmcore_started;
	unsigned vmcore_level;      /* the dump level the last vmcore attempt asked */
	char rescued[KDK_ERR_MSG_MAX + 200]; /* why this collector saves at level 0; "" if it does not */
};

struct save_call {
	const char *core_collector;
	const struct capture_target *target;
	const char *base, *vmcore;
	struct save_progress *progress;
	bool level0;                /* a collector died while saving vmcore: level 0, one thread */
};

/* The directory <base>/<address>-<date>/ on dest, made once and then kept in progress. */
static int make_dump_dir(const struct save_call *c, struct kdk_save_dest *dest, struct kdk_err *err)
{
	struct save_progress *p = c->progress;
	char name[128];
	int rc;

	if (!p->path[0]) {
		if ((rc = kdk_dump_dir_name(c->target->address ? c->target->address :
					    dest->local_address, time(NULL), name, sizeof(name), err)))
			return rc;
		if ((size_t)snprintf(p->path, sizeof(p->path), "%s/%s", c->base, name) >=
		    sizeof(p->path)) {
			p->path[0] = '\0';
			return kdk_err_set(err, ENAMETOOLONG, "%s/%s", c->base, name);
		}
		snprintf(p->dump_dir, sizeof(p->dump_dir), "%s%s", dest->prefix, p->path);
	}
	return kdk_save_dest_mkdir_p(dest, p->path, err);
}

/* The kernel log: a failure here is reported, and the dump still attempted. */
static void save_dmesg(const struct kdk_save_options *opts, struct kdk_save_dest *dest,
		       const char *path)
{
	char output[4200], partial[4200];
	struct kdk_save_options dmesg_opts = *opts;
	struct kdk_save_report report;
	struct kdk_err err = { 0 };
	double started = uptime_seconds();

	dmesg_opts.mode = KDK_SAVE_DMESG;
	snprintf(output, sizeof(output), "%s/vmcore-dmesg.txt", path);
	snprintf(partial, sizeof(partial), "%s/vmcore-dmesg-incomplete.txt", path);
	dmesg_opts.output = output;
	memset(&report, 0, sizeof(report));
	if (kdk_save_job_run_dest(&dmesg_opts, dest, partial, NULL, &report, &err))
		say("vmcore-dmesg.txt not saved: %s", err.msg);
	else
		say("saved %s%s in %.2f s", dest->prefix, output, uptime_seconds() - started);
}

/* One collector's run (in the child): connect or open, the directory, the kernel log unless an
 * earlier collector began it, then vmcore. */
static int collector(void *ctx, struct kdk_err *err)
{
	const struct save_call *c = ctx;
	struct save_progress *p = c->progress;
	char output[4200], partial[4200];
	struct kdk_save_options opts;
	struct kdk_save_report report;
	struct progress progress = { 0 };
	struct kdk_save_hooks hooks = { show_progress, &progress };
	struct kdk_save_dest *dest = NULL;
	char **argv = NULL, *storage = NULL;
	double started;
	int rc;

	if ((rc = collector_options(c->core_collector, c->vmcore, "vmcore", &opts, &argv, &storage,
				    err)))
		goto out;
	if (c->level0)
		capture_rescue_options(&opts);
	else
		capture_default_threads(&opts);
	/* The page data around the page cache where the target's file system takes it (ext4, XFS,
	 * btrfs; lib/direct_write.c): the capture kernel's one CPU does not copy each byte into
	 * a cache its small memory has little room for. In the 1-CPU capture kernel (6.1, TCG,
	 * a kdump_pre probe, 5 alternating rounds) -l -d 31 to ext4 took 0.60-0.66 s so, 0.68-0.83 s
	 * through the page cache (docs/benchmarks.md). */
	opts.direct_io = true;
	/* What the save job says (a fact from the dump's BTF, a lowered level, its statistics) reaches
	 * the console at core_collector's --message-level, as makedumpfile's messages do; progress
	 * has its own line (show_progress). */
	kdk_log_set_sink(kdk_log_stderr_sink, "kdump: dumpsave",
			 opts.message_level & (KDK_LOG_COMMON | KDK_LOG_ERROR | KDK_LOG_REPORT));
	started = uptime_seconds();
	rc = c->target->ssh ? capture_open_ssh(c->target, &opts, &dest, err) :
			      kdk_save_dest_local(&dest, err);
	if (rc)
		goto out;
	if (c->target->ssh)
		say("connected to %s in %.2f s%s", dest->prefix, uptime_seconds() - started,
		    dest->flattened ? " (no SFTP there: the dump goes as vmcore.flat)" : "");
	if ((rc = make_dump_dir(c, dest, err)))
		goto out;
	if (!p->dmesg_tried) {
		p->dmesg_tried = true;
		save_dmesg(&opts, dest, p->path);
	}

	snprintf(output, sizeof(output), "%s/vmcore", p->path);
	snprintf(partial, sizeof(partial), "%s/vmcore-incomplete", p->path);
	if (p->vmcore_started) {
		/* What the dead collector wrote is a part of what this one writes (level 0 keeps every
		 * page): it goes, so its room is this dump's. */
		char dead[4500];

		if ((rc = kdk_save_job_remove_partial(dest, output, partial, dead, sizeof(dead), err)))
			goto out;
		say("removed the dead collector's %s", dead);
	}
	opts.output = output;
	memset(&report, 0, sizeof(report));
	p->vmcore_started = true;
	p->vmcore_level = opts.dump_level;
	say("saving %s%s%s with \"%s\"%s", dest->prefix, output, dest->flattened ? ".flat" : "",
	    c->core_collector, c->level0 ? " at dump level 0, in one thread" : "");
	started = uptime_seconds();
	rc = kdk_save_job_run_dest(&opts, dest, partial, &hooks, &report, err);
	if (!rc)
		note_degraded(dest, p->path, p->rescued, &report);
	if (!rc) {
		sync();
		say("saved %s%s%s in %.2f s", dest->prefix, output, dest->flattened ? ".flat" : "",
		    uptime_seconds() - started);
		if (report.have_stats)
			kdk_save_report_print(stdout, &report);
	}
out:
	kdk_save_dest_close(dest);
	free(argv);
	free(storage);
	return rc;
}

/* At most this many collectors: the one asked for; one more when the first died before vmcore
 * (the kernel log or the connection); one at level 0 when one died in vmcore. */
#define COLLECTORS_MAX 3

int capture_save(const char *core_collector, const struct capture_target *target, const char *base,
		 const char *vmcore, char *dump_dir, size_t size, struct kdk_err *err)
{
	struct save_progress *p = kdk_run_shared_alloc(sizeof(*p));
	struct save_call call = { core_collector, target, base, vmcore, p, false };
	int died = 0, rc, n;

	dump_dir[0] = '\0';
	if (!p)
		return kdk_err_sys(err, errno, "memory shared with the collector");
	for (n = 0; n < COLLECTORS_MAX; n++) {
		rc = kdk_run_isolated("kdump-save", collector, &call, &died, err);
		if (!died)
			break;
		say("%s", err->msg);
		if (p->vmcore_started && p->vmcore_level == 0) {
			kdk_err_prefix(err, "the collector died at dump level 0 too: ");
			break;
		}
		if (p->vmcore_started) {
			call.level0 = true;
			snprintf(p->rescued, sizeof(p->rescued), "the collector died while saving vmcore "
				 "at dump level %u (%s); saved again at dump level 0, in one thread",
				 p->vmcore_level, err->msg);
			say("saving again at dump level 0 (nothing read from kernel structures), in "
			    "one thread");
		} else {
			say("saving again%s", p->dmesg_tried ? ", without the kernel log" : "");
		}
		kdk_err_clear(err);
	}
	snprintf(dump_dir, size, "%s", p->dump_dir);
	kdk_run_shared_free(p, sizeof(*p));
	return rc;
}
