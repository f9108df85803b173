/* load_legacy.c — kexec_load(2): everything the kernel does itself for kexec_file_load is done
 * here. Segments: kernel, initrd, elfcorehdr (crash only), boot_params + command line, purgatory.
 * Purgatory is the entry point; it checks the others' SHA-256 and enters the kernel at +0x200. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_params.h"
#include "bzimage.h"
#include "crash_hotplug.h"
#include "crash_memory.h"
#include "elfcorehdr.h"
#include "load_legacy.h"
#include "mem_ranges.h"
#include "purgatory.h"
#include "purgatory_image.h"
#include "segments.h"

#define MIN_NORMAL_LOAD_ADDR 0x1000000ULL   /* 16 MiB: out of the way of low memory users */
#define FOUR_GIB             0x100000000ULL

struct legacy_load {
	const struct kexec_legacy_request *req;
	struct kexec_bzimage image;
	uint8_t *initrd;
	size_t initrd_size;
	struct kexec_crash_info crash;        /* crash loads only */
	struct kdk_array iomem;               /* normal loads only */
	struct kdk_array e820;
	uint8_t *elfcorehdr;
	size_t elfcorehdr_size;
	uint64_t elfcorehdr_memsz;            /* room reserved: more where the kernel may update it */
	uint64_t hotplug_size;                /* crash_elfcorehdr_size, 0: no kernel update */
	char hotplug_source[4096];            /* the sysfs file that said so */
	uint8_t *params;                      /* boot_params page + command line */
	size_t params_size;
	uint8_t running_params[BOOT_PARAMS_SIZE];
	bool have_running_params;
	char *cmdline;
	struct kexec_purgatory purgatory;
	struct kexec_plan plan;
};

static uint64_t page_align(uint64_t v) { return (v + KEXEC_PAGE_SIZE - 1) & ~(KEXEC_PAGE_SIZE - 1); }

static int read_initrd(struct legacy_load *ld, struct kdk_err *err)
{
	const char *path = ld->req->initrd;
	struct stat st;
	size_t done = 0;
	int fd, rc = 0;

	if (!path)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kdk_err_sys(err, errno, "initrd %s", path);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || !st.st_size) {
		close(fd);
		return kdk_err_set(err, EINVAL, "initrd %s: not a non-empty regular file", path);
	}
	ld->initrd = malloc((size_t)st.st_size);
	if (!ld->initrd) {
		close(fd);
		return kdk_err_sys(err, ENOMEM, "initrd %s", path);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, ld->initrd + done, (size_t)st.st_size - done);

		if (n <= 0) {
			rc = kdk_err_sys(err, n ? errno : EIO, "initrd %s: read", path);
			break;
		}
		done += (size_t)n;
	}
	close(fd);
	ld->initrd_size = done;
	return rc;
}

/* Where segments may go: the crashkernel regions for a crash kernel; otherwise System RAM above
 * 1 MiB outside the crashkernel regions (a loaded crash kernel lives there). */
static int free_memory(struct legacy_load *ld, struct kdk_err *err)
{
	struct kdk_array regions;
	size_t i;
	int rc;

	if (ld->req->kind == KEXEC_IMAGE_CRASH) {
		for (i = 0; i < ld->crash.crash_regions.len; i++) {
			const struct kdk_mem_range *r =
				KDK_ARRAY_AT(&ld->crash.crash_regions, struct kdk_mem_range, i);

			if (kdk_ranges_add(&ld->plan.free, r->start, r->end, KDK_RANGE_RAM, err))
				return -err->code;
		}
		return 0;
	}
	for (i = 0; i < ld->iomem.len; i++) {
		const struct kdk_iomem_entry *e = KDK_ARRAY_AT(&ld->iomem, struct kdk_iomem_entry, i);

		if (!e->depth && kdk_range_type_of(e->name) == KDK_RANGE_RAM &&
		    kdk_ranges_add(&ld->plan.free, e->start, e->end, KDK_RANGE_RAM, err))
			return -err->code;
	}
	if ((rc = kdk_ranges_exclude(&ld->plan.free, 0, 0xfffff, err)) ||
	    (rc = kexec_crash_regions(&ld->iomem, &regions, err)))
		return rc;
	for (i = 0; !rc && i < regions.len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(&regions, struct kdk_mem_range, i);

		rc = kdk_ranges_exclude(&ld->plan.free, r->start, r->end, err);
	}
	kdk_array_free(&regions);
	return rc;
}

