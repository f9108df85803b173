/* rebuild.h — when the capture initramfs must be rebuilt, and rebuilding it with mkdumprd. The
 * inputs' SHA-256 sums at the last build are kept in <initrd>.inputs (docs/formats/default-kdump.md). */
#ifndef KDUMPCTL_REBUILD_H
#define KDUMPCTL_REBUILD_H

#include "ctl.h"

enum rebuild_mode {
	REBUILD_IF_CHANGED,   /* start, restart: kdump.conf's force_rebuild/force_no_rebuild apply */
	REBUILD_IF_MISSING,   /* reload: use the initramfs there is */
	REBUILD_ALWAYS,       /* rebuild */
};

/* Rebuild when the mode and the recorded sums say so, saying why (or that nothing changed). */
int rebuild_initrd(const struct ctl *ctl, const struct kdk_kdump_conf *conf, enum rebuild_mode mode,
		   struct kdk_err *err);

#endif
