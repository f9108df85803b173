/* cmd_p.c — `p`/`px`/`pd EXPR[:CPUS]`: a C expression's value as crash (gdb) prints it, "$N = …";
 * a bare symbol as "name = $N = …"; a per-CPU variable on CPUs ("irq_stat:a", ":1", ":0-2,5") as
 * "per_cpu(name, cpu) = $N = …", or without CPUs its type and per-CPU addresses, as crash does. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "commands.h"
#include "cpu_list.h"
#include "cpus.h"
#include "expr_env.h"
#include "tasks.h"

/* ":a", ":all", ":3", ":0-2,5" at the end of text: the CPUs, into set (nr bytes), and the text cut
 * there. 0: no CPU suffix; 1: one; -errno: malformed. */
static int cpu_suffix(char *text, uint8_t *set, uint32_t nr, struct kdk_err *err)
{
	char *colon = strrchr(text, ':');
	int rc;

	if (!colon || colon[1] == ':' || (colon > text && colon[-1] == ':'))
		return 0;
	if ((rc = cpu_list_parse("p", colon + 1, set, nr, err)) < 0)
		return rc;
	*colon = '\0';
	return 1;
}

static int print_one(struct session *s, const char *label, const char *text, int cpu, bool hex,
		     struct kdk_err *err)
{
	struct kexpr_env env;
	struct expr_ctx ctx;
	struct kexpr_value v;
	uint32_t func;
	int rc;

	if ((rc = expr_env_init(&env, &ctx, s, cpu, err)) || (rc = kexpr_eval(&env, text, &v, err)))
		return rc;
	/* a function: its prototype from BTF and its address, as gdb prints one */
	if (v.type.unknown && kexpr_is_identifier(text) && v.lvalue &&
	    (func = kdk_btf_find(env.btf, KDK_BTF_FUNC, text + strspn(text, " \t")))) {
		char proto[512];

		kdk_btf_declaration(env.btf, kdk_btf_ref(env.btf, func), "", proto, sizeof(proto));
		if (label)
			fprintf(s->out, "%s = ", label);
		fprintf(s->out, "$%u = \n {%s} 0x%" PRIx64, ++s->value_count, proto, v.addr);
		expr_name_addr(s, v.addr, s->out);
		fputc('\n', s->out);
		return 0;
	}
	if (v.type.unknown)
		return kdk_err_set(err, EINVAL, "p: '%s' has unknown type (BTF types only per-CPU "
						"variables; give kcrash the -dbg vmlinux for its DWARF, or cast "
						"it to its declared type: p (unsigned long)%s, "
						"p *(struct T *)&%s)", text, text, text);
	/* crash's p of a per-CPU symbol without CPUs: where it is on each CPU */
	if (cpu < 0 && kexpr_is_identifier(text) && v.lvalue && expr_is_percpu(&ctx, v.addr)) {
		char decl[512];
		uint32_t nr, i;
		uint64_t addr;

		kexpr_type_name(env.btf, &v.type, decl, sizeof(decl));
		if ((rc = tasks_nr_cpus(s, &nr, err)))
			return rc;
		fprintf(s->out, "PER-CPU DATA TYPE:\n  %s %s;\nPER-CPU ADDRESSES:\n", decl,
			text + strspn(text, " \t"));
		for (i = 0; i < nr; i++) {
			if ((rc = cpus_per_cpu_addr(s, v.addr, i, &addr, err)))
				return rc;
			fprintf(s->out, "  [%u]: %" PRIx64 "\n", i, addr);
		}
		return 0;
	}
	/* "name = " for symbols only (an enumerator is a plain value) */
	if (label && (v.lvalue || cpu >= 0))
		fprintf(s->out, "%s = ", label);
	fprintf(s->out, "$%u = ", ++s->value_count);
	rc = kexpr_print(&env, &v, hex, s->out, err);
	fputc('\n', s->out);
	return rc;
}

int cmd_p(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	bool hex = !strcmp(argv[0], "px");
	char *text = NULL, label[512];
	uint8_t *cpus = NULL;
	size_t len = 0;
	uint32_t nr = 0, i;
	int rc, i_arg, percpu;

	if (argc < 2)
		return kdk_err_set(err, EINVAL, "usage: %s EXPRESSION[:CPUS]", argv[0]);
	/* the words again as one expression: commands.c split it at blanks */
	for (i_arg = 1; i_arg < argc; i_arg++)
		len += strlen(argv[i_arg]) + 1;
	if (!(text = calloc(1, len + 1)))
		return kdk_err_set(err, ENOMEM, "%s", argv[0]);
	for (i_arg = 1; i_arg < argc; i_arg++) {
		if (i_arg > 1)
			strcat(text, " ");
		strcat(text, argv[i_arg]);
	}
	rc = 0;
	if (strchr(text, ':')) {
		if ((rc = tasks_nr_cpus(s, &nr, err)))
			goto out;
		if (!(cpus = calloc(nr, 1))) {
			rc = kdk_err_set(err, ENOMEM, "%s", argv[0]);
			goto out;
		}
	}
	percpu = cpus ? cpu_suffix(text, cpus, nr, err) : 0;
	if (percpu < 0) {
		rc = percpu;
		goto out;
	}
	if (!percpu) {
		rc = print_one(s, kexpr_is_identifier(text) ? text + strspn(text, " \t") : NULL, text, -1,
			       hex, err);
		goto out;
	}
	for (i = 0; i < nr && !rc; i++) {
		if (!cpus[i])
			continue;
		snprintf(label, sizeof(label), "per_cpu(%s, %u)", text + strspn(text, " \t"), i);
		rc = print_one(s, label, text, (int)i, hex, err);
	}
out:
	free(cpus);
	free(text);
	return rc;
}
