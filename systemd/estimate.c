/* estimate.c — crashkernel= for this machine, by a stated formula:
 *   needed = (init_size + initrd + initrd unpacked + modules + runtime) × 4096 / (4096 − 64)
 * The last factor is the capture kernel's mem_map for its own memory (a 64-byte struct page per
 * 4 KiB page of the reservation). The memory to be dumped costs nothing per GiB here: its struct
 * pages are read from /proc/vmcore, not allocated, and dumpsave's bitmaps are fixed 1 GiB windows.
 * runtime is calibrated so that the lab's case gives exactly the lab's measured minimum. The
 * recommendation adds a stated margin and rounds up to 4 MiB:
 *   recommended = ⌈(needed + margin) / 4 MiB⌉ × 4 MiB
 * tests/lab/t/55-crashkernel.sh boots every lab kernel, 1 and 2 GiB guests, a local and an ssh
 * target, at recommended − margin: each must capture, so recommended ≥ the measured minimum +
 * margin on each. */
#include "estimate.h"
#include "initrd_contents.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MiB (1024ULL * 1024)

/* The calibration (tests/lab/t/55-crashkernel.sh, our capture path with an ext4 target and
 * dumpsave -l -d 31, 1 GiB TCG guests): the runtime allowance is the largest any lab kernel
 * needed. 6.1.0-56-cloud-amd64 captured at crashkernel=64M and failed at 56M (init_size
 * 53,968,896 bytes, image 1,000,317 bytes, 2,342,443 unpacked, 277,990 of modules: 8,470,642
 * bytes of runtime at 64M). 7.2.13+deb14-cloud-amd64 failed at 76M (the capture kernel ran out
 * of memory at boot) and captured at 80M and 84M; it is taken at 84M, one 4 MiB step above its
 * edge, so that t/55's captures at recommended − margin do not sit on it: 84 MiB × 4032/4096 −
 * (63,156,224 init_size + 944,002 image + 2,081,024 unpacked + 50,388 modules) = 20,472,490.
 * Measured again with cgroup.memory=nokmem on the capture command line (tests/bench/18, 1M steps):
 * 6.1 captures at 59-60M, 7.2 at 76-77M — 7.2's edge did not move, so the calibration stands. */
#define CALIBRATION_RUNTIME 20472490ULL
/* Room above the lab's minimum for what the lab does not have: other devices' drivers and their
 * buffers, a kdump.conf with hooks, an initramfs that grows after the estimate — and for where the
 * first kernel puts the region: one that crosses a memory section boundary (128 MiB on x86_64; KASLR
 * decides) costs the capture kernel a second section's struct pages, 2 MiB of the 8 (t/55 met it:
 * 6.1 at 64M failed with the region at 848M-912M). */
#define ESTIMATE_MARGIN (8 * MiB)
#define ESTIMATE_ROUND (4 * MiB)
#define CALIBRATION_SOURCE                                                                   \
	"tests/lab/t/55-crashkernel.sh: the largest of the lab kernels' needs, "                \
	"7.2.13+deb14-cloud-amd64 in a 1 GiB guest, captured at crashkernel=80M, failed at 76M, "  \
	"taken at 84M"

/* Documentation/arch/x86/boot.rst: "HdrS" at 0x202, version at 0x206, init_size at 0x260
 * (protocol 2.10 and later). */
static int kernel_init_size(const char *path, uint64_t *size, struct kdk_err *err)
{
	unsigned char hdr[0x264];
	FILE *in = fopen(path, "re");
	size_t got;

	if (!in)
		return kdk_err_sys(err, errno, "kernel %s", path);
	got = fread(hdr, 1, sizeof(hdr), in);
	fclose(in);
	if (got != sizeof(hdr) || memcmp(hdr + 0x202, "HdrS", 4))
		return kdk_err_set(err, EINVAL, "kernel %s: not a bzImage (no HdrS setup header)", path);
	if ((hdr[0x206] | hdr[0x207] << 8) < 0x020a)
		return kdk_err_set(err, EINVAL, "kernel %s: boot protocol older than 2.10 has no init_size",
				   path);
	*size = (uint64_t)hdr[0x260] | (uint64_t)hdr[0x261] << 8 | (uint64_t)hdr[0x262] << 16 |
		(uint64_t)hdr[0x263] << 24;
	return 0;
}

