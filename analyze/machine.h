/* machine.h — facts about the machine a dump came from that sys and mach both print: CPUs counted
 * as crash counts them, physical memory and its crash-style size, the CPU clock, and x86_64's
 * kernel address-space layout and stack sizes. */
#ifndef KCRASH_MACHINE_H
#define KCRASH_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

/* CPUs as crash counts them: the present ones, and those of them whose __cpu_online_mask bit is
 * clear as offline — taken down by hotplug, or stopped by a panic that ran without kdump
 * (stop_this_cpu clears the online bit; crash 8.0.2 says "2 [OFFLINE: 1]" on such a dump). Without
 * the masks every CPU below nr_cpu_ids is present (analyze/cpus.c). */
void machine_cpu_counts(struct session *s, unsigned *present, unsigned *offline);
/* "N" or "N [OFFLINE: M]" into buf. */
void machine_format_cpus(struct session *s, char *buf, size_t size);
/* The kernel's new_utsname (init_uts_ns.name, through VMCOREINFO): six fields of
 * MACHINE_UTS_FIELD bytes (sysname, nodename, release, version, machine, domainname). */
#define MACHINE_UTS_FIELD 65       /* __NEW_UTS_LEN + 1 */
int machine_uts(struct session *s, char uts[6 * MACHINE_UTS_FIELD], struct kdk_err *err);
/* Physical memory as the kernel saw it: every node's spanned pages; else what the dump spans. */
uint64_t machine_memory_bytes(struct session *s);
/* crash's rounding: up to the next GiB when within 64 MiB of it; "%.1f GB" without ".0". */
void machine_format_memory(uint64_t bytes, char *buf, size_t size);
/* cpu_khz (the clock the kernel calibrated), 0 when unreadable. */
uint32_t machine_cpu_khz(struct session *s);

/* x86_64's kernel address space: the direct map (session_direct_map's; 0 when unknown), the
 * vmalloc and vmemmap bases (the randomized variables where they exist, else the fixed bases for
 * the paging depth VMCOREINFO gives), the
 * kernel image map and the modules' base (past KERNEL_IMAGE_SIZE; 0 where VMCOREINFO does not
 * give that size). */
struct machine_layout {
	uint64_t direct_map, vmalloc, vmemmap, kernel_map, modules;
};
int machine_layout(struct session *s, struct machine_layout *l, struct kdk_err *err);

/* THREAD_SIZE: the init task's stack, from its start to its end symbol (__end_init_task, or
 * __start_init_stack/__end_init_stack since 6.2); 16 KiB (x86_64 without KASAN) when neither is
 * there. */
uint64_t machine_thread_size(struct session *s);

#endif
