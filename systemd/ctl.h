/* ctl.h — kdumpctl's shared state: where things are (overridable, so tests can drive kdumpctl
 * against a fake /sys and /proc without root), the settings of /etc/default/kdump, and helpers
 * for messages (journal priorities when systemd runs us) and for running our other tools. */
#ifndef KDUMPCTL_CTL_H
#define KDUMPCTL_CTL_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"
#include "kdump_conf.h"
#include "kdump_settings.h"

#ifndef KDK_PREFIX
#define KDK_PREFIX "/usr"
#endif

struct ctl {
	/* Where to look; each has an option and an environment variable (see usage()). */
	const char *sysfs;          /* /sys */
	const char *proc;           /* /proc */
	const char *conf_path;      /* /etc/kdump.conf */
	const char *settings_path;  /* /etc/default/kdump */
	const char *rundir;         /* /run/kdumpkit: hotplug's lock and the last load's time */
	const char *grub_defaults;  /* /etc/default/grub */
	const char *resolv_conf;    /* /etc/resolv.conf: ip='s dns0/dns1 for an ssh target by name */
	const char *sbindir;        /* PREFIX/sbin: kexec, mkdumprd, dumpsave */
	const char *libexecdir;     /* PREFIX/lib/kdumpkit: kdump-init, kdump-init-ssh */
	const char *kexec, *mkdumprd;
	/* From /etc/default/kdump, defaults filled in by ctl_load_settings(). */
	char *release;              /* KDUMP_KERNELVER, default uname -r */
	char *kernel;               /* KDUMP_KERNEL */
	char *initrd;               /* KDUMP_INITRD */
	char *commandline;          /* KDUMP_COMMANDLINE (NULL: /proc/cmdline) */
	char *commandline_remove;   /* KDUMP_COMMANDLINE_REMOVE */
	char *commandline_append;   /* KDUMP_COMMANDLINE_APPEND */
	char *kexec_args;           /* KEXEC_ARGS */
	unsigned panic_timeout;     /* KDUMP_PANIC_TIMEOUT: panic=N on the capture command line */
	unsigned capture_cpus;      /* KDUMP_CPUS: the capture kernel's CPUs; 0 "auto" (capture_cpus.h) */
	bool journal;               /* stderr is systemd's journal stream */
};

/* The capture command line appended by default: what fits a 6.1 capture kernel in
 * crashkernel=60M (docs/lab.md, "The capture cycle"; tests/bench/18-crashkernel.sh).
 * cgroup.memory=nokmem: without it every dynamic per-CPU chunk carries a memory-cgroup pointer
 * per 4 bytes of its unit, and the unit is 2 MiB (a PMD) on x86_64: a 4 MiB array in a capture
 * kernel of ~15 MiB free (cgroup_disable=memory alone does not turn kernel-memory accounting off). */
#define KDUMPCTL_DEFAULT_APPEND                                                              \
	"irqpoll nr_cpus=1 reset_devices maxcpus=1 cgroup_disable=memory cgroup.memory=nokmem " \
	"mce=off numa=off transparent_hugepage=never hest_disable novmcoredd cma=0 "            \
	"hugetlb_cma=0 acpi_no_memhotplug initcall_blacklist=tracer_init_tracefs "              \
	"cryptomgr.notests"

/* A capture kernel that panics (or whose /init dies) reboots after this many seconds instead of
 * hanging: kdump-utils uses panic=10 too. Never 0 or negative (those mean "wait forever"). */
#define KDUMPCTL_DEFAULT_PANIC_TIMEOUT 10

int ctl_load_settings(struct ctl *ctl, struct kdk_err *err);
void ctl_free(struct ctl *ctl);

/* Messages on stderr, "kdumpctl: …"; with a "<N>" syslog priority when stderr is the journal. */
void ctl_info(const struct ctl *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctl_warn(const struct ctl *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ctl_error(const struct ctl *ctl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "<root>/<rest>" into a new string (NULL on ENOMEM). */
char *ctl_path(const char *root, const char *rest);

/* An unsigned number from a one-line file (sysfs style). */
int ctl_read_u64(const char *path, uint64_t *value, struct kdk_err *err);
/* A whole file into a new NUL-terminated string. */
int ctl_read_text(const char *path, char **text, struct kdk_err *err);

/* Run argv[0] with argv, waiting; its output goes where ours goes. Returns its exit status
 * (0–255), or a negative error when it could not run or was killed by a signal. */
int ctl_run(const char *const *argv, struct kdk_err *err);

/* Split a command line into words at blanks (no quotes: kernel command lines and KEXEC_ARGS). */
int ctl_split_words(const char *text, struct kdk_array *words, struct kdk_err *err);
void ctl_free_words(struct kdk_array *words);

/* Is a capture kernel loaded (<sysfs>/kernel/kexec_crash_loaded)? 1, 0, or negative error. */
int ctl_crash_loaded(const struct ctl *ctl, struct kdk_err *err);
/* Bytes reserved for it (<sysfs>/kernel/kexec_crash_size). */
int ctl_crash_size(const struct ctl *ctl, uint64_t *size, struct kdk_err *err);

#endif