/* Before placing anything: will it fit? A message with the numbers beats "no free 40000 KiB". */
static int check_room(struct legacy_load *ld, struct kdk_err *err)
{
	uint64_t need = page_align(ld->image.init_size) + page_align(ld->initrd_size) +
			page_align(ld->purgatory.size) + 4 * KEXEC_PAGE_SIZE + ld->image.kernel_alignment;
	uint64_t have = kdk_ranges_bytes(&ld->plan.free, KDK_RANGE_RAM);

	if (ld->req->kind != KEXEC_IMAGE_CRASH || need <= have)
		return 0;
	return kdk_err_set(err, ENOMEM, "the crashkernel region holds %" PRIu64 " MiB but the "
				       "capture kernel needs about %" PRIu64 " MiB to load (kernel "
				       "with its boot-time size %" PRIu64 " MiB, initrd %" PRIu64
				       " MiB): raise crashkernel= or use a smaller initrd",
			   have >> 20, (need + (1 << 20) - 1) >> 20, (uint64_t)ld->image.init_size >> 20,
			   (uint64_t)ld->initrd_size >> 20);
}

static int build_cmdline(struct legacy_load *ld, uint64_t elfcorehdr_addr, uint64_t acpi_rsdp,
			 struct kdk_err *err)
{
	const char *user = ld->req->cmdline ? ld->req->cmdline : "";
	size_t cap = strlen(user) + 128;
	int len;

	ld->cmdline = malloc(cap);
	if (!ld->cmdline)
		return kdk_err_sys(err, ENOMEM, "command line");
	len = snprintf(ld->cmdline, cap, "%s", user);
	if (ld->req->kind == KEXEC_IMAGE_CRASH) {
		/* The capture kernel finds the dump's description here (kernel/crash_dump.c takes a
		 * memparse value; kexec-tools writes KiB). */
		len += snprintf(ld->cmdline + len, cap - (size_t)len, "%selfcorehdr=%" PRIu64 "K",
				len ? " " : "", elfcorehdr_addr >> 10);
		if (acpi_rsdp)
			len += snprintf(ld->cmdline + len, cap - (size_t)len, " acpi_rsdp=0x%" PRIx64,
					acpi_rsdp);
	}
	if (ld->image.cmdline_size && (size_t)len > ld->image.cmdline_size)
		return kdk_err_set(err, E2BIG, "command line of %d bytes is longer than the %u this "
					      "kernel accepts", len, ld->image.cmdline_size);
	return 0;
}

