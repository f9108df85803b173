/* cmdline.c — building the new kernel's command line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"

void kexec_cmdline_remove(char *text, const char *name)
{
	size_t name_len = strlen(name);
	char *word = text;

	while (*word) {
		char *end;

		while (*word == ' ')
			word++;
		end = word;
		/* A quoted value may hold spaces: param="a b". */
		for (bool quoted = false; *end && (quoted || *end != ' '); end++)
			if (*end == '"')
				quoted = !quoted;
		if (!strncmp(word, name, name_len) && (word[name_len] == '=' || word + name_len == end)) {
			while (*end == ' ')
				end++;
			memmove(word, end, strlen(end) + 1);
			continue;
		}
		word = end;
	}
	/* No trailing blank left behind by a removal at the end. */
	for (size_t len = strlen(text); len && text[len - 1] == ' '; len--)
		text[len - 1] = '\0';
}

int kexec_cmdline_append(struct kexec_cmdline *cmdline, const char *words, struct kdk_err *err)
{
	size_t old_len = cmdline->text ? strlen(cmdline->text) : 0;
	char *text;

	if (!words || !*words)
		return 0;
	text = realloc(cmdline->text, old_len + strlen(words) + 2);
	if (!text)
		return kdk_err_sys(err, ENOMEM, "command line");
	if (old_len)
		text[old_len++] = ' ';
	strcpy(text + old_len, words);
	cmdline->text = text;
	return 0;
}

int kexec_cmdline_reuse(struct kexec_cmdline *cmdline, const char *proc_cmdline, bool for_crash,
			struct kdk_err *err)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *in = fopen(proc_cmdline, "re");
	int rc;

	if (!in)
		return kdk_err_sys(err, errno, "%s", proc_cmdline);
	len = getline(&line, &cap, in);
	fclose(in);
	if (len < 0) {
		free(line);
		return kdk_err_set(err, EIO, "%s: empty", proc_cmdline);
	}
	line[strcspn(line, "\r\n")] = '\0';
	kexec_cmdline_remove(line, "BOOT_IMAGE");
	if (for_crash)
		kexec_cmdline_remove(line, "crashkernel");
	rc = kexec_cmdline_append(cmdline, line, err);
	free(line);
	return rc;
}

void kexec_cmdline_free(struct kexec_cmdline *cmdline)
{
	free(cmdline->text);
	cmdline->text = NULL;
}
