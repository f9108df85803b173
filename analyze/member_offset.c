/* member_offset.c — crash's offset arguments (see member_offset.h). */
#include "member_offset.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int member_offset_parse(struct session *s, const char *what, const char *text, uint64_t *offset,
			struct kdk_err *err)
{
	char container[128];
	const char *dot = strchr(text, '.');
	char *end;

	if (isdigit((unsigned char)text[0])) {
		*offset = strtoull(text, &end, 0);
		if (*end)
			return kdk_err_set(err, EINVAL, "%s: offset \"%s\" is neither a number nor "
							"STRUCT.MEMBER", what, text);
		return 0;
	}
	if (!dot || dot == text || (size_t)(dot - text) >= sizeof(container))
		return kdk_err_set(err, EINVAL, "%s: offset \"%s\" is neither a number nor STRUCT.MEMBER",
				   what, text);
	snprintf(container, sizeof(container), "%.*s", (int)(dot - text), text);
	return kdk_btf_member(&s->btf, container, dot + 1, offset, NULL, err);
}
