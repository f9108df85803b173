/* capture_cpus.h — how many CPUs the capture kernel gets (KDUMP_CPUS in /etc/default/kdump): a
 * number, or "auto" — one, plus one more for each CAPTURE_CPU_COST the reservation holds above the
 * estimate's recommendation, at most the CPUs online here. The capture /init compresses in one
 * thread per CPU it has (dumpsave --num-threads) unless core_collector says otherwise. */
#ifndef KDUMPCTL_CAPTURE_CPUS_H
#define KDUMPCTL_CAPTURE_CPUS_H

#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "estimate.h"

/* What one more CPU costs the capture kernel: its per-CPU areas, stacks and run queue, and a
 * dumpsave compression thread's buffers. A stated allowance, generous, not a lab measurement. */
#define CAPTURE_CPU_COST (4ULL * 1024 * 1024)

/* CPUs online here, from <sysfs>/devices/system/cpu/online ("0-3,6"); 1 when unreadable. */
unsigned capture_cpus_online(const struct ctl *ctl);

/* The capture kernel's CPU count for a reservation of reserved bytes; e is kdumpctl estimate's
 * (NULL when it could not be made: why in est_err; auto then gives 1); why says how the count
 * was chosen (for kdumpctl's message). Never 0. */
unsigned capture_cpus_choose(const struct ctl *ctl, uint64_t reserved, const struct estimate *e,
			     const struct kdk_err *est_err, char *why, size_t why_size);

#endif
