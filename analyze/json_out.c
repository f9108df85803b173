/* json_out.c — JSON helpers for `kcrash --json`: strings escaped, and sys's "LABEL: value" text as
 * {"label": "value", …}. ps, bt, mod and triage write their JSON from their own data. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"

static void json_string(FILE *out, const char *s, size_t len)
{
	size_t i;

	fputc('"', out);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void json_write_string(FILE *out, const char *s)
{
	json_string(out, s, strlen(s));
}

static void json_key(FILE *out, const char *label, size_t len)
{
	char key[64];
	size_t i, j = 0;

	for (i = 0; i < len && j + 1 < sizeof(key); i++)
		key[j++] = label[i] == ' ' ? '_' : label[i] == '%' ? 'p' : (char)tolower((unsigned char)label[i]);
	key[j] = '\0';
	json_string(out, key, j);
	fputc(':', out);
}

static size_t trim(const char **s, size_t len)
{
	while (len && isspace((unsigned char)**s)) {
		(*s)++;
		len--;
	}
	while (len && isspace((unsigned char)(*s)[len - 1]))
		len--;
	return len;
}

/* "  LABEL: value" lines. */
static void sys_json(const char *text, FILE *out)
{
	const char *line = text;
	bool first = true;

	fputc('{', out);
	while (*line) {
		const char *nl = strchr(line, '\n'), *colon;
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		colon = memchr(line, ':', len);
		if (colon) {
			const char *label = line, *value = colon + 1;
			size_t label_len = trim(&label, (size_t)(colon - line));
			size_t value_len = trim(&value, len - (size_t)(value - line));

			if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
				value++;
				value_len -= 2;
			}
			fprintf(out, "%s", first ? "" : ",");
			json_key(out, label, label_len);
			json_string(out, value, value_len);
			first = false;
		}
		line += len + (nl ? 1 : 0);
	}
	fprintf(out, "}\n");
}

int json_convert(const char *name, const char *text, FILE *out)
{
	if (!strcmp(name, "sys"))
		sys_json(text, out);
	else
		return -1;
	return 0;
}
