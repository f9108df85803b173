/* commands.c — the command table, `help`, and splitting a command line into words. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "json_out.h"
#include "struct_show.h"

static int cmd_help(struct session *s, int argc, char **argv, struct kdk_err *err);

static const struct command commands[] = {
	{ "sys", cmd_sys, "sys [-i]", "the system and the crash: kernel, dump, CPUs, date, uptime, load, "
				      "release, memory, panic message; -i the firmware's DMI strings", true },
	{ "mach", cmd_mach, "mach [-m|-c]", "the machine: type, memory, CPUs, hypervisor, clock, HZ, page size, "
					    "kernel address-space bases, stack sizes and each CPU's IRQ and "
					    "exception stacks; -m the e820 memory map, -c each CPU's "
					    "cpuinfo_x86", true },
	{ "log", cmd_log, "log [-T|-t] [-m] [-c]", "the kernel log from the printk ringbuffer (-T: "
						  "wall-clock times, -t none; -m each record's level, -c "
						  "its caller task or CPU)", true },
	{ "bt", cmd_bt, "bt [-a|-c CPUS] [-s] [-f|-F|-FF] [-l] [-t|-T] [PID|TASK]...", "kernel stacks: the panic "
							  "task's, each PID's or TASK's, or the active task of every "
							  "CPU (-a) or of CPUS (-c); -s adds +offset/size to "
							  "each name, -f each frame's stack words (-F symbols "
							  "and [slab caches] named, -FF [value:cache]), -l "
							  "source lines; "
							  "-t/-T the text addresses on the stacks (from the trace's "
							  "start / the stack's base)", true },
	{ "dis", cmd_dis, "dis [-rflx] FUNCTION|SYMBOL+OFFSET|ADDRESS [COUNT]", "disassemble a function "
		"(or COUNT instructions from an address; -r up to it from its function's start, -f from "
		"it to the function's end; -l source lines, -x hex offsets), AT&T syntax, targets named",
	  true },
	{ "kmem", cmd_kmem, "kmem -i", "memory use: total, free, used, shared, buffers, cached, slab, "
				       "huge pages, swap, commit limit", true },
	{ "kmem", cmd_kmem, "kmem -s", "every slab cache: objects allocated and in total, slabs, slab "
				       "size", true },
	{ "kmem", cmd_kmem, "kmem -V", "the VM counters: vm_zone_stat, vm_node_stat and the per-CPU "
				       "vm_event_states summed, each item by its enum name", true },
	{ "kmem", cmd_kmem, "kmem -z", "every node's memory zones: address, name, size, present pages, "
				       "min/low/high watermarks and the zone's own vm_stat counters", true },
	{ "kmem", cmd_kmem, "kmem -v", "every vmalloc area: its vmap_area, vm_struct, address range "
				       "and size, in address order", true },
	{ "kmem", cmd_kmem, "kmem ADDRESS", "the page an address is in; in a slab its cache, slab and "
					    "object (allocated or free)", true },
	{ "mod", cmd_mod, "mod", "the loaded kernel modules: address, name, text base, text size", false },
	{ "ps", cmd_ps, "ps [-k|-u] [-G] [-A] [-I] [-H] [-S|-l|-m|-p|-c|-a|-r|-t] [-C CPUS] [PID|TASK|COMM|'REGEX']...",
	  "every task and thread (or those named): PID PPID CPU TASK ST %MEM VSZ RSS COMM; '>' marks what "
	  "each CPU was running. -k/-u kernel threads/user tasks, -G group leaders, -A active, -I no idle, "
	  "-H no header; -S a count per state; -l last arrival on a CPU (ns), -m how long ago by the "
	  "CPU's rq clock, newest first (-C: per CPU); -p parents, -c children; -a command line and "
	  "environment, from the task's user memory; -r resource limits; -t run, start, user and "
	  "system time", true },
	{ "struct", cmd_struct, "struct NAME[.MEMBER[,MEMBER…]] [-o] [ADDRESS [COUNT]]", "a structure's "
		"definition from BTF (-o: member offsets), one member's offset, or the structure's "
		"contents (or the members listed) at ADDRESS or a symbol, COUNT of them in a row; a "
		"struct or union name alone is the same command (task_struct ADDRESS)", true },
	{ "union", cmd_struct, "union NAME[.MEMBER…] [-o] [ADDRESS [COUNT]]", "the same for a union", true },
	{ "whatis", cmd_whatis, "whatis [struct|union|enum] NAME[.MEMBER]", "what a name is: a struct, "
		"union or enum's definition, a typedef's, a function's prototype, a variable's "
		"declaration", true },
	{ "sym", cmd_sym, "sym [-l] NAME|ADDRESS", "a symbol's address, or the symbol at an address (-l: its source line; alone: every symbol)", true },
	{ "rd", cmd_rd, "rd [-adDsSxNRpu] [-8|-16|-32|-64] [-o OFFS] [-e END] [-r FILE] ADDRESS|SYMBOL [COUNT]",
	  "COUNT entries of memory (default 1; -a: a string): 64-bit (or -8/-16/-32) in hex with their "
	  "ASCII, -d/-D decimal, -s as symbols, -S also slab caches, -x no ASCII, -N network order, "
	  "-R ending at ADDRESS, -p physical memory, -u the context task's user memory, -e up to END, -o OFFS added, -r FILE raw", true },
	{ "vtop", cmd_vtop, "vtop [-c PID|TASK] [-u|-k] ADDRESS...", "an address's physical address, the "
	  "page-table entries mapping it and its page (user addresses: the context task's, or -c's)", true },
	{ "ptov", cmd_ptov, "ptov PHYSICAL... | ptov OFFSET:CPUS", "a physical address's direct-map "
	  "address; a per-CPU offset's address on CPUS (a, 1, 0-2; empty: the context's CPU)", true },
	{ "p", cmd_p, "p EXPRESSION[:CPUS]", "a C expression's value: globals, members (. ->), [i], & *, "
					  "casts, sizeof, arithmetic; per-CPU variables on CPUS (a, 1, 0-2)", true },
	{ "px", cmd_p, "px EXPRESSION[:CPUS]", "p with every number in hex", true },
	{ "pd", cmd_p, "pd EXPRESSION[:CPUS]", "p with numbers in decimal", true },
	{ "list", cmd_list, "list [-o OFF|S.M] [-s S[.M,…]] [-H|-h] START", "walk a linked list from "
					  "START (-H: a list head), each entry's address and -s its struct or "
					  "members", true },
	{ "tree", cmd_tree, "tree [-t rbtree|radix|xarray] [-r OFF|S.M] [-o OFF|S.M] [-N] [-l] [-p] "
			    "[-s S[.M,…]]… START", "walk a red-black tree (from its rb_root; -N its first "
			    "rb_node; -l in order) or a radix tree/xarray: each entry's address, -p its "
			    "position, -s its struct or members", true },
	{ "set", cmd_set, "set [PID|TASK|-p]", "the current context (bt's and task's default task): "
					  "show it, set it to a task, or back to the panic task (-p)", true },
	{ "task", cmd_task, "task [PID|TASK]", "the context's (or a task's) task_struct and "
					 "thread_info", true },
	{ "foreach", cmd_foreach, "foreach [STATE|kernel|user|active|PID|TASK|COMM]... bt [-s] [-f|-F|-FF] [-l]",
	  "bt of every task chosen (all without a word; STATE: RU IN UN ST TR ZO DE PA WA ID NE), "
	  "a PID header each", true },
	{ "triage", cmd_triage, "triage", "this dump's verdict: crash class, culprit function, module "
					  "and taint, process, CPU, release, signature", false },
	{ "files", cmd_files, "files [PID|TASK]...", "open files: root and working directory, then each descriptor's file, dentry, inode, type and path", true },
	{ "sig", cmd_sig, "sig [PID|TASK]...", "a task's signal handling: each signal's sigaction, handler, "
					     "mask and flags, the blocked set, the private and shared "
					     "pending sets and their queues", true },
	{ "mount", cmd_mount, "mount [-n PID|TASK]", "the mounts of PID 1's (or a task's) mount namespace: "
			     "struct mount, super_block, type, device name, directory", true },
	{ "vm", cmd_vm, "vm [PID|TASK]...", "virtual memory: mm_struct, page directory, RSS, total size, then each VMA's start, end, flags and file", true },
	{ "net", cmd_net, "net [-n [PID|TASK]]", "network devices of the context's (or a task's) network namespace: address, name, IPv4 addresses", true },
	{ "runq", cmd_runq, "runq [-t|-m|-T|-d|-g] [-c CPUS]", "each CPU's run queue: current task, RT "
		"priority array, CFS tree (groups followed); -t rq clock and last arrival, -m how long "
		"the current task has run, -T each clock behind the latest, -d every task whose on_rq "
		"is set, by CPU, -g the CFS tasks under their task groups", true },
	{ "irq", cmd_irq, "irq [-u] [-s [-c CPUS]]", "each IRQ below nr_irqs: its irq_desc, irqaction "
				 "chain and names (-u: only IRQs with an action; -s: per-CPU counts)", true },
	{ "timer", cmd_timer, "timer [-r] [-C CPUS]", "each CPU's timer wheel bases: pending timers by expiry, "
					 "time to expire (jiffies), timer_list and function; -r each clock base's "
					 "hrtimers: soft and hard expiry, time to expire (ns), hrtimer and function", true },
	{ "dev", cmd_dev, "dev [-d|-D|-p]", "character and block device majors: name, cdev or gendisk, "
				  "operations; -d each disk's requests in flight (-D: disks with some); -p "
				  "the PCI buses and devices", true },
	{ "search", cmd_search, "search [-k|-u|-p] [-s START] [-e END|-l LEN] [-m MASK] [-w|-h|-c] VALUE...",
	  "memory searched for values (-w 32-bit, -h 16-bit, -c strings; MASK's bits ignored): every page "
	  "the kernel maps (-k, the default), the context task's user pages (-u) or physical memory (-p), "
	  "from START to END; one ADDRESS: VALUE line per hit", true },
	{ "help", cmd_help, "help [COMMAND]", "this list, or one command's help", true },
};

static int cmd_help(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	size_t i;

	(void)err;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (argc < 2 || !strcmp(argv[1], commands[i].name))
			fprintf(s->out, "%-28s %s\n", commands[i].synopsis, commands[i].help);
	return 0;
}

/* With --json, a command that has a JSON form writes its text into memory, converted after. */
static int run_one(struct session *s, const struct command *cmd, int argc, char **argv,
		   struct kdk_err *err)
{
	FILE *real = s->out, *mem;
	char *text = NULL;
	size_t len = 0;
	int rc;

