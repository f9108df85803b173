/* boot_params.h — the x86 "zero page" the new kernel reads at %rsi: the setup header copied from
 * the bzImage, the command line and initrd pointers, and the e820 memory map
 * (Documentation/arch/x86/zero-page.rst; docs/formats/purgatory.md lists what we fill). */
#ifndef KEXEC_BOOT_PARAMS_H
#define KEXEC_BOOT_PARAMS_H

#include <stdint.h>

#include "bzimage.h"
#include "kdk_array.h"
#include "kdk_err.h"

#define BOOT_PARAMS_SIZE        4096
#define BP_SCREEN_INFO          0x000   /* 0x40 bytes */
#define BP_ACPI_RSDP_ADDR       0x070
#define BP_EXT_RAMDISK_IMAGE    0x0c0
#define BP_EXT_RAMDISK_SIZE     0x0c4
#define BP_EXT_CMD_LINE_PTR     0x0c8
#define BP_E820_ENTRIES         0x1e8
#define BP_SENTINEL             0x1ef   /* must stay 0, or the kernel discards our fields */
#define BP_E820_TABLE           0x2d0
#define BP_E820_MAX             128     /* E820_MAX_ENTRIES_ZEROPAGE */

struct kexec_boot_params_input {
	const struct kexec_bzimage *image;
	const struct kdk_array *e820;  /* struct kdk_mem_range, sorted */
	uint64_t cmdline_addr;         /* physical */
	uint64_t initrd_addr, initrd_size;
	uint64_t acpi_rsdp;            /* 0: unknown */
	const uint8_t *running_params; /* the running kernel's boot_params, or NULL */
};

/* Fill page (BOOT_PARAMS_SIZE bytes). */
int kexec_boot_params_build(const struct kexec_boot_params_input *in, uint8_t *page,
			    struct kdk_err *err);

/* The e820 type number of a range type. */
uint32_t kexec_e820_type(int range_type);

/* Read the running kernel's boot_params (/sys/kernel/boot_params/data) into page; 0 or -errno. */
int kexec_running_boot_params(const char *sysfs, uint8_t *page);

/* The ACPI RSDP address: the running kernel's boot_params, else EFI's systab; 0 if neither
 * says (a BIOS machine: the new kernel finds it by scanning low memory). */
uint64_t kexec_acpi_rsdp(const char *sysfs, const uint8_t *running_params);

#endif
