/* raw.c — the raw target: the flattened kdump-compressed stream from lib/save_job written over the
 * partition's start (docs/formats/raw-target.md); the console shows progress only before and after.
 * The stream is written by a child process (save.c's reasons): one that dies is followed by one
 * at dump level 0, in one thread, from the partition's start again. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "kdk_log.h"
#include "kdk_run.h"
#include "core_collector.h"
#include "raw.h"
#include "save.h"
#include "save_job.h"
#include "target.h"
#include "target_record.h"

struct raw_call {
	const struct kdk_save_options *opts;
	struct kdk_save_dest *dest;
	const char *dev;
};

/* The collector (in the child): the stream to stdout, which is the device. */
static int raw_collector(void *ctx, struct kdk_err *err)
{
	const struct raw_call *c = ctx;
	struct kdk_save_report report;
	int rc = kdk_save_job_run_dest(c->opts, c->dest, NULL, NULL, &report, err);

	if (!rc && fsync(STDOUT_FILENO))
		rc = kdk_err_sys(err, errno, "%s: fsync", c->dev);
	return rc;
}

int capture_save_raw(const char *core_collector, const char *device, const char *vmcore,
		     unsigned timeout_s, struct kdk_err *err)
{
	struct kdk_save_options opts;
	struct kdk_array records;
	struct kdk_save_dest *dest = NULL;
	const struct kdk_target_record *record;
	char dev[300], **argv = NULL, *storage = NULL;
	const char *find = device;
	struct raw_call call = { &opts, NULL, dev };
	bool dropped;
	double started;
	int fd = -1, console = -1, died, rc;

	if ((rc = kdk_target_records_load(KDK_TARGET_RECORDS_PATH, &records, err)))
		return rc;
	if ((record = kdk_target_record_find(&records, device)))
		find = record->id;
	rc = target_find(find, record && record->md_arrays[0] ? record->md_arrays : NULL, timeout_s,
			 dev, sizeof(dev), err);
	kdk_target_records_free(&records);
	if (rc)
		return rc;
	rc = kdk_core_collector_options(core_collector, vmcore, "-", &opts, &argv, &storage,
					&dropped, err);
	if (rc)
		goto out;
	opts.mode = KDK_SAVE_FLATTEN;
	capture_default_threads(&opts);
	if ((rc = kdk_save_dest_local(&dest, err)))
		goto out;
	call.dest = dest;
	kdk_log_set_sink(kdk_log_stderr_sink, "kdump: dumpsave",
			 opts.message_level & (KDK_LOG_COMMON | KDK_LOG_ERROR | KDK_LOG_REPORT));
	if ((fd = open(dev, O_WRONLY | O_CLOEXEC)) < 0) {
		rc = kdk_err_sys(err, errno, "%s (raw %s)", dev, device);
		goto out;
	}
	say("writing the dump to raw %s (%s) as a flattened stream with \"%s\"", device, dev,
	    core_collector ? core_collector : "the default core_collector");
	/* The save job writes the stream to stdout: the device stands in for it, and nothing else
	 * may write to stdout meanwhile (say() does: no progress hook; its log goes to stderr). */
	fflush(stdout);
	if ((console = dup(STDOUT_FILENO)) < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		rc = kdk_err_sys(err, errno, "redirecting the stream to %s", dev);
		goto out;
	}
	started = uptime_seconds();
	rc = kdk_run_isolated("kdump-save", raw_collector, &call, &died, err);
	if (died) {
		/* The console is stdout again for what is said; the shared offset goes back to the
		 * partition's start for the stream written anew. */
		dup2(console, STDOUT_FILENO);
		say("%s", err->msg);
		say("writing the stream again at dump level 0 (nothing read from kernel structures), "
		    "in one thread");
		kdk_err_clear(err);
		capture_rescue_options(&opts);
		if (lseek(fd, 0, SEEK_SET) < 0 || dup2(fd, STDOUT_FILENO) < 0) {
			rc = kdk_err_sys(err, errno, "rewinding %s", dev);
			goto out;
		}
		rc = kdk_run_isolated("kdump-save", raw_collector, &call, &died, err);
		if (died)
			kdk_err_prefix(err, "the collector died at dump level 0 too: ");
	}
	dup2(console, STDOUT_FILENO);
	if (!rc)
		say("wrote the dump to %s in %.2f s: kdumpctl saves it at the next boot", dev,
		    uptime_seconds() - started);
out:
	if (dest)
		kdk_save_dest_close(dest);
	if (console >= 0)
		close(console);
	if (fd >= 0)
		close(fd);
	free(argv);
	free(storage);
	return rc;
}
