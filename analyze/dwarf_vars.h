/* dwarf_vars.h — the declared type of a global variable from the vmlinux's DWARF (BTF names only
 * per-CPU variables' types), as a lib/kexpr type over the session's BTF. Indexed on first use. */
#ifndef KCRASH_DWARF_VARS_H
#define KCRASH_DWARF_VARS_H

#include "kexpr/kexpr.h"
#include "session.h"

struct dwarf_vars;

/* name's type; -ENOENT when the DWARF has no such variable or BTF lacks its base type. */
int dwarf_vars_type(struct session *s, const char *name, struct kexpr_type *type,
		    struct kdk_err *err);
void dwarf_vars_free(struct dwarf_vars *dv);

#endif