static uint64_t mem_total(const struct ctl *ctl)
{
	char *path = ctl_path(ctl->proc, "meminfo"), *text = NULL, *line;
	uint64_t kib = 0;

	if (path && !ctl_read_text(path, &text, NULL) && (line = strstr(text, "MemTotal:")))
		kib = strtoull(line + strlen("MemTotal:"), NULL, 10);
	free(path);
	free(text);
	return kib * 1024;
}

int estimate_compute(const struct ctl *ctl, struct estimate *e, struct kdk_err *err)
{
	struct kdk_initrd_contents contents;
	FILE *in;
	uint64_t fixed;
	int rc;

	memset(e, 0, sizeof(*e));
	if ((rc = kernel_init_size(ctl->kernel, &e->kernel_init_size, err)))
		return rc;
	if (!(in = fopen(ctl->initrd, "re")))
		return kdk_err_sys(err, errno, "initramfs %s (build it first: kdumpctl rebuild)",
				   ctl->initrd);
	fseeko(in, 0, SEEK_END);
	e->initrd_size = (uint64_t)ftello(in);
	fclose(in);
	if ((rc = kdk_initrd_contents_read(ctl->initrd, &contents, err)))
		return rc;
	e->initrd_unpacked = contents.unpacked;
	e->modules = contents.modules;
	e->nr_modules = contents.nr_modules;
	e->runtime = CALIBRATION_RUNTIME;
	fixed = e->kernel_init_size + e->initrd_size + e->initrd_unpacked + e->modules + e->runtime;
	e->needed = (fixed * 4096 + 4031) / 4032;
	e->mem_map = e->needed - fixed;
	e->margin = ESTIMATE_MARGIN;
	e->recommended = (e->needed + e->margin + ESTIMATE_ROUND - 1) / ESTIMATE_ROUND * ESTIMATE_ROUND;
	e->ram = mem_total(ctl);
	return 0;
}

static double mib(uint64_t bytes)
{
	return (double)bytes / MiB;
}

void estimate_print(const struct ctl *ctl, const struct estimate *e, FILE *out)
{
	fprintf(out, "kernel %s: init_size %.1f MiB\n", ctl->kernel, mib(e->kernel_init_size));
	fprintf(out, "initramfs %s: %.1f MiB, %.1f MiB unpacked\n", ctl->initrd, mib(e->initrd_size),
		mib(e->initrd_unpacked));
	fprintf(out, "modules in it: %zu, %.1f MiB\n", e->nr_modules, mib(e->modules));
	fprintf(out, "runtime allowance: %.1f MiB (calibration: %s)\n", mib(e->runtime),
		CALIBRATION_SOURCE);
	fprintf(out, "mem_map of the reservation: %.1f MiB (64 bytes per 4 KiB page)\n", mib(e->mem_map));
	fprintf(out, "RAM here: %.0f MiB (charged nothing per GiB: the dumped memory's struct pages are read "
		"from the dump, dumpsave's bitmaps are fixed 1 GiB windows; calibrated on a 1 GiB guest, "
		"device drivers beyond virtio not counted)\n", mib(e->ram));
	fprintf(out, "formula: (init_size + initramfs + unpacked + modules + runtime) x 4096/4032\n");
	fprintf(out, "needed: %.1f MiB\n", mib(e->needed));
	/* The floor no reservation goes below: the capture kernel's own init_size. What each part
	 * adds above it is where a smaller crashkernel has to come from. */
	fprintf(out, "above the kernel's init_size (%.1f MiB, the floor): %.1f MiB = initramfs %.1f + "
		"unpacked %.1f + modules %.1f + runtime %.1f + mem_map %.1f\n",
		mib(e->kernel_init_size), mib(e->needed - e->kernel_init_size), mib(e->initrd_size),
		mib(e->initrd_unpacked), mib(e->modules), mib(e->runtime), mib(e->mem_map));
	fprintf(out, "margin: %.0f MiB (room for what the calibration did not have: other drivers, hooks, a grown initramfs)\n",
		mib(e->margin));
	fprintf(out, "rounding: needed + margin, up to a multiple of %.0f MiB\n", mib(ESTIMATE_ROUND));
	fprintf(out, "Recommended crashkernel: %lluM\n", (unsigned long long)(e->recommended / MiB));
}
