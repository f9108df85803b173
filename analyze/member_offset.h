/* member_offset.h — crash's offset arguments (list -o, tree -o/-r): a byte count or a
 * STRUCT.MEMBER whose offset the session's BTF gives. */
#ifndef KCRASH_MEMBER_OFFSET_H
#define KCRASH_MEMBER_OFFSET_H

#include <stdint.h>

#include "kdk_err.h"
#include "session.h"

/* text: "N" (decimal, or 0x hex) or "struct.member[.member…]"; `what` names the command in
 * messages. */
int member_offset_parse(struct session *s, const char *what, const char *text, uint64_t *offset,
			struct kdk_err *err);

#endif
