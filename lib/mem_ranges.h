/* mem_ranges.h — physical memory ranges: /proc/iomem (and /sys/firmware/memmap) read into
 * growable arrays, and the range arithmetic the loader needs (cut a region out, sort, find). */
#ifndef KDK_MEM_RANGES_H
#define KDK_MEM_RANGES_H

#include <stdint.h>
#include <stdio.h>

#include "kdk_array.h"
#include "kdk_err.h"

/* What a range holds, as /proc/iomem and the e820 map name it. The numbers are kexec-tools'
 * RANGE_* values, so `kexec -d` prints the same type column as the reference loader. */
enum kdk_range_type {
	KDK_RANGE_RAM = 0,
	KDK_RANGE_RESERVED = 1,
	KDK_RANGE_ACPI = 2,
	KDK_RANGE_ACPI_NVS = 3,
	KDK_RANGE_UNCACHED = 4,
	KDK_RANGE_PMEM = 6,
	KDK_RANGE_PRAM = 11,
	KDK_RANGE_OTHER = 100,     /* anything else (PCI windows, device MMIO, "Kernel code"…) */
};

/* One line of /proc/iomem: [start, end] inclusive, as the kernel prints it. */
struct kdk_iomem_entry {
	uint64_t start, end;
	unsigned depth;            /* nesting: 0 for top-level lines, +1 per two spaces of indent */
	char *name;                /* "System RAM", "Crash kernel", … (owned) */
};

struct kdk_mem_range {
	uint64_t start, end;       /* inclusive, like /proc/iomem */
	enum kdk_range_type type;
};

/* Parse /proc/iomem text from `in` into entries (struct kdk_iomem_entry). `source` names the
 * input in messages ("/proc/iomem:7: …"). All addresses zero means the reader lacks privilege:
 * that is an EPERM error, since every range would be wrong. */
int kdk_iomem_read(FILE *in, const char *source, struct kdk_array *entries, struct kdk_err *err);
int kdk_iomem_load(const char *path, struct kdk_array *entries, struct kdk_err *err);
void kdk_iomem_free(struct kdk_array *entries);

/* The type a resource name stands for (the e820 names and the kernel's resource names). */
enum kdk_range_type kdk_range_type_of(const char *name);
const char *kdk_range_type_name(enum kdk_range_type type);

/* Append [start, end] of `type` to ranges (struct kdk_mem_range). */
int kdk_ranges_add(struct kdk_array *ranges, uint64_t start, uint64_t end,
		   enum kdk_range_type type, struct kdk_err *err);
/* Remove [start, end] from every range, splitting the ones it falls inside. */
int kdk_ranges_exclude(struct kdk_array *ranges, uint64_t start, uint64_t end, struct kdk_err *err);
/* Sort by start address. */
void kdk_ranges_sort(struct kdk_array *ranges);
/* Total bytes of the ranges of `type`. */
uint64_t kdk_ranges_bytes(const struct kdk_array *ranges, enum kdk_range_type type);

/* The firmware memory map of /sys/firmware/memmap (N/start, N/end, N/type), which is the boot
 * e820 map before the kernel changed it; sorted. ENOENT when the directory does not exist. */
int kdk_firmware_memmap_load(const char *dir, struct kdk_array *ranges, struct kdk_err *err);

#endif
