/* kdump_settings.c — KEY=value lines as a POSIX shell reads an assignment: bare words, 'single'
 * and "double" quotes (with \" \\ \$ \` escapes), backslash escapes, # comments; no expansion:
 * a $ or ` outside single quotes is an error, since kdumpctl cannot do what a shell would. */
#include "kdump_settings.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static void free_entry(struct kdk_setting *s)
{
	free(s->key);
	free(s->value);
}

void kdk_settings_free(struct kdk_settings *settings)
{
	size_t i;

	for (i = 0; i < settings->entries.len; i++)
		free_entry(kdk_array_at(&settings->entries, i));
	for (i = 0; i < settings->warnings.len; i++)
		free(*(char **)kdk_array_at(&settings->warnings, i));
	kdk_array_free(&settings->entries);
	kdk_array_free(&settings->warnings);
}

const char *kdk_settings_get(const struct kdk_settings *settings, const char *key)
{
	size_t i = settings->entries.len;

	while (i-- > 0) {
		const struct kdk_setting *s = kdk_array_at(&settings->entries, i);
		if (!strcmp(s->key, key))
			return s->value;
	}
	return NULL;
}

/* The value after '=': quoted and bare pieces joined, up to unquoted blank or '#'. Writes the
 * unquoted text into out (at most strlen(p) + 1 bytes). Returns NULL and sets why on error. */
static const char *unquote(const char *p, char *out, const char **why)
{
	char *o = out;

	while (*p && *p != ' ' && *p != '\t') {
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');
			if (!end)
				return *why = "unterminated '", NULL;
			memcpy(o, p + 1, (size_t)(end - p - 1));
			o += end - p - 1;
			p = end + 1;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (!*p)
					return *why = "unterminated \"", NULL;
				if (*p == '$' || *p == '`')
					return *why = "$ and ` expansions are not supported (kdumpctl reads this file without a shell); quote with '…'", NULL;
				/* strchr() finds the terminating NUL too: a backslash ending the
				 * line must not step over it */
				if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
					p++;
				*o++ = *p;
			}
			p++;
		} else if (*p == '\\' && p[1]) {
			*o++ = p[1];
			p += 2;
		} else if (*p == '$' || *p == '`') {
			return *why = "$ and ` expansions are not supported (kdumpctl reads this file without a shell); quote with '…'", NULL;
		} else if (strchr(";&|<>()", *p)) {
			return *why = "shell commands are not supported: only KEY=value", NULL;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	p += strspn(p, " \t");
	if (*p && *p != '#')
		return *why = "text after the value (quote a value that holds blanks)", NULL;
	return p;
}

static bool valid_key(const char *key, size_t len)
{
	size_t i;

	if (!len || isdigit((unsigned char)key[0]))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)key[i]) && key[i] != '_')
			return false;
	return true;
}

static int parse_line(char *line, unsigned lineno, const char *name, const char *const *known,
		      struct kdk_settings *settings, struct kdk_err *err)
{
	struct kdk_setting *s;
	const char *why = NULL;
	char *p = line + strspn(line, " \t"), *eq, *value;
	size_t key_len, i;
	bool is_known = !known;

	p[strcspn(p, "\r\n")] = '\0';
	if (!*p || *p == '#')
		return 0;
	if (!strncmp(p, "export", 6) && (p[6] == ' ' || p[6] == '\t'))
		p += 6 + strspn(p + 6, " \t");
	eq = strchr(p, '=');
	key_len = eq ? (size_t)(eq - p) : 0;
	if (!eq || !valid_key(p, key_len))
		return kdk_err_set(err, EINVAL, "%s:%u: expected KEY=value, got \"%.60s\"", name, lineno, p);
	if (!(value = malloc(strlen(eq + 1) + 1)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if (!unquote(eq + 1, value, &why)) {
		free(value);
		return kdk_err_set(err, EINVAL, "%s:%u: %.*s: %s", name, lineno, (int)key_len, p, why);
	}
	if (!(s = kdk_array_push(&settings->entries, err)) || !(s->key = strndup(p, key_len))) {
		free(value);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	s->value = value;
	s->line = lineno;
	for (i = 0; known && known[i]; i++)
		if (!strcmp(known[i], s->key))
			is_known = true;
	if (!is_known) {
		char **w = kdk_array_push(&settings->warnings, err);
		if (!w || asprintf(w, "%s:%u: unknown setting %s (ignored)", name, lineno, s->key) < 0)
			return kdk_err_set(err, ENOMEM, "out of memory");
	}
	return 0;
}

int kdk_settings_parse(FILE *in, const char *name, const char *const *known,
		       struct kdk_settings *settings, struct kdk_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int rc = 0;

	kdk_array_init(&settings->entries, sizeof(struct kdk_setting));
	kdk_array_init(&settings->warnings, sizeof(char *));
	while (rc == 0 && getline(&line, &cap, in) >= 0) {
		lineno++;
		/* A backslash-newline continues the line, as in the shell. */
		while (strlen(line) >= 2 && !strcmp(line + strlen(line) - 2, "\\\n")) {
			char *more = NULL;
			size_t more_cap = 0, keep = strlen(line) - 2;
			if (getline(&more, &more_cap, in) < 0) {
				free(more);
				break;
			}
			lineno++;
			char *joined = malloc(keep + strlen(more) + 1);
			if (!joined) {
				free(more);
				rc = kdk_err_set(err, ENOMEM, "out of memory");
				break;
			}
			memcpy(joined, line, keep);
			strcpy(joined + keep, more);
			free(more);
			free(line);
			line = joined;
			cap = strlen(joined) + 1;
		}
		if (rc == 0)
			rc = parse_line(line, lineno, name, known, settings, err);
	}
	if (rc == 0 && ferror(in))
		rc = kdk_err_set(err, EIO, "%s: read error", name);
	free(line);
	if (rc)
		kdk_settings_free(settings);
	return rc;
}

int kdk_settings_load(const char *path, const char *const *known, struct kdk_settings *settings,
		      struct kdk_err *err)
{
	FILE *in = fopen(path, "re");
	int rc;

	if (!in) {
		kdk_array_init(&settings->entries, sizeof(struct kdk_setting));
		kdk_array_init(&settings->warnings, sizeof(char *));
		return kdk_err_sys(err, errno, "%s", path);
	}
	rc = kdk_settings_parse(in, path, known, settings, err);
	fclose(in);
	return rc;
}
