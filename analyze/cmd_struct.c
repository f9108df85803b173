/* cmd_struct.c — `struct NAME [-o]` (also `union NAME`): the type's definition from BTF, with
 * each member's byte offset under -o, and its size. `struct NAME.member` prints one member's
 * offset, or with ADDRESS its value there. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "commands.h"

/* " <symbol+offset>" (decimal, as gdb) for an address inside a symbol of known size. */
static void name_address(void *ctx, uint64_t addr, FILE *out)
{
	struct session *s = ctx;
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &off);

	if (!sym || !sym->size || off >= sym->size)
		return;
	if (off)
		fprintf(out, " <%s+%" PRIu64 ">", kdk_symtab_name(&s->syms, sym), off);
	else
		fprintf(out, " <%s>", kdk_symtab_name(&s->syms, sym));
}

int cmd_struct(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	bool offsets = false;
	const char *name = NULL, *address = NULL;
	uint32_t id;
	char *dot;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o"))
			offsets = true;
		else if (!name)
			name = argv[i];
		else if (!address)
			address = argv[i];
		else
			return kdk_err_set(err, EINVAL, "usage: %s NAME[.MEMBER] [-o] [ADDRESS]", argv[0]);
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
		if (address) {
			/* The member's value in the structure at ADDRESS, as crash prints it. */
			uint64_t addr, size = kdk_btf_size(&s->btf, type);
			uint8_t *data;
			char *end;
			int rc;

			addr = strtoull(address, &end, 16);
			if (*end && (rc = session_symbol(s, address, &addr, err)))
				return rc;
			if (!size || size > (1 << 20))
				return kdk_err_set(err, EINVAL, "%s: member %s has no printable size", argv[0], name);
			if (!(data = malloc(size)))
				return kdk_err_set(err, ENOMEM, "%s", argv[0]);
			if ((rc = session_read(s, addr + offset, data, size, err))) {
				free(data);
				return rc;
			}
			/* crash's struct command prints every element of a char array */
			kdk_btf_print_member_value_limit(&s->btf, type, dot + 1, data, addr + offset, 0,
							 s->out, name_address, s);
			free(data);
			return 0;
		}
		kdk_btf_declaration(&s->btf, type, dot + 1, decl, sizeof(decl));
		fprintf(s->out, "%s %s {\n  [%" PRIu64 "] %s;\n}\n", argv[0], container, offset, decl);
		return 0;
	}
	id = kdk_btf_find(&s->btf, strcmp(argv[0], "union") ? KDK_BTF_STRUCT : KDK_BTF_UNION, name);
	if (!id)
		return kdk_err_set(err, ENOENT, "%s: no %s %s in the kernel's BTF", argv[0], argv[0], name);
	if (address) {
		uint64_t addr, size = kdk_btf_size(&s->btf, id);
		uint8_t *data;
		char *end;
		int rc;

		addr = strtoull(address, &end, 16);
		if (*end && (rc = session_symbol(s, address, &addr, err)))
			return rc;
		if (!(data = malloc(size ? size : 1)))
			return kdk_err_set(err, ENOMEM, "%s", argv[0]);
		if ((rc = session_read(s, addr, data, size, err))) {
			free(data);
			return rc;
		}
		kdk_btf_print_value_limit(&s->btf, id, data, addr, 0, s->out, name_address, s);
		free(data);
		return 0;
	}
	kdk_btf_print_struct(&s->btf, id, offsets, s->out);
	return 0;
}
