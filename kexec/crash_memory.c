/* crash_memory.c — reading the running kernel's crash-relevant facts from /proc and /sys. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash_memory.h"
#include "mem_ranges.h"

const struct kexec_sources kexec_live_sources = {
	.iomem = "/proc/iomem",
	.sysfs = "/sys",
	.kallsyms = "/proc/kallsyms",
	.kcore = "/proc/kcore",
	.firmware_memmap = "/sys/firmware/memmap",
};

#define LOW_MEMORY_END 0x100000ULL     /* 1 MiB */

int kexec_crash_regions(const struct kdk_array *iomem, struct kdk_array *regions,
			struct kdk_err *err)
{
	size_t i;

	kdk_array_init(regions, sizeof(struct kdk_mem_range));
	for (i = 0; i < iomem->len; i++) {
		const struct kdk_iomem_entry *e = KDK_ARRAY_AT(iomem, struct kdk_iomem_entry, i);

		if (!strcmp(e->name, "Crash kernel") &&
		    kdk_ranges_add(regions, e->start, e->end, KDK_RANGE_RAM, err))
			return -err->code;
	}
	return 0;
}

/* kexec-tools' rule for the crash memory ranges: every line of a type it knows, at any depth,
 * GART apertures and the crashkernel regions cut out. */
static int crash_ranges_from_iomem(struct kexec_crash_info *info, struct kdk_err *err)
{
	size_t i;

	kdk_array_init(&info->crash_ranges, sizeof(struct kdk_mem_range));
	for (i = 0; i < info->iomem.len; i++) {
		const struct kdk_iomem_entry *e = KDK_ARRAY_AT(&info->iomem, struct kdk_iomem_entry, i);
		enum kdk_range_type type = kdk_range_type_of(e->name);

		if (type == KDK_RANGE_OTHER || type == KDK_RANGE_UNCACHED)
			continue;
		if (kdk_ranges_add(&info->crash_ranges, e->start, e->end, type, err))
			return -err->code;
	}
	for (i = 0; i < info->iomem.len; i++) {
		const struct kdk_iomem_entry *e = KDK_ARRAY_AT(&info->iomem, struct kdk_iomem_entry, i);

		if (!strcmp(e->name, "GART") &&
		    kdk_ranges_exclude(&info->crash_ranges, e->start, e->end, err))
			return -err->code;
	}
	for (i = 0; i < info->crash_regions.len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(&info->crash_regions, struct kdk_mem_range, i);

		if (kdk_ranges_exclude(&info->crash_ranges, r->start, r->end, err))
			return -err->code;
	}
	return 0;
}

/* "%llx %x\n"-style files: /sys/kernel/vmcoreinfo ("addr size", both hex) and
 * /sys/devices/system/cpu/cpuN/crash_notes (addr, hex). */
static int read_hex_pair(const char *path, uint64_t *first, uint64_t *second, struct kdk_err *err)
{
	FILE *in = fopen(path, "re");
	unsigned long long a = 0, b = 0;
	int fields;

	if (!in)
		return kdk_err_sys(err, errno, "%s", path);
	fields = fscanf(in, "%llx %llx", &a, &b);
	fclose(in);
	if (fields < 1 || (second && fields < 2))
		return kdk_err_set(err, EINVAL, "%s: not \"%s\"", path, second ? "ADDR SIZE" : "ADDR");
	*first = a;
	if (second)
		*second = b;
	return 0;
}

static int read_decimal(const char *path, uint64_t *value, struct kdk_err *err)
{
	FILE *in = fopen(path, "re");
	unsigned long long v;
	int ok;

	if (!in)
		return kdk_err_sys(err, errno, "%s", path);
	ok = fscanf(in, "%llu", &v) == 1;
	fclose(in);
	if (!ok)
		return kdk_err_set(err, EINVAL, "%s: not a number", path);
	*value = v;
	return 0;
}

/* Every CPU the kernel made a sysfs directory for (the possible-and-present ones); a CPU
 * without crash_notes has nothing to record. */
static int read_cpu_notes(const struct kexec_sources *src, struct kexec_crash_info *info,
			  struct kdk_err *err)
{
	char path[512];
	unsigned cpu;

