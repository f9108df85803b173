/* modules.c — reading the module list. The text of a module is mem[MOD_TEXT] since 6.4
 * (struct module_memory), core_layout.{base, text_size} before; both found through BTF, so no
 * version check. Module symbols are Elf64_Sym (24 bytes: name, info, other, shndx, value, size)
 * in mod->kallsyms->symtab, their names in ->strtab and nm letters in ->typetab. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "list_guard.h"
#include "modules.h"

#define MAX_MODULES 65536

struct module_offsets {
	uint64_t list, name, kallsyms, arch_num_orcs, arch_orc_ip, arch_orc;
	uint64_t text_base, text_size;  /* from the start of struct module */
	uint64_t text_size_bytes;       /* 4: unsigned int */
	uint64_t ks_symtab, ks_num, ks_strtab, ks_typetab;
};

static int offsets(const struct kdk_btf *btf, struct module_offsets *o, struct kdk_err *err)
{
	uint64_t mem, base, size;
	int64_t text_index;
	int rc;

	if ((rc = kdk_btf_member(btf, "module", "list", &o->list, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "module", "name", &o->name, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "module", "kallsyms", &o->kallsyms, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "module", "arch.num_orcs", &o->arch_num_orcs, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "module", "arch.orc_unwind_ip", &o->arch_orc_ip, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "module", "arch.orc_unwind", &o->arch_orc, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "mod_kallsyms", "symtab", &o->ks_symtab, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "mod_kallsyms", "num_symtab", &o->ks_num, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "mod_kallsyms", "strtab", &o->ks_strtab, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "mod_kallsyms", "typetab", &o->ks_typetab, NULL, err)))
		return rc;
	if (!kdk_btf_member(btf, "module", "mem", &mem, NULL, err) &&
	    !kdk_btf_member(btf, "module_memory", "base", &base, NULL, err) &&
	    !kdk_btf_member(btf, "module_memory", "size", &size, NULL, err) &&
	    !kdk_btf_enum_value(btf, "MOD_TEXT", &text_index)) {
		uint64_t stride = kdk_btf_size(btf, kdk_btf_find(btf, KDK_BTF_STRUCT, "module_memory"));

		o->text_base = mem + stride * (uint64_t)text_index + base;
		o->text_size = mem + stride * (uint64_t)text_index + size;
		return 0;
	}
	kdk_err_clear(err);
	if ((rc = kdk_btf_member(btf, "module", "core_layout.base", &o->text_base, NULL, err)) ||
	    (rc = kdk_btf_member(btf, "module", "core_layout.text_size", &o->text_size, NULL, err)))
		return rc;
	return 0;
}

static int read_u64(struct session *s, uint64_t addr, uint64_t *v, struct kdk_err *err)
{
	return session_read(s, addr, v, 8, err);
}

static int add_symbols(struct session *s, const struct module_offsets *o, struct kmodule *m,
		       const char *owner, struct kdk_err *err)
{
	uint64_t ks, symtab, strtab, typetab;
	uint32_t count, i;
	int rc;

	if ((rc = read_u64(s, m->addr + o->kallsyms, &ks, err)) || !ks ||
	    (rc = read_u64(s, ks + o->ks_symtab, &symtab, err)) ||
	    (rc = session_read(s, ks + o->ks_num, &count, 4, err)) ||
	    (rc = read_u64(s, ks + o->ks_strtab, &strtab, err)) ||
	    (rc = read_u64(s, ks + o->ks_typetab, &typetab, err)))
		return rc;
	if (count > 1000000)
		return kdk_err_set(err, EINVAL, "module %s: %u symbols", m->name, count);
	for (i = 1; i < count; i++) {
		Elf64_Sym sym;
		char name[128], type = 't';

		if (session_read(s, symtab + (uint64_t)i * sizeof(sym), &sym, sizeof(sym), err) ||
		    session_read(s, strtab + sym.st_name, name, sizeof(name), err)) {
			kdk_err_clear(err);
			continue;
		}
		name[sizeof(name) - 1] = '\0';
		if (!name[0] || !sym.st_value || sym.st_shndx == SHN_UNDEF)
			continue;
		if (typetab && session_read(s, typetab + i, &type, 1, err))
			kdk_err_clear(err);
		if ((rc = kdk_symtab_add_module(&s->syms, name, sym.st_value, type, owner, err)))
			return rc;
	}
	return 0;
}

