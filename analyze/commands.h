/* commands.h — kcrash's commands: one table row each (name, handler, synopsis, help), from which
 * dispatch and `help` both come. */
#ifndef KCRASH_COMMANDS_H
#define KCRASH_COMMANDS_H

#include <stdbool.h>

#include "kdk_err.h"
#include "session.h"

typedef int (*command_fn)(struct session *s, int argc, char **argv, struct kdk_err *err);

struct command {
	const char *name;
	command_fn run;
	const char *synopsis;
	const char *help;
	bool takes_args;           /* false: any argument is refused, naming it */
};

int cmd_sys(struct session *s, int argc, char **argv, struct kdk_err *err);
int sys_dmi(struct session *s, struct kdk_err *err);
int cmd_mach(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_log(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_sym(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_rd(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_ps(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_bt(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_struct(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_whatis(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_mod(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_kmem(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_dis(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_p(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_list(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_tree(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_set(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_task(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_mount(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_sig(struct session *s, int argc, char **argv, struct kdk_err *err);
int dev_pci(struct session *s, struct kdk_err *err);
/* set's five lines (PID, COMMAND, TASK, CPU, STATE) for a task; ENOENT when task is none. */
int print_task_context(struct session *s, uint64_t task, struct kdk_err *err);
/* kmem's -s and ADDRESS views (cmd_kmem_slab.c). */
int kmem_slabs(struct session *s, struct kdk_err *err);
int kmem_vm_stat(struct session *s, struct kdk_err *err);
int kmem_zones(struct session *s, struct kdk_err *err);
/* kmem -v: the vmalloc areas (kmem_vmalloc.c). */
int kmem_vmalloc(struct session *s, struct kdk_err *err);
int kmem_address(struct session *s, const char *text, struct kdk_err *err);
/* The struct page of pfn, through mem_map as the fact chain lays it out. */
int kmem_page_of(struct session *s, uint64_t pfn, uint64_t *page, struct kdk_err *err);
/* kmem's and vtop's page lines: the PAGE PHYSICAL MAPPING INDEX CNT FLAGS header and page's row. */
void kmem_print_page(struct session *s, uint64_t page, uint64_t paddr);
int cmd_files(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_vm(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_net(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_foreach(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_triage(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_runq(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_irq(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_timer(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_dev(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_vtop(struct session *s, int argc, char **argv, struct kdk_err *err);
/* vm's VMA line (with its header) for the VMA of mm holding addr (cmd_vm.c), as vtop -u shows it. */
int vm_print_vma_of(struct session *s, uint64_t mm, uint64_t addr, struct kdk_err *err);
int cmd_ptov(struct session *s, int argc, char **argv, struct kdk_err *err);
int cmd_search(struct session *s, int argc, char **argv, struct kdk_err *err);
/* `kcrash triage [--json] [-k VMLINUX] DUMP|DIR…` from the shell (argv[0] is "triage"); the
 * exit status. */
int triage_main(int argc, char **argv);

/* Run one command line ("sym panic"); unknown commands are an error naming the command. A '|'
 * sends the command's output through the rest of the line, run by /bin/sh -c as crash does
 * ("log | tail -n 3", "ps | grep RU"). */
int commands_run(struct session *s, const char *line, struct kdk_err *err);

#endif
