/* estimate.h — how much memory to reserve for the capture kernel on this machine: its parts
 * measured (kernel image, capture initramfs, its modules) plus a runtime allowance calibrated on
 * the lab's measured minimum. */
#ifndef KDUMPCTL_ESTIMATE_H
#define KDUMPCTL_ESTIMATE_H

#include <stdio.h>

#include "ctl.h"

struct estimate {
	uint64_t kernel_init_size;     /* bzImage setup header init_size: the kernel's memory at boot */
	uint64_t initrd_size;          /* the compressed image, in memory until unpacked */
	uint64_t initrd_unpacked;      /* its files in the capture kernel's rootfs */
	uint64_t modules;              /* .ko files in it, loaded into module memory as well */
	size_t nr_modules;
	uint64_t runtime;              /* the calibrated allowance */
	uint64_t mem_map;              /* struct pages of the reservation itself */
	uint64_t needed;               /* the sum */
	uint64_t margin;               /* stated room above needed */
	uint64_t recommended;          /* needed + margin, rounded up to 4 MiB */
	uint64_t ram;                  /* MemTotal here, for the report */
};

int estimate_compute(const struct ctl *ctl, struct estimate *e, struct kdk_err *err);
void estimate_print(const struct ctl *ctl, const struct estimate *e, FILE *out);

#endif
