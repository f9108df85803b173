/* dwarf_source.c — a vmlinux's DWARF as a source of facts, for a vmlinux without BTF (libdw; only
 * kcrash links it: dumpsave never references this file, so its static build has no -ldw). */
#include "kfacts/kfacts.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One pass over every unit's top-level DIEs indexes the first definition of each named
 * struct, union, typedef, base and enum type, and every enumerator's value. Open addressing on
 * the name; names point into libdw's string data, alive while the Dwarf is open. */
struct entry {
	const char *name;
	Dwarf_Off die;          /* a type's DIE; for an enumerator 0 */
	int64_t value;          /* an enumerator's value */
	int kind;               /* 0 type, 1 enumerator */
};

struct dwarf_source {
	char *path;
	int fd;
	Dwarf *dw;
	struct entry *table;
	size_t cap, used;
};

static uint64_t hash_name(const char *s, int kind)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct entry *slot(struct dwarf_source *d, const char *name, int kind)
{
	size_t i = hash_name(name, kind) & (d->cap - 1);

	while (d->table[i].name && (d->table[i].kind != kind || strcmp(d->table[i].name, name)))
		i = (i + 1) & (d->cap - 1);
	return &d->table[i];
}

static int grow(struct dwarf_source *d)
{
	struct entry *old = d->table;
	size_t old_cap = d->cap, i;

	d->cap = old_cap ? old_cap * 2 : 65536;
	if (!(d->table = calloc(d->cap, sizeof(*d->table)))) {
		d->table = old;
		d->cap = old_cap;
		return -ENOMEM;
	}
	for (i = 0; i < old_cap; i++)
		if (old[i].name)
			*slot(d, old[i].name, old[i].kind) = old[i];
	free(old);
	return 0;
}

static int insert(struct dwarf_source *d, const char *name, int kind, Dwarf_Off die, int64_t value)
{
	struct entry *e;

	if ((d->used + 1) * 2 > d->cap && grow(d) < 0)
		return -ENOMEM;
	e = slot(d, name, kind);
	if (e->name)
		return 0;      /* the first definition stays */
	e->name = name;
	e->kind = kind;
	e->die = die;
	e->value = value;
	d->used++;
	return 0;
}

