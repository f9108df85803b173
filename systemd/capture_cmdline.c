/* capture_cmdline.c — build the capture command line word by word. Parameters are matched by
 * name: "foo" in a list removes "foo" and "foo=…". root= stays: the capture /init's
 * dump_to_rootfs and the default target mount the root filesystem it names. */
#include "capture_cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem_ranges.h"
#include "ssh_ip.h"

/* 4-level paging maps 2^46 bytes (64 TiB) of physical addresses. */
#define FOUR_LEVEL_PHYS_LIMIT (1ULL << 46)

/* Never carried into the capture kernel: the reservation itself, boot loader words, and sizes
 * meant for the big kernel (huge pages, CMA, log buffers, CPU counts) that would not fit. */
static const char *const always_removed[] = {
	"crashkernel", "BOOT_IMAGE", "initrd", "hugepages", "hugepagesz", "default_hugepagesz",
	"cma", "hugetlb_cma", "log_buf_len", "nr_cpus", "maxcpus", "possible_cpus", "slub_debug",
	"swiotlb", "kexec_jump_back_entry", "elfcorehdr", "panic", NULL,
};

/* "foo=bar" and "foo" both have the name "foo". */
static size_t name_len(const char *word)
{
	return strcspn(word, "=");
}

static bool same_name(const char *a, const char *b)
{
	size_t la = name_len(a), lb = name_len(b);
	return la == lb && !strncmp(a, b, la);
}

static bool listed(const char *word, const struct kdk_array *names)
{
	size_t i;

	for (i = 0; i < names->len; i++)
		if (same_name(word, *(char **)kdk_array_at(names, i)))
			return true;
	return false;
}

/* Whether the capture kernel may run with 4-level paging: every System RAM range of this machine
 * (/proc/iomem) lies below 64 TiB. On a CPU with LA57 the kernel otherwise chooses 5 levels, and
 * then its mem_section root table alone takes 1 MiB of the reservation (lab, 6.1, crashkernel=64M:
 * kexec_load captures with no5lvl, runs out of memory without). Unknown (no iomem, no privilege):
 * no, the kernel's own choice stands. */
static bool four_levels_suffice(const struct ctl *ctl)
{
	struct kdk_array entries = KDK_ARRAY_INIT(struct kdk_iomem_entry);
	struct kdk_err err = { 0 };
	char *iomem = ctl_path(ctl->proc, "iomem");
	bool ram = false, below = true;
	size_t i;

	if (!iomem || kdk_iomem_load(iomem, &entries, &err)) {
		free(iomem);
		return false;
	}
	for (i = 0; i < entries.len; i++) {
		const struct kdk_iomem_entry *e = kdk_array_at(&entries, i);
		if (e->depth != 0 || kdk_range_type_of(e->name) != KDK_RANGE_RAM)
			continue;
		ram = true;
		below &= e->end < FOUR_LEVEL_PHYS_LIMIT;
	}
	kdk_iomem_free(&entries);
	free(iomem);
	return ram && below;
}

