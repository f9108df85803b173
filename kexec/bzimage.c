/* bzimage.c — reading a bzImage and checking it is one we can start in 64-bit mode. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bzimage.h"

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }
static uint64_t get64(const uint8_t *p) { return get32(p) | (uint64_t)get32(p + 4) << 32; }

static int read_whole_file(const char *path, uint8_t **data, size_t *size, struct kdk_err *err)
{
	struct stat st;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return kdk_err_sys(err, errno, "%s", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		rc = kdk_err_set(err, EINVAL, "%s: not a regular file", path);
		goto out;
	}
	*data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!*data) {
		rc = kdk_err_sys(err, ENOMEM, "%s", path);
		goto out;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, *data + done, (size_t)st.st_size - done);

		if (n <= 0) {
			rc = kdk_err_sys(err, n ? errno : EIO, "%s: read", path);
			free(*data);
			*data = NULL;
			goto out;
		}
		done += (size_t)n;
	}
	*size = done;
out:
	close(fd);
	return rc;
}

int kexec_bzimage_load(const char *path, struct kexec_bzimage *image, struct kdk_err *err)
{
	const uint8_t *f;
	size_t setup_size;
	unsigned setup_sects;
	int rc;

	memset(image, 0, sizeof(*image));
	rc = read_whole_file(path, &image->file, &image->file_size, err);
	if (rc)
		return rc;
	f = image->file;
	if (image->file_size < 0x400 || get16(f + BZ_BOOT_FLAG) != 0xaa55 ||
	    memcmp(f + BZ_HEADER_MAGIC, "HdrS", 4)) {
		rc = kdk_err_set(err, ENOEXEC, "%s: not a bzImage (no x86 boot setup header at 0x1f1); "
					       "give the compressed vmlinuz, not vmlinux", path);
		goto fail;
	}
	image->version = get16(f + BZ_VERSION);
	if (image->version < BZ_MIN_VERSION) {
		rc = kdk_err_set(err, ENOEXEC, "%s: boot protocol %u.%02u is too old (2.12, Linux 3.8, "
					       "or later is needed for the 64-bit entry)",
				 path, image->version >> 8, image->version & 0xff);
		goto fail;
	}
	image->xloadflags = get16(f + BZ_XLOADFLAGS);
	if (!(image->xloadflags & BZ_XLF_KERNEL_64)) {
		rc = kdk_err_set(err, ENOEXEC, "%s: not a 64-bit kernel (xloadflags 0x%x has no "
					       "XLF_KERNEL_64)", path, image->xloadflags);
		goto fail;
	}
	if (!f[BZ_RELOCATABLE]) {
		rc = kdk_err_set(err, ENOEXEC, "%s: not relocatable (CONFIG_RELOCATABLE off): it can "
					       "only run at its link address, not in a crashkernel region", path);
		goto fail;
	}
	/* setup_sects 0 means 4, for old bootloaders' sake. */
	setup_sects = f[BZ_SETUP_SECTS] ? f[BZ_SETUP_SECTS] : 4;
	setup_size = (size_t)(setup_sects + 1) * 512;
	image->header_end = BZ_JUMP + 2 + f[BZ_JUMP + 1];
	if (setup_size >= image->file_size || image->header_end > setup_size) {
		rc = kdk_err_set(err, ENOEXEC, "%s: setup (%zu bytes) does not fit in the file "
					       "(%zu bytes): truncated?", path, setup_size, image->file_size);
		goto fail;
	}
	image->kernel = f + setup_size;
	image->kernel_size = image->file_size - setup_size;
	image->kernel_alignment = get32(f + BZ_KERNEL_ALIGNMENT);
	image->pref_address = get64(f + BZ_PREF_ADDRESS);
	image->init_size = get32(f + BZ_INIT_SIZE);
	image->initrd_addr_max = get32(f + BZ_INITRD_ADDR_MAX);
	image->cmdline_size = get32(f + BZ_CMDLINE_SIZE);
	if (!image->kernel_alignment || (image->kernel_alignment & (image->kernel_alignment - 1))) {
		rc = kdk_err_set(err, ENOEXEC, "%s: kernel_alignment 0x%x is not a power of two", path,
				 image->kernel_alignment);
		goto fail;
	}
	if (image->init_size < image->kernel_size)
		image->init_size = (uint32_t)image->kernel_size;
	return 0;
fail:
	kexec_bzimage_free(image);
	return rc;
}

void kexec_bzimage_free(struct kexec_bzimage *image)
{
	free(image->file);
	memset(image, 0, sizeof(*image));
}