static int index_enumerators(struct dwarf_source *d, Dwarf_Die *enum_die)
{
	Dwarf_Die child;
	Dwarf_Attribute attr;

	if (dwarf_child(enum_die, &child) != 0)
		return 0;
	do {
		const char *name = dwarf_diename(&child);
		Dwarf_Sword sval;
		Dwarf_Word uval;
		int64_t value;

		if (dwarf_tag(&child) != DW_TAG_enumerator || !name ||
		    !dwarf_attr(&child, DW_AT_const_value, &attr))
			continue;
		if (dwarf_formsdata(&attr, &sval) == 0)
			value = sval;
		else if (dwarf_formudata(&attr, &uval) == 0)
			value = (int64_t)uval;
		else
			continue;
		if (insert(d, name, 1, 0, value) < 0)
			return -ENOMEM;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

static int load_dwarf(void *ctx, struct kdk_err *err)
{
	struct dwarf_source *d = ctx;
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, die;
	uint8_t unit_type;
	Dwarf_Half version;

	if ((d->fd = open(d->path, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", d->path);
	if (!(d->dw = dwarf_begin(d->fd, DWARF_C_READ)))
		return kdk_err_set(err, ENOENT, "%s: no DWARF (%s)", d->path, dwarf_errmsg(-1));
	while (dwarf_get_units(d->dw, cu, &cu, &version, &unit_type, &cudie, NULL) == 0) {
		if (dwarf_child(&cudie, &die) != 0)
			continue;
		do {
			int tag = dwarf_tag(&die);
			const char *name = dwarf_diename(&die);

			if (tag == DW_TAG_enumeration_type && index_enumerators(d, &die) < 0)
				return kdk_err_set(err, ENOMEM, "%s: DWARF index", d->path);
			if (!name || dwarf_hasattr(&die, DW_AT_declaration))
				continue;
			if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
			     tag == DW_TAG_typedef || tag == DW_TAG_base_type ||
			     tag == DW_TAG_enumeration_type) &&
			    insert(d, name, 0, dwarf_dieoffset(&die), 0) < 0)
				return kdk_err_set(err, ENOMEM, "%s: DWARF index", d->path);
		} while (dwarf_siblingof(&die, &die) == 0);
	}
	if (!d->used)
		return kdk_err_set(err, ENOENT, "%s: no DWARF types", d->path);
	return 0;
}

static int find_type(struct dwarf_source *d, const char *name, Dwarf_Die *die)
{
	struct entry *e = d->cap ? slot(d, name, 0) : NULL;

	return e && e->name && dwarf_offdie(d->dw, e->die, die) ? 0 : -ENOENT;
}

/* DWARF 2 and 3 give a member's offset as the expression DW_OP_plus_uconst N. */
static int member_location_expr(Dwarf_Attribute *attr, Dwarf_Word *at)
{
	Dwarf_Op *ops;
	size_t n;

	if (dwarf_getlocation(attr, &ops, &n) != 0 || n != 1 || ops[0].atom != DW_OP_plus_uconst)
		return -ENOENT;
	*at = ops[0].number;
	return 0;
}

/* A member of struct/union `type` by name, anonymous members looked into; *offset += its
 * offset (bytes; a bitfield's storage unit's, 0 when DW_AT_data_bit_offset places it), *member
 * its DIE. Bitfields are refused unless bitfield_ok. */
static int find_member(Dwarf_Die *type, const char *name, size_t len, uint64_t *offset,
		       Dwarf_Die *member, bool bitfield_ok, int depth)
{
	Dwarf_Die peeled, child, child_type;
	Dwarf_Attribute attr;

	if (depth > 16 || dwarf_peel_type(type, &peeled) != 0 ||
	    (dwarf_tag(&peeled) != DW_TAG_structure_type && dwarf_tag(&peeled) != DW_TAG_union_type) ||
	    dwarf_child(&peeled, &child) != 0)
		return -ENOENT;
	do {
		const char *member_name = dwarf_diename(&child);
		Dwarf_Word at = 0;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (dwarf_attr(&child, DW_AT_data_member_location, &attr) &&
		    dwarf_formudata(&attr, &at) != 0 && member_location_expr(&attr, &at) != 0)
			continue;      /* a location expression that is no plain offset */
		if (!member_name) {
			uint64_t inner = 0;

			if (dwarf_attr(&child, DW_AT_type, &attr) &&
			    dwarf_formref_die(&attr, &child_type) &&
			    find_member(&child_type, name, len, &inner, member, bitfield_ok,
					depth + 1) == 0) {
				*offset += at + inner;
				return 0;
			}
			continue;
		}
		if (strlen(member_name) == len && !memcmp(member_name, name, len)) {
			if (dwarf_hasattr(&child, DW_AT_bit_size) && !bitfield_ok)
				return -EINVAL;
			*offset += at;
			*member = child;
			return 0;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return -ENOENT;
}

/* "s.m.n": the member's offset from s and its DIE; the last member may be a bitfield when
 * bitfield_ok (its storage unit's offset then, find_member). */
static int member_path(struct dwarf_source *d, const char *name, uint64_t *offset, Dwarf_Die *member,
		       bool bitfield_ok)
{
	const char *dot = strchr(name, '.'), *part;
	char container[128];
	Dwarf_Die type;
	Dwarf_Attribute attr;

	if (!dot || (size_t)(dot - name) >= sizeof(container))
		return -ENOENT;
	memcpy(container, name, (size_t)(dot - name));
	container[dot - name] = '\0';
	if (find_type(d, container, &type) < 0)
		return -ENOENT;
	*offset = 0;
	for (part = dot + 1;;) {
		const char *next = strchr(part, '.');
		size_t len = next ? (size_t)(next - part) : strlen(part);

		if (find_member(&type, part, len, offset, member, bitfield_ok && !next, 0) < 0)
			return -ENOENT;
		if (!next)
			return 0;
		if (!dwarf_attr(member, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &type))
			return -ENOENT;
		part = next + 1;
	}
}

/* "s.m": the member's offset and width in bits, a bitfield's too: DW_AT_data_bit_offset (DWARF 4
 * on), or DWARF 2/3's DW_AT_bit_offset, counted from the most significant bit of a storage unit of
 * DW_AT_byte_size bytes (little-endian: from the unit's end). */
static int member_bits(struct dwarf_source *d, const char *name, uint64_t *bit_offset,
		       uint64_t *bit_size)
{
	Dwarf_Word width, place, unit;
	Dwarf_Attribute attr;
	Dwarf_Die die, type;
	uint64_t offset;

	if (member_path(d, name, &offset, &die, true) < 0)
		return -ENOENT;
	if (!dwarf_attr(&die, DW_AT_bit_size, &attr) || dwarf_formudata(&attr, &width) != 0) {
		if (!dwarf_attr(&die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &type) ||
		    dwarf_aggregate_size(&type, &unit) != 0 || !unit)
			return -ENOENT;
		*bit_offset = offset * 8;
		*bit_size = unit * 8;
		return 0;
	}
	*bit_size = width;
	if (dwarf_attr(&die, DW_AT_data_bit_offset, &attr)) {
		if (dwarf_formudata(&attr, &place) != 0)
			return -ENOENT;
		*bit_offset = offset * 8 + place;
		return 0;
	}
	if (!dwarf_attr(&die, DW_AT_bit_offset, &attr) || dwarf_formudata(&attr, &place) != 0)
		return -ENOENT;
	if (!dwarf_attr(&die, DW_AT_byte_size, &attr) || dwarf_formudata(&attr, &unit) != 0) {
		if (!dwarf_attr(&die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &type) ||
		    dwarf_aggregate_size(&type, &unit) != 0)
			return -ENOENT;
	}
	if (place + width > unit * 8)
		return -ENOENT;
	*bit_offset = offset * 8 + unit * 8 - place - width;
	return 0;
}

static int dwarf_lookup(void *ctx, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	struct dwarf_source *d = ctx;
	Dwarf_Die die, type, peeled, child;
	Dwarf_Attribute attr;
	Dwarf_Word size;
	uint64_t offset;
	struct entry *e;

	switch (kind) {
	case KDK_KEY_OFFSET:
		if (member_path(d, name, &offset, &die, false) < 0)
			return -ENOENT;
		*value = offset;
		return 0;
	case KDK_KEY_SIZE:
		if (strchr(name, '.')) {
			if (member_path(d, name, &offset, &die, false) < 0 || !dwarf_attr(&die, DW_AT_type, &attr) ||
			    !dwarf_formref_die(&attr, &type))
				return -ENOENT;
		} else if (find_type(d, name, &type) < 0) {
			return -ENOENT;
		}
		if (dwarf_aggregate_size(&type, &size) != 0 || !size)
			return -ENOENT;
		*value = size;
		return 0;
	case KDK_KEY_LENGTH:
		if (member_path(d, name, &offset, &die, false) < 0 || !dwarf_attr(&die, DW_AT_type, &attr) ||
		    !dwarf_formref_die(&attr, &type) || dwarf_peel_type(&type, &peeled) != 0 ||
		    dwarf_tag(&peeled) != DW_TAG_array_type || dwarf_child(&peeled, &child) != 0 ||
		    dwarf_tag(&child) != DW_TAG_subrange_type)
			return -ENOENT;
		if (dwarf_attr(&child, DW_AT_count, &attr) && dwarf_formudata(&attr, &size) == 0) {
			*value = size;
			return 0;
		}
		if (dwarf_attr(&child, DW_AT_upper_bound, &attr) && dwarf_formudata(&attr, &size) == 0) {
			*value = size + 1;
			return 0;
		}
		return -ENOENT;
	case KDK_KEY_NUMBER:
		e = d->cap ? slot(d, name, 1) : NULL;
		if (!e || !e->name)
			return -ENOENT;
		*value = (uint64_t)e->value;
		return 0;
	case KDK_KEY_SYMBOL:
		return -ENOENT;    /* the session's symbol table answers those */
	case KDK_KEY_BIT_OFFSET: case KDK_KEY_BIT_SIZE: {
		uint64_t bit_offset, bit_size;

		if (member_bits(d, name, &bit_offset, &bit_size) < 0)
			return -ENOENT;
		*value = kind == KDK_KEY_BIT_OFFSET ? bit_offset : bit_size;
		return 0;
	}
	}
	return -ENOENT;
}

static void dwarf_release(void *ctx)
{
	struct dwarf_source *d = ctx;

	if (d->dw)
		dwarf_end(d->dw);
	if (d->fd >= 0)
		close(d->fd);
	free(d->table);
	free(d->path);
	free(d);
}

int kdk_facts_add_dwarf(struct kdk_facts *f, const char *vmlinux, struct kdk_err *err)
{
	struct dwarf_source *d = calloc(1, sizeof(*d));
	struct kdk_facts_source src = {
		.name = "the vmlinux's DWARF", .lookup = dwarf_lookup, .load = load_dwarf,
		.release = dwarf_release,
	};

	if (!d || !(d->path = strdup(vmlinux))) {
		free(d);
		return kdk_err_set(err, ENOMEM, "out of memory for a DWARF source");
	}
	d->fd = -1;
	src.ctx = d;
	return kdk_facts_add(f, &src, err);
}