	/* ps, bt, mod, foreach and triage write their JSON from their own data. */
	if (s->json && (!strcmp(cmd->name, "ps") || !strcmp(cmd->name, "bt") || !strcmp(cmd->name, "mod") ||
			!strcmp(cmd->name, "foreach") || !strcmp(cmd->name, "triage")))
		return cmd->run(s, argc, argv, err);
	if (!s->json || (strcmp(cmd->name, "sys") && strcmp(cmd->name, "ps") && strcmp(cmd->name, "bt")))
		return cmd->run(s, argc, argv, err);
	if (!(mem = open_memstream(&text, &len)))
		return kdk_err_set(err, ENOMEM, "--json");
	s->out = mem;
	rc = cmd->run(s, argc, argv, err);
	s->out = real;
	fclose(mem);
	if (!rc)
		json_convert(cmd->name, text, real);
	free(text);
	return rc;
}

/* crash's shorthands for a word that is no command: a struct or union name (or NAME.MEMBER…) is
 * `struct`/`union` with it ("task_struct ADDR"), a symbol is `p` of it ("jiffies"). */
static int run_shorthand(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	char type_name[128], *words[33];
	struct kdk_err ignored = { 0 };
	uint64_t addr;
	bool is_union;
	int i;

	snprintf(type_name, sizeof(type_name), "%.*s", (int)strcspn(argv[0], "."), argv[0]);
	if (argc < 32 && session_kstructs(s, &ignored) && struct_show_find(s, type_name, &is_union)) {
		words[0] = is_union ? "union" : "struct";
		for (i = 0; i < argc; i++)
			words[i + 1] = argv[i];
		words[argc + 1] = NULL;
		return cmd_struct(s, argc + 1, words, err);
	}
	if (argc == 1 && !strchr(argv[0], '.') && !session_symbol(s, argv[0], &addr, &ignored)) {
		words[0] = "p";
		words[1] = argv[0];
		words[2] = NULL;
		return cmd_p(s, 2, words, err);
	}
	return kdk_err_set(err, ENOENT, "%s: no such command (help lists them)", argv[0]);
}

