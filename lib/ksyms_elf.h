/* ksyms_elf.h — a vmlinux's ELF symbol table into a kdk_symtab, and its GNU build ID (to refuse a
 * vmlinux that is not the dump's kernel). */
#ifndef KDK_KSYMS_ELF_H
#define KDK_KSYMS_ELF_H

#include <stddef.h>

#include "kdk_err.h"
#include "ksyms.h"

/* Symbols of path (finished). build_id gets the hex build ID ("" when it has none). */
int kdk_symtab_load_elf(struct kdk_symtab *tab, const char *path, char *build_id, size_t size,
			struct kdk_err *err);

#endif
