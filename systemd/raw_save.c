/* raw_save.c — `kdumpctl save-raw`, run by start: a dump stream on kdump.conf's raw device is
 * reassembled into path/127.0.0.1-<date>/vmcore and its signature cleared (what kdump-utils does). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dump_dir.h"
#include "raw_save.h"
#include "raw_target.h"

#define RAW_DEVICE_WAIT_SECONDS 30

static void device_path(const char *spec, char *path, size_t size)
{
	static const struct { const char *prefix, *dir; } ids[] = {
		{ "UUID=", "by-uuid" }, { "LABEL=", "by-label" },
		{ "PARTUUID=", "by-partuuid" }, { "PARTLABEL=", "by-partlabel" },
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!strncmp(spec, ids[i].prefix, strlen(ids[i].prefix))) {
			snprintf(path, size, "/dev/disk/%s/%s", ids[i].dir, spec + strlen(ids[i].prefix));
			return;
		}
	snprintf(path, size, "%s", spec);
}

int ctl_save_raw(const struct ctl *ctl, const struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	char device[PATH_MAX], name[128], dir[PATH_MAX + 160];
	struct kdk_flat_stats stats = { 0, 0 };
	bool present;
	int rc;

	if (conf->target != KDK_TARGET_RAW)
		return 0;
	device_path(conf->device, device, sizeof(device));
	/* kdump.service can start before udev has made the /dev/disk/by-* link (t/80 on an idle
	 * machine): wait for it a while rather than miss the dump until the next boot. */
	if (access(device, F_OK) && errno == ENOENT) {
		int waited;

		ctl_info(ctl, "raw %s: waiting up to %d s for %s", conf->device, RAW_DEVICE_WAIT_SECONDS,
			 device);
		for (waited = 0; waited < RAW_DEVICE_WAIT_SECONDS * 5 && access(device, F_OK); waited++)
			usleep(200000);
	}
	if ((rc = kdk_raw_stream_present(device, &present, err)))
		return kdk_err_prefix(err, "%s:%u: raw %s: ", conf->file, conf->target_line,
				      conf->device);
	if (!present) {
		ctl_info(ctl, "raw %s (%s): no dump stream on it", conf->device, device);
		return 0;
	}
	if ((rc = kdk_dump_dir_name("127.0.0.1", time(NULL), name, sizeof(name), err)))
		return rc;
	snprintf(dir, sizeof(dir), "%s/%s", conf->path, name);
	ctl_info(ctl, "raw %s (%s) holds a dump stream: saving it in %s", conf->device, device, dir);
	if ((rc = kdk_raw_save(device, dir, &stats, err)))
		return rc;
	ctl_info(ctl, "saved %s/vmcore (%" PRIu64 " bytes in %" PRIu64 " records); the stream on %s "
		      "is cleared", dir, stats.bytes, stats.records, device);
	return 0;
}
