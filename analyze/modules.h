/* modules.h — the kernel modules loaded in the dump: the `modules` list of struct module, each
 * one's name, text, symbols (mod->kallsyms) and ORC table (mod->arch). Offsets from BTF. */
#ifndef KCRASH_MODULES_H
#define KCRASH_MODULES_H

#include <stdint.h>

#include "kdk_array.h"
#include "unwind/orc.h"
#include "session.h"

struct kmodule {
	char name[57];
	uint64_t addr;                 /* the struct module */
	uint64_t text_start, text_size;
	uint64_t orc_ip, orc_entries;
	uint32_t num_orcs;
};

/* Walk the module list into s->modules and add every module's symbols to s->syms. A kernel
 * without modules (or without the list) is not an error. */
int modules_load(struct session *s, struct kdk_err *err);

/* Give the ORC unwinder every module's table. */
int modules_add_orc(struct session *s, struct kdk_orc_table *orc, struct kdk_err *err);

#endif