	kdk_array_init(&info->cpu_notes, sizeof(struct kexec_note_range));
	for (cpu = 0;; cpu++) {
		struct kexec_note_range *note;
		uint64_t addr = 0, size = 0;

		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%u", src->sysfs, cpu);
		if (access(path, F_OK))
			break;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%u/crash_notes", src->sysfs, cpu);
		if (access(path, F_OK))
			continue;
		if (read_hex_pair(path, &addr, NULL, err))
			return -err->code;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%u/crash_notes_size", src->sysfs,
			 cpu);
		if (read_decimal(path, &size, err))
			return -err->code;
		note = kdk_array_push(&info->cpu_notes, err);
		if (!note)
			return -err->code;
		note->paddr = addr;
		note->size = size;
	}
	if (!info->cpu_notes.len)
		return kdk_err_set(err, ENOENT, "%s/devices/system/cpu/cpu*/crash_notes: none found "
						"(kernel without CONFIG_CRASH_DUMP?)", src->sysfs);
	return 0;
}

/* _text and _end from kallsyms: the kernel image as mapped (KASLR included). */
static int read_kernel_text(const struct kexec_sources *src, struct kexec_crash_info *info,
			    struct kdk_err *err)
{
	FILE *in = fopen(src->kallsyms, "re");
	char line[512];
	uint64_t text = 0, end = 0;
	size_t i;

	if (!in)
		return kdk_err_sys(err, errno, "%s", src->kallsyms);
	while (fgets(line, sizeof(line), in) && !(text && end)) {
		unsigned long long addr;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (!strcmp(name, "_text"))
			text = addr;
		else if (!strcmp(name, "_end"))
			end = addr;
	}
	fclose(in);
	if (!text || !end || end <= text)
		return kdk_err_set(err, EPERM, "%s: no _text/_end addresses (they read 0 unless run as "
					       "root with kernel.kptr_restrict < 2)", src->kallsyms);
	info->text_vaddr = text;
	info->text_size = end - text;
	/* "Kernel code" starts at __pa_symbol(_text). */
	for (i = 0; i < info->iomem.len; i++) {
		const struct kdk_iomem_entry *e = KDK_ARRAY_AT(&info->iomem, struct kdk_iomem_entry, i);

		if (!strcmp(e->name, "Kernel code")) {
			info->text_paddr = e->start;
			return 0;
		}
	}
	return kdk_err_set(err, ENOENT, "%s: no \"Kernel code\" line", src->iomem);
}

/* The direct map's base from /proc/kcore: its RAM entries map physical p at page_offset + p.
 * (kcore sets p_paddr for them; the text entry is in the kernel-image range and is skipped.) */
static int read_page_offset(const struct kexec_sources *src, struct kexec_crash_info *info,
			    struct kdk_err *err)
{
	int fd = open(src->kcore, O_RDONLY | O_CLOEXEC), rc = -ENOENT;
	size_t count, i;
	Elf *elf;

	if (fd < 0)
		return kdk_err_sys(err, errno, "%s (needed for the direct-map address)", src->kcore);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_getphdrnum(elf, &count)) {
		rc = kdk_err_set(err, EINVAL, "%s: %s", src->kcore, elf_errmsg(-1));
		goto out;
	}
	for (i = 0; i < count; i++) {
		GElf_Phdr phdr;

		if (!gelf_getphdr(elf, (int)i, &phdr) || phdr.p_type != PT_LOAD)
			continue;
		if (phdr.p_paddr == (uint64_t)-1 || phdr.p_vaddr >= 0xffffffff80000000ULL ||
		    phdr.p_vaddr < phdr.p_paddr)
			continue;
		/* The direct map is 1 GiB aligned on x86_64 (with or without KASLR). */
		if ((phdr.p_vaddr - phdr.p_paddr) & ((1ULL << 30) - 1))
			continue;
		info->page_offset = phdr.p_vaddr - phdr.p_paddr;
		rc = 0;
		break;
	}
	if (rc)
		kdk_err_set(err, ENOENT, "%s: no direct-map RAM entry", src->kcore);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return rc;
}

int kexec_crash_info_read(const struct kexec_sources *src, struct kexec_crash_info *info,
			  struct kdk_err *err)
{
	char path[512];
	int rc;

