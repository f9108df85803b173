/* raw.h — kdump.conf's "raw <device>": the dump written onto the partition itself as a flattened
 * stream (what makedumpfile -F writes), for kdumpctl to reassemble at the next boot. */
#ifndef CAPTURE_RAW_H
#define CAPTURE_RAW_H

#include "kdk_err.h"

/* Find device (waiting up to timeout_s, as for a file system target) and write the dump of
 * vmcore there as core_collector says, flattened. */
int capture_save_raw(const char *core_collector, const char *device, const char *vmcore,
		     unsigned timeout_s, struct kdk_err *err);

#endif
