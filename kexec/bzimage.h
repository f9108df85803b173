/* bzimage.h — an x86 bzImage read and checked: the setup header (Documentation/arch/x86/boot.rst)
 * and the protected-mode kernel behind it, which the 64-bit boot protocol enters at +0x200. */
#ifndef KEXEC_BZIMAGE_H
#define KEXEC_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

/* Setup header offsets in the file (and in boot_params, where the header is copied). */
#define BZ_SETUP_SECTS      0x1f1
#define BZ_BOOT_FLAG        0x1fe   /* 0xaa55 */
#define BZ_JUMP             0x200   /* the header ends at 0x202 + the byte at 0x201 */
#define BZ_HEADER_MAGIC     0x202   /* "HdrS" */
#define BZ_VERSION          0x206
#define BZ_TYPE_OF_LOADER   0x210
#define BZ_LOADFLAGS        0x211
#define BZ_RAMDISK_IMAGE    0x218
#define BZ_RAMDISK_SIZE     0x21c
#define BZ_CMD_LINE_PTR     0x228
#define BZ_INITRD_ADDR_MAX  0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE      0x234
#define BZ_XLOADFLAGS       0x236
#define BZ_CMDLINE_SIZE     0x238
#define BZ_PREF_ADDRESS     0x258
#define BZ_INIT_SIZE        0x260

#define BZ_XLF_KERNEL_64              0x1
#define BZ_XLF_CAN_BE_LOADED_ABOVE_4G 0x2
#define BZ_64BIT_ENTRY_OFFSET         0x200
/* xloadflags and the 64-bit entry came with boot protocol 2.12 (Linux 3.8). */
#define BZ_MIN_VERSION                0x020c

struct kexec_bzimage {
	uint8_t *file;             /* the whole file (owned) */
	size_t file_size;
	const uint8_t *kernel;     /* the protected-mode kernel inside file */
	size_t kernel_size;
	size_t header_end;         /* bytes of the setup header to copy, from 0x1f1 */
	uint16_t version;
	uint16_t xloadflags;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;        /* memory the kernel needs from its load address while booting */
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;     /* longest command line, without the NUL */
};

/* Read and check `path`; the errors say what is wrong with the file. */
int kexec_bzimage_load(const char *path, struct kexec_bzimage *image, struct kdk_err *err);
void kexec_bzimage_free(struct kexec_bzimage *image);

#endif
