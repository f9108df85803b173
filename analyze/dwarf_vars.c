/* dwarf_vars.c — global variables' DWARF types: one pass over every unit's top-level DIEs keeps
 * the first definition of each named variable (a declaration only when no definition exists). */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf_vars.h"

struct var_entry {
	const char *name;          /* libdw's string data, alive while dw is open */
	Dwarf_Off die;
	bool declaration;
};

struct dwarf_vars {
	int fd;
	Dwarf *dw;
	struct var_entry *table;
	size_t cap, used;
	int state;                 /* 1 indexed, -errno failed */
	struct kdk_err load_err;   /* why, when it failed */
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct var_entry *slot(struct dwarf_vars *d, const char *name)
{
	size_t i = hash_name(name) & (d->cap - 1);

	while (d->table[i].name && strcmp(d->table[i].name, name))
		i = (i + 1) & (d->cap - 1);
	return &d->table[i];
}

static int insert(struct dwarf_vars *d, const char *name, Dwarf_Off die, bool declaration)
{
	struct var_entry *e;

	if ((d->used + 1) * 2 > d->cap) {
		struct var_entry *old = d->table;
		size_t old_cap = d->cap, i;

		d->cap = old_cap ? old_cap * 2 : 65536;
		if (!(d->table = calloc(d->cap, sizeof(*d->table)))) {
			d->table = old;
			d->cap = old_cap;
			return -ENOMEM;
		}
		for (i = 0; i < old_cap; i++)
			if (old[i].name)
				*slot(d, old[i].name) = old[i];
		free(old);
	}
	e = slot(d, name);
	if (e->name && (declaration || !e->declaration))
		return 0;
	if (!e->name)
		d->used++;
	e->name = name;
	e->die = die;
	e->declaration = declaration;
	return 0;
}

static int load(struct dwarf_vars *d, const char *path, struct kdk_err *err)
{
	Dwarf_Off off = 0, next_off;
	size_t header;
	int rc;

	if ((d->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", path);
	if (!(d->dw = dwarf_begin(d->fd, DWARF_C_READ)))
		return kdk_err_set(err, ENOENT, "%s: no DWARF (%s)", path, dwarf_errmsg(-1));
	while (!dwarf_nextcu(d->dw, off, &next_off, &header, NULL, NULL, NULL)) {
		Dwarf_Die cu, child;

		if (dwarf_offdie(d->dw, off + header, &cu) && dwarf_child(&cu, &child) == 0) {
			do {
				Dwarf_Attribute attr;
				const char *name;
				bool decl;

				if (dwarf_tag(&child) != DW_TAG_variable)
					continue;
				/* a definition completing an earlier declaration ("const char
				 * linux_banner[] = …" after "extern const char linux_banner[];")
				 * names it through DW_AT_specification and has the complete type */
				if (!(name = dwarf_diename(&child)) &&
				    (!dwarf_attr_integrate(&child, DW_AT_name, &attr) ||
				     !(name = dwarf_formstring(&attr))))
					continue;
				if (!dwarf_attr_integrate(&child, DW_AT_type, &attr))
					continue;
				decl = dwarf_hasattr(&child, DW_AT_declaration);
				if ((rc = insert(d, name, dwarf_dieoffset(&child), decl)))
					return kdk_err_set(err, -rc, "%s: indexing variables", path);
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		off = next_off;
	}
	return 0;
}

/* The DIE's type as base + pointer levels + one outer array dimension, the base found in BTF by
 * its name (struct/union/enum tag, typedef, or integer). */
static int to_type(const struct kdk_btf *btf, Dwarf_Die *var, struct kexpr_type *t)
{
	Dwarf_Attribute attr;
	Dwarf_Die die = *var, sub;
	unsigned steps = 0;
	const char *name;

	memset(t, 0, sizeof(*t));
	while (steps++ < 32) {
		if (!dwarf_attr_integrate(&die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &die)) {
			/* void */
			return 0;
		}
		switch (dwarf_tag(&die)) {
		case DW_TAG_const_type:
			t->base_const = true;
			continue;
		case DW_TAG_volatile_type:
			t->base_volatile = true;
			continue;
		case DW_TAG_restrict_type: case DW_TAG_atomic_type:
			continue;
		case DW_TAG_pointer_type:
			if (t->ptr == 255)
				return -EINVAL;
			t->ptr++;
			/* a qualifier seen so far was the pointer's: the base's come after it */
			t->base_const = t->base_volatile = false;
			continue;
		case DW_TAG_array_type:
			/* only the outermost dimension, before any pointer */
			if (t->ptr || t->is_array)
				return -ENOTSUP;
			t->is_array = true;
			if (dwarf_child(&die, &sub) == 0 && dwarf_tag(&sub) == DW_TAG_subrange_type) {
				Dwarf_Word count = 0, upper;

				if (dwarf_attr(&sub, DW_AT_count, &attr) && !dwarf_formudata(&attr, &count))
					t->count = (uint32_t)count;
				else if (dwarf_attr(&sub, DW_AT_upper_bound, &attr) &&
					 !dwarf_formudata(&attr, &upper))
					t->count = (uint32_t)upper + 1;
			}
			continue;
		case DW_TAG_subroutine_type:
			/* a function pointer: as a pointer to void here */
			return 0;
		case DW_TAG_structure_type: case DW_TAG_union_type: case DW_TAG_enumeration_type:
		case DW_TAG_typedef: case DW_TAG_base_type: {
			int tag = dwarf_tag(&die);
			int kind = tag == DW_TAG_structure_type ? KDK_BTF_STRUCT :
				   tag == DW_TAG_union_type ? KDK_BTF_UNION :
				   tag == DW_TAG_enumeration_type ? KDK_BTF_ENUM :
				   tag == DW_TAG_typedef ? KDK_BTF_TYPEDEF : KDK_BTF_INT;

			if (!(name = dwarf_diename(&die)))
				return -ENOENT;       /* an anonymous type has no BTF name to find */
			t->id = kdk_btf_find(btf, kind, name);
			if (!t->id && kind == KDK_BTF_ENUM)
				t->id = kdk_btf_find(btf, KDK_BTF_ENUM64, name);
			if (!t->id && tag == DW_TAG_base_type && !strcmp(name, "_Bool"))
				t->id = kdk_btf_find(btf, KDK_BTF_INT, "bool");
			return t->id ? 0 : -ENOENT;
		}
		default:
			return -ENOTSUP;
		}
	}
	return -ELOOP;
}

int dwarf_vars_type(struct session *s, const char *name, struct kexpr_type *type,
		    struct kdk_err *err)
{
	struct dwarf_vars *d = s->dwarf_vars;
	struct var_entry *e;
	Dwarf_Die die;
	int rc;

	if (!d) {
		if (!(d = calloc(1, sizeof(*d))))
			return kdk_err_set(err, ENOMEM, "DWARF variables");
		d->fd = -1;
		s->dwarf_vars = d;
		d->state = load(d, s->symbols_path, &d->load_err);
		if (!d->state)
			d->state = 1;
	}
	if (d->state < 0)
		return kdk_err_set(err, -d->state, "%s", d->load_err.msg);
	if (!d->cap || !(e = slot(d, name))->name)
		return kdk_err_set(err, ENOENT, "the vmlinux's DWARF has no variable %s", name);
	if (!dwarf_offdie(d->dw, e->die, &die))
		return kdk_err_set(err, EINVAL, "%s: DWARF entry unreadable", name);
	if ((rc = to_type(&s->btf, &die, type)))
		return kdk_err_set(err, -rc, "%s: its DWARF type has no BTF counterpart", name);
	return 0;
}

void dwarf_vars_free(struct dwarf_vars *d)
{
	if (!d)
		return;
	if (d->dw)
		dwarf_end(d->dw);
	if (d->fd >= 0)
		close(d->fd);
	free(d->table);
	free(d);
}
