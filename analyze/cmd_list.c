/* cmd_list.c — `list [-o OFFSET|STRUCT.MEMBER] [-s STRUCT[.MEMBER,…]] [-H|-h] START`: walk a
 * kernel linked list (list_head's next, or any "next" pointer at OFFSET) as crash does, printing
 * each entry's address and, with -s, the structure or members there. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "btf_format.h"
#include "commands.h"
#include "expr_env.h"
#include "list_guard.h"

#define MAX_ENTRIES (1u << 24)

/* "N" (decimal or 0x hex) or "struct.member": the byte offset. */
static int parse_offset(struct session *s, const char *text, uint64_t *offset, struct kdk_err *err)
{
	char container[128];
	const char *dot = strchr(text, '.');
	char *end;

	if (isdigit((unsigned char)text[0])) {
		*offset = strtoull(text, &end, 0);
		if (*end)
			return kdk_err_set(err, EINVAL, "list: offset \"%s\" is neither a number nor "
							"STRUCT.MEMBER", text);
		return 0;
	}
	if (!dot || dot == text)
		return kdk_err_set(err, EINVAL, "list: offset \"%s\" is neither a number nor STRUCT.MEMBER",
				   text);
	snprintf(container, sizeof(container), "%.*s", (int)(dot - text), text);
	return kdk_btf_member(&s->btf, container, dot + 1, offset, NULL, err);
}

/* Whether member (a top-level name) is its struct's last: crash prints the line gdb printed,
 * with its comma unless it closes the struct. */
static bool is_last_member(const struct kdk_btf *btf, uint32_t id, const char *member)
{
	const char *name;
	uint32_t type;
	uint64_t bits;
	unsigned width, n = kdk_btf_vlen(btf, id);

	return n && !kdk_btf_member_at(btf, id, n - 1, &name, &type, &bits, &width) &&
	       !strcmp(name, member);
}

/* -s: the structure at addr, or each of its members listed. */
static int show(struct session *s, const char *spec, uint64_t addr, struct kdk_err *err)
{
	char type_name[128], members[512], *member, *save = NULL;
	const char *dot = strchr(spec, '.');
	uint32_t id;
	uint8_t *data;
	int rc;

	snprintf(type_name, sizeof(type_name), "%.*s", dot ? (int)(dot - spec) : (int)strlen(spec), spec);
	if (!(id = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, type_name)) &&
	    !(id = kdk_btf_find(&s->btf, KDK_BTF_UNION, type_name)))
		return kdk_err_set(err, ENOENT, "list: no struct %s in the kernel's BTF", type_name);
	if (!dot) {
		uint64_t size = kdk_btf_size(&s->btf, id);

		if (!(data = malloc(size ? size : 1)))
			return kdk_err_set(err, ENOMEM, "list");
		if ((rc = session_read(s, addr, data, size, err))) {
			free(data);
			return rc;
		}
		kdk_btf_print_value(&s->btf, id, data, addr, s->out, expr_name_addr, s);
		free(data);
		return 0;
	}
	snprintf(members, sizeof(members), "%s", dot + 1);
	for (member = strtok_r(members, ",", &save); member; member = strtok_r(NULL, ",", &save)) {
		uint64_t offset, size;
		uint32_t type;

		if ((rc = kdk_btf_member(&s->btf, type_name, member, &offset, &type, err)))
			return rc;
		size = kdk_btf_size(&s->btf, type);
		if (!size || size > (1u << 20))
			return kdk_err_set(err, EINVAL, "list: %s.%s has no printable size", type_name, member);
		if (!(data = malloc(size)))
			return kdk_err_set(err, ENOMEM, "list");
		if ((rc = session_read(s, addr + offset, data, size, err))) {
			free(data);
			return rc;
		}
		{
			/* crash prints the line gdb printed: with its comma unless the member closes
			 * the struct */
			char *text = NULL;
			size_t len = 0;
			FILE *mem = open_memstream(&text, &len);

			if (!mem) {
				free(data);
				return kdk_err_set(err, ENOMEM, "list");
			}
			kdk_btf_print_member_value(&s->btf, type, member, data, addr + offset, mem,
						   expr_name_addr, s);
			fclose(mem);
			if (len && text[len - 1] == '\n')
				text[--len] = '\0';
			fprintf(s->out, "%s%s\n", text,
				!strchr(member, '.') && !is_last_member(&s->btf, id, member) ? "," : "");
			free(text);
		}
		free(data);
	}
	return 0;
}

int cmd_list(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	const char *start_text = NULL, *spec = NULL, *offset_text = NULL;
	bool head = false;
	uint64_t offset = 0, start, node, next;
	struct list_guard guard;
	unsigned count = 0;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-H") || !strcmp(argv[i], "-h")) {
			head = argv[i][1] == 'H';
		} else if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "-s")) && i + 1 < argc) {
			if (argv[i][1] == 'o')
				offset_text = argv[++i];
			else
				spec = argv[++i];
		} else if (argv[i][0] == '-' && argv[i][1] && !isdigit((unsigned char)argv[i][1])) {
			return kdk_err_set(err, EINVAL, "list: option %s not supported (usage: list [-o "
							"OFFSET|STRUCT.MEMBER] [-s STRUCT[.MEMBER,…]] [-H|-h] "
							"START)", argv[i]);
		} else if (!offset_text && i + 1 < argc && !start_text &&
			   (strchr(argv[i], '.') || isdigit((unsigned char)argv[i][0])) &&
			   !(argv[i][0] == '0' && argv[i][1] == 'x' && i + 1 == argc)) {
			/* crash's leading [[-o] offset]: "task_struct.tasks" or a number */
			offset_text = argv[i];
		} else if (!start_text) {
			start_text = argv[i];
		} else {
			return kdk_err_set(err, EINVAL, "list: unexpected \"%s\"", argv[i]);
		}
	}
	if (!start_text)
		return kdk_err_set(err, EINVAL, "usage: list [-o OFFSET|STRUCT.MEMBER] [-s STRUCT[.MEMBER,…]] "
						"[-H|-h] START");
	if (!session_kstructs(s, err))
		return -err->code;
	if (offset_text && (rc = parse_offset(s, offset_text, &offset, err)))
		return rc;
	/* -H: START is a list head (its address; a symbol names it); otherwise the first entry */
	if ((rc = expr_address(s, start_text, &start, err)))
		return rc;
	if (!start)
		return kdk_err_set(err, EINVAL, "list: START %s is NULL", start_text);
	list_guard_init(&guard, head ? start : start + offset);
	if (head) {
		if ((rc = session_read(s, start, &next, 8, err)))
			return rc;
		node = next;
	} else {
		node = start + offset;
	}
	while (node && !(head && node == start)) {
		uint64_t entry = node - offset;

		fprintf(s->out, "%" PRIx64 "\n", entry);
		if (spec && (rc = show(s, spec, entry, err)))
			return rc;
		if (++count >= MAX_ENTRIES)
			return kdk_err_set(err, E2BIG, "list: more than %u entries: stopped", MAX_ENTRIES);
		if ((rc = session_read(s, node, &next, 8, err)))
			return kdk_err_prefix(err, "list: entry %" PRIx64 ": ", entry);
		if (!head && next == start + offset)
			break;         /* a circular list without a separate head: back at the start */
		if (next != (head ? start : start + offset) && list_guard_loops(&guard, next)) {
			fprintf(s->out, "list: duplicate list entry: %" PRIx64 "\n", next - offset);
			return kdk_err_set(err, ELOOP, "list: the list loops at %" PRIx64, next - offset);
		}
		node = next;
	}
	return 0;
}
