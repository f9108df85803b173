/* boot_params.c — building the zero page for the 64-bit boot protocol. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot_params.h"
#include "mem_ranges.h"

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

uint32_t kexec_e820_type(int range_type)
{
	switch (range_type) {
	case KDK_RANGE_RAM: return 1;
	case KDK_RANGE_ACPI: return 3;
	case KDK_RANGE_ACPI_NVS: return 4;
	case KDK_RANGE_PMEM: return 7;
	case KDK_RANGE_PRAM: return 12;
	default: return 2;   /* reserved */
	}
}

int kexec_boot_params_build(const struct kexec_boot_params_input *in, uint8_t *page,
			    struct kdk_err *err)
{
	const struct kexec_bzimage *image = in->image;
	size_t i;

	if (in->e820->len > BP_E820_MAX)
		return kdk_err_set(err, E2BIG, "%zu e820 entries: more than the %d the zero page holds",
				   in->e820->len, BP_E820_MAX);
	memset(page, 0, BOOT_PARAMS_SIZE);
	/* The console the firmware left (text mode or framebuffer), as the kernel does for
	 * kexec_file_load. */
	if (in->running_params)
		memcpy(page + BP_SCREEN_INFO, in->running_params + BP_SCREEN_INFO, 0x40);
	memcpy(page + BZ_SETUP_SECTS, image->file + BZ_SETUP_SECTS, image->header_end - BZ_SETUP_SECTS);
	page[BZ_TYPE_OF_LOADER] = 0xff;   /* "undefined" boot loader */
	put32(page + BZ_CMD_LINE_PTR, (uint32_t)in->cmdline_addr);
	put32(page + BP_EXT_CMD_LINE_PTR, (uint32_t)(in->cmdline_addr >> 32));
	put32(page + BZ_RAMDISK_IMAGE, (uint32_t)in->initrd_addr);
	put32(page + BP_EXT_RAMDISK_IMAGE, (uint32_t)(in->initrd_addr >> 32));
	put32(page + BZ_RAMDISK_SIZE, (uint32_t)in->initrd_size);
	put32(page + BP_EXT_RAMDISK_SIZE, (uint32_t)(in->initrd_size >> 32));
	put64(page + BP_ACPI_RSDP_ADDR, in->acpi_rsdp);
	page[BP_E820_ENTRIES] = (uint8_t)in->e820->len;
	for (i = 0; i < in->e820->len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(in->e820, struct kdk_mem_range, i);
		uint8_t *entry = page + BP_E820_TABLE + 20 * i;

		put64(entry, r->start);
		put64(entry + 8, r->end - r->start + 1);
		put32(entry + 16, kexec_e820_type(r->type));
	}
	return 0;
}

int kexec_running_boot_params(const char *sysfs, uint8_t *page)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/kernel/boot_params/data", sysfs);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, page, BOOT_PARAMS_SIZE);
	close(fd);
	return n == BOOT_PARAMS_SIZE ? 0 : -EIO;
}

uint64_t kexec_acpi_rsdp(const char *sysfs, const uint8_t *running_params)
{
	char path[512], line[256];
	uint64_t rsdp = 0, acpi10 = 0;
	FILE *in;

	if (running_params) {
		memcpy(&rsdp, running_params + BP_ACPI_RSDP_ADDR, 8);
		if (rsdp)
			return rsdp;
	}
	snprintf(path, sizeof(path), "%s/firmware/efi/systab", sysfs);
	in = fopen(path, "re");
	if (!in)
		return 0;
	while (fgets(line, sizeof(line), in)) {
		unsigned long long value;

		if (sscanf(line, "ACPI20=%llx", &value) == 1)
			rsdp = value;
		else if (sscanf(line, "ACPI=%llx", &value) == 1)
			acpi10 = value;
	}
	fclose(in);
	return rsdp ? rsdp : acpi10;
}
