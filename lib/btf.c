/* btf.c — reading BTF: header (magic 0xeB9F, version 1, hdr_len, type_off/len, str_off/len; the
 * offsets count from the end of the header), then the types, each a 12-byte btf_type
 * {name_off, info, size|type} followed by kind-specific data:
 *   INT +4; ARRAY +12 {type, index_type, nelems}; STRUCT/UNION +12 per member
 *   {name_off, type, offset}; ENUM +8 per value; ENUM64 +12 per value; FUNC_PROTO +8 per param;
 *   VAR +4; DATASEC +12 per variable; DECL_TAG +4; everything else nothing.
 * info: vlen in bits 0-15, kind in bits 24-28, kind_flag in bit 31 (for structs: member offsets
 * are then bitfield size << 24 | bit offset). */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf.h"

#define BTF_MAGIC 0xeB9F
#define MAX_DEPTH 32

struct btf_type_raw {
	uint32_t name_off, info, size_or_type;
};

struct btf_member_raw {
	uint32_t name_off, type, offset;
};

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static struct btf_type_raw type_raw(const struct kdk_btf *btf, uint32_t id)
{
	struct btf_type_raw t;

	memcpy(&t, btf->types + btf->type_at[id], sizeof(t));
	return t;
}

static unsigned vlen_of(uint32_t info) { return info & 0xffff; }
static unsigned kind_of(uint32_t info) { return (info >> 24) & 0x1f; }

/* Bytes after the 12-byte header of a type of this kind. */
static int64_t extra_size(uint32_t info)
{
	unsigned vlen = vlen_of(info);

	switch (kind_of(info)) {
	case KDK_BTF_INT: case KDK_BTF_VAR: case KDK_BTF_DECL_TAG: return 4;
	case KDK_BTF_ARRAY: return 12;
	case KDK_BTF_STRUCT: case KDK_BTF_UNION: case KDK_BTF_DATASEC: case KDK_BTF_ENUM64:
		return 12LL * vlen;
	case KDK_BTF_ENUM: case KDK_BTF_FUNC_PROTO: return 8LL * vlen;
	case KDK_BTF_PTR: case KDK_BTF_FWD: case KDK_BTF_TYPEDEF: case KDK_BTF_VOLATILE:
	case KDK_BTF_CONST: case KDK_BTF_RESTRICT: case KDK_BTF_FUNC: case KDK_BTF_FLOAT:
	case KDK_BTF_TYPE_TAG:
		return 0;
	default:
		return -1;
	}
}

int kdk_btf_parse(struct kdk_btf *btf, uint8_t *data, size_t size, struct kdk_err *err)
{
	uint32_t hdr_len, type_off, type_len, str_off, str_len, at, cap = 1024;

	memset(btf, 0, sizeof(*btf));
	btf->data = data;
	btf->size = size;
	if (size < 24 || (data[0] | data[1] << 8) != BTF_MAGIC || data[2] != 1) {
		kdk_btf_free(btf);
		return kdk_err_set(err, EINVAL, "BTF: no BTF header (magic 0xeB9F, version 1)");
	}
	hdr_len = get32(data + 4);
	type_off = get32(data + 8);
	type_len = get32(data + 12);
	str_off = get32(data + 16);
	str_len = get32(data + 20);
	if (hdr_len < 24 || (uint64_t)hdr_len + type_off + type_len > size ||
	    (uint64_t)hdr_len + str_off + str_len > size || !str_len) {
		kdk_btf_free(btf);
		return kdk_err_set(err, EINVAL, "BTF: sections past the end of its %zu bytes", size);
	}
	btf->types = data + hdr_len + type_off;
	btf->types_len = type_len;
	btf->strings = (const char *)data + hdr_len + str_off;
	btf->strings_len = str_len;
	/* Every name is read as a C string: the section must end with a NUL, as the kernel's own
	 * loader demands (kernel/bpf/btf.c, btf_parse_str_sec(): end[-1] must be 0). */
	if (btf->strings[str_len - 1]) {
		kdk_btf_free(btf);
		return kdk_err_set(err, EINVAL, "BTF: the string section (%u bytes) does not end with a NUL",
				   str_len);
	}
	btf->type_at = malloc(cap * sizeof(*btf->type_at));
	if (!btf->type_at) {
		kdk_btf_free(btf);
		return kdk_err_set(err, ENOMEM, "BTF index");
	}
	btf->type_at[0] = 0;
	btf->nr_types = 1;
	for (at = 0; at < type_len;) {
		uint32_t info;
		int64_t extra;

		if (at + 12 > type_len) {
			kdk_btf_free(btf);
			return kdk_err_set(err, EINVAL, "BTF: type %u cut short", btf->nr_types);
		}
		info = get32(btf->types + at + 4);
		extra = extra_size(info);
		if (extra < 0 || at + 12 + (uint64_t)extra > type_len) {
			kdk_btf_free(btf);
			return kdk_err_set(err, EINVAL, "BTF: type %u: unknown kind %u or cut short",
					   btf->nr_types, kind_of(info));
		}
		if (btf->nr_types == cap) {
			uint32_t *grown = realloc(btf->type_at, 2 * cap * sizeof(*grown));

			if (!grown) {
				kdk_btf_free(btf);
				return kdk_err_set(err, ENOMEM, "BTF index");
			}
			btf->type_at = grown;
			cap *= 2;
		}
		btf->type_at[btf->nr_types++] = at;
		at += 12 + (uint32_t)extra;
	}
	return 0;
}

