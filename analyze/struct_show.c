/* struct_show.c — a structure's value, or chosen members' values, read from kernel memory and
 * printed in gdb's form as crash shows it: a member line keeps gdb's comma unless the member
 * closes its struct (crash prints the line gdb printed for the whole struct). */
#include "struct_show.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "expr_env.h"

uint32_t struct_show_find(struct session *s, const char *name, bool *is_union)
{
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, name);

	*is_union = false;
	if (!id && (id = kdk_btf_find(&s->btf, KDK_BTF_UNION, name)))
		*is_union = true;
	return id;
}

/* Whether member (a top-level name) is its struct's last. */
static bool is_last_member(const struct kdk_btf *btf, uint32_t id, const char *member)
{
	const char *name;
	uint32_t type;
	uint64_t bits;
	unsigned width, n = kdk_btf_vlen(btf, id);

	return n && !kdk_btf_member_at(btf, id, n - 1, &name, &type, &bits, &width) &&
	       !strcmp(name, member);
}

/* Whether member (a name, or a path "irq_data.chip_data") is the last of the struct holding it —
 * for a path, the struct its last name is in: gdb prints that line without a comma. */
static bool closes_its_struct(struct session *s, const char *type_name, uint32_t id, const char *member)
{
	struct kdk_err ignored = { 0 };
	const char *last = strrchr(member, '.');
	char outer[512];
	uint64_t offset;
	uint32_t type;

	if (!last)
		return is_last_member(&s->btf, id, member);
	if ((size_t)(last - member) >= sizeof(outer))
		return false;
	snprintf(outer, sizeof(outer), "%.*s", (int)(last - member), member);
	if (kdk_btf_member(&s->btf, type_name, outer, &offset, &type, &ignored))
		return false;
	return is_last_member(&s->btf, kdk_btf_resolve(&s->btf, type), last + 1);
}

/* Read size bytes at addr into a new buffer. */
static int read_object(struct session *s, const char *what, uint64_t addr, uint64_t size,
		       uint8_t **data, struct kdk_err *err)
{
	int rc;

	if (size > (1u << 20))
		return kdk_err_set(err, EINVAL, "%s: %" PRIu64 " bytes is no printable size", what, size);
	if (!(*data = malloc(size ? size : 1)))
		return kdk_err_set(err, ENOMEM, "%s", what);
	if ((rc = session_read(s, addr, *data, size, err))) {
		free(*data);
		*data = NULL;
	}
	return rc;
}

static int show_member(struct session *s, const char *what, const char *type_name, uint32_t id,
		       const char *member, uint64_t addr, uint32_t char_limit, struct kdk_err *err)
{
	uint64_t offset, size;
	uint32_t type;
	uint8_t *data;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	if ((rc = kdk_btf_member(&s->btf, type_name, member, &offset, &type, err)))
		return kdk_err_prefix(err, "%s: ", what);
	if (!(size = kdk_btf_size(&s->btf, type)))
		return kdk_err_set(err, EINVAL, "%s: %s.%s has no printable size", what, type_name,
				   member);
	if ((rc = read_object(s, what, addr + offset, size, &data, err)))
		return rc;
	if (!(mem = open_memstream(&text, &len))) {
		free(data);
		return kdk_err_set(err, ENOMEM, "%s", what);
	}
	kdk_btf_print_member_value_limit(&s->btf, type, member, data, addr + offset, char_limit, mem,
					 expr_name_addr, s);
	fclose(mem);
	free(data);
	if (len && text[len - 1] == '\n')
		text[--len] = '\0';
	fprintf(s->out, "%s%s\n", text, closes_its_struct(s, type_name, id, member) ? "" : ",");
	free(text);
	return 0;
}

int struct_show(struct session *s, const char *what, const char *spec, uint64_t addr,
		uint32_t char_limit, struct kdk_err *err)
{
	char type_name[128], members[512], *member, *save = NULL;
	const char *dot = strchr(spec, '.');
	bool is_union;
	uint32_t id;
	uint8_t *data;
	int rc;

	snprintf(type_name, sizeof(type_name), "%.*s", dot ? (int)(dot - spec) : (int)strlen(spec),
		 spec);
	if (!(id = struct_show_find(s, type_name, &is_union)))
		return kdk_err_set(err, ENOENT, "%s: no struct or union %s in the kernel's BTF", what,
				   type_name);
	if (!dot) {
		if ((rc = read_object(s, what, addr, kdk_btf_size(&s->btf, id), &data, err)))
			return rc;
		kdk_btf_print_value_limit(&s->btf, id, data, addr, char_limit, s->out, expr_name_addr, s);
		free(data);
		return 0;
	}
	if ((size_t)snprintf(members, sizeof(members), "%s", dot + 1) >= sizeof(members))
		return kdk_err_set(err, ENAMETOOLONG, "%s: %s", what, spec);
	for (member = strtok_r(members, ",", &save); member; member = strtok_r(NULL, ",", &save))
		if ((rc = show_member(s, what, type_name, id, member, addr, char_limit, err)))
			return rc;
	return 0;
}
