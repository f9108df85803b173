/* cmd_struct.c — `struct NAME [-o]` (also `union NAME`): the type's definition from BTF, with
 * each member's byte offset under -o, and its size; `struct NAME.MEMBER` one member's offset.
 * With ADDRESS (or a symbol) the structure's contents there, or only the members listed
 * (`NAME.M1,M2`), with -o each member's address, and with COUNT that many structures one after
 * the other, as crash prints them.
 * A struct or union name given as a command (`task_struct ADDR`, `page.flags ADDR`) comes here
 * too (commands.c), as in crash. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "commands.h"
#include "struct_show.h"

#define COUNT_MAX 100000
#define USAGE "usage: %s NAME[.MEMBER[,MEMBER…]] [-o] [ADDRESS [COUNT]]"

static int print_member_offset(struct session *s, const char *kind, const char *name,
			       struct kdk_err *err)
{
	const char *dot = strchr(name, '.');
	char container[128], decl[512];
	uint64_t offset;
	uint32_t type;

	if (strchr(name, ','))
		return kdk_err_set(err, EINVAL, "%s %s: several members need an ADDRESS", kind, name);
	snprintf(container, sizeof(container), "%.*s", (int)(dot - name), name);
	if (kdk_btf_member(&s->btf, container, dot + 1, &offset, &type, err))
		return -err->code;
	kdk_btf_declaration(&s->btf, type, dot + 1, decl, sizeof(decl));
	fprintf(s->out, "%s %s {\n  [%" PRIu64 "] %s;\n}\n", kind, container, offset, decl);
	return 0;
}

int cmd_struct(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	bool offsets = false, is_union;
	const char *name = NULL, *address = NULL, *count_text = NULL;
	uint64_t addr, size, count = 1, i;
	char type_name[128], *end;
	uint32_t id;
	int rc, a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "-o"))
			offsets = true;
		else if (!name)
			name = argv[a];
		else if (!address)
			address = argv[a];
		else if (!count_text)
			count_text = argv[a];
		else
			return kdk_err_set(err, EINVAL, USAGE, argv[0]);
	}
	if (!name)
		return kdk_err_set(err, EINVAL, USAGE, argv[0]);
	if (!session_kstructs(s, err))
		return -err->code;
	snprintf(type_name, sizeof(type_name), "%.*s", (int)strcspn(name, "."), name);
	if (!(id = struct_show_find(s, type_name, &is_union)))
		return kdk_err_set(err, ENOENT, "%s: no %s %s in the kernel's BTF", argv[0], argv[0],
				   type_name);
	if (!address) {
		if (strchr(name, '.'))
			return print_member_offset(s, argv[0], name, err);
		kdk_btf_print_struct(&s->btf, id, offsets, s->out);
		return 0;
	}
	addr = strtoull(address, &end, 16);
	if (*end && (rc = session_symbol(s, address, &addr, err)))
		return rc;
	if (count_text) {
		count = strtoull(count_text, &end, 0);
		if (*end || !count || count > COUNT_MAX)
			return kdk_err_set(err, EINVAL, "%s: COUNT \"%s\": expected 1 to %u", argv[0],
					   count_text, COUNT_MAX);
	}
	size = kdk_btf_size(&s->btf, id);
	if (offsets && !strchr(name, '.')) {
		/* -o with an address: where each member is */
		for (i = 0; i < count; i++)
			kdk_btf_print_struct_at(&s->btf, id, addr + i * size, s->out);
		return 0;
	}
	for (i = 0; i < count; i++) {
		/* more than one: each after a blank line, as crash separates them */
		if (count > 1)
			fputc('\n', s->out);
		if ((rc = struct_show(s, argv[0], name, addr + i * size, 0, err)))
			return rc;
	}
	return 0;
}
