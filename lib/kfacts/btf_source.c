/* btf_source.c — BTF as a source of facts: OFFSET(s.m) a member's offset, SIZE(s) a type's (or
 * SIZE(s.m) a member's) size, LENGTH(s.m) an array member's count, NUMBER(X) an enumerator,
 * BIT_OFFSET(s.m)/BIT_SIZE(s.m) any member's place in bits (bitfields too);
 * SYMBOL(x) from the symbol table that found the BTF. The dump's BTF and a vmlinux's are lazy. */
#include "kfacts/kfacts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

struct btf_source {
	const struct kdk_btf *btf;        /* the BTF asked (own_btf when read here) */
	const struct kdk_symtab *syms;    /* SYMBOL(); NULL: none */
	struct kdk_btf own_btf;
	struct kdk_symtab own_syms;       /* the dump's kallsyms, when decoded here */
	bool have_own_btf, have_own_syms;
	/* Where a lazy source reads from. */
	const struct kdk_vmcoreinfo *vi;
	kdk_read_virt_fn read_virt;
	void *read_ctx;
	char *vmlinux;
};

static uint32_t find_type(const struct kdk_btf *btf, const char *name)
{
	static const enum kdk_btf_kind kinds[] = { KDK_BTF_STRUCT, KDK_BTF_UNION, KDK_BTF_TYPEDEF,
						   KDK_BTF_ENUM, KDK_BTF_ENUM64, KDK_BTF_INT };
	size_t i;
	uint32_t id;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if ((id = kdk_btf_find(btf, kinds[i], name)))
			return id;
	return 0;
}

/* "s.m.n" → the member's type id; a name without a dot → the variable's type (LENGTH of a global
 * array). 0 when unknown. */
static uint32_t member_type(const struct kdk_btf *btf, const char *name)
{
	const char *dot = strchr(name, '.');
	char container[128];
	uint64_t offset;
	uint32_t type = 0;

	if (!dot) {
		uint32_t var = kdk_btf_find(btf, KDK_BTF_VAR, name);
		return var ? kdk_btf_ref(btf, var) : 0;
	}
	if ((size_t)(dot - name) >= sizeof(container))
		return 0;
	memcpy(container, name, (size_t)(dot - name));
	container[dot - name] = '\0';
	if (kdk_btf_member(btf, container, dot + 1, &offset, &type, NULL) < 0)
		return 0;
	return type;
}

static int btf_lookup(void *ctx, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	struct btf_source *s = ctx;
	const struct kdk_btf *btf = s->btf;
	const char *dot = strchr(name, '.');
	uint32_t type, elem, count;
	int64_t number;

	switch (kind) {
	case KDK_KEY_SYMBOL: {
		const struct kdk_ksym *sym = s->syms ? kdk_symtab_by_name(s->syms, name) : NULL;

		if (!sym)
			return -ENOENT;
		*value = sym->addr;
		return 0;
	}
	case KDK_KEY_OFFSET: {
		char container[128];

		if (!btf || !dot || (size_t)(dot - name) >= sizeof(container))
			return -ENOENT;
		memcpy(container, name, (size_t)(dot - name));
		container[dot - name] = '\0';
		return kdk_btf_member(btf, container, dot + 1, value, NULL, NULL) < 0 ? -ENOENT : 0;
	}
	case KDK_KEY_SIZE:
		if (!btf)
			return -ENOENT;
		type = dot ? member_type(btf, name) : find_type(btf, name);
		if (!type || !(*value = kdk_btf_size(btf, type)))
			return -ENOENT;
		return 0;
	case KDK_KEY_LENGTH:
		if (!btf || !(type = kdk_btf_resolve(btf, member_type(btf, name))) ||
		    kdk_btf_array(btf, type, &elem, &count) < 0)
			return -ENOENT;
		*value = count;
		return 0;
	case KDK_KEY_NUMBER:
		if (!btf || kdk_btf_enum_value(btf, name, &number) < 0)
			return -ENOENT;
		*value = (uint64_t)number;
		return 0;
	case KDK_KEY_BIT_OFFSET: case KDK_KEY_BIT_SIZE: {
		char container[128];
		uint64_t bit_offset, bit_size;

		if (!btf || !dot || (size_t)(dot - name) >= sizeof(container))
			return -ENOENT;
		memcpy(container, name, (size_t)(dot - name));
		container[dot - name] = '\0';
		if (kdk_btf_member_bits(btf, container, dot + 1, &bit_offset, &bit_size, NULL) < 0)
			return -ENOENT;
		*value = kind == KDK_KEY_BIT_OFFSET ? bit_offset : bit_size;
		return 0;
	}
	}
	return -ENOENT;
}

