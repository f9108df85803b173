/* raw_target.h — kdump.conf's "raw <device>": the capture /init writes the dump as a flattened
 * stream at the partition's start; at the next boot kdumpctl finds it by its signature,
 * reassembles it into a dump directory and clears the signature (docs/formats/raw-target.md). */
#ifndef KDK_RAW_TARGET_H
#define KDK_RAW_TARGET_H

#include <stdbool.h>

#include "flattened.h"
#include "kdk_err.h"

/* Whether the device (or image file) starts with a flattened stream's header. */
int kdk_raw_stream_present(const char *device, bool *present, struct kdk_err *err);

/* Reassemble the stream on device into dir/vmcore (written as dir/vmcore.incomplete, fsynced,
 * renamed; dir is created), then clear the signature so the next boot does not save it again.
 * A stream without its end marker (the capture did not finish) is still reassembled as far as
 * it goes, kept as vmcore.incomplete, and cleared too; the error says so. */
int kdk_raw_save(const char *device, const char *dir, struct kdk_flat_stats *stats,
		 struct kdk_err *err);

/* Overwrite the stream's header block with zeros (and fsync): no stream there any more. */
int kdk_raw_clear(const char *device, struct kdk_err *err);

#endif
