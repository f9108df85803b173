/* kexec_sys.h — the kernel's kexec interface: the two load syscalls, unload, the loaded flags in
 * sysfs, and the reboot into the loaded kernel. */
#ifndef KEXEC_SYS_H
#define KEXEC_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

/* include/uapi/linux/kexec.h */
#define KEXEC_FLAG_ON_CRASH       0x00000001UL
#define KEXEC_FLAG_ARCH_X86_64    (62UL << 16)
#define KEXEC_FILE_FLAG_UNLOAD    0x00000001UL
#define KEXEC_FILE_FLAG_ON_CRASH  0x00000002UL
#define KEXEC_FILE_FLAG_NO_INITRAMFS 0x00000004UL

/* struct kexec_segment of the kexec_load ABI. */
struct kexec_sys_segment {
	const void *buf;
	size_t bufsz;
	uint64_t mem;
	size_t memsz;
};

/* Which image: the one `kexec -e` starts, or the crash (capture) kernel. */
enum kexec_image_kind { KEXEC_IMAGE_NORMAL, KEXEC_IMAGE_CRASH };

const char *kexec_image_name(enum kexec_image_kind kind);

/* 1 when loaded, 0 when not, -errno with err set when the flag cannot be read. */
int kexec_sys_loaded(enum kexec_image_kind kind, struct kdk_err *err);

/* The raw syscalls; return 0 or -errno (errno also left set). */
int kexec_sys_load(uint64_t entry, size_t nr_segments, const struct kexec_sys_segment *segments,
		   unsigned long flags);
int kexec_sys_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags);

/* Start the loaded kernel (reboot(LINUX_REBOOT_CMD_KEXEC)); returns only on failure. */
int kexec_sys_exec(struct kdk_err *err);

/* Where sysfs lives (tests point it elsewhere). */
extern const char *kexec_sysfs_root;

#endif
