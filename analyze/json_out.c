/* json_out.c — text to JSON for sys ({"label": "value", …}), ps ([{column: value, …, "active":
 * bool}, …]) and bt ([{"pid", "task", "cpu", "command", "frames": [{"index", "sp", "function",
 * "address", "module"? (module frames), "exception"?: {…registers}}], "registers"?: {…user
 * registers}}, …]). */
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

/* A header line of column names, then rows; '>' in the first column marks active tasks. */
static void ps_json(const char *text, FILE *out)
{
	static const char *const columns[] = { "pid", "ppid", "cpu", "task", "state", "mem_pct", "vsz_kb",
					       "rss_kb", "comm" };
	const char *line = strchr(text, '\n');
	bool first = true;

	fputc('[', out);
	while (line && *++line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char row[512], *word, *save = NULL;
		unsigned c = 0;

		snprintf(row, sizeof(row), "%.*s", (int)len, line);
		fprintf(out, "%s{\"active\":%s", first ? "" : ",", row[0] == '>' ? "true" : "false");
		for (word = strtok_r(row + 1, " ", &save); word && c < 9; word = strtok_r(NULL, " ", &save), c++) {
			fprintf(out, ",\"%s\":", columns[c]);
			if (c == 3 || c == 4 || c == 8)
				json_string(out, word, strlen(word));
			else
				fprintf(out, "%s", word);
		}
		fputc('}', out);
		first = false;
		line = nl;
	}
	fprintf(out, "]\n");
}

/* Register lines "    RIP: …  RSP: …" into "rip": "…", …. */
static void regs_fields(const char *line, size_t len, FILE *out, bool *first)
{
	char copy[256], *word, *save = NULL, *label = NULL;

	snprintf(copy, sizeof(copy), "%.*s", (int)len, line);
	for (word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		size_t wl = strlen(word);

		if (wl > 1 && word[wl - 1] == ':') {
			word[wl - 1] = '\0';
			label = word;
			continue;
		}
		if (!label)
			continue;
		fprintf(out, "%s", *first ? "" : ",");
		json_key(out, label, strlen(label));
		json_string(out, word, wl);
		*first = false;
		label = NULL;
	}
}

static void bt_json(const char *text, FILE *out)
{
	const char *line = text;
	bool in_task = false, in_frames = false, first_task = true, first_frame = true;
	bool first_reg = true;
	const char *in_regs = NULL;     /* what closes the open register object: "}" or "}}" */

	fputc('[', out);
	while (*line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		char buf[512];

		snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
		if (!strncmp(buf, "PID: ", 5)) {
			int pid = 0;
			unsigned cpu = 0;
			char task[32] = "", *cmd = strstr(buf, "COMMAND: \"");

			if (in_regs)
				fputs(in_regs, out);
			if (in_frames)
				fputc(']', out);
			if (in_task)
				fputc('}', out);
			sscanf(buf, "PID: %d TASK: %31s CPU: %u", &pid, task, &cpu);
			fprintf(out, "%s{\"pid\":%d,\"task\":\"%s\",\"cpu\":%u,\"command\":", first_task ? "" : ",",
				pid, task, cpu);
			if (cmd) {
				char *end = strrchr(cmd + 10, '"');

				json_string(out, cmd + 10, end ? (size_t)(end - cmd - 10) : strlen(cmd + 10));
			} else {
				fprintf(out, "null");
			}
			fprintf(out, ",\"frames\":[");
			in_task = in_frames = true;
			in_regs = NULL;
			first_task = false;
			first_frame = true;
		} else if (buf[0] == ' ' && buf[1] == '#') {
			int index = 0;
			char sp[32] = "";
			const char *name = strstr(buf, "] "), *at = NULL, *p;

			if (in_regs) {
				fputs(in_regs, out);
				in_regs = NULL;
			}
			/* " #N [sp] function at address [module]" */
			sscanf(buf, " #%d [%31[0-9a-f]]", &index, sp);
			for (p = buf; (p = strstr(p, " at ")); p++)
				at = p;
			name = name ? name + 2 : buf;
			fprintf(out, "%s{\"index\":%d,\"sp\":\"%s\",\"function\":", first_frame ? "" : ",", index, sp);
			json_string(out, name, at && at > name ? (size_t)(at - name) : strlen(name));
			if (at) {
				const char *addr = at + 4, *mod = strstr(addr, " [");
				size_t addr_len = mod ? (size_t)(mod - addr) : strcspn(addr, "\n");

				fprintf(out, ",\"address\":\"%.*s\"", (int)addr_len, addr);
				if (mod) {
					fputs(",\"module\":", out);
					json_string(out, mod + 2, strcspn(mod + 2, "]"));
				}
			} else {
				fputs(",\"address\":\"\"", out);
			}
			fputc('}', out);
			first_frame = false;
		} else if (strstr(buf, "[exception RIP: ")) {
			char *name = strstr(buf, "[exception RIP: ") + 16, *end = strrchr(name, ']');

			if (in_regs)
				fputs(in_regs, out);
			fprintf(out, "%s{\"exception\":", first_frame ? "" : ",");
			json_string(out, name, end ? (size_t)(end - name) : strlen(name));
			fprintf(out, ",\"registers\":{");
			in_regs = "}}";
			first_reg = true;
			first_frame = false;
		} else if (!strncmp(buf, "    RIP: ", 9) && !in_regs) {
			fprintf(out, "],\"user_registers\":{");
			in_frames = false;
			in_regs = "}";
			first_reg = true;
			regs_fields(buf, strlen(buf), out, &first_reg);
		} else if (in_regs && !strncmp(buf, "    ", 4)) {
			regs_fields(buf, strlen(buf), out, &first_reg);
		}
		line += len + (nl ? 1 : 0);
	}
	if (in_regs)
		fputs(in_regs, out);
	if (in_frames)
		fputc(']', out);
	if (in_task)
		fputc('}', out);
	fprintf(out, "]\n");
}

int json_convert(const char *name, const char *text, FILE *out)
{
	if (!strcmp(name, "sys"))
		sys_json(text, out);
	else if (!strcmp(name, "ps"))
		ps_json(text, out);
	else if (!strcmp(name, "bt"))
		bt_json(text, out);
	else
		return -1;
	return 0;
}