static int place_segments(struct legacy_load *ld, struct kdk_err *err)
{
	const struct kexec_legacy_request *req = ld->req;
	bool crash = req->kind == KEXEC_IMAGE_CRASH;
	uint64_t kernel_addr, initrd_addr = 0, hdr_addr = 0, params_addr, purg_addr, entry, rsdp;
	uint64_t initrd_max = (ld->image.xloadflags & BZ_XLF_CAN_BE_LOADED_ABOVE_4G) ?
				      UINT64_MAX : ld->image.initrd_addr_max;
	struct kdk_purgatory_region regions[KDK_PURGATORY_MAX_REGIONS];
	uint8_t digest[KDK_SHA256_DIGEST_SIZE];
	uint16_t serial_port = (uint16_t)req->serial_port;
	size_t i, n = 0;
	int rc;

	/* The kernel lowest (it decompresses upwards over init_size), the rest from the top. */
	rc = kexec_plan_reserve(&ld->plan, ld->image.init_size, ld->image.kernel_alignment,
				crash ? 0 : MIN_NORMAL_LOAD_ADDR, UINT64_MAX, false, &kernel_addr, err);
	if (rc)
		return kdk_err_prefix(err, "kernel: ");
	if (ld->initrd &&
	    kexec_plan_reserve(&ld->plan, ld->initrd_size, KEXEC_PAGE_SIZE, 0, initrd_max, true,
			       &initrd_addr, err))
		return kdk_err_prefix(err, "initrd: ");
	if (crash) {
		if ((rc = kexec_elfcorehdr_build(&ld->crash, &ld->elfcorehdr, &ld->elfcorehdr_size, err)))
			return rc;
		/* Where the kernel can rewrite the header on memory/CPU hotplug, the segment must
		 * hold what it may write (arch/x86/kernel/crash.c refuses an update larger than the
		 * segment's memsz). */
		ld->elfcorehdr_memsz = page_align(ld->elfcorehdr_size > ld->hotplug_size ?
							  ld->elfcorehdr_size : ld->hotplug_size);
		if (kexec_plan_reserve(&ld->plan, ld->elfcorehdr_memsz, KEXEC_PAGE_SIZE, 0, UINT64_MAX,
				       true, &hdr_addr, err))
			return kdk_err_prefix(err, "elfcorehdr: ");
	}
	rsdp = kexec_acpi_rsdp(kexec_live_sources.sysfs,
			       ld->have_running_params ? ld->running_params : NULL);
	if ((rc = build_cmdline(ld, hdr_addr, rsdp, err)))
		return rc;
	ld->params_size = BOOT_PARAMS_SIZE + strlen(ld->cmdline) + 1;
	ld->params = calloc(1, ld->params_size);
	if (!ld->params)
		return kdk_err_sys(err, ENOMEM, "boot_params");
	if (kexec_plan_reserve(&ld->plan, ld->params_size, KEXEC_PAGE_SIZE, 0, FOUR_GIB - 1, true,
			       &params_addr, err))
		return kdk_err_prefix(err, "boot_params: ");
	if (kexec_plan_reserve(&ld->plan, ld->purgatory.size, ld->purgatory.align, 0, UINT64_MAX, true,
			       &purg_addr, err))
		return kdk_err_prefix(err, "purgatory: ");

	if (crash)
		rc = kexec_capture_e820(&ld->crash, hdr_addr, hdr_addr + ld->elfcorehdr_memsz - 1,
					&ld->e820, err);
	else
		rc = kexec_normal_e820(&kexec_live_sources, &ld->iomem, &ld->e820, err);
	if (rc)
		return rc;
	rc = kexec_boot_params_build(&(struct kexec_boot_params_input){
					     .image = &ld->image,
					     .e820 = &ld->e820,
					     .cmdline_addr = params_addr + BOOT_PARAMS_SIZE,
					     .initrd_addr = initrd_addr,
					     .initrd_size = ld->initrd ? ld->initrd_size : 0,
					     .acpi_rsdp = rsdp,
					     .running_params = ld->have_running_params ?
								       ld->running_params : NULL,
				     },
				     ld->params, err);
	if (rc)
		return rc;
	memcpy(ld->params + BOOT_PARAMS_SIZE, ld->cmdline, strlen(ld->cmdline) + 1);

	if ((rc = kexec_plan_add(&ld->plan, "kernel", ld->image.kernel, ld->image.kernel_size,
				 kernel_addr, ld->image.init_size, true, err)) ||
	    (ld->initrd && (rc = kexec_plan_add(&ld->plan, "initrd", ld->initrd, ld->initrd_size,
						initrd_addr, ld->initrd_size, true, err))) ||
	    (crash && (rc = kexec_plan_add(&ld->plan, "elfcorehdr", ld->elfcorehdr,
					   ld->elfcorehdr_size, hdr_addr, ld->elfcorehdr_memsz,
					   !ld->hotplug_size, err))) ||
	    (rc = kexec_plan_add(&ld->plan, "boot_params", ld->params, ld->params_size, params_addr,
				 ld->params_size, true, err)))
		return rc;

	/* Purgatory: where to jump, what to check (not an elfcorehdr the kernel may rewrite:
	 * f7cc804a9fd4 "kexec: exclude elfcorehdr from the segment digest" does the same for
	 * kexec_file_load). */
	memset(regions, 0, sizeof(regions));
	for (i = 0; i < ld->plan.segments.len; i++) {
		const struct kexec_segment_plan *seg =
			KDK_ARRAY_AT(&ld->plan.segments, struct kexec_segment_plan, i);

		if (!seg->hashed)
			continue;
		regions[n].start = seg->mem;
		regions[n++].len = seg->bufsz;
	}
	kexec_plan_digest(&ld->plan, digest);
	if (req->corrupt_digest)
		digest[0] ^= 0xff;
	entry = kernel_addr + BZ_64BIT_ENTRY_OFFSET;
	if ((rc = kexec_purgatory_relocate(&ld->purgatory, purg_addr, err)) ||
	    (rc = kexec_purgatory_set(&ld->purgatory, KDK_PURGATORY_SYM_REGIONS, regions,
				      sizeof(regions), err)) ||
	    (rc = kexec_purgatory_set(&ld->purgatory, KDK_PURGATORY_SYM_DIGEST, digest,
				      sizeof(digest), err)) ||
	    (rc = kexec_purgatory_set(&ld->purgatory, KDK_PURGATORY_SYM_BOOT_PARAMS, &params_addr,
				      sizeof(params_addr), err)) ||
	    (rc = kexec_purgatory_set(&ld->purgatory, KDK_PURGATORY_SYM_ENTRY, &entry, sizeof(entry),
				      err)) ||
	    (rc = kexec_purgatory_set(&ld->purgatory, KDK_PURGATORY_SYM_SERIAL, &serial_port,
				      sizeof(serial_port), err)))
		return rc;
	return kexec_plan_add(&ld->plan, "purgatory", ld->purgatory.buf, ld->purgatory.size,
			      purg_addr, ld->purgatory.size, false, err);
}

