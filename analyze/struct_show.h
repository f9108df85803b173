/* struct_show.h — a structure in kernel memory as crash prints it for `struct NAME[.M[,M…]] ADDR`
 * and `list -s NAME[.M[,M…]]`: the whole value, or the members named, one line each. */
#ifndef KCRASH_STRUCT_SHOW_H
#define KCRASH_STRUCT_SHOW_H

#include <stdint.h>

#include "session.h"

/* spec: "NAME" or "NAME.MEMBER[,MEMBER…]" (a member may be a path, "se.on_rq"); NAME a struct or
 * a union of the session's BTF. char_limit: characters of a char array printed (0: all, as
 * crash's struct command; KDK_BTF_CHAR_LIMIT as gdb's print). `what` names the command in
 * messages. */
int struct_show(struct session *s, const char *what, const char *spec, uint64_t addr,
		uint32_t char_limit, struct kdk_err *err);

/* The struct or union NAME in the session's BTF (0: none); *is_union says which. */
uint32_t struct_show_find(struct session *s, const char *name, bool *is_union);

#endif