int kdk_btf_from_memory(struct kdk_btf *btf, const struct kdk_symtab *syms,
			kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err)
{
	const struct kdk_ksym *start = kdk_symtab_by_name(syms, "__start_BTF");
	const struct kdk_ksym *stop = kdk_symtab_by_name(syms, "__stop_BTF");
	uint8_t *data;
	size_t size;
	int rc;

	memset(btf, 0, sizeof(*btf));
	if (!start || !stop || stop->addr <= start->addr || stop->addr - start->addr > (256u << 20))
		return kdk_err_set(err, ENOENT, "no __start_BTF/__stop_BTF symbols: the kernel was built "
						"without CONFIG_DEBUG_INFO_BTF; give a vmlinux");
	size = (size_t)(stop->addr - start->addr);
	data = malloc(size);
	if (!data)
		return kdk_err_set(err, ENOMEM, "BTF (%zu bytes)", size);
	if ((rc = read_virt(read_ctx, start->addr, data, size, err))) {
		free(data);
		return kdk_err_prefix(err, "BTF at __start_BTF: ");
	}
	return kdk_btf_parse(btf, data, size, err);
}

int kdk_btf_from_elf(struct kdk_btf *btf, const char *path, struct kdk_err *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	Elf *elf;
	int fd, rc = -ENOENT;

	memset(btf, 0, sizeof(*btf));
	elf_version(EV_CURRENT);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", path);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && !elf_getshdrstrndx(elf, &shstrndx)) {
		while ((scn = elf_nextscn(elf, scn))) {
			GElf_Shdr shdr;
			Elf_Data *d;
			const char *name;
			uint8_t *copy;

			if (!gelf_getshdr(scn, &shdr) ||
			    !(name = elf_strptr(elf, shstrndx, shdr.sh_name)) || strcmp(name, ".BTF"))
				continue;
			if (!(d = elf_getdata(scn, NULL)) || !(copy = malloc(d->d_size ? d->d_size : 1))) {
				rc = kdk_err_set(err, EIO, "%s: .BTF unreadable", path);
				break;
			}
			memcpy(copy, d->d_buf, d->d_size);
			rc = kdk_btf_parse(btf, copy, d->d_size, err);
			break;
		}
	}
	if (rc == -ENOENT)
		kdk_err_set(err, ENOENT, "%s: no .BTF section", path);
	if (elf)
		elf_end(elf);
	close(fd);
	return rc;
}

void kdk_btf_free(struct kdk_btf *btf)
{
	free(btf->data);
	free(btf->type_at);
	memset(btf, 0, sizeof(*btf));
}

int kdk_btf_kind(const struct kdk_btf *btf, uint32_t id)
{
	return id && id < btf->nr_types ? (int)kind_of(type_raw(btf, id).info) : 0;
}

static const char *string_at(const struct kdk_btf *btf, uint32_t off)
{
	return off < btf->strings_len ? btf->strings + off : "";
}

const char *kdk_btf_name(const struct kdk_btf *btf, uint32_t id)
{
	return id && id < btf->nr_types ? string_at(btf, type_raw(btf, id).name_off) : "";
}

