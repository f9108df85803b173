/* raw_save.h — kdumpctl's side of a raw dump target: at start (or `kdumpctl save-raw`), the
 * stream the capture /init wrote on the partition becomes <path>/127.0.0.1-<date>/vmcore. */
#ifndef KDUMPCTL_RAW_SAVE_H
#define KDUMPCTL_RAW_SAVE_H

#include "ctl.h"

/* Nothing to do (0) when kdump.conf has no raw target or the device holds no stream; else
 * reassemble it and clear it (lib/raw_target). The device as kdump.conf names it: a path, or
 * UUID=/LABEL=/PARTUUID=/PARTLABEL= through /dev/disk/by-* (kdump.conf takes UUID= and PARTUUID=). */
int ctl_save_raw(const struct ctl *ctl, const struct kdk_kdump_conf *conf, struct kdk_err *err);

#endif
