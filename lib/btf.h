/* btf.h — kernel type information from BTF (docs/formats/btf.md): the kernel keeps its own BTF in
 * memory between __start_BTF and __stop_BTF (CONFIG_DEBUG_INFO_BTF), and a vmlinux carries it in
 * its .BTF section. Enough to find structures and their members' offsets and sizes. */
#ifndef KDK_BTF_H
#define KDK_BTF_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"
#include "kdk_kmem.h"
#include "ksyms.h"

enum kdk_btf_kind {
	KDK_BTF_INT = 1, KDK_BTF_PTR = 2, KDK_BTF_ARRAY = 3, KDK_BTF_STRUCT = 4, KDK_BTF_UNION = 5,
	KDK_BTF_ENUM = 6, KDK_BTF_FWD = 7, KDK_BTF_TYPEDEF = 8, KDK_BTF_VOLATILE = 9,
	KDK_BTF_CONST = 10, KDK_BTF_RESTRICT = 11, KDK_BTF_FUNC = 12, KDK_BTF_FUNC_PROTO = 13,
	KDK_BTF_VAR = 14, KDK_BTF_DATASEC = 15, KDK_BTF_FLOAT = 16, KDK_BTF_DECL_TAG = 17,
	KDK_BTF_TYPE_TAG = 18, KDK_BTF_ENUM64 = 19,
};

struct kdk_btf {
	uint8_t *data;             /* the whole blob (owned) */
	size_t size;
	const uint8_t *types;
	uint32_t types_len;
	const char *strings;
	uint32_t strings_len;
	uint32_t *type_at;         /* type id → offset in types (id 0 is void) */
	uint32_t nr_types;         /* ids 1 … nr_types - 1 are valid */
};

/* Take ownership of data (malloc'd) and index it; every offset is checked against size. */
int kdk_btf_parse(struct kdk_btf *btf, uint8_t *data, size_t size, struct kdk_err *err);
/* The kernel's BTF from dump memory (needs __start_BTF/__stop_BTF in syms). */
int kdk_btf_from_memory(struct kdk_btf *btf, const struct kdk_symtab *syms,
			kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err);
/* The .BTF section of a vmlinux. */
int kdk_btf_from_elf(struct kdk_btf *btf, const char *path, struct kdk_err *err);
void kdk_btf_free(struct kdk_btf *btf);

/* Kind, name ("" when anonymous) and size/referenced type of a type id. */
int kdk_btf_kind(const struct kdk_btf *btf, uint32_t id);
const char *kdk_btf_name(const struct kdk_btf *btf, uint32_t id);
/* The named struct/union/typedef…: its id, or 0. */
uint32_t kdk_btf_find(const struct kdk_btf *btf, enum kdk_btf_kind kind, const char *name);
/* Follow typedefs and qualifiers to the underlying type. */
uint32_t kdk_btf_resolve(const struct kdk_btf *btf, uint32_t id);
/* Size in bytes of a type (arrays: whole array; pointers: 8). 0 when it has none. */
uint64_t kdk_btf_size(const struct kdk_btf *btf, uint32_t id);

/* The byte offset of member `path` ("tasks", "thread_info.cpu", "se.sum_exec_runtime") in the
 * struct or union `container`, looking into anonymous members too; its type id in *type. -ENOENT
 * names what is missing. Bitfield members are refused (EINVAL). */
int kdk_btf_member(const struct kdk_btf *btf, const char *container, const char *path,
		   uint64_t *offset, uint32_t *type, struct kdk_err *err);
/* The same for any member, a bitfield too: its offset in bits from container's start and its
 * width in bits (a bitfield's, else 8 × its type's size: 0 for a zero-length array). */
int kdk_btf_member_bits(const struct kdk_btf *btf, const char *container, const char *path,
			uint64_t *bit_offset, uint64_t *bit_size, struct kdk_err *err);
/* One member name (no path) in struct or union id, looking into anonymous members too: its
 * offset in bits. The members looked at are counted into *steps, which a caller making many
 * lookups shares among them: past KDK_BTF_MEMBER_STEPS in all they fail (-ENOENT), so that
 * damaged BTF (anonymous members that contain their own struct) cannot make a printout's
 * lookups take hours. */
#define KDK_BTF_MEMBER_STEPS (1u << 20)
int kdk_btf_member_bits_counted(const struct kdk_btf *btf, uint32_t id, const char *name,
				uint64_t *bit_offset, unsigned *steps);

/* Raw access for printers. vlen: members/values/params; ref: what PTR/TYPEDEF/CONST/… point to
 * (FUNC_PROTO: the return type). */
unsigned kdk_btf_vlen(const struct kdk_btf *btf, uint32_t id);
uint32_t kdk_btf_ref(const struct kdk_btf *btf, uint32_t id);
/* Member i of a struct/union: name ("" when anonymous), type, offset in bits, bitfield width in
 * bits (0: not a bitfield). */
int kdk_btf_member_at(const struct kdk_btf *btf, uint32_t id, unsigned i, const char **name,
		      uint32_t *type, uint64_t *bit_offset, unsigned *bitfield);
/* ARRAY: element type and count. */
int kdk_btf_array(const struct kdk_btf *btf, uint32_t id, uint32_t *elem, uint32_t *count);
/* INT: the encoding word (bits 24-27: 1 signed, 2 char, 4 bool; bits 0-7: width in bits). */
uint32_t kdk_btf_int_encoding(const struct kdk_btf *btf, uint32_t id);
/* ENUM/ENUM64: enumerator i's name and value; -ENOENT past the last (or not an enum). */
int kdk_btf_enum_at(const struct kdk_btf *btf, uint32_t id, unsigned i, const char **name,
		    int64_t *value);
/* ENUM/ENUM64: the name of value, or NULL. */
const char *kdk_btf_enum_name(const struct kdk_btf *btf, uint32_t id, int64_t value);
/* ENUM/ENUM64: names[v] for each value v below count (the enum's last enumerator of that value,
 * as an alias follows what it renames: NR_ZONE_INACTIVE_ANON, not NR_ZONE_LRU_BASE; NULL for a
 * value without one); returns the longest name's length. */
size_t kdk_btf_enum_names(const struct kdk_btf *btf, uint32_t id, const char **names, uint32_t count);

/* FUNC_PROTO parameter i's type (0 for "...": variadic). */
uint32_t kdk_btf_param(const struct kdk_btf *btf, uint32_t id, unsigned i);

/* Enumerator `name` of any enum, in *value; -ENOENT when none has it. */
int kdk_btf_enum_value(const struct kdk_btf *btf, const char *name, int64_t *value);

#endif
