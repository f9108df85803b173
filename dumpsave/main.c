/* main.c — dumpsave: save a kernel crash dump (makedumpfile-compatible command line). Parses
 * the options and hands the job to lib/save_job. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kdk_log.h"
#include "save_job.h"
#include "save_options.h"

#define PROG "dumpsave"

/* makedumpfile prints progress on a terminal only; so does dumpsave. */
static void progress(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	if (total && kdk_log_enabled(KDK_LOG_PROGRESS) && isatty(STDERR_FILENO))
		fprintf(stderr, "\rCopying data                      : [%5.1f %%]%s",
			100.0 * (double)done / (double)total, done == total ? "\n" : "");
}

int main(int argc, char **argv)
{
	struct kdk_save_hooks hooks = { progress, NULL };
	struct kdk_save_options o;
	struct kdk_save_report report;
	struct kdk_err err = { 0 };
	char msg[256], degraded[KDK_SAVE_REPORT_TEXT_MAX];
	int rc;

	if (kdk_save_options_parse(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "%s: %s\n", PROG, msg);
		return 2;
	}
	kdk_log_set_sink(kdk_log_stderr_sink, PROG, o.message_level);
	if (o.mode == KDK_SAVE_HELP) {
		kdk_save_options_usage(stdout);
		return 0;
	}
	if (o.mode == KDK_SAVE_VERSION) {
		printf("dumpsave (kdumpkit)\n");
		return 0;
	}
	rc = kdk_save_job_run(&o, NULL, &hooks, &report, &err);
	/* A lowered level or unfiltered frames are said whatever happened next (exit 0 when the
	 * dump was saved: a dump at a lower level is a dump). */
	kdk_save_report_degraded(&report, degraded, sizeof(degraded));
	if (degraded[0] && (o.message_level & KDK_LOG_ERROR)) {
		char *line = degraded, *end;

		for (; line; line = end ? end + 1 : NULL) {
			if ((end = strchr(line, '\n')))
				*end = '\0';
			fprintf(stderr, "%s: %s\n", PROG, line);
		}
	}
	if (rc == 0 && o.dry_run)
		fprintf(stderr, "%s: dry run: %llu of %llu pages would be written\n", PROG,
			(unsigned long long)report.dry_run_pages,
			(unsigned long long)report.stats.filter.present);
	if (rc == 0 && report.have_stats && (o.show_stats || kdk_log_enabled(KDK_LOG_REPORT)))
		kdk_save_report_print(stderr, &report);
	if (rc < 0) {
		if (o.message_level & KDK_LOG_ERROR)
			fprintf(stderr, "%s: %s\n", PROG, err.msg);
		return 1;
	}
	/* Saved under its final name, but with pages the source could not give marked in it
	 * (docs/faults.md): a dump, and one a caller must be able to tell from a whole one. */
	if (report.stats.unreadable.pages)
		return 3;
	return 0;
}
