/* json_out.h — `kcrash --json` for other tools: sys's text turned into JSON, and the string
 * writer the commands with their own JSON (ps, bt, mod, triage) use. */
#ifndef KCRASH_JSON_OUT_H
#define KCRASH_JSON_OUT_H

#include <stdio.h>

/* Convert the text output of command `name` (sys); returns 0, or -1 when the command has no
 * JSON form this way (the caller prints the text). */
int json_convert(const char *name, const char *text, FILE *out);

/* A JSON string, escaped. */
void json_write_string(FILE *out, const char *s);

#endif