static void btf_release(void *ctx)
{
	struct btf_source *s = ctx;

	if (s->have_own_btf)
		kdk_btf_free(&s->own_btf);
	if (s->have_own_syms)
		kdk_symtab_free(&s->own_syms);
	free(s->vmlinux);
	free(s);
}

static int add(struct kdk_facts *f, const char *name, struct btf_source *s,
	       int (*load)(void *ctx, struct kdk_err *err), struct kdk_err *err)
{
	struct kdk_facts_source src = {
		.name = name, .lookup = btf_lookup, .ctx = s, .load = load, .release = btf_release,
	};

	return kdk_facts_add(f, &src, err);
}

int kdk_facts_add_btf(struct kdk_facts *f, const char *name, const struct kdk_btf *btf,
		      const struct kdk_symtab *syms, struct kdk_err *err)
{
	struct btf_source *s = calloc(1, sizeof(*s));

	if (!s)
		return kdk_err_set(err, ENOMEM, "out of memory for a BTF source");
	s->btf = btf;
	s->syms = syms;
	return add(f, name, s, NULL, err);
}

/* The dump's kallsyms only when no table was given: in the capture kernel this decode is the
 * cost the laziness avoids. */
static int load_dump_btf(void *ctx, struct kdk_err *err)
{
	struct btf_source *s = ctx;
	int rc;

	if (!s->syms) {
		if ((rc = kdk_kallsyms_read(s->vi, s->read_virt, s->read_ctx, &s->own_syms, err)) < 0)
			return kdk_err_prefix(err, "its kallsyms: ");
		s->have_own_syms = true;
		s->syms = &s->own_syms;
	}
	if ((rc = kdk_btf_from_memory(&s->own_btf, s->syms, s->read_virt, s->read_ctx, err)) < 0)
		return rc;
	s->have_own_btf = true;
	s->btf = &s->own_btf;
	return 0;
}

int kdk_facts_add_dump_btf(struct kdk_facts *f, const struct kdk_vmcoreinfo *vi,
			   const struct kdk_symtab *syms, kdk_read_virt_fn read_virt,
			   void *read_ctx, struct kdk_err *err)
{
	struct btf_source *s = calloc(1, sizeof(*s));

	if (!s)
		return kdk_err_set(err, ENOMEM, "out of memory for a BTF source");
	s->vi = vi;
	s->syms = syms;
	s->read_virt = read_virt;
	s->read_ctx = read_ctx;
	return add(f, "the dump's BTF", s, load_dump_btf, err);
}

static int load_elf_btf(void *ctx, struct kdk_err *err)
{
	struct btf_source *s = ctx;
	int rc;

	if ((rc = kdk_btf_from_elf(&s->own_btf, s->vmlinux, err)) < 0)
		return rc;
	s->have_own_btf = true;
	s->btf = &s->own_btf;
	return 0;
}

int kdk_facts_add_elf_btf(struct kdk_facts *f, const char *vmlinux, struct kdk_err *err)
{
	struct btf_source *s = calloc(1, sizeof(*s));

	if (!s || !(s->vmlinux = strdup(vmlinux))) {
		free(s);
		return kdk_err_set(err, ENOMEM, "out of memory for a BTF source");
	}
	return add(f, "the vmlinux's BTF", s, load_elf_btf, err);
}
