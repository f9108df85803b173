/* kexec_sys.c — thin wrappers over the kexec syscalls and sysfs flags. */
#include <errno.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kexec_sys.h"

const char *kexec_sysfs_root = "/sys";

const char *kexec_image_name(enum kexec_image_kind kind)
{
	return kind == KEXEC_IMAGE_CRASH ? "crash kernel" : "kexec kernel";
}

int kexec_sys_loaded(enum kexec_image_kind kind, struct kdk_err *err)
{
	char path[256];
	FILE *in;
	int value = -1;

	snprintf(path, sizeof(path), "%s/kernel/%s", kexec_sysfs_root,
		 kind == KEXEC_IMAGE_CRASH ? "kexec_crash_loaded" : "kexec_loaded");
	in = fopen(path, "re");
	if (!in)
		return kdk_err_sys(err, errno, "%s (is this kernel built with CONFIG_KEXEC?)", path);
	if (fscanf(in, "%d", &value) != 1 || (value != 0 && value != 1)) {
		fclose(in);
		return kdk_err_set(err, EINVAL, "%s: not 0 or 1", path);
	}
	fclose(in);
	return value;
}

int kexec_sys_load(uint64_t entry, size_t nr_segments, const struct kexec_sys_segment *segments,
		   unsigned long flags)
{
	long rc = syscall(SYS_kexec_load, (unsigned long)entry, nr_segments, segments, flags);

	return rc ? -errno : 0;
}

int kexec_sys_file_load(int kernel_fd, int initrd_fd, const char *cmdline, unsigned long flags)
{
	unsigned long cmdline_len = cmdline ? __builtin_strlen(cmdline) + 1 : 0;
	long rc = syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, cmdline_len, cmdline, flags);

	return rc ? -errno : 0;
}

int kexec_sys_exec(struct kdk_err *err)
{
	syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC, NULL);
	return kdk_err_sys(err, errno, "reboot(LINUX_REBOOT_CMD_KEXEC)");
}
