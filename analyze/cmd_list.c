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
#include "member_offset.h"
#include "struct_show.h"

#define MAX_ENTRIES (1u << 24)

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
	if (offset_text && (rc = member_offset_parse(s, "list", offset_text, &offset, err)))
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
		if (spec && (rc = struct_show(s, "list", spec, entry, KDK_BTF_CHAR_LIMIT, err)))
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
