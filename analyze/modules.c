/* modules.c — reading the module list. The text of a module is mem[MOD_TEXT] since 6.4
 * (struct module_memory), core_layout.{base, text_size} before; whichever the fact chain
 * (VMCOREINFO, BTF, DWARF) knows is used, so no version check. Module symbols are Elf64_Sym
 * (24 bytes: name, info, other, shndx, value, size) in mod->kallsyms->symtab, their names in
 * ->strtab and nm letters in ->typetab. */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "list_guard.h"
#include "modules.h"

#define MAX_MODULES 65536

/* Where struct module and struct mod_kallsyms keep what the walk reads, through the fact chain
 * (VMCOREINFO, then BTF or DWARF). The text is mem[MOD_TEXT] (struct module_memory) since 6.4,
 * core_layout.{base, text_size} before: whichever the kernel has. */
struct module_offsets {
	uint64_t list, name, kallsyms, arch_num_orcs, arch_orc_ip, arch_orc;
	uint64_t ks_symtab, ks_num, ks_strtab, ks_typetab;
	uint64_t mem, mem_base, mem_size, mem_stride, mod_text;
	bool has_mem, has_mem_base, has_mem_size, has_mem_stride, has_mod_text;
	uint64_t core_base, core_text_size;
	bool has_core_base, has_core_text_size;
	uint64_t text_base, text_size;  /* from the start of struct module (4-byte size) */
};

#define O(kind, name, field) KDK_LAYOUT_KEY(kind, name, struct module_offsets, field)
#define OPT(kind, name, field) \
	KDK_LAYOUT_OPTIONAL(kind, name, struct module_offsets, field, has_##field)
static const struct kdk_layout_key module_keys[] = {
	O(KDK_KEY_OFFSET, "module.list", list),
	O(KDK_KEY_OFFSET, "module.name", name),
	O(KDK_KEY_OFFSET, "module.kallsyms", kallsyms),
	O(KDK_KEY_OFFSET, "module.arch.num_orcs", arch_num_orcs),
	O(KDK_KEY_OFFSET, "module.arch.orc_unwind_ip", arch_orc_ip),
	O(KDK_KEY_OFFSET, "module.arch.orc_unwind", arch_orc),
	O(KDK_KEY_OFFSET, "mod_kallsyms.symtab", ks_symtab),
	O(KDK_KEY_OFFSET, "mod_kallsyms.num_symtab", ks_num),
	O(KDK_KEY_OFFSET, "mod_kallsyms.strtab", ks_strtab),
	O(KDK_KEY_OFFSET, "mod_kallsyms.typetab", ks_typetab),
	OPT(KDK_KEY_OFFSET, "module.mem", mem),
	OPT(KDK_KEY_OFFSET, "module_memory.base", mem_base),
	OPT(KDK_KEY_OFFSET, "module_memory.size", mem_size),
	OPT(KDK_KEY_SIZE, "module_memory", mem_stride),
	OPT(KDK_KEY_NUMBER, "MOD_TEXT", mod_text),
	OPT(KDK_KEY_OFFSET, "module.core_layout.base", core_base),
	OPT(KDK_KEY_OFFSET, "module.core_layout.text_size", core_text_size),
	{ 0, NULL, 0, 0 },
};
#undef O
#undef OPT

static int offsets(struct kdk_facts *facts, struct module_offsets *o, struct kdk_err *err)
{
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = kdk_facts_fill(facts, module_keys, o, err)))
		return rc;
	if (o->has_mem && o->has_mem_base && o->has_mem_size && o->has_mem_stride && o->has_mod_text) {
		o->text_base = o->mem + o->mem_stride * o->mod_text + o->mem_base;
		o->text_size = o->mem + o->mem_stride * o->mod_text + o->mem_size;
		return 0;
	}
	if (o->has_core_base && o->has_core_text_size) {
		o->text_base = o->core_base;
		o->text_size = o->core_text_size;
		return 0;
	}
	return kdk_err_set(err, ENOENT, "struct module has neither mem[MOD_TEXT] (OFFSET(module.mem), "
					"OFFSET(module_memory.base), NUMBER(MOD_TEXT)) nor OFFSET(module.core_layout.base)");
}

static int add_symbols(struct session *s, const struct module_offsets *o, struct kmodule *m,
		       const char *owner, struct kdk_err *err)
{
	uint64_t ks, symtab, strtab, typetab;
	uint32_t count, i;
	int rc;

	if ((rc = session_read_u64(s, m->addr + o->kallsyms, &ks, err)) || !ks ||
	    (rc = session_read_u64(s, ks + o->ks_symtab, &symtab, err)) ||
	    (rc = session_read(s, ks + o->ks_num, &count, 4, err)) ||
	    (rc = session_read_u64(s, ks + o->ks_strtab, &strtab, err)) ||
	    (rc = session_read_u64(s, ks + o->ks_typetab, &typetab, err)))
		return rc;
	if (count > 1000000)
		return kdk_err_set(err, EINVAL, "module %s: %u symbols", m->name, count);
	for (i = 1; i < count; i++) {
		Elf64_Sym sym;
		char name[128], type = 't';

		/* The table is one block: where it stops reading, the rest is not there either (a
		 * damaged count must not cost a million failed reads). A name that cannot be read
		 * costs only its symbol. */
		if ((rc = session_read(s, symtab + (uint64_t)i * sizeof(sym), &sym, sizeof(sym), err)))
			return i > 1 ? kdk_err_prefix(err, "symbol %u of %u: ", i, count) : rc;
		if (session_read(s, strtab + sym.st_name, name, sizeof(name), err)) {
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
	if ((rc = offsets(&s->facts, &o, err)) || (rc = session_read_u64(s, head, &node, err)))
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
		if (session_read_u64(s, node, &next, err)) {
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
		    session_read_u64(s, m->addr + o.text_base, &m->text_start, err) ||
		    session_read(s, m->addr + o.text_size, &text_size, 4, err) ||
		    session_read(s, m->addr + o.arch_num_orcs, &m->num_orcs, 4, err) ||
		    session_read_u64(s, m->addr + o.arch_orc_ip, &m->orc_ip, err) ||
		    session_read_u64(s, m->addr + o.arch_orc, &m->orc_entries, err)) {
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
					     m->orc_entries, m->num_orcs, s->read_virt, s->read_ctx, err)))
			return kdk_err_prefix(err, "module %s: ", m->name);
	}
	return 0;
}