static void print_debug(const struct legacy_load *ld, uint64_t entry, FILE *out)
{
	size_t i;

	if (ld->req->kind == KEXEC_IMAGE_CRASH) {
		kexec_crash_ranges_print(&ld->crash, out);
		kexec_elfcorehdr_print(ld->elfcorehdr, ld->elfcorehdr_size, out);
		if (ld->hotplug_size)
			fprintf(out, "crash hotplug: the kernel updates the elfcorehdr (%s: %" PRIu64
				" bytes): segment of %" PRIu64 " bytes, outside the digest, "
				"KEXEC_UPDATE_ELFCOREHDR\n", ld->hotplug_source, ld->hotplug_size,
				ld->elfcorehdr_memsz);
		else
			fprintf(out, "crash hotplug: no crash_elfcorehdr_size under %s: the kernel "
				"cannot update the elfcorehdr (reload the capture kernel on hotplug)\n",
				kexec_live_sources.sysfs);
	}
	fprintf(out, "e820 map for the new kernel (%zu entries)\n", ld->e820.len);
	for (i = 0; i < ld->e820.len; i++) {
		const struct kdk_mem_range *r = KDK_ARRAY_AT(&ld->e820, struct kdk_mem_range, i);

		fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " %s\n", r->start, r->end,
			kdk_range_type_name(r->type));
	}
	fprintf(out, "command line: %s\n", ld->cmdline);
	kexec_plan_print(&ld->plan, out);
	fprintf(out, "entry (purgatory) = 0x%" PRIx64 "\n", entry);
}