	memset(info, 0, sizeof(*info));
	kdk_array_init(&info->crash_regions, sizeof(struct kdk_mem_range));
	kdk_array_init(&info->crash_ranges, sizeof(struct kdk_mem_range));
	kdk_array_init(&info->cpu_notes, sizeof(struct kexec_note_range));
	if ((rc = kdk_iomem_load(src->iomem, &info->iomem, err)) ||
	    (rc = kexec_crash_regions(&info->iomem, &info->crash_regions, err)))
		return rc;
	if (!info->crash_regions.len)
		return kdk_err_set(err, ENOMEM, "%s has no \"Crash kernel\" region: add crashkernel=256M "
					       "(or what `kdumpctl estimate` says) to the kernel command "
					       "line and reboot", src->iomem);
	if ((rc = crash_ranges_from_iomem(info, err)) || (rc = read_cpu_notes(src, info, err)) ||
	    (rc = read_kernel_text(src, info, err)) || (rc = read_page_offset(src, info, err)))
		return rc;
	snprintf(path, sizeof(path), "%s/kernel/vmcoreinfo", src->sysfs);
	return read_hex_pair(path, &info->vmcoreinfo.paddr, &info->vmcoreinfo.size, err);
}

void kexec_crash_info_free(struct kexec_crash_info *info)
{
	kdk_iomem_free(&info->iomem);
	kdk_array_free(&info->crash_regions);
	kdk_array_free(&info->crash_ranges);
	kdk_array_free(&info->cpu_notes);
}

void kexec_crash_ranges_print(const struct kexec_crash_info *info, FILE *out)
{
	size_t i;

	fprintf(out, "CRASH MEMORY RANGES\n");
	for (i = 0; i < info->crash_ranges.len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(&info->crash_ranges, struct kdk_mem_range, i);

		fprintf(out, "%016" PRIx64 "-%016" PRIx64 " (%d)\n", r->start, r->end, (int)r->type);
	}
}

int kexec_capture_e820(const struct kexec_crash_info *info, uint64_t hole_start, uint64_t hole_end,
		       struct kdk_array *e820, struct kdk_err *err)
{
	size_t i;

	kdk_array_init(e820, sizeof(struct kdk_mem_range));
	for (i = 0; i < info->iomem.len; i++) {
		const struct kdk_iomem_entry *e = KDK_ARRAY_AT(&info->iomem, struct kdk_iomem_entry, i);
		enum kdk_range_type type = kdk_range_type_of(e->name);

		if (e->depth)
			continue;
		if (type == KDK_RANGE_RAM) {
			if (e->start < LOW_MEMORY_END &&
			    kdk_ranges_add(e820, e->start, e->end < LOW_MEMORY_END ? e->end :
							   LOW_MEMORY_END - 1, type, err))
				return -err->code;
		} else if (type == KDK_RANGE_ACPI || type == KDK_RANGE_ACPI_NVS ||
			   type == KDK_RANGE_RESERVED || type == KDK_RANGE_PMEM ||
			   type == KDK_RANGE_PRAM) {
			if (kdk_ranges_add(e820, e->start, e->end, type, err))
				return -err->code;
		}
	}
	for (i = 0; i < info->crash_regions.len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(&info->crash_regions, struct kdk_mem_range, i);
		struct kdk_array pieces = KDK_ARRAY_INIT(struct kdk_mem_range);
		size_t j;
		int rc = kdk_ranges_add(&pieces, r->start, r->end, KDK_RANGE_RAM, err);

		if (!rc && hole_end > hole_start)
			rc = kdk_ranges_exclude(&pieces, hole_start, hole_end, err);
		for (j = 0; !rc && j < pieces.len; j++) {
			const struct kdk_mem_range *p = KDK_ARRAY_AT(&pieces, struct kdk_mem_range, j);

			rc = kdk_ranges_add(e820, p->start, p->end, KDK_RANGE_RAM, err);
		}
		kdk_array_free(&pieces);
		if (rc)
			return rc;
	}
	kdk_ranges_sort(e820);
	return 0;
}

int kexec_normal_e820(const struct kexec_sources *src, const struct kdk_array *iomem,
		      struct kdk_array *e820, struct kdk_err *err)
{
	size_t i;

	if (!kdk_firmware_memmap_load(src->firmware_memmap, e820, err))
		return 0;
	kdk_err_clear(err);
	kdk_array_init(e820, sizeof(struct kdk_mem_range));
	for (i = 0; i < iomem->len; i++) {
		const struct kdk_iomem_entry *e = KDK_ARRAY_AT(iomem, struct kdk_iomem_entry, i);
		enum kdk_range_type type = kdk_range_type_of(e->name);

		if (!e->depth && type != KDK_RANGE_OTHER &&
		    kdk_ranges_add(e820, e->start, e->end, type, err))
			return -err->code;
	}
	kdk_ranges_sort(e820);
	return 0;
}
