/* save_options.c — dumpsave's options, one table row each: makedumpfile's names and meanings for
 * the options both tools have, clear refusals for the makedumpfile options dumpsave does not do. */
#include "save_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_codec.h"

enum {
	OPT_DUMP_DMESG = 256, OPT_MESSAGE_LEVEL, OPT_NUM_THREADS, OPT_DRY_RUN, OPT_SHOW_STATS,
	OPT_ZSTD, OPT_CYCLIC_BUFFER, OPT_NON_CYCLIC, OPT_WORK_DIR, OPT_SPLIT, OPT_MEM_USAGE,
	OPT_REASSEMBLE_SPLIT, OPT_HELP, OPT_VERSION, OPT_SSH_KEY, OPT_KNOWN_HOSTS, OPT_SSH_RETRIES,
	OPT_SSH_RETRY_TIME, OPT_SSH_TIMEOUT, OPT_SSH_FLAT, OPT_DIRECT_IO,
};

static const struct option long_options[] = {
	{ "dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG },
	{ "message-level", required_argument, NULL, OPT_MESSAGE_LEVEL },
	{ "num-threads", required_argument, NULL, OPT_NUM_THREADS },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "show-stats", no_argument, NULL, OPT_SHOW_STATS },
	{ "direct-io", no_argument, NULL, OPT_DIRECT_IO },
	{ "zstd", no_argument, NULL, OPT_ZSTD },
	{ "ssh-key", required_argument, NULL, OPT_SSH_KEY },
	{ "known-hosts", required_argument, NULL, OPT_KNOWN_HOSTS },
	{ "ssh-retries", required_argument, NULL, OPT_SSH_RETRIES },
	{ "ssh-retry-time", required_argument, NULL, OPT_SSH_RETRY_TIME },
	{ "ssh-timeout", required_argument, NULL, OPT_SSH_TIMEOUT },
	{ "ssh-flat", no_argument, NULL, OPT_SSH_FLAT },
	/* Accepted for compatibility: dumpsave always works in bounded windows. */
	{ "cyclic-buffer", required_argument, NULL, OPT_CYCLIC_BUFFER },
	{ "non-cyclic", no_argument, NULL, OPT_NON_CYCLIC },
	{ "work-dir", required_argument, NULL, OPT_WORK_DIR },
	/* makedumpfile options dumpsave refuses by name. */
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "mem-usage", no_argument, NULL, OPT_MEM_USAGE },
	{ "reassemble", no_argument, NULL, OPT_REASSEMBLE_SPLIT },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void kdk_save_options_usage(FILE *out)
{
	fprintf(out, "Usage:\n"
	       "  dumpsave [-c|-l|-z|-p] [-d LEVEL] [-E] [options] VMCORE OUTPUT\n"
	       "  dumpsave -F [-c|-l|-z|-p] [-d LEVEL] [options] VMCORE > STREAM\n"
	       "  dumpsave -R OUTPUT < STREAM\n"
	       "  dumpsave --dump-dmesg VMCORE OUTPUT\n"
	       "\n"
	       "Saves a kernel crash dump (/proc/vmcore or any ELF vmcore) in the kdump-compressed\n"
	       "format that crash reads, leaving out pages by dump level. Options follow makedumpfile.\n"
	       "\n"
	       "  -c, -l, -z, --zstd   compress each page with zlib, lzo or zstd (default: none)\n"
	       "  -p                   with snappy (not in the capture /init's static build)\n"
	       "  -d LEVEL             exclude pages: 1 zero, 2 cache, 4 private cache, 8 user data,\n"
	       "                       16 free; add them up (31: all). Default 0.\n"
	       "  -E                   write an ELF vmcore instead\n"
	       "  -F                   write the flattened format to stdout (for ssh … 'cat > file')\n"
	       "  -R                   rebuild OUTPUT from a flattened stream on stdin\n"
	       "  -f                   overwrite OUTPUT if it exists\n"
	       "  --dump-dmesg         write the kernel log of VMCORE to OUTPUT\n"
	       "  --message-level N    1 progress, 2 common, 4 errors, 8 debug, 16 report (default 7)\n"
	       "  --num-threads N      compress in N threads while one reads and one writes\n"
	       "                       (output identical for any N; 0: all in one thread)\n"
	       "  --dry-run            filter and count, write nothing\n"
	       "  --show-stats         print how many pages each class excluded\n"
	       "  --direct-io          write the page data around the page cache (O_DIRECT) on ext4,\n"
	       "                       XFS and btrfs, as the capture /init does (elsewhere ignored)\n"
	       "\n"
	       "OUTPUT may be ssh://[USER@]HOST[:PORT]/PATH: the dump goes to that server over SFTP\n"
	       "(or, where it has no SFTP, as a flattened PATH.flat through 'cat'; rebuild it with\n"
	       "dumpsave -R PATH < PATH.flat). The server's key must be in the known_hosts file.\n"
	       "  --ssh-key FILE       private key (default ~/.ssh/kdump_id_ed25519)\n"
	       "  --known-hosts FILE   host keys to trust (default: known_hosts beside the key)\n"
	       "  --ssh-retries N      connection attempts after a failed one (default 5)\n"
	       "  --ssh-retry-time S   stop retrying after S seconds (default 120)\n"
	       "  --ssh-timeout S      limit for each connect and SSH operation (default 60)\n"
	       "  --ssh-flat           send the flattened stream even when SFTP is there\n"
	       "\n"
	       "OUTPUT is written as OUTPUT.incomplete and renamed when complete; a dump cut short\n"
	       "(disk full, a write error) stays there, marked incomplete (exit 1). An existing\n"
	       "OUTPUT.incomplete is never overwritten, nor a link followed. Pages of the vmcore that\n"
	       "cannot be read are marked unreadable in a dump that is otherwise complete (exit 3).\n"
	       "Exit status: 0 complete, 1 failed, 2 bad command line, 3 complete with unreadable pages.\n");
}

