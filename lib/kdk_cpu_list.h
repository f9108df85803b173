/* kdk_cpu_list.h — the kernel's CPU list format ("0-3,6,8-9": /sys/devices/system/cpu/online and the
 * like, and crash's -c/-C options), read range by range. */
#ifndef KDK_CPU_LIST_H
#define KDK_CPU_LIST_H

#include "kdk_err.h"

/* Called for each range first-last (a single CPU: first == last), in the list's order. */
typedef int (*kdk_cpu_range_fn)(void *ctx, unsigned long first, unsigned long last,
				struct kdk_err *err);

/* Walk text (one trailing newline allowed, as sysfs writes it): 0, EINVAL naming the malformed
 * list, or what range returned. */
int kdk_cpu_list_walk(const char *text, kdk_cpu_range_fn range, void *ctx, struct kdk_err *err);

#endif