int modules_load(struct session *s, struct kdk_err *err)
{
	struct module_offsets o;
	struct list_guard guard;
	uint64_t head, node;
	size_t i;
	int rc;

	kdk_array_init(&s->modules, sizeof(struct kmodule));
	if (session_symbol(s, "modules", &head, err)) {
		kdk_err_clear(err);
		return 0;
	}
	if ((rc = offsets(&s->btf, &o, err)) || (rc = read_u64(s, head, &node, err)))
		return rc;
	/* A module whose record cannot be read is reported and left out; a list that loops or
	 * cannot be followed ends there. The others keep their symbols and unwind tables. */
	list_guard_init(&guard, head);
	while (node != head && node) {
		struct kmodule *m;
		uint32_t text_size = 0;
		uint64_t next;

		if (list_guard_loops(&guard, node) || s->modules.len >= MAX_MODULES) {
			fprintf(stderr, "kcrash: the module list loops at 0x%llx: the rest left out\n",
				(unsigned long long)node);
			break;
		}
		if (read_u64(s, node, &next, err)) {
			fprintf(stderr, "kcrash: the module list at 0x%llx: %s: the rest left out\n",
				(unsigned long long)node, err->msg);
			kdk_err_clear(err);
			break;
		}
		if (!(m = kdk_array_push(&s->modules, err)))
			return -err->code;
		m->addr = node - o.list;
		node = next;
		if (session_read(s, m->addr + o.name, m->name, 56, err) ||
		    read_u64(s, m->addr + o.text_base, &m->text_start, err) ||
		    session_read(s, m->addr + o.text_size, &text_size, 4, err) ||
		    session_read(s, m->addr + o.arch_num_orcs, &m->num_orcs, 4, err) ||
		    read_u64(s, m->addr + o.arch_orc_ip, &m->orc_ip, err) ||
		    read_u64(s, m->addr + o.arch_orc, &m->orc_entries, err)) {
			fprintf(stderr, "kcrash: module at 0x%llx: %s: skipped\n", (unsigned long long)m->addr,
				err->msg);
			kdk_err_clear(err);
			s->modules.len--;
			continue;
		}
		m->name[56] = '\0';
		m->text_size = text_size;
	}
	/* The symbols name their module through a pointer into s->modules: add them once the
	 * array stops growing. */
	for (i = 0; i < s->modules.len; i++) {
		struct kmodule *m = kdk_array_at(&s->modules, i);

		if (add_symbols(s, &o, m, m->name, err)) {
			fprintf(stderr, "kcrash: module %s: its symbols: %s: left out\n", m->name, err->msg);
			kdk_err_clear(err);
		}
	}
	return s->modules.len ? kdk_symtab_finish(&s->syms, err) : 0;
}

int modules_add_orc(struct session *s, struct kdk_orc_table *orc, struct kdk_err *err)
{
	size_t i;
	int rc;

	for (i = 0; i < s->modules.len; i++) {
		const struct kmodule *m = kdk_array_at(&s->modules, i);

		if (!m->num_orcs || !m->orc_ip || !m->orc_entries)
			continue;
		if ((rc = kdk_orc_add_module(orc, m->text_start, m->text_start + m->text_size, m->orc_ip,
					     m->orc_entries, m->num_orcs, kdk_kmem_read, &s->kmem, err)))
			return kdk_err_prefix(err, "module %s: ", m->name);
	}
	return 0;
}
