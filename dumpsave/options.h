/* options.h — dumpsave's command line, makedumpfile-compatible where both have an option, so
 * existing core_collector lines keep working. */
#ifndef DUMPSAVE_OPTIONS_H
#define DUMPSAVE_OPTIONS_H

#include <stdbool.h>

enum dumpsave_mode {
	DUMPSAVE_SAVE,          /* VMCORE OUTPUT: kdump-compressed (or ELF with -E) */
	DUMPSAVE_FLATTEN,       /* -F VMCORE: flattened stream on stdout */
	DUMPSAVE_REASSEMBLE,    /* -R OUTPUT: flattened stream on stdin → OUTPUT */
	DUMPSAVE_DMESG,         /* --dump-dmesg VMCORE OUTPUT */
	DUMPSAVE_HELP,
	DUMPSAVE_VERSION,
};

enum dumpsave_codec {
	DUMPSAVE_CODEC_NONE,
	DUMPSAVE_CODEC_ZLIB,    /* -c */
	DUMPSAVE_CODEC_LZO,     /* -l */
	DUMPSAVE_CODEC_ZSTD,    /* -z, --zstd */
};

struct dumpsave_options {
	enum dumpsave_mode mode;
	enum dumpsave_codec codec;
	unsigned dump_level;        /* -d, 0..31 */
	bool elf;                   /* -E */
	bool force;                 /* -f: overwrite an existing output */
	unsigned message_level;     /* --message-level (makedumpfile's bits; default 7) */
	unsigned num_threads;       /* --num-threads (0: compress in the main thread) */
	bool dry_run;               /* --dry-run: filter and count, write nothing */
	bool show_stats;            /* --show-stats */
	const char *vmcore;
	const char *output;
};

/* Parse argv; on error fill msg (one line, no program name) and return -1. */
int dumpsave_parse_options(int argc, char **argv, struct dumpsave_options *opts, char *msg,
			   unsigned msg_size);

void dumpsave_print_usage(void);

#endif
