/* save.c — the capture /init's dump: kernel log, then vmcore, through lib/save_job. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "dump_dir.h"
#include "save.h"
#include "kdk_out.h"
#include "save_job.h"
#include "kdk_log.h"
#include "core_collector.h"
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

/* A dump saved other than asked (a lower dump level, unfiltered frames): the reason goes on the
 * console and into <dump dir>/vmcore-level.txt beside vmcore-dmesg.txt (docs/formats/kfacts.md),
 * so whoever opens the directory sees it. The note failing to write is said, nothing more. */
static void note_degraded(struct kdk_save_dest *dest, const char *path,
			  const struct kdk_save_report *report)
{
	char text[KDK_SAVE_REPORT_TEXT_MAX], note[4200], *line, *end;
	struct kdk_err err = { 0 };
	struct kdk_out *out = NULL;
	size_t len;
	int rc;

	kdk_save_report_degraded(report, text, sizeof(text) - 1);
	if (!text[0])
		return;
	for (line = text; line; line = end ? end + 1 : NULL) {
		if ((end = strchr(line, '\n')))
			*end = '\0';
		say("dumpsave: %s", line);
		if (end)
			*end = '\n';
	}
	len = strlen(text);
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
	bool dropped_flatten;
	int rc = kdk_core_collector_options(core_collector, vmcore, output, opts, argv, storage,
					    &dropped_flatten, err);

	if (dropped_flatten)
		say("core_collector: -F is not needed: the dump is written to the target directly");
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

int capture_save(const char *core_collector, const struct capture_target *target, const char *base,
		 const char *vmcore, char *dump_dir, size_t size, struct kdk_err *err)
{
	char name[128], output[4200], partial[4200];
	struct kdk_save_options opts, dmesg_opts;
	struct kdk_save_report report;
	struct progress progress = { 0 };
	struct kdk_save_hooks hooks = { show_progress, &progress };
	struct kdk_save_dest *dest = NULL;
	char **argv = NULL, *storage = NULL, path[4096];
	double started;
	int rc;

	dump_dir[0] = '\0';
	if ((rc = collector_options(core_collector, vmcore, "vmcore", &opts, &argv, &storage, err)))
		goto out;
	capture_default_threads(&opts);
	/* What the save job says (a fact from the dump's BTF, a lowered level, its statistics) reaches
	 * the console at core_collector's --message-level, as makedumpfile's messages do; progress
	 * has its own line (show_progress). */
	kdk_log_set_sink(kdk_log_stderr_sink, "kdump: dumpsave",
			 opts.message_level & (KDK_LOG_COMMON | KDK_LOG_ERROR | KDK_LOG_REPORT));
	started = uptime_seconds();
	rc = target->ssh ? capture_open_ssh(target, &opts, &dest, err) : kdk_save_dest_local(&dest, err);
	if (rc)
		goto out;
	if (target->ssh)
		say("connected to %s in %.2f s%s", dest->prefix, uptime_seconds() - started,
		    dest->flattened ? " (no SFTP there: the dump goes as vmcore.flat)" : "");
	if ((rc = kdk_dump_dir_name(target->address ? target->address : dest->local_address,
				    time(NULL), name, sizeof(name), err)))
		goto out;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", base, name) >= sizeof(path)) {
		rc = kdk_err_set(err, ENAMETOOLONG, "%s/%s", base, name);
		goto out;
	}
	snprintf(dump_dir, size, "%s%s", dest->prefix, path);
	if ((rc = kdk_save_dest_mkdir_p(dest, path, err)))
		goto out;

	/* The kernel log first: a failure here is reported, and the dump still attempted. */
	dmesg_opts = opts;
	dmesg_opts.mode = KDK_SAVE_DMESG;
	snprintf(output, sizeof(output), "%s/vmcore-dmesg.txt", path);
	snprintf(partial, sizeof(partial), "%s/vmcore-dmesg-incomplete.txt", path);
	dmesg_opts.output = output;
	memset(&report, 0, sizeof(report));
	started = uptime_seconds();
	if (kdk_save_job_run_dest(&dmesg_opts, dest, partial, NULL, &report, err)) {
		say("vmcore-dmesg.txt not saved: %s", err->msg);
		kdk_err_clear(err);
	} else {
		say("saved %s%s in %.2f s", dest->prefix, output, uptime_seconds() - started);
	}

	snprintf(output, sizeof(output), "%s/vmcore", path);
	snprintf(partial, sizeof(partial), "%s/vmcore-incomplete", path);
	opts.output = output;
	memset(&report, 0, sizeof(report));
	say("saving %s%s%s with \"%s\"", dest->prefix, output, dest->flattened ? ".flat" : "",
	    core_collector);
	started = uptime_seconds();
	rc = kdk_save_job_run_dest(&opts, dest, partial, &hooks, &report, err);
	if (!rc)
		note_degraded(dest, path, &report);
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