/* The next word of *line, cut in place, as crash's parse_line cuts them: blanks separate words; a
 * "double-quoted" word keeps its blanks and loses its quotes (search -c "Linux version"), a
 * 'single-quoted' one keeps both (ps 'kworker.*' tells a regular expression by them). */
static char *next_word(char **line)
{
	char *p = *line + strspn(*line, " \t\n"), *word = p, *close;

	if (!*p)
		return NULL;
	if ((*p == '"' || *p == '\'') && (close = strchr(p + 1, *p))) {
		if (*p == '"') {
			word = p + 1;
			*close = '\0';
		} else {
			close++;
			if (*close)
				*close++ = '\0';
			*line = close;
			return word;
		}
		*line = close + 1;
		return word;
	}
	p += strcspn(p, " \t\n");
	if (*p)
		*p++ = '\0';
	*line = p;
	return word;
}

/* One command's words (as many as the line holds), dispatched. */
static int run_words(struct session *s, char *copy, struct kdk_err *err)
{
	char *word, *rest = copy, **argv = NULL;
	size_t argc = 0, cap = 0, i;
	int rc = 0;

	while ((word = next_word(&rest))) {
		if (argc + 2 > cap) {
			char **grown = realloc(argv, (cap = cap ? 2 * cap : 16) * sizeof(*argv));

			if (!grown) {
				free(argv);
				return kdk_err_set(err, ENOMEM, "command words");
			}
			argv = grown;
		}
		argv[argc++] = word;
	}
	if (!argc || argc > INT_MAX - 1) {
		free(argv);
		return argc ? kdk_err_set(err, E2BIG, "%zu command words", argc) : 0;
	}
	argv[argc] = NULL;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name))
			continue;
		if (!commands[i].takes_args && argc > 1)
			rc = kdk_err_set(err, EINVAL, "%s: takes no argument, \"%s\" given (usage: %s)",
					 argv[0], argv[1], commands[i].synopsis);
		else
			rc = run_one(s, &commands[i], (int)argc, argv, err);
		free(argv);
		return rc;
	}
	rc = run_shorthand(s, (int)argc, argv, err);
	free(argv);
	return rc;
}

int commands_run(struct session *s, const char *line, struct kdk_err *err)
{
	char *copy = strdup(line), *bar;
	FILE *real = s->out, *pipe_to = NULL;
	int rc, status;

	if (!copy)
		return kdk_err_set(err, ENOMEM, "command line");
	if ((bar = strchr(copy, '|'))) {
		*bar++ = '\0';
		fflush(real);
		/* popen runs the rest through /bin/sh -c, as crash does. */
		if (!(pipe_to = popen(bar, "w"))) {
			rc = kdk_err_sys(err, errno, "| %s", bar);
			free(copy);
			return rc;
		}
		s->out = pipe_to;
	}
	rc = run_words(s, copy, err);
	if (pipe_to) {
		s->out = real;
		status = pclose(pipe_to);
		if (!rc && status == -1)
			rc = kdk_err_sys(err, errno, "| %s", bar);
	}
	free(copy);
	return rc;
}