static int parse_unsigned(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*text || *text == '-')
		return -1;
	v = strtoul(text, &end, 10);
	if (*end || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int kdk_save_options_parse(int argc, char **argv, struct kdk_save_options *opts, char *msg,
			   unsigned msg_size)
{
	int codecs = 0, c, positional;
	bool flatten = false, reassemble = false, dmesg = false;
	char why[KDK_ERR_MSG_MAX];

	memset(opts, 0, sizeof(*opts));
	opts->message_level = 7;
	opts->ssh_retries = 5;
	opts->ssh_retry_seconds = 120;
	opts->ssh_timeout = 60;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":cd:lzpEFRfDhvxib:g:", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': opts->codec = KDK_SAVE_CODEC_ZLIB; codecs++; break;
		case 'l': opts->codec = KDK_SAVE_CODEC_LZO; codecs++; break;
		case 'z': case OPT_ZSTD: opts->codec = KDK_SAVE_CODEC_ZSTD; codecs++; break;
		case 'p':
			if (!kdk_codec_available(KDK_CODEC_SNAPPY, why, sizeof(why))) {
				snprintf(msg, msg_size, "-p (snappy): %s: use -l, -c or -z", why);
				return -1;
			}
			opts->codec = KDK_SAVE_CODEC_SNAPPY;
			codecs++;
			break;
		case 'd':
			if (parse_unsigned(optarg, 31, &opts->dump_level) < 0) {
				snprintf(msg, msg_size, "-d %s: the dump level is a number from 0 to 31", optarg);
				return -1;
			}
			break;
		case 'E': opts->elf = true; break;
		case 'F': flatten = true; break;
		case 'R': reassemble = true; break;
		case 'f': opts->force = true; break;
		case 'D': opts->message_level = 31; break;
		case 'h': case OPT_HELP: opts->mode = KDK_SAVE_HELP; return 0;
		case 'v': case OPT_VERSION: opts->mode = KDK_SAVE_VERSION; return 0;
		case OPT_DUMP_DMESG: dmesg = true; break;
		case OPT_MESSAGE_LEVEL:
			if (parse_unsigned(optarg, 31, &opts->message_level) < 0) {
				snprintf(msg, msg_size, "--message-level %s: a number from 0 to 31", optarg);
				return -1;
			}
			break;
		case OPT_NUM_THREADS:
			if (parse_unsigned(optarg, 1024, &opts->num_threads) < 0) {
				snprintf(msg, msg_size, "--num-threads %s: a number from 0 to 1024", optarg);
				return -1;
			}
			opts->num_threads_given = true;
			break;
		case OPT_SSH_KEY: opts->ssh_key = optarg; break;
		case OPT_KNOWN_HOSTS: opts->known_hosts = optarg; break;
		case OPT_SSH_RETRIES:
		case OPT_SSH_RETRY_TIME:
		case OPT_SSH_TIMEOUT: {
			unsigned *field = c == OPT_SSH_RETRIES ? &opts->ssh_retries :
					  c == OPT_SSH_RETRY_TIME ? &opts->ssh_retry_seconds : &opts->ssh_timeout;
			if (parse_unsigned(optarg, 86400, field) < 0 || (c == OPT_SSH_TIMEOUT && !*field)) {
				snprintf(msg, msg_size, "--%s %s: a number of %s",
					 c == OPT_SSH_RETRIES ? "ssh-retries" :
					 c == OPT_SSH_RETRY_TIME ? "ssh-retry-time" : "ssh-timeout",
					 optarg, c == OPT_SSH_RETRIES ? "attempts" : "seconds");
				return -1;
			}
			break;
		}
		case OPT_SSH_FLAT: opts->ssh_no_sftp = true; break;
		case OPT_DRY_RUN: opts->dry_run = true; break;
		case OPT_SHOW_STATS: opts->show_stats = true; break;
		case OPT_DIRECT_IO: opts->direct_io = true; break;
		case 'b': case OPT_CYCLIC_BUFFER: case OPT_NON_CYCLIC: case OPT_WORK_DIR: break;
		case 'x': case 'i': case 'g':
			snprintf(msg, msg_size,
				 "-%c is not supported: dumpsave takes every kernel detail from the dump's VMCOREINFO",
				 c);
			return -1;
		case OPT_SPLIT: case OPT_REASSEMBLE_SPLIT: case OPT_MEM_USAGE:
			snprintf(msg, msg_size, "%s is not supported", argv[optind - 1]);
			return -1;
		case ':':
			snprintf(msg, msg_size, "%s needs a value", argv[optind - 1]);
			return -1;
		default:
			snprintf(msg, msg_size, "unknown option %s (see dumpsave --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (codecs > 1) {
		snprintf(msg, msg_size, "give one of -c, -l, -z and -p");
		return -1;
	}
	if ((flatten + reassemble + dmesg) > 1) {
		snprintf(msg, msg_size, "-F, -R and --dump-dmesg do not go together");
		return -1;
	}
	if (opts->elf && (codecs || flatten)) {
		snprintf(msg, msg_size, "-E writes an uncompressed ELF file: it does not go with -c/-l/-z/-p or -F");
		return -1;
	}
	positional = argc - optind;
	if (reassemble) {
		opts->mode = KDK_SAVE_REASSEMBLE;
		if (positional != 1) {
			snprintf(msg, msg_size, "-R takes one OUTPUT file and reads the stream from stdin");
			return -1;
		}
		opts->output = argv[optind];
		return 0;
	}
	if (flatten) {
		opts->mode = KDK_SAVE_FLATTEN;
		if (positional != 1) {
			snprintf(msg, msg_size, "-F takes one VMCORE and writes the stream to stdout");
			return -1;
		}
		opts->vmcore = argv[optind];
		return 0;
	}
	opts->mode = dmesg ? KDK_SAVE_DMESG : KDK_SAVE_SAVE;
	if (positional != 2) {
		snprintf(msg, msg_size, "expected VMCORE and OUTPUT (see dumpsave --help)");
		return -1;
	}
	opts->vmcore = argv[optind];
	opts->output = argv[optind + 1];
	return 0;
}

int kdk_save_options_split(const char *line, char ***argv, int *argc, char **storage)
{
	char *copy = strdup(line), *p, **words = NULL;
	int n = 0;

	*argv = NULL;
	*argc = 0;
	*storage = NULL;
	if (!copy)
		return -ENOMEM;
	if (strpbrk(copy, "\"'\\")) {
		free(copy);
		return -EINVAL;
	}
	for (p = strtok(copy, " \t"); p; p = strtok(NULL, " \t")) {
		char **grown = realloc(words, (size_t)(n + 2) * sizeof(*words));
		if (!grown) {
			free(words);
			free(copy);
			return -ENOMEM;
		}
		words = grown;
		words[n++] = p;
		words[n] = NULL;
	}
	*argv = words;
	*argc = n;
	*storage = copy;
	return 0;
}
