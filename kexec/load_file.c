/* load_file.c — kexec_file_load(2), with a message for each errno the kernel gives. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "load_file.h"

static const char *explain_errno(int code)
{
	switch (code) {
	case ENOSYS:
		return "this kernel has no kexec_file_load (CONFIG_KEXEC_FILE off); use -c";
	case EKEYREJECTED:
	case EBADMSG:
		return "the kernel image's signature was rejected (kexec signature verification is "
		       "enforced: sign the image with a key the kernel trusts)";
	case EPERM:
		return "not permitted: run as root (CAP_SYS_BOOT), and check kernel lockdown "
		       "(/sys/kernel/security/lockdown) and kernel.kexec_load_disabled";
	case ENOEXEC:
		return "the kernel does not recognise this image (not a bzImage it can load: "
		       "compressed vmlinuz of a 64-bit kernel expected)";
	case EADDRNOTAVAIL:
	case ENOMEM:
		return "no room: the crashkernel= region is missing or too small for the kernel "
		       "and initrd (reserve more with crashkernel= on the command line)";
	case EINVAL:
		return "the kernel refused the arguments (command line too long, or a bad image)";
	case EBUSY:
		return "another kexec operation is in progress";
	case EFBIG:
		return "the kernel image or initrd is too big";
	default:
		return NULL;
	}
}

int kexec_file_errno_wants_fallback(int code)
{
	/* ENOSYS: no such syscall; ENOEXEC: the kernel lacks a loader for this image type;
	 * EOPNOTSUPP: a kernel that forbids it in this configuration. */
	return code == ENOSYS || code == ENOEXEC || code == EOPNOTSUPP;
}

int kexec_file_load_image(enum kexec_image_kind kind, const char *kernel, const char *initrd,
			  const char *cmdline, struct kdk_err *err)
{
	unsigned long flags = kind == KEXEC_IMAGE_CRASH ? KEXEC_FILE_FLAG_ON_CRASH : 0;
	int kernel_fd, initrd_fd = -1, rc;
	const char *why;

	kernel_fd = open(kernel, O_RDONLY | O_CLOEXEC);
	if (kernel_fd < 0)
		return kdk_err_sys(err, errno, "%s", kernel);
	if (initrd) {
		initrd_fd = open(initrd, O_RDONLY | O_CLOEXEC);
		if (initrd_fd < 0) {
			rc = kdk_err_sys(err, errno, "initrd %s", initrd);
			close(kernel_fd);
			return rc;
		}
	} else {
		flags |= KEXEC_FILE_FLAG_NO_INITRAMFS;
	}
	rc = kexec_sys_file_load(kernel_fd, initrd_fd, cmdline ? cmdline : "", flags);
	close(kernel_fd);
	if (initrd_fd >= 0)
		close(initrd_fd);
	if (rc) {
		why = explain_errno(-rc);
		if (why)
			kdk_err_set(err, -rc, "kexec_file_load of %s: %s (%s)", kernel, why, strerror(-rc));
		else
			kdk_err_sys(err, -rc, "kexec_file_load of %s", kernel);
	}
	return rc;
}

int kexec_file_unload(enum kexec_image_kind kind, struct kdk_err *err)
{
	unsigned long flags = KEXEC_FILE_FLAG_UNLOAD |
			      (kind == KEXEC_IMAGE_CRASH ? KEXEC_FILE_FLAG_ON_CRASH : 0);
	int rc = kexec_sys_file_load(-1, -1, NULL, flags);
	const char *why;

	if (rc) {
		why = explain_errno(-rc);
		if (why)
			kdk_err_set(err, -rc, "kexec_file_load(unload): %s (%s)", why, strerror(-rc));
		else
			kdk_err_sys(err, -rc, "kexec_file_load(unload)");
	}
	return rc;
}
