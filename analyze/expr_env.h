/* expr_env.h — kcrash's side of lib/kexpr: kernel memory, symbols typed from the BTF's variables
 * (per-CPU ones), else the vmlinux's DWARF, and per-CPU symbols placed on one CPU. */
#ifndef KCRASH_EXPR_ENV_H
#define KCRASH_EXPR_ENV_H

#include "kexpr/kexpr.h"
#include "session.h"

struct expr_ctx {
	struct session *s;
	int cpu;                   /* per-CPU symbols on this CPU; -1: left as offsets */
	uint64_t percpu_start, percpu_end;
};

/* The environment over s (its BTF loaded first: session_kstructs). */
int expr_env_init(struct kexpr_env *env, struct expr_ctx *ctx, struct session *s, int cpu,
		  struct kdk_err *err);
/* A per-CPU symbol: its address lies in [__per_cpu_start, __per_cpu_end). */
bool expr_is_percpu(const struct expr_ctx *ctx, uint64_t addr);
/* An argument as an address or number: an expression ("init_task.tasks", "&init_task",
 * "ffff888003f1c000", "modules"); an lvalue of struct type gives its address. */
int expr_address(struct session *s, const char *text, uint64_t *value, struct kdk_err *err);

/* An address as crash's rd, search and their -s/-e take one: hex digits (0x or not) as hex, else a
 * symbol's address, else an expression as expr_address reads it ("(init_task.tasks.next)"). */
int expr_crash_address(struct session *s, const char *text, uint64_t *value, struct kdk_err *err);

/* " <symbol+offset>" (decimal, as gdb) for a kernel address inside a symbol of known size; the
 * name_addr callback of lib/btf_format's printers (session is a struct session *). */
void expr_name_addr(void *session, uint64_t addr, FILE *out);

#endif
