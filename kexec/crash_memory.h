/* crash_memory.h — what a crash kernel needs to know about the running one, read from /proc and
 * /sys: the crashkernel region(s), the memory to dump, per-CPU crash notes, VMCOREINFO, the kernel
 * text mapping and the direct-map offset; and the e820 map each kind of new kernel boots with. */
#ifndef KEXEC_CRASH_MEMORY_H
#define KEXEC_CRASH_MEMORY_H

#include <stdint.h>
#include <stdio.h>

#include "kdk_array.h"
#include "kdk_err.h"

/* Where to read from; tests point these at recorded copies. */
struct kexec_sources {
	const char *iomem;             /* /proc/iomem */
	const char *sysfs;             /* /sys */
	const char *kallsyms;          /* /proc/kallsyms */
	const char *kcore;             /* /proc/kcore */
	const char *firmware_memmap;   /* /sys/firmware/memmap */
};

extern const struct kexec_sources kexec_live_sources;

struct kexec_note_range {
	uint64_t paddr;
	uint64_t size;
};

struct kexec_crash_info {
	struct kdk_array iomem;          /* struct kdk_iomem_entry */
	struct kdk_array crash_regions;  /* struct kdk_mem_range: "Crash kernel" lines */
	struct kdk_array crash_ranges;   /* struct kdk_mem_range: what kexec-tools calls the crash
					  * memory ranges (RAM, ACPI, NVS, reserved… with the
					  * crashkernel regions cut out) */
	struct kdk_array cpu_notes;      /* struct kexec_note_range, one per CPU with crash_notes */
	struct kexec_note_range vmcoreinfo;
	uint64_t text_vaddr, text_paddr, text_size;   /* the kernel image: _text to _end */
	uint64_t page_offset;            /* direct map base (virtual address of physical 0) */
};

/* The crashkernel regions alone (also what -l must stay out of). */
int kexec_crash_regions(const struct kdk_array *iomem, struct kdk_array *regions,
			struct kdk_err *err);

/* Everything for a crash load. ENOMEM with a crashkernel= hint when no region is reserved. */
int kexec_crash_info_read(const struct kexec_sources *src, struct kexec_crash_info *info,
			  struct kdk_err *err);
void kexec_crash_info_free(struct kexec_crash_info *info);

/* -d: kexec-tools' "CRASH MEMORY RANGES" listing (start-end (type)). */
void kexec_crash_ranges_print(const struct kexec_crash_info *info, FILE *out);

/* The e820 map (struct kdk_mem_range, sorted) for a capture kernel: RAM below 1 MiB (the first
 * kernel keeps it reserved, and the real-mode trampoline needs some), the firmware's ACPI, NVS
 * and reserved ranges, and the crashkernel regions as RAM minus [hole_start, hole_end] (the
 * elfcorehdr, which the capture kernel must not reuse before /proc/vmcore reads it). */
int kexec_capture_e820(const struct kexec_crash_info *info, uint64_t hole_start, uint64_t hole_end,
		       struct kdk_array *e820, struct kdk_err *err);

/* The e820 map for a normal kexec: the firmware map (/sys/firmware/memmap), else the top-level
 * typed ranges of /proc/iomem. */
int kexec_normal_e820(const struct kexec_sources *src, const struct kdk_array *iomem,
		      struct kdk_array *e820, struct kdk_err *err);

#endif
