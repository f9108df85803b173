/* cmd_struct.c — `struct NAME [-o]` (also `union NAME`): the type's definition from BTF, with
 * each member's byte offset under -o, and its size. `struct NAME.member` prints one member's
 * offset. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "btf_format.h"
#include "commands.h"

int cmd_struct(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	bool offsets = false;
	const char *name = NULL;
	uint32_t id;
	char *dot;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o"))
			offsets = true;
		else if (!name)
			name = argv[i];
		else
			return kdk_err_set(err, EINVAL, "usage: %s NAME[.MEMBER] [-o]", argv[0]);
	}
	if (!name)
		return kdk_err_set(err, EINVAL, "usage: %s NAME[.MEMBER] [-o]", argv[0]);
	if (!session_kstructs(s, err))
		return -err->code;
	if ((dot = strchr(name, '.'))) {
		char container[128];
		uint64_t offset;
		uint32_t type;
		char decl[512];

		snprintf(container, sizeof(container), "%.*s", (int)(dot - name), name);
		if (kdk_btf_member(&s->btf, container, dot + 1, &offset, &type, err))
			return -err->code;
		kdk_btf_declaration(&s->btf, type, dot + 1, decl, sizeof(decl));
		fprintf(s->out, "%s %s {\n  [%" PRIu64 "] %s;\n}\n", argv[0], container, offset, decl);
		return 0;
	}
	id = kdk_btf_find(&s->btf, strcmp(argv[0], "union") ? KDK_BTF_STRUCT : KDK_BTF_UNION, name);
	if (!id)
		return kdk_err_set(err, ENOENT, "%s: no %s %s in the kernel's BTF", argv[0], argv[0], name);
	kdk_btf_print_struct(&s->btf, id, offsets, s->out);
	return 0;
}
