/* grub.c — edit /etc/default/grub (a shell fragment) line by line: crashkernel= words leave
 * GRUB_CMDLINE_LINUX and GRUB_CMDLINE_LINUX_DEFAULT, one crashkernel=SIZE goes into
 * GRUB_CMDLINE_LINUX (every boot entry, recovery ones too). Other lines stay byte for byte. */
#include "grub.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The words of a quoted value without crashkernel=…, plus add (when not NULL), re-quoted. */
static char *rewrite_value(const char *value, const char *add)
{
	char *out, quote = value[0] == '"' || value[0] == '\'' ? value[0] : 0, *o;
	const char *p = value + (quote ? 1 : 0);
	size_t len = strlen(value);
	const char *end = quote && len > 1 && value[len - 1] == quote ? value + len - 1 : value + len;

	if (!(out = malloc(len + (add ? strlen(add) : 0) + 4)))
		return NULL;
	o = out;
	*o++ = quote ? quote : '"';
	while (p < end) {
		size_t word = 0;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		while (p + word < end && p[word] != ' ' && p[word] != '\t')
			word++;
		if (word && strncmp(p, "crashkernel=", 12)) {
			if (o > out + 1)
				*o++ = ' ';
			memcpy(o, p, word);
			o += word;
		}
		p += word;
	}
	if (add) {
		if (o > out + 1)
			*o++ = ' ';
		strcpy(o, add);
		o += strlen(add);
	}
	*o++ = quote ? quote : '"';
	*o = '\0';
	return out;
}

int grub_set_crashkernel(const char *path, const char *size, char **backup, struct kdk_err *err)
{
	char *text = NULL, *line, *next, *want = NULL, *tmp = NULL, stamp[32];
	bool found_linux = false, changed = false;
	FILE *out = NULL;
	struct stat st;
	time_t now = time(NULL);
	int rc;

	*backup = NULL;
	if ((rc = ctl_read_text(path, &text, err)))
		return rc;
	if (stat(path, &st) < 0) {
		rc = kdk_err_sys(err, errno, "%s", path);
		goto out;
	}
	if (asprintf(&want, "crashkernel=%s", size) < 0 || asprintf(&tmp, "%s.kdumpctl-part", path) < 0) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (!(out = fopen(tmp, "we"))) {
		rc = kdk_err_sys(err, errno, "%s", tmp);
		goto out;
	}
	for (line = text; *line; line = next) {
		char *nl = strchr(line, '\n'), *value, *rewritten;
		bool is_linux, is_default;
		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		is_linux = !strncmp(line, "GRUB_CMDLINE_LINUX=", 19);
		is_default = !strncmp(line, "GRUB_CMDLINE_LINUX_DEFAULT=", 27);
		if (!is_linux && !is_default) {
			fprintf(out, "%s%s", line, nl ? "\n" : "");
			continue;
		}
		value = strchr(line, '=') + 1;
		rewritten = rewrite_value(value, is_linux && !found_linux ? want : NULL);
		if (!rewritten) {
			rc = kdk_err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		found_linux |= is_linux;
		if (strcmp(rewritten, value))
			changed = true;
		fprintf(out, "%.*s%s%s", (int)(value - line), line, rewritten, nl ? "\n" : "");
		free(rewritten);
	}
	if (!found_linux) {
		fprintf(out, "%sGRUB_CMDLINE_LINUX=\"%s\"\n",
			text[0] && text[strlen(text) - 1] != '\n' ? "\n" : "", want);
		changed = true;
	}
	if (fchmod(fileno(out), st.st_mode & 07777) < 0 || fclose(out)) {
		out = NULL;
		rc = kdk_err_sys(err, errno, "%s", tmp);
		goto out;
	}
	out = NULL;
	if (!changed) {
		unlink(tmp);
		goto out;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	if (asprintf(backup, "%s.kdumpctl-%s", path, stamp) < 0) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	/* The backup is the old file itself (a hard link), then the new one takes its name. */
	if (link(path, *backup) < 0 || rename(tmp, path) < 0) {
		rc = kdk_err_sys(err, errno, "%s: keeping a backup in %s", path, *backup);
		free(*backup);
		*backup = NULL;
	}
out:
	if (out)
		fclose(out);
	if (rc && tmp)
		unlink(tmp);
	free(text);
	free(want);
	free(tmp);
	return rc;
}
