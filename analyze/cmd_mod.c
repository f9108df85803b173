/* cmd_mod.c — `mod`: the loaded kernel modules (struct module address, name, text base and
 * size), from the module list. */
#include <inttypes.h>

#include "commands.h"
#include "modules.h"

int cmd_mod(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	size_t i;

	(void)argc;
	(void)argv;
	if (!session_kstructs(s, err))
		return -err->code;
	fprintf(s->out, "     MODULE       NAME                      TEXT_BASE         SIZE\n");
	for (i = 0; i < s->modules.len; i++) {
		const struct kmodule *m = kdk_array_at(&s->modules, i);

		fprintf(s->out, "%016" PRIx64 "  %-24s %016" PRIx64 "  %6" PRIu64 "\n", m->addr, m->name,
			m->text_start, m->text_size);
	}
	return 0;
}
