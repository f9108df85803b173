/* crash_hotplug.h — whether the running kernel can rewrite a loaded capture kernel's elfcorehdr
 * itself when memory or CPUs come and go (CONFIG_CRASH_HOTPLUG), and how much room it needs. */
#ifndef KEXEC_CRASH_HOTPLUG_H
#define KEXEC_CRASH_HOTPLUG_H

#include <stdint.h>

#include "kdk_err.h"

/* include/uapi/linux/kexec.h, since a72bbec70da2 "crash: hotplug support for kexec_load()"
 * (6.6): kexec_load's flag saying the elfcorehdr segment is left out of purgatory's digest, so
 * the kernel may rewrite it (kernel/crash_core.c finds that segment by its ELF magic). Kernels
 * without it reject the flag (kexec_load_check: EINVAL); 6.10+ also accept it in place of
 * KEXEC_CRASH_HOTPLUG_SUPPORT (arch/x86/kernel/crash.c arch_crash_hotplug_support()). */
#define KEXEC_FLAG_UPDATE_ELFCOREHDR 0x00000004UL

/* The kernel's crash_elfcorehdr_size (kernel/ksysfs.c, same series: /sys/kernel/crash_elfcorehdr_size;
 * later kernels also list it under /sys/kernel/kexec/): the bytes the elfcorehdr segment must
 * hold for the kernel to update it (x86: arch_crash_get_elfcorehdr_size(), program headers for
 * every possible CPU and CONFIG_CRASH_MAX_MEMORY_RANGES memory ranges). *size is 0 when neither
 * file exists (no CONFIG_CRASH_HOTPLUG: a reload must follow hotplug instead); the path read,
 * or "", goes to path. */
int kexec_crash_hotplug_size(const char *sysfs, uint64_t *size, char *path, size_t path_size,
			     struct kdk_err *err);

#endif