static int load(struct legacy_load *ld, struct kdk_err *err)
{
	const struct kexec_legacy_request *req = ld->req;
	struct kexec_sys_segment *segments = NULL;
	unsigned long flags = KEXEC_FLAG_ARCH_X86_64;
	uint64_t entry;
	int rc;

	if ((rc = kexec_bzimage_load(req->kernel, &ld->image, err)) || (rc = read_initrd(ld, err)))
		return rc;
	if (req->kind == KEXEC_IMAGE_CRASH) {
		flags |= KEXEC_FLAG_ON_CRASH;
		rc = kexec_crash_info_read(&kexec_live_sources, &ld->crash, err) ?:
		     kexec_crash_hotplug_size(kexec_live_sources.sysfs, &ld->hotplug_size,
					      ld->hotplug_source, sizeof(ld->hotplug_source), err);
		if (ld->hotplug_size)
			flags |= KEXEC_FLAG_UPDATE_ELFCOREHDR;
	} else {
		rc = kdk_iomem_load(kexec_live_sources.iomem, &ld->iomem, err);
	}
	if (rc)
		return rc;
	ld->have_running_params = !kexec_running_boot_params(kexec_live_sources.sysfs,
							     ld->running_params);
	if ((rc = kexec_purgatory_open(&ld->purgatory, kdk_purgatory_blob,
				       (size_t)kdk_purgatory_blob_size, err)) ||
	    (rc = free_memory(ld, err)) || (rc = check_room(ld, err)) ||
	    (rc = place_segments(ld, err)) ||
	    (rc = kexec_purgatory_symbol(&ld->purgatory, KDK_PURGATORY_SYM_START, &entry, NULL, err)))
		return rc;
	if (req->debug)
		print_debug(ld, entry, req->debug);
	if (req->dry_run)
		return 0;
	if ((rc = kexec_plan_syscall_segments(&ld->plan, &segments, err)))
		return rc;
	rc = kexec_sys_load(entry, ld->plan.segments.len, segments, flags);
	free(segments);
	if (rc == -EBUSY)
		return kdk_err_set(err, EBUSY, "kexec_load: a kernel of this kind is loaded and in use; "
					       "unload it first (kexec -u%s)",
				   req->kind == KEXEC_IMAGE_CRASH ? " -p" : "");
	if (rc == -EPERM)
		return kdk_err_set(err, EPERM, "kexec_load: not permitted (root needed; "
					       "kernel.kexec_load_disabled or lockdown may forbid it)");
	if (rc == -EADDRNOTAVAIL || rc == -ENOMEM)
		return kdk_err_sys(err, -rc, "kexec_load: the kernel refused the segment placement");
	if (rc)
		return kdk_err_sys(err, -rc, "kexec_load");
	return 0;
}

int kexec_legacy_load(const struct kexec_legacy_request *req, struct kdk_err *err)
{
	struct legacy_load ld;
	int rc;

	memset(&ld, 0, sizeof(ld));
	ld.req = req;
	kexec_plan_init(&ld.plan);
	kdk_array_init(&ld.iomem, sizeof(struct kdk_iomem_entry));
	kdk_array_init(&ld.e820, sizeof(struct kdk_mem_range));
	kdk_array_init(&ld.crash.iomem, sizeof(struct kdk_iomem_entry));
	rc = load(&ld, err);
	kexec_bzimage_free(&ld.image);
	free(ld.initrd);
	kexec_crash_info_free(&ld.crash);
	kdk_iomem_free(&ld.iomem);
	kdk_array_free(&ld.e820);
	free(ld.elfcorehdr);
	free(ld.params);
	free(ld.cmdline);
	kexec_purgatory_close(&ld.purgatory);
	kexec_plan_free(&ld.plan);
	return rc;
}

int kexec_legacy_unload(enum kexec_image_kind kind, struct kdk_err *err)
{
	unsigned long flags = KEXEC_FLAG_ARCH_X86_64 |
			      (kind == KEXEC_IMAGE_CRASH ? KEXEC_FLAG_ON_CRASH : 0);
	int rc = kexec_sys_load(0, 0, NULL, flags);

	return rc ? kdk_err_sys(err, -rc, "kexec_load(unload)") : 0;
}
