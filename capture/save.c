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
#include "save_job.h"
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

/* The core_collector line as dumpsave options, with the input and output added. makedumpfile is
 * accepted as a name for dumpsave: existing kdump.conf files name it, and the options agree. */
static int collector_options(const char *core_collector, const char *vmcore, const char *output,
			     struct kdk_save_options *opts, char ***argv, char **storage,
			     struct kdk_err *err)
{
	char msg[256], **words, *name;
	int argc, rc;

	rc = kdk_save_options_split(core_collector, &words, &argc, storage);
	if (rc)
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": cannot split it into words",
				   core_collector);
	name = argc ? basename(words[0]) : "";
	if (strcmp(name, "dumpsave") && strcmp(name, "makedumpfile")) {
		free(words);
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": the capture /init runs dumpsave "
						"(or makedumpfile, the same options), not %s",
				   core_collector, name);
	}
	*argv = realloc(words, (size_t)(argc + 3) * sizeof(*words));
	if (!*argv) {
		free(words);
		return kdk_err_sys(err, ENOMEM, "core_collector");
	}
	(*argv)[argc++] = (char *)vmcore;
	(*argv)[argc++] = (char *)output;
	(*argv)[argc] = NULL;
	if (kdk_save_options_parse(argc, *argv, opts, msg, sizeof(msg)))
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": %s", core_collector, msg);
	if (opts->mode != KDK_SAVE_SAVE)
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": must save a dump (no -F, -R, "
						"--dump-dmesg)", core_collector);
	return 0;
}

int capture_save(const char *core_collector, const char *base, const char *vmcore, char *dump_dir,
		 size_t size, struct kdk_err *err)
{
	char name[128], output[4200], partial[4200];
	struct kdk_save_options opts, dmesg_opts;
	struct kdk_save_report report;
	struct progress progress = { 0 };
	struct kdk_save_hooks hooks = { show_progress, &progress };
	char **argv = NULL, *storage = NULL;
	double started;
	int rc;

	if ((rc = kdk_dump_dir_name("127.0.0.1", time(NULL), name, sizeof(name), err)))
		return rc;
	if ((size_t)snprintf(dump_dir, size, "%s/%s", base, name) >= size)
		return kdk_err_set(err, ENAMETOOLONG, "%s/%s", base, name);
	if ((rc = kdk_mkdir_p(dump_dir, err)))
		return rc;
	snprintf(output, sizeof(output), "%s/vmcore", dump_dir);
	if ((rc = collector_options(core_collector, vmcore, output, &opts, &argv, &storage, err)))
		goto out;

	/* The kernel log first: a failure here is reported, and the dump still attempted. */
	dmesg_opts = opts;
	dmesg_opts.mode = KDK_SAVE_DMESG;
	snprintf(output, sizeof(output), "%s/vmcore-dmesg.txt", dump_dir);
	snprintf(partial, sizeof(partial), "%s/vmcore-dmesg-incomplete.txt", dump_dir);
	dmesg_opts.output = output;
	memset(&report, 0, sizeof(report));
	started = uptime_seconds();
	if (kdk_save_job_run(&dmesg_opts, partial, NULL, &report, err)) {
		say("vmcore-dmesg.txt not saved: %s", err->msg);
		kdk_err_clear(err);
	} else {
		say("saved %s in %.2f s", output, uptime_seconds() - started);
	}

	snprintf(output, sizeof(output), "%s/vmcore", dump_dir);
	snprintf(partial, sizeof(partial), "%s/vmcore-incomplete", dump_dir);
	opts.output = output;
	memset(&report, 0, sizeof(report));
	say("saving %s with \"%s\"", output, core_collector);
	started = uptime_seconds();
	rc = kdk_save_job_run(&opts, partial, &hooks, &report, err);
	if (!rc) {
		sync();
		say("saved %s in %.2f s", output, uptime_seconds() - started);
		if (report.have_stats)
			kdk_save_report_print(stdout, &report);
	}
out:
	free(argv);
	free(storage);
	return rc;
}
