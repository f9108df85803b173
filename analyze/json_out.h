/* json_out.h — `kcrash --json`: sys, ps and bt as JSON for other tools. The commands print their
 * crash-style text; these turn that text into JSON, so both say exactly the same. */
#ifndef KCRASH_JSON_OUT_H
#define KCRASH_JSON_OUT_H

#include <stdio.h>

/* Convert the text output of command `name` (sys, ps or bt); returns 0, or -1 when the command
 * has no JSON form (the caller prints the text). */
int json_convert(const char *name, const char *text, FILE *out);

#endif