uint32_t kdk_btf_find(const struct kdk_btf *btf, enum kdk_btf_kind kind, const char *name)
{
	uint32_t id;

	for (id = 1; id < btf->nr_types; id++) {
		struct btf_type_raw t = type_raw(btf, id);

		if (kind_of(t.info) == kind && !strcmp(string_at(btf, t.name_off), name))
			return id;
	}
	return 0;
}

uint32_t kdk_btf_resolve(const struct kdk_btf *btf, uint32_t id)
{
	int depth;

	for (depth = 0; depth < MAX_DEPTH && id && id < btf->nr_types; depth++) {
		struct btf_type_raw t = type_raw(btf, id);
		unsigned kind = kind_of(t.info);

		if (kind != KDK_BTF_TYPEDEF && kind != KDK_BTF_VOLATILE && kind != KDK_BTF_CONST &&
		    kind != KDK_BTF_RESTRICT && kind != KDK_BTF_TYPE_TAG)
			return id;
		id = t.size_or_type;
	}
	return 0;
}

uint64_t kdk_btf_size(const struct kdk_btf *btf, uint32_t id)
{
	uint64_t count = 1;
	int depth;

	/* Arrays of arrays iteratively, at most MAX_DEPTH deep: corrupt BTF (an array of itself)
	 * ends with 0, as an overflowing size does. */
	for (depth = 0; depth < MAX_DEPTH; depth++) {
		struct btf_type_raw t;
		const uint8_t *a;

		id = kdk_btf_resolve(btf, id);
		if (!id)
			return 0;
		t = type_raw(btf, id);
		switch (kind_of(t.info)) {
		case KDK_BTF_INT: case KDK_BTF_STRUCT: case KDK_BTF_UNION: case KDK_BTF_ENUM:
		case KDK_BTF_ENUM64: case KDK_BTF_FLOAT: case KDK_BTF_DATASEC:
			return t.size_or_type && count > UINT64_MAX / t.size_or_type ? 0 : count * t.size_or_type;
		case KDK_BTF_PTR:
			return count > UINT64_MAX / 8 ? 0 : count * 8;
		case KDK_BTF_ARRAY:
			a = btf->types + btf->type_at[id] + 12;
			if (get32(a + 8) && count > UINT64_MAX / get32(a + 8))
				return 0;
			count *= get32(a + 8);
			id = get32(a);
			break;
		default:
			return 0;
		}
	}
	return 0;
}

/* Members one lookup may look at: anonymous members that name their own struct (damaged BTF)
 * would otherwise make the search vlen^MAX_DEPTH long. task_struct needs a few hundred. */
#define MAX_MEMBER_STEPS KDK_BTF_MEMBER_STEPS

/* Find one member name in struct/union id (recursing into anonymous members). */
static int find_member(const struct kdk_btf *btf, uint32_t id, const char *name, size_t name_len,
		       uint64_t *bit_offset, uint32_t *type, unsigned *width, int depth,
		       unsigned *steps)
{
	struct btf_type_raw t;
	const struct btf_member_raw *m;
	unsigned kind, i, vlen;

	id = kdk_btf_resolve(btf, id);
	if (!id || depth > MAX_DEPTH || *steps > MAX_MEMBER_STEPS)
		return -ENOENT;
	t = type_raw(btf, id);
	kind = kind_of(t.info);
	if (kind != KDK_BTF_STRUCT && kind != KDK_BTF_UNION)
		return -ENOENT;
	vlen = vlen_of(t.info);
	m = (const struct btf_member_raw *)(btf->types + btf->type_at[id] + 12);
	for (i = 0; i < vlen; i++) {
		struct btf_member_raw member;
		const char *member_name;
		uint64_t offset;

		if (++*steps > MAX_MEMBER_STEPS)
			return -ENOENT;
		memcpy(&member, &m[i], sizeof(member));
		member_name = string_at(btf, member.name_off);
		offset = (t.info >> 31) ? (member.offset & 0xffffff) : member.offset;
		if ((t.info >> 31) && (member.offset >> 24))
			offset |= (uint64_t)1 << 63;   /* a bitfield: flagged for the caller */
		if (!member_name[0]) {
			uint64_t inner;

			if (!find_member(btf, member.type, name, name_len, &inner, type, width, depth + 1,
					 steps)) {
				*bit_offset = offset + inner;
				return 0;
			}
			continue;
		}
		if (strlen(member_name) == name_len && !memcmp(member_name, name, name_len)) {
			*bit_offset = offset;
			*type = member.type;
			*width = (t.info >> 31) ? member.offset >> 24 : 0;
			return 0;
		}
	}
	return -ENOENT;
}

