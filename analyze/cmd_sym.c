/* cmd_sym.c — `sym NAME` prints "ADDRESS (T) NAME"; `sym ADDRESS` names the symbol there,
 * "ADDRESS (t) func+off", as crash does. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

int cmd_sym(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	const struct kdk_ksym *sym;
	uint64_t addr, offset;
	char *end;

	if (argc != 2)
		return kdk_err_set(err, EINVAL, "usage: sym NAME|ADDRESS");
	/* Module symbols join the table when the kernel's structures are first read; a dump whose
	 * BTF cannot be read still answers for vmlinux's symbols. */
	if (!session_kstructs(s, err))
		kdk_err_clear(err);
	addr = strtoull(argv[1], &end, 16);
	if (*end || !argv[1][0]) {
		sym = kdk_symtab_by_name(&s->syms, argv[1]);
		if (!sym)
			return kdk_err_set(err, ENOENT, "sym: %s: no such symbol", argv[1]);
		fprintf(s->out, "%016" PRIx64 " (%c) %s%s%s%s\n", sym->addr, sym->type, argv[1],
			sym->module ? " [" : "", sym->module ? sym->module : "", sym->module ? "]" : "");
		return 0;
	}
	sym = kdk_symtab_by_addr(&s->syms, addr, &offset);
	if (!sym || (sym->size && offset >= sym->size))
		return kdk_err_set(err, ENOENT, "sym: %s: no symbol at this address", argv[1]);
	fprintf(s->out, "%016" PRIx64 " (%c) %s", addr, sym->type, kdk_symtab_name(&s->syms, sym));
	if (offset)
		fprintf(s->out, "+%" PRIu64, offset);
	if (sym->module)
		fprintf(s->out, " [%s]", sym->module);
	fputc('\n', s->out);
	return 0;
}
