/* expr_env.c — what lib/kexpr asks of kcrash: memory through the session, a symbol's address and
 * type (BTF VAR, then the vmlinux's DWARF; else "unknown", as gdb's symbols without debug info). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cpus.h"
#include "dwarf_vars.h"
#include "expr_env.h"

static int env_read(void *ctx, uint64_t addr, void *buf, size_t len, struct kdk_err *err)
{
	struct expr_ctx *c = ctx;

	return session_read(c->s, addr, buf, len, err);
}

bool expr_is_percpu(const struct expr_ctx *ctx, uint64_t addr)
{
	return ctx->percpu_end && addr >= ctx->percpu_start && addr < ctx->percpu_end;
}

static int env_symbol(void *ctx, const char *name, uint64_t *addr, struct kexpr_type *type,
		      struct kdk_err *err)
{
	struct expr_ctx *c = ctx;
	struct session *s = c->s;
	uint32_t var;
	int rc;

	memset(type, 0, sizeof(*type));
	if ((rc = session_symbol(s, name, addr, err)))
		return rc;
	/* BTF names the type of per-CPU variables (and of every global where pahole was asked to) */
	if ((var = kdk_btf_find(&s->btf, KDK_BTF_VAR, name))) {
		type->id = kdk_btf_ref(&s->btf, var);
	} else if (!s->symbols_path || strcmp(s->syms.source, "vmlinux") ||
		   dwarf_vars_type(s, name, type, err)) {
		kdk_err_clear(err);
		memset(type, 0, sizeof(*type));
		type->unknown = true;
	}
	if (c->cpu >= 0 && expr_is_percpu(c, *addr))
		return cpus_per_cpu_addr(s, *addr, (uint32_t)c->cpu, addr, err);
	return 0;
}

void expr_name_addr(void *session, uint64_t addr, FILE *out)
{
	struct session *s = session;
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, addr, &off);

	if (!sym || !sym->size || off >= sym->size || !(addr >> 63))
		return;
	if (off)
		fprintf(out, " <%s+%" PRIu64 ">", kdk_symtab_name(&s->syms, sym), off);
	else
		fprintf(out, " <%s>", kdk_symtab_name(&s->syms, sym));
}

static void env_name_addr(void *ctx, uint64_t addr, FILE *out)
{
	expr_name_addr(((struct expr_ctx *)ctx)->s, addr, out);
}

int expr_env_init(struct kexpr_env *env, struct expr_ctx *ctx, struct session *s, int cpu,
		  struct kdk_err *err)
{
	struct kdk_err ignored = { 0 };

	if (!session_kstructs(s, err))
		return -err->code;
	/* a vmlinux without .BTF (its DWARF answers the fact chain): the dump's own BTF types
	 * expressions */
	if (!s->btf.nr_types && kdk_btf_from_memory(&s->btf, &s->syms, s->read_virt, s->read_ctx, err))
		return kdk_err_prefix(err, "expressions need the kernel's BTF (the vmlinux's .BTF or "
					   "the dump's own): ");
	memset(ctx, 0, sizeof(*ctx));
	ctx->s = s;
	ctx->cpu = cpu;
	if (session_symbol(s, "__per_cpu_start", &ctx->percpu_start, &ignored) ||
	    session_symbol(s, "__per_cpu_end", &ctx->percpu_end, &ignored))
		ctx->percpu_start = ctx->percpu_end = 0;
	memset(env, 0, sizeof(*env));
	env->btf = &s->btf;
	env->read = env_read;
	env->symbol = env_symbol;
	env->name_addr = env_name_addr;
	env->ctx = ctx;
	return 0;
}

int expr_address(struct session *s, const char *text, uint64_t *value, struct kdk_err *err)
{
	struct kexpr_env env;
	struct expr_ctx ctx;
	struct kexpr_value v;
	enum kdk_btf_kind kind;
	int rc;

	if ((rc = expr_env_init(&env, &ctx, s, -1, err)) || (rc = kexpr_eval(&env, text, &v, err)))
		return rc;
	kind = v.type.ptr || v.type.builtin || v.type.unknown ? 0 :
	       (enum kdk_btf_kind)kdk_btf_kind(&s->btf, kdk_btf_resolve(&s->btf, v.type.id));
	/* a struct, array or untyped symbol in memory: its address; otherwise the value */
	if (v.lvalue && (v.type.unknown || v.type.is_array || kind == KDK_BTF_STRUCT ||
			 kind == KDK_BTF_UNION || kind == KDK_BTF_ARRAY)) {
		*value = v.addr;
		return 0;
	}
	if (!v.lvalue) {
		*value = v.scalar;
		return 0;
	}
	{
		uint64_t size = kexpr_type_size(&s->btf, &v.type), raw = 0;

		if (!size || size > 8 || v.bit_width)
			return kdk_err_set(err, EINVAL, "%s: not an address or number", text);
		if ((rc = session_read(s, v.addr, &raw, (size_t)size, err)))
			return rc;
		*value = raw;
	}
	return 0;
}

int expr_crash_address(struct session *s, const char *text, uint64_t *value, struct kdk_err *err)
{
	const char *digits = strncmp(text, "0x", 2) && strncmp(text, "0X", 2) ? text : text + 2;
	struct kdk_err ignored = { 0 };

	if (*digits && strspn(digits, "0123456789abcdefABCDEF") == strlen(digits)) {
		*value = strtoull(digits, NULL, 16);
		return 0;
	}
	if (!session_symbol(s, text, value, &ignored))
		return 0;
	return expr_address(s, text, value, err);
}
