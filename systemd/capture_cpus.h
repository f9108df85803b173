/* capture_cpus.h — how many CPUs the capture kernel gets (KDUMP_CPUS in /etc/default/kdump): a
 * number, or "auto" — one, plus one more for each CAPTURE_CPU_COST the reservation holds above the
 * estimate's recommendation, at most the CPUs online here. The capture /init compresses in one
 * thread per CPU it has (dumpsave --num-threads) unless core_collector says otherwise. */
#ifndef KDUMPCTL_CAPTURE_CPUS_H
#define KDUMPCTL_CAPTURE_CPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctl.h"
#include "estimate.h"

/* What one more CPU costs the capture kernel: its per-CPU areas, slab caches and stacks, and a
 * dumpsave compression thread's buffers. Measured by tests/bench/15-capture-cpu-memory.sh
 * (2026-12-05: 1.3 MiB in 6.1, 1.5 MiB in 7.2, plus 1.2 MiB for the thread); the rest is margin
 * for page lists and kernels not measured. */
#define CAPTURE_CPU_COST (4ULL * 1024 * 1024)

/* CPUs online here, from <sysfs>/devices/system/cpu/online ("0-3,6"); 1 when unreadable. */
unsigned capture_cpus_online(const struct ctl *ctl);

/* The initial APIC ID of CPU 0, the boot CPU, from <proc>/cpuinfo ("initial apicid", else
 * "apicid", of "processor : 0"): 0, or -1 when the file or the field is not there. */
int capture_cpus_boot_apicid(const struct ctl *ctl, unsigned long *apicid);

/* Whether the capture kernel has the disable_cpu_apicid= parameter: its own System.map, beside
 * its image (<dir of KDUMP_KERNEL>/System.map-<KDUMP_KERNELVER>), names the parameter's handler
 * (apic_set_disabled_cpu_apicid) or its variable. Kernels whose CPU topology code keeps the real
 * boot CPU asleep in a crash kernel by themselves (6.9 on) have neither and would only print it
 * as an unknown parameter. Unknown (no readable System.map): yes. */
bool capture_cpus_has_disable_apicid(const struct ctl *ctl);

/* The capture kernel's CPU count for a reservation of reserved bytes; e is kdumpctl estimate's
 * (NULL when it could not be made: why in est_err; auto then gives 1); why says how the count
 * was chosen (for kdumpctl's message). Never 0. Above 1, *disable_apicid is the boot CPU's APIC
 * ID for disable_cpu_apicid= (the capture kernel runs on the CPU that crashed, and an INIT sent
 * from it to the boot CPU can reset or hang the machine: the kernel's documentation of that
 * parameter), or -1 where the kernel needs no such parameter — so where it needs one and the
 * ID is not known, one CPU. */
unsigned capture_cpus_choose(const struct ctl *ctl, uint64_t reserved, const struct estimate *e,
			     const struct kdk_err *est_err, long *disable_apicid, char *why,
			     size_t why_size);

#endif
