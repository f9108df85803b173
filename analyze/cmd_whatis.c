/* cmd_whatis.c — `whatis NAME`: what a name is, as crash prints it — a struct or union's
 * definition (as `struct NAME`), `whatis S.MEMBER` the member's offset, an enum's enumerators, a
 * typedef's declaration and size, or a symbol's declaration: a function's prototype from BTF, a
 * variable's type from the vmlinux's DWARF (or BTF for per-CPU variables). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "btf_format.h"
#include "commands.h"
#include "expr_env.h"
#include "struct_show.h"

static void print_enum(struct session *s, uint32_t id)
{
	const char *name;
	int64_t value;
	unsigned i;

	fprintf(s->out, "enum %s {\n", kdk_btf_name(&s->btf, id));
	for (i = 0; !kdk_btf_enum_at(&s->btf, id, i, &name, &value); i++)
		fprintf(s->out, "  %s = %" PRId64 "\n", name, value);
	fprintf(s->out, "};\n");
}

/* A variable's declaration from its type as an expression types it. */
static int print_variable(struct session *s, const char *name, struct kdk_err *err)
{
	struct kexpr_env env;
	struct expr_ctx ctx;
	struct kexpr_value v;
	char declarator[300], decl[1024];
	int rc;

	if ((rc = expr_env_init(&env, &ctx, s, -1, err)) || (rc = kexpr_eval(&env, name, &v, err)))
		return kdk_err_prefix(err, "whatis: cannot resolve %s: ", name);
	if (v.type.unknown || !v.lvalue)
		return kdk_err_set(err, ENOENT, "whatis: cannot resolve %s: no type known for it (BTF "
					       "types only per-CPU variables; give kcrash the -dbg "
					       "vmlinux for its DWARF)", name);
	snprintf(declarator, sizeof(declarator), "%.*s%s", (int)v.type.ptr, "**********", name);
	if (v.type.is_array) {
		uint32_t count = v.type.count;
		uint64_t elem = v.type.ptr ? 8 : v.type.builtin ? 0 : kdk_btf_size(env.btf, v.type.id);
		const struct kdk_ksym *sym = kdk_symtab_by_name(&s->syms, name);

		/* an array DWARF gives without its size ("const char linux_banner[] = …"): the
		 * size its ELF symbol declares, as gdb takes it (kallsyms knows only the distance
		 * to the next symbol: used when there is no vmlinux) */
		if (!count && elem && sym && (sym->declared_size || sym->size))
			count = (uint32_t)((sym->declared_size ? sym->declared_size : sym->size) / elem);
		snprintf(declarator + strlen(declarator), sizeof(declarator) - strlen(declarator),
			 "[%" PRIu32 "]", count);
	}
	if (v.type.builtin) {
		struct kexpr_type base = v.type;
		char type[256];

		base.ptr = 0;
		base.is_array = false;
		kexpr_type_name(env.btf, &base, type, sizeof(type));
		snprintf(decl, sizeof(decl), "%s %s", type, declarator);
	} else {
		kdk_btf_declaration(env.btf, v.type.id, declarator, decl, sizeof(decl));
	}
	fprintf(s->out, "%s%s%s;\n", v.type.base_const ? "const " : "",
		v.type.base_volatile ? "volatile " : "", decl);
	return 0;
}

int cmd_whatis(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	const char *name = argc == 3 ? argv[2] : argv[1];
	char *struct_argv[3] = { "struct", NULL, NULL };
	char decl[1024];
	uint32_t id;
	bool is_union;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[1], "struct") &&
				     strcmp(argv[1], "union") && strcmp(argv[1], "enum")))
		return kdk_err_set(err, EINVAL, "usage: whatis [struct|union|enum] NAME[.MEMBER]");
	if (!session_kstructs(s, err))
		return -err->code;
	struct_argv[1] = (char *)name;
	if (strchr(name, '.') || struct_show_find(s, name, &is_union)) {
		if (!strchr(name, '.') && is_union)
			struct_argv[0] = "union";
		return cmd_struct(s, 2, struct_argv, err);
	}
	if ((id = kdk_btf_find(&s->btf, KDK_BTF_ENUM, name)) ||
	    (id = kdk_btf_find(&s->btf, KDK_BTF_ENUM64, name))) {
		print_enum(s, id);
		return 0;
	}
	if ((id = kdk_btf_find(&s->btf, KDK_BTF_TYPEDEF, name))) {
		uint32_t target = kdk_btf_ref(&s->btf, id);
		unsigned hops = 0;

		/* the type a chain of typedefs ends in, as crash declares it (pid_t: int) */
		while (kdk_btf_kind(&s->btf, target) == KDK_BTF_TYPEDEF && hops++ < 32)
			target = kdk_btf_ref(&s->btf, target);
		kdk_btf_declaration(&s->btf, target, name, decl, sizeof(decl));
		fprintf(s->out, "typedef %s;\nSIZE: %" PRIu64 "\n", decl, kdk_btf_size(&s->btf, id));
		return 0;
	}
	if ((id = kdk_btf_find(&s->btf, KDK_BTF_FUNC, name))) {
		kdk_btf_declaration(&s->btf, kdk_btf_ref(&s->btf, id), name, decl, sizeof(decl));
		fprintf(s->out, "%s;\n", decl);
		return 0;
	}
	return print_variable(s, name, err);
}