/* container.path: the last member's offset in bits from container's start, its type and its
 * bitfield width (0: not a bitfield); the members on the way must be whole bytes. */
static int member_path_bits(const struct kdk_btf *btf, const char *container, const char *path,
			    uint64_t *bit_offset, uint32_t *type, unsigned *width,
			    struct kdk_err *err)
{
	uint32_t id = kdk_btf_find(btf, KDK_BTF_STRUCT, container);
	const char *part = path;
	uint64_t total = 0;

	if (!id)
		id = kdk_btf_find(btf, KDK_BTF_UNION, container);
	if (!id)
		return kdk_err_set(err, ENOENT, "BTF has no struct %s", container);
	while (*part) {
		const char *dot = strchr(part, '.');
		size_t len = dot ? (size_t)(dot - part) : strlen(part);
		uint64_t bits;
		uint32_t member_type;
		unsigned steps = 0;

		if (find_member(btf, id, part, len, &bits, &member_type, width, 0, &steps))
			return kdk_err_set(err, ENOENT, "BTF: struct %s has no member %s", container, path);
		bits &= ~((uint64_t)1 << 63);
		if (dot && (*width || (bits & 7)))
			return kdk_err_set(err, EINVAL, "BTF: %s.%.*s is a bitfield", container,
					   (int)(dot - path), path);
		total += bits;
		id = member_type;
		part += len + (dot ? 1 : 0);
	}
	*bit_offset = total;
	*type = id;
	return 0;
}

int kdk_btf_member_bits_counted(const struct kdk_btf *btf, uint32_t id, const char *name,
				uint64_t *bit_offset, unsigned *steps)
{
	uint32_t type;
	unsigned width = 0;
	int rc = find_member(btf, id, name, strlen(name), bit_offset, &type, &width, 0, steps);

	if (!rc)
		*bit_offset &= ~((uint64_t)1 << 63);
	return rc;
}

int kdk_btf_member(const struct kdk_btf *btf, const char *container, const char *path,
		   uint64_t *offset, uint32_t *type, struct kdk_err *err)
{
	uint64_t bits;
	uint32_t id;
	unsigned width = 0;
	int rc;

	if ((rc = member_path_bits(btf, container, path, &bits, &id, &width, err)))
		return rc;
	if (width || (bits & 7))
		return kdk_err_set(err, EINVAL, "BTF: %s.%s is a bitfield", container, path);
	*offset = bits / 8;
	if (type)
		*type = id;
	return 0;
}

int kdk_btf_member_bits(const struct kdk_btf *btf, const char *container, const char *path,
			uint64_t *bit_offset, uint64_t *bit_size, struct kdk_err *err)
{
	uint32_t id;
	unsigned width = 0;
	int rc;

	if ((rc = member_path_bits(btf, container, path, bit_offset, &id, &width, err)))
		return rc;
	/* a zero-length array ("__u8 __pkt_type_offset[0]", a marker) is 0 bits wide */
	*bit_size = width ? width : 8 * kdk_btf_size(btf, id);
	return 0;
}

int kdk_btf_enum_value(const struct kdk_btf *btf, const char *name, int64_t *value)
{
	uint32_t id, i;

	for (id = 1; id < btf->nr_types; id++) {
		struct btf_type_raw t = type_raw(btf, id);
		const uint8_t *v = btf->types + btf->type_at[id] + 12;
		unsigned kind = kind_of(t.info);

		if (kind != KDK_BTF_ENUM && kind != KDK_BTF_ENUM64)
			continue;
		for (i = 0; i < vlen_of(t.info); i++) {
			const uint8_t *e = v + i * (kind == KDK_BTF_ENUM ? 8 : 12);

			if (strcmp(string_at(btf, get32(e)), name))
				continue;
			*value = kind == KDK_BTF_ENUM ? (int32_t)get32(e + 4) :
							(int64_t)((uint64_t)get32(e + 8) << 32 | get32(e + 4));
			return 0;
		}
	}
	return -ENOENT;
}

