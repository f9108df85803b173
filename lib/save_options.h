/* save_options.h — dumpsave's command line (also kdump.conf's core_collector line, which the
 * capture /init runs), makedumpfile-compatible where both have an option. */
#ifndef KDK_SAVE_OPTIONS_H
#define KDK_SAVE_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

enum kdk_save_mode {
	KDK_SAVE_SAVE,          /* VMCORE OUTPUT: kdump-compressed (or ELF with -E) */
	KDK_SAVE_FLATTEN,       /* -F VMCORE: flattened stream on stdout */
	KDK_SAVE_REASSEMBLE,    /* -R OUTPUT: flattened stream on stdin → OUTPUT */
	KDK_SAVE_DMESG,         /* --dump-dmesg VMCORE OUTPUT */
	KDK_SAVE_HELP,
	KDK_SAVE_VERSION,
};

enum kdk_save_codec {
	KDK_SAVE_CODEC_NONE,
	KDK_SAVE_CODEC_ZLIB,    /* -c */
	KDK_SAVE_CODEC_LZO,     /* -l */
	KDK_SAVE_CODEC_ZSTD,    /* -z, --zstd */
	KDK_SAVE_CODEC_SNAPPY,  /* -p: only where snappy is linked (not the capture /init) */
};

struct kdk_save_options {
	enum kdk_save_mode mode;
	enum kdk_save_codec codec;
	unsigned dump_level;        /* -d, 0..31 */
	bool elf;                   /* -E */
	bool force;                 /* -f: overwrite an existing output */
	unsigned message_level;     /* --message-level (makedumpfile's bits; default 7) */
	unsigned num_threads;       /* --num-threads (0: compress in the main thread) */
	bool num_threads_given;     /* --num-threads was on the command line */
	bool dry_run;               /* --dry-run: filter and count, write nothing */
	bool show_stats;            /* --show-stats */
	bool direct_io;             /* --direct-io: large writes around the page cache (O_DIRECT) */
	const char *vmcore;
	const char *output;         /* a path, or ssh://[user@]host[:port]/path */
	/* ssh:// outputs */
	const char *ssh_key;        /* --ssh-key (default ~/.ssh/kdump_id_ed25519) */
	const char *known_hosts;    /* --known-hosts (default: known_hosts beside the key) */
	unsigned ssh_retries;       /* --ssh-retries: attempts after the first (default 5) */
	unsigned ssh_retry_seconds; /* --ssh-retry-time: give up retrying after (default 120) */
	unsigned ssh_timeout;       /* --ssh-timeout: each connect/operation (default 60) */
	bool ssh_no_sftp;           /* --ssh-flat: flattened stream over an exec channel */
};

/* Parse argv (argv[0] is the program name and is skipped); on error fill msg (one line, no
 * program name) and return -1. */
int kdk_save_options_parse(int argc, char **argv, struct kdk_save_options *opts, char *msg,
			   unsigned msg_size);

/* Split a command line ("dumpsave -l -d 31") into words, for kdk_save_options_parse; the
 * words point into a copy owned by *storage (free it). -EINVAL on quotes (not supported). */
int kdk_save_options_split(const char *line, char ***argv, int *argc, char **storage);

void kdk_save_options_usage(FILE *out);

#endif
