/* kallsyms.h — the kernel's own symbol table, decoded out of a dump: since Linux 6.0 VMCOREINFO
 * gives the addresses of kallsyms_names, _num_syms, _token_table, _token_index, _offsets and
 * _relative_base, so a dump alone names every function (docs/formats/kallsyms.md). */
#ifndef KDK_KALLSYMS_H
#define KDK_KALLSYMS_H

#include "kdk_err.h"
#include "kdk_kmem.h"
#include "ksyms.h"
#include "vmcoreinfo.h"

/* Decode every symbol into tab (finished: sorted and indexed). ENOENT names the missing key when
 * the kernel is older than 6.0 or VMCOREINFO lacks them. */
int kdk_kallsyms_read(const struct kdk_vmcoreinfo *vi, kdk_read_virt_fn read_virt, void *read_ctx,
		      struct kdk_symtab *tab, struct kdk_err *err);

#endif
