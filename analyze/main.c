/* main.c — kcrash: offline analysis of a saved vmcore, with a vmlinux, a System.map, or nothing
 * but the dump (its kallsyms). Batch (-c 'cmd; cmd', -i FILE, stdin) or interactive (libedit). */
#include <editline/readline.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "session.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kcrash [VMLINUX|System.map] VMCORE [-c 'CMD; CMD…'] [-i FILE]\n"
		"Analyse a saved kernel dump. Without VMLINUX/System.map the symbols come from the\n"
		"dump itself (kallsyms: named by VMCOREINFO since Linux 6.0, found in the kernel\n"
		"image before). Commands: kcrash VMCORE -c help\n"
		"  -c CMDS   run these commands (separated by ';') and exit\n"
		"  -i FILE   run the commands in FILE (one per line) and exit\n"
		"  --json    sys, ps, bt, foreach, mod, the slab caches of kmem, triage as JSON (one document per command)\n"
		"       kcrash triage [--json] [-k VMLINUX] DUMP|DIR...   a verdict per dump, grouped\n"
		"Without -c/-i: an interactive prompt on a terminal, else commands from stdin.\n");
}

/* Run "a; b; c"; returns the number of commands that failed. */
static int run_list(struct session *s, const char *list)
{
	char *copy = strdup(list), *cmd, *save = NULL;
	struct kdk_err err = { 0 };
	int failed = 0;

	for (cmd = strtok_r(copy, ";", &save); cmd; cmd = strtok_r(NULL, ";", &save)) {
		if (commands_run(s, cmd, &err)) {
			fprintf(stderr, "kcrash: %s\n", err.msg);
			failed++;
		}
		kdk_err_clear(&err);
		fflush(s->out);
	}
	free(copy);
	return failed;
}

static int run_stream(struct session *s, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	int failed = 0;

	while (getline(&line, &cap, in) >= 0)
		failed += run_list(s, line);
	free(line);
	return failed;
}

static int interactive(struct session *s)
{
	char *line;

	while ((line = readline("kcrash> "))) {
		if (!strcmp(line, "q") || !strcmp(line, "quit") || !strcmp(line, "exit")) {
			free(line);
			break;
		}
		if (line[0])
			add_history(line);
		run_list(s, line);
		free(line);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *commands = NULL, *command_file = NULL, *symbols = NULL, *dump;
	struct session s;
	struct kdk_err err = { 0 };
	bool json = false;
	int c, failed;

	/* `kcrash triage DUMP|DIR…`: a verdict per dump, grouped (analyze/cmd_triage.c). */
	if (argc > 1 && !strcmp(argv[1], "triage"))
		return triage_main(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "c:i:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'c': commands = optarg; break;
		case 'i': command_file = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (argc - optind == 2) {
		symbols = argv[optind];
		dump = argv[optind + 1];
	} else if (argc - optind == 1) {
		dump = argv[optind];
	} else {
		usage(stderr);
		return 1;
	}
	if (session_open(&s, symbols, dump, &err)) {
		fprintf(stderr, "kcrash: %s\n", err.msg);
		session_close(&s);
		return 1;
	}
	s.json = json;
	if (commands) {
		failed = run_list(&s, commands);
	} else if (command_file) {
		FILE *in = fopen(command_file, "re");

		if (!in) {
			fprintf(stderr, "kcrash: %s: %s\n", command_file, strerror(errno));
			session_close(&s);
			return 1;
		}
		failed = run_stream(&s, in);
		fclose(in);
	} else if (isatty(0)) {
		failed = interactive(&s);
	} else {
		failed = run_stream(&s, stdin);
	}
	session_close(&s);
	return failed ? 1 : 0;
}
