/* cmd_mod.c — `mod`: the loaded kernel modules (struct module address, name, text base and
 * size), from the module list; --json the same as objects. */
#include <inttypes.h>

#include "commands.h"
#include "json_out.h"
#include "modules.h"

int cmd_mod(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	size_t i;

	(void)argc;
	(void)argv;
	if (!session_kstructs(s, err))
		return -err->code;
	if (s->json) {
		/* --json: the same rows as objects. */
		fputc('[', s->out);
		for (i = 0; i < s->modules.len; i++) {
			const struct kmodule *m = kdk_array_at(&s->modules, i);

			fprintf(s->out, "%s{\"module\":\"%016" PRIx64 "\",\"name\":", i ? "," : "", m->addr);
			json_write_string(s->out, m->name);
			fprintf(s->out, ",\"text_base\":\"%016" PRIx64 "\",\"size\":%" PRIu64 "}", m->text_start,
				m->text_size);
		}
		fputs("]\n", s->out);
		return 0;
	}
	fprintf(s->out, "     MODULE       NAME                      TEXT_BASE         SIZE\n");
	for (i = 0; i < s->modules.len; i++) {
		const struct kmodule *m = kdk_array_at(&s->modules, i);

		fprintf(s->out, "%016" PRIx64 "  %-24s %016" PRIx64 "  %6" PRIu64 "\n", m->addr, m->name,
			m->text_start, m->text_size);
	}
	return 0;
}