int capture_cmdline_build(const struct ctl *ctl, const struct kdk_kdump_conf *conf, unsigned cpus,
			  long disable_apicid, char **out, struct kdk_err *err)
{
	struct kdk_array base = KDK_ARRAY_INIT(char *), remove = KDK_ARRAY_INIT(char *),
			 append = KDK_ARRAY_INIT(char *);
	char *text = NULL, *ip = NULL, *path = NULL;
	size_t i, len = 0;
	bool has_ip = false;
	FILE *mem = NULL;
	int rc;

	if (ctl->commandline) {
		rc = ctl_split_words(ctl->commandline, &base, err);
	} else {
		char *proc_cmdline = NULL;
		if (!(path = ctl_path(ctl->proc, "cmdline")))
			rc = kdk_err_set(err, ENOMEM, "out of memory");
		else if (!(rc = ctl_read_text(path, &proc_cmdline, err)))
			rc = ctl_split_words(proc_cmdline, &base, err);
		free(proc_cmdline);
	}
	if (rc || (rc = ctl_split_words(ctl->commandline_remove, &remove, err)) ||
	    (rc = ctl_split_words(ctl->commandline_append, &append, err)))
		goto out;
	for (i = 0; always_removed[i] && rc == 0; i++) {
		char **slot = kdk_array_push(&remove, err);
		if (!slot || !(*slot = strdup(always_removed[i])))
			rc = kdk_err_set(err, ENOMEM, "out of memory");
	}
	if (rc || !(mem = open_memstream(&text, &len))) {
		rc = rc ? rc : kdk_err_sys(err, errno, "open_memstream");
		goto out;
	}
	/* Base words, minus the removed ones and those the append list sets again (it wins). */
	for (i = 0; i < base.len; i++) {
		const char *word = *(char **)kdk_array_at(&base, i);
		if (listed(word, &remove) || listed(word, &append))
			continue;
		has_ip |= same_name(word, "ip");
		fprintf(mem, "%s%s", ftell(mem) ? " " : "", word);
	}
	for (i = 0; i < append.len; i++) {
		const char *word = *(char **)kdk_array_at(&append, i);
		if (same_name(word, "panic"))
			continue; /* KDUMP_PANIC_TIMEOUT sets it, never 0 or negative */
		if (cpus > 1 && (same_name(word, "nr_cpus") || same_name(word, "maxcpus")))
			continue; /* KDUMP_CPUS sets them */
		has_ip |= same_name(word, "ip");
		fprintf(mem, "%s%s", ftell(mem) ? " " : "", word);
	}
	if (cpus > 1)
		fprintf(mem, "%snr_cpus=%u", ftell(mem) ? " " : "", cpus);
	/* The capture kernel starts on the CPU that crashed: it must not send the boot CPU an INIT
	 * (the kernel's disable_cpu_apicid=), unless the administrator's words say otherwise. */
	if (cpus > 1 && disable_apicid >= 0 && !listed("disable_cpu_apicid", &remove) &&
	    !listed("disable_cpu_apicid", &base) && !listed("disable_cpu_apicid", &append))
		fprintf(mem, "%sdisable_cpu_apicid=%ld", ftell(mem) ? " " : "", disable_apicid);
	/* no5lvl unless the command line has it already, or KDUMP_COMMANDLINE_REMOVE names it
	 * (the way to keep 5-level paging in the capture kernel). */
	if (!listed("no5lvl", &remove) && !listed("no5lvl", &base) && !listed("no5lvl", &append) &&
	    four_levels_suffice(ctl))
		fprintf(mem, "%sno5lvl", ftell(mem) ? " " : "");
	/* A capture kernel that panics, or whose /init dies, reboots instead of hanging. */
	fprintf(mem, "%spanic=%u", ftell(mem) ? " " : "", ctl->panic_timeout);
	/* The capture kernel has no DHCP client or network manager: give it the address this
	 * machine reaches the ssh target from (the capture /init brings the interface up). */
	if (conf && (conf->target == KDK_TARGET_SSH || conf->target == KDK_TARGET_NFS) && !has_ip) {
		/* nfs: the server is what precedes the ':' of "server:/export" */
		char *host = conf->target == KDK_TARGET_SSH ? strdup(conf->ssh) :
			     strndup(conf->device, strcspn(conf->device, ":"));

		if (!host) {
			rc = kdk_err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		rc = ssh_ip_param(ctl, host, &ip, err);
		free(host);
		if (rc)
			goto out;
		fprintf(mem, "%s%s", ftell(mem) ? " " : "", ip);
	}
	if (fclose(mem)) {
		mem = NULL;
		rc = kdk_err_sys(err, errno, "capture command line");
		goto out;
	}
	mem = NULL;
	*out = text;
	text = NULL;
out:
	if (mem)
		fclose(mem);
	free(text);
	free(ip);
	free(path);
	ctl_free_words(&base);
	ctl_free_words(&remove);
	ctl_free_words(&append);
	return rc;
}
