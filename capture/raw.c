/* raw.c — the raw target: the flattened kdump-compressed stream from lib/save_job written over the
 * partition's start (docs/formats/raw-target.md); the console shows progress only before and after. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "kdk_log.h"
#include "core_collector.h"
#include "raw.h"
#include "save.h"
#include "save_job.h"
#include "target.h"
#include "target_record.h"

int capture_save_raw(const char *core_collector, const char *device, const char *vmcore,
		     unsigned timeout_s, struct kdk_err *err)
{
	struct kdk_save_options opts;
	struct kdk_save_report report;
	struct kdk_array records;
	struct kdk_save_dest *dest = NULL;
	const struct kdk_target_record *record;
	char dev[300], **argv = NULL, *storage = NULL;
	const char *find = device;
	bool dropped;
	double started;
	int fd = -1, console = -1, rc;

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
	rc = kdk_save_job_run_dest(&opts, dest, NULL, NULL, &report, err);
	if (!rc && fsync(STDOUT_FILENO))
		rc = kdk_err_sys(err, errno, "%s: fsync", dev);
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
