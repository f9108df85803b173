/* save_job.h — one dumpsave run as a library call: save (kdump-compressed, ELF, flattened on
 * stdout), reassemble, or extract the kernel log, with the output under a partial name until
 * complete. Shared by dumpsave and the capture /init. */
#ifndef KDK_SAVE_JOB_H
#define KDK_SAVE_JOB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dump_save.h"
#include "kdk_err.h"
#include "save_dest.h"
#include "save_options.h"

struct kdk_save_hooks {
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

/* Room for why a dump level was lowered (a kdk_err message and the sources asked). */
#define KDK_SAVE_REASON_MAX 1024

struct kdk_save_report {
	struct kdk_save_stats stats;
	uint64_t max_pfn;
	uint64_t dry_run_pages;     /* --dry-run: pages that would be written */
	bool dry_run;               /* then only stats.exclude_seconds of the steps ran */
	double sync_seconds;        /* the output made durable (fsync, or the SFTP fsync) and renamed */
	bool elf;
	bool have_stats;
	/* The dump level really used: lower than the one asked for when a fact it needs is in no
	 * source (degraded says why, e.g. "dump level 31 needs VMCOREINFO's
	 * OFFSET(page.compound_head), … (asked: VMCOREINFO, the dump's BTF (…), …)"); "" if not. */
	unsigned dump_level_requested, dump_level_used;
	char degraded[KDK_SAVE_REASON_MAX];
	/* Struct pages that could not be read in the middle of the save: their frames were kept
	 * unfiltered (stats.filter.unreadable counts them); the first error, or "". */
	char unreadable[KDK_ERR_MSG_MAX];
};

/* Room for kdk_save_report_degraded's text. */
#define KDK_SAVE_REPORT_TEXT_MAX (KDK_SAVE_REASON_MAX + 2 * KDK_ERR_MSG_MAX + KDK_UNREADABLE_TEXT + 400)

/* "dumpsave: <why>; saving at level N instead", the unreadable struct pages and the pages the
 * source could not give (marked unreadable in the dump, with their physical and file ranges),
 * one line each, for stderr, the console and the dump directory's note (no trailing newline);
 * "" when the run went as asked. */
void kdk_save_report_degraded(const struct kdk_save_report *report, char *buf, size_t size);

/* Run opts. partial_name: where the output is written until complete (NULL: OUTPUT.incomplete).
 * On failure after the output was created, err says where the partial output is. */
int kdk_save_job_run(const struct kdk_save_options *opts, const char *partial_name,
		     const struct kdk_save_hooks *hooks, struct kdk_save_report *report,
		     struct kdk_err *err);

/* The same into a destination already open (the capture /init keeps one SSH connection for
 * the kernel log and the dump); opts' paths are the destination's. */
int kdk_save_job_run_dest(const struct kdk_save_options *opts, struct kdk_save_dest *dest,
			  const char *partial_name, const struct kdk_save_hooks *hooks,
			  struct kdk_save_report *report, struct kdk_err *err);

/* Remove what a dump save to output (a positioned file: vmcore, not the kernel log) left under
 * its partial name — partial_name as given to kdk_save_job_run_dest, ".flat" added where the
 * destination takes only a stream — when that run died; nothing there is no error. The name
 * removed, with the destination's prefix, into removed (may be NULL). */
int kdk_save_job_remove_partial(struct kdk_save_dest *dest, const char *output,
				const char *partial_name, char *removed, size_t size,
				struct kdk_err *err);

/* The destination opts->output names: the local file system, or for ssh://user@host[:port]/path
 * a connected SSH collector (with opts' key, known_hosts and retry settings); *path is the path
 * there (malloc'd). */
int kdk_save_dest_for(const struct kdk_save_options *opts, struct kdk_save_dest **dest,
		      char **path, struct kdk_err *err);

/* makedumpfile's statistics block (--show-stats). */
void kdk_save_report_print(FILE *out, const struct kdk_save_report *report);

#endif
