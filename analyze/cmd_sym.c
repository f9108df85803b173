/* cmd_sym.c — `sym NAME` prints "ADDRESS (T) NAME"; `sym ADDRESS` names the symbol there,
 * "ADDRESS (t) func+off", as crash does. `sym -l NAME|ADDRESS` adds the source file and line
 * (a DWARF vmlinux; nothing added without one); `sym -l` alone lists every symbol, as crash's. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "srclines.h"

static void print_source(struct source_lines *lines, uint64_t addr, FILE *out)
{
	char where[600];

	if (lines && srclines_find(lines, addr, where, sizeof(where)))
		fprintf(out, " %s", where);
	fputc('\n', out);
}

static int list_all(struct session *s)
{
	size_t i;

	for (i = 0; i < s->syms.syms.len; i++) {
		const struct kdk_ksym *sym = kdk_array_at(&s->syms.syms, i);

		fprintf(s->out, "%016" PRIx64 " (%c) %s%s%s%s\n", sym->addr, sym->type, kdk_symtab_name(&s->syms, sym),
			sym->module ? " [" : "", sym->module ? sym->module : "", sym->module ? "]" : "");
	}
	return 0;
}

int cmd_sym(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct source_lines lines = { .fd = -1 };
	bool with_lines = false;
	const struct kdk_ksym *sym;
	uint64_t addr, offset;
	char *end;

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		with_lines = true;
		argc--;
		argv++;
	}
	if (argc > 2 || (argc < 2 && !with_lines))
		return kdk_err_set(err, EINVAL, "usage: sym [-l] NAME|ADDRESS, or sym -l");
	/* Module symbols join the table when the kernel's structures are first read; a dump whose
	 * BTF cannot be read still answers for vmlinux's symbols. */
	if (!session_kstructs(s, err))
		kdk_err_clear(err);
	if (argc < 2)
		return list_all(s);
	if (with_lines && srclines_open(s, &lines, "sym -l", err))
		kdk_err_clear(err);          /* no DWARF vmlinux: no source line */
	addr = strtoull(argv[1], &end, 16);
	if (*end || !argv[1][0]) {
		sym = kdk_symtab_by_name(&s->syms, argv[1]);
		if (!sym) {
			srclines_close(&lines);
			return kdk_err_set(err, ENOENT, "sym: %s: no such symbol", argv[1]);
		}
		fprintf(s->out, "%016" PRIx64 " (%c) %s%s%s%s", sym->addr, sym->type, argv[1],
			sym->module ? " [" : "", sym->module ? sym->module : "", sym->module ? "]" : "");
		print_source(with_lines ? &lines : NULL, sym->addr, s->out);
		srclines_close(&lines);
		return 0;
	}
	sym = kdk_symtab_by_addr(&s->syms, addr, &offset);
	if (!sym || (sym->size && offset >= sym->size)) {
		srclines_close(&lines);
		return kdk_err_set(err, ENOENT, "sym: %s: no symbol at this address", argv[1]);
	}
	fprintf(s->out, "%016" PRIx64 " (%c) %s", addr, sym->type, kdk_symtab_name(&s->syms, sym));
	if (offset)
		fprintf(s->out, "+%" PRIu64, offset);
	if (sym->module)
		fprintf(s->out, " [%s]", sym->module);
	print_source(with_lines ? &lines : NULL, addr, s->out);
	srclines_close(&lines);
	return 0;
}
