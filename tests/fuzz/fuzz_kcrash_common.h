/* fuzz_kcrash_common.h — what the harnesses of kcrash's walkers (fuzz_kcrash_*.c) share: a fake
 * fact source of compact layouts (tables of facts, a variant picking among them), and a session
 * over the fake memory with the harness's symbols, as session_open would leave one after a dump's
 * BTF was read. */
#ifndef KDK_FUZZ_KCRASH_COMMON_H
#define KDK_FUZZ_KCRASH_COMMON_H

#include "fuzz_common.h"

#include "kdk_layout.h"
#include "session.h"

struct fuzz_fact { enum kdk_layout_kind kind; const char *name; uint64_t value; };
struct fuzz_symbol { const char *name; uint64_t offset; };

static inline int fuzz_fact_find(const struct fuzz_fact *facts, size_t n, enum kdk_layout_kind kind,
				 const char *name, uint64_t *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (facts[i].kind == kind && !strcmp(facts[i].name, name)) {
			*value = facts[i].value;
			return 0;
		}
	return -ENOENT;
}

/* Inside a kdk_layout_lookup_fn with parameters kind, name, value: 1 when table answers. */
#define FUZZ_FACT_FOUND(table) \
	(fuzz_fact_find(table, sizeof(table) / sizeof(table[0]), kind, name, value) == 0)

/* s over m, its symbols at m->base + offset, its facts from source (which must answer what the
 * walkers need: a harness's own layout that fails to load is the harness's bug, so it aborts). */
static inline void fuzz_kcrash_session(struct session *s, struct fuzz_mem *m, const struct fuzz_symbol *syms,
				       size_t nsyms, struct kdk_facts_source *source)
{
	struct kdk_err err = { 0 };
	size_t i;

	memset(s, 0, sizeof(*s));
	s->out = fuzz_null();
	s->read_virt = fuzz_mem_read;
	s->read_ctx = m;
	kdk_symtab_init(&s->syms, "the harness");
	kdk_facts_init(&s->facts);
	for (i = 0; i < nsyms; i++)
		if (kdk_symtab_add(&s->syms, syms[i].name, m->base + syms[i].offset, 'D', &err))
			abort();
	if (kdk_symtab_finish(&s->syms, &err) || kdk_facts_add(&s->facts, source, &err))
		abort();
}

/* The input after its variant byte as the fake memory, zero-padded. */
static inline void fuzz_kcrash_memory(uint8_t *mem, size_t mem_size, const uint8_t *data, size_t size)
{
	memset(mem, 0, mem_size);
	memcpy(mem, data + 1, size - 1 < mem_size ? size - 1 : mem_size);
}

#endif