unsigned kdk_btf_vlen(const struct kdk_btf *btf, uint32_t id)
{
	return id && id < btf->nr_types ? vlen_of(type_raw(btf, id).info) : 0;
}

uint32_t kdk_btf_ref(const struct kdk_btf *btf, uint32_t id)
{
	return id && id < btf->nr_types ? type_raw(btf, id).size_or_type : 0;
}

int kdk_btf_member_at(const struct kdk_btf *btf, uint32_t id, unsigned i, const char **name,
		      uint32_t *type, uint64_t *bit_offset, unsigned *bitfield)
{
	struct btf_type_raw t;
	struct btf_member_raw m;
	unsigned kind;

	if (!id || id >= btf->nr_types)
		return -ENOENT;
	t = type_raw(btf, id);
	kind = kind_of(t.info);
	if ((kind != KDK_BTF_STRUCT && kind != KDK_BTF_UNION) || i >= vlen_of(t.info))
		return -ENOENT;
	memcpy(&m, btf->types + btf->type_at[id] + 12 + 12 * i, sizeof(m));
	*name = string_at(btf, m.name_off);
	*type = m.type;
	*bit_offset = (t.info >> 31) ? (m.offset & 0xffffff) : m.offset;
	*bitfield = (t.info >> 31) ? m.offset >> 24 : 0;
	return 0;
}

int kdk_btf_array(const struct kdk_btf *btf, uint32_t id, uint32_t *elem, uint32_t *count)
{
	const uint8_t *a;

	if (kdk_btf_kind(btf, id) != KDK_BTF_ARRAY)
		return -EINVAL;
	a = btf->types + btf->type_at[id] + 12;
	*elem = get32(a);
	*count = get32(a + 8);
	return 0;
}

uint32_t kdk_btf_param(const struct kdk_btf *btf, uint32_t id, unsigned i)
{
	if (kdk_btf_kind(btf, id) != KDK_BTF_FUNC_PROTO || i >= kdk_btf_vlen(btf, id))
		return 0;
	return get32(btf->types + btf->type_at[id] + 12 + 8 * i + 4);
}

uint32_t kdk_btf_int_encoding(const struct kdk_btf *btf, uint32_t id)
{
	if (kdk_btf_kind(btf, id) != KDK_BTF_INT)
		return 0;
	return get32(btf->types + btf->type_at[id] + 12);
}

int kdk_btf_enum_at(const struct kdk_btf *btf, uint32_t id, unsigned i, const char **name,
		    int64_t *value)
{
	int kind = kdk_btf_kind(btf, id);
	const uint8_t *e;

	if ((kind != KDK_BTF_ENUM && kind != KDK_BTF_ENUM64) || i >= kdk_btf_vlen(btf, id))
		return -ENOENT;
	/* ENUM: name_off, val (4 bytes); ENUM64: name_off, val_lo32, val_hi32 */
	e = btf->types + btf->type_at[id] + 12 + i * (kind == KDK_BTF_ENUM ? 8 : 12);
	*name = string_at(btf, get32(e));
	*value = kind == KDK_BTF_ENUM ? (int32_t)get32(e + 4) :
					(int64_t)((uint64_t)get32(e + 8) << 32 | get32(e + 4));
	return 0;
}

size_t kdk_btf_enum_names(const struct kdk_btf *btf, uint32_t id, const char **names, uint32_t count)
{
	const char *name;
	int64_t value;
	size_t longest = 0;
	unsigned i;

	for (i = 0; i < count; i++)
		names[i] = NULL;
	for (i = 0; !kdk_btf_enum_at(btf, id, i, &name, &value); i++)
		if (value >= 0 && value < (int64_t)count)
			names[value] = name;
	for (i = 0; i < count; i++)
		if (names[i] && strlen(names[i]) > longest)
			longest = strlen(names[i]);
	return longest;
}

const char *kdk_btf_enum_name(const struct kdk_btf *btf, uint32_t id, int64_t value)
{
	const char *name;
	int64_t ev;
	unsigned i;

	for (i = 0; !kdk_btf_enum_at(btf, id, i, &name, &ev); i++)
		if (ev == value)
			return name;
	return NULL;
}
