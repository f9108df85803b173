/* ksyms.h — a kernel symbol table: names, addresses and kallsyms type letters, from whatever the
 * analyser has (the dump's own kallsyms, a System.map, a vmlinux), looked up by name and by
 * address ("func+0x1c/0x40"). */
#ifndef KDK_KSYMS_H
#define KDK_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"

struct kdk_ksym {
	uint64_t addr;
	uint64_t size;             /* up to the next symbol's address (0 for the last) */
	uint64_t declared_size;    /* the ELF symbol's st_size: a function's own bytes, without the
				    * padding before the next one (0: not known, as from kallsyms) */
	uint32_t name;             /* offset in the table's name pool */
	char type;                 /* kallsyms / nm letter: 't', 'T', 'd', 'D', 'b', … */
	const char *module;        /* the kernel module it belongs to (not owned), NULL: vmlinux */
};

struct kdk_symtab {
	struct kdk_array syms;     /* struct kdk_ksym, sorted by address after finish */
	char *pool;
	size_t pool_len, pool_cap;
	uint32_t *by_name;         /* hash of names: slot → index into syms + 1, 0 empty */
	size_t by_name_slots;      /* a power of two, at least twice the symbols */
	const char *source;        /* "kallsyms in the dump", "System.map", … */
	const char *encoding;      /* kallsyms: how its addresses were encoded (static text) */
	size_t sorted;             /* how many symbols the last finish sorted (the rest were added since) */
};

void kdk_symtab_init(struct kdk_symtab *tab, const char *source);
int kdk_symtab_add(struct kdk_symtab *tab, const char *name, uint64_t addr, char type,
		   struct kdk_err *err);
/* A kernel module's symbol, named "name" and shown as "name [module]". */
int kdk_symtab_add_module(struct kdk_symtab *tab, const char *name, uint64_t addr, char type,
			  const char *module, struct kdk_err *err);
/* Sort, fill sizes, index names. Call after the last add (again after adding more). */
int kdk_symtab_finish(struct kdk_symtab *tab, struct kdk_err *err);
void kdk_symtab_free(struct kdk_symtab *tab);

const char *kdk_symtab_name(const struct kdk_symtab *tab, const struct kdk_ksym *sym);
/* The symbol called name (the first, when several share it), or NULL. */
const struct kdk_ksym *kdk_symtab_by_name(const struct kdk_symtab *tab, const char *name);
/* The symbol containing addr (the closest at or below it), or NULL; *offset = addr - sym. */
const struct kdk_ksym *kdk_symtab_by_addr(const struct kdk_symtab *tab, uint64_t addr,
					  uint64_t *offset);
/* Whether a type letter is a text (code) symbol. */
bool kdk_ksym_is_text(char type);

/* "ADDR TYPE NAME" lines (System.map, /proc/kallsyms). */
int kdk_symtab_load_map(struct kdk_symtab *tab, const char *path, struct kdk_err *err);

#endif
