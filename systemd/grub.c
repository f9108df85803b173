/* grub.c — edit /etc/default/grub and grub.d/<name>.cfg (shell fragments grub-mkconfig sources in
 * that order) line by line: only the words inside the quotes of GRUB_CMDLINE_LINUX[_DEFAULT]
 * assignments change; every other byte stays. Lines that are not plain assignments are refused. */
#include "grub.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kdk_out.h"

struct grub_file {
	char *path;
	char *text;       /* as read */
	char *edited;     /* the new text (NULL until built) */
	size_t edited_len;
	unsigned last_linux_line; /* the last GRUB_CMDLINE_LINUX assignment in it (0: none) */
	bool changed;
};

/* One assignment line, split: prefix (up to the value), the quote used, the words inside,
 * and the rest after the closing quote (blanks and a comment). */
struct assignment {
	size_t value_at, value_end;  /* the value's bytes within the line, quotes included */
	size_t inner_at, inner_end;  /* inside the quotes */
	char quote;                  /* '"', '\'' or 0 for a bare word */
};

static bool starts_key(const char *p, const char *key)
{
	size_t len = strlen(key);
	return !strncmp(p, key, len) && p[len] == '=';
}

/* Is line (NUL-terminated, no newline) an assignment of key we can edit? 1 with a filled, 0 for
 * lines that do not assign key, -1 (why set) for lines that mention it in a way we cannot edit. */
static int parse_assignment(const char *line, const char *key, struct assignment *a,
			    const char **why)
{
	const char *p = line + strspn(line, " \t"), *q;
	size_t len = strlen(line);

	if (*p == '#' || !strstr(line, key))
		return 0;
	if (!strncmp(p, "export", 6) && (p[6] == ' ' || p[6] == '\t'))
		p += 6 + strspn(p + 6, " \t");
	if (!starts_key(p, key)) {
		/* "KEY=" elsewhere on the line (after "if …; then", "&&", "local"…) is an
		 * assignment we cannot edit safely; a mere mention ($KEY) is not ours. */
		for (q = strstr(line, key); q; q = strstr(q + 1, key)) {
			size_t len = strlen(key);
			if (q != line && (isalnum((unsigned char)q[-1]) || q[-1] == '_'))
				continue;
			if (q[len] == '+' && q[len + 1] == '=')
				return *why = "an appending += assignment", -1;
			if (starts_key(q, key))
				return *why = "an assignment inside other shell code", -1;
		}
		return 0;
	}
	p += strlen(key) + 1;
	a->value_at = (size_t)(p - line);
	if (*p == '"') {
		for (q = p + 1; *q && *q != '"'; q++) {
			if (*q == '`' || (*q == '$' && q[1] == '('))
				return *why = "command substitution in the value", -1;
			if (*q == '\\' && q[1])
				q++;
		}
		if (!*q)
			return *why = "the quoted value continues on the next line", -1;
		a->quote = '"';
	} else if (*p == '\'') {
		if (!(q = strchr(p + 1, '\'')))
			return *why = "the quoted value continues on the next line", -1;
		a->quote = '\'';
	} else {
		q = p + strcspn(p, " \t");
		if (strpbrk(p, "\"'\\`$;&|<>()") && (size_t)(strpbrk(p, "\"'\\`$;&|<>()") - p) <
							   (size_t)(q - p))
			return *why = "an unquoted value with shell syntax in it", -1;
		a->quote = 0;
		a->inner_at = a->value_at;
		a->inner_end = a->value_end = (size_t)(q - line);
		goto rest;
	}
	a->inner_at = a->value_at + 1;
	a->inner_end = (size_t)(q - line);
	a->value_end = a->inner_end + 1;
	q++;
rest:
	q += strspn(q, " \t");
	if (*q && *q != '#')
		return *why = "more shell code after the value", -1;
	if (len && line[len - 1] == '\\' && *q != '#')
		return *why = "a continued line", -1;
	return 1;
}

/* The words of inner without crashkernel=…, plus add (may be NULL), into mem. */
static void put_words(FILE *mem, const char *inner, size_t len, const char *add)
{
	const char *p = inner, *end = inner + len;
	bool first = true;

	while (p < end) {
		size_t word;
		p += strspn(p, " \t");
		if (p >= end)
			break;
		word = strcspn(p, " \t");
		if (p + word > end)
			word = (size_t)(end - p);
		if (strncmp(p, "crashkernel=", 12)) {
			fprintf(mem, "%s%.*s", first ? "" : " ", (int)word, p);
			first = false;
		}
		p += word;
	}
	if (add)
		fprintf(mem, "%s%s", first ? "" : " ", add);
}

/* First pass (want NULL): check every line and find the last GRUB_CMDLINE_LINUX. Second pass:
 * write the edited text, adding want to line add_line (0: nowhere). */
static int edit_file(struct grub_file *f, const char *want, unsigned add_line, struct kdk_err *err)
{
	char *copy = strdup(f->text), *line, *next;
	FILE *mem = want ? open_memstream(&f->edited, &f->edited_len) : NULL;
	unsigned lineno = 0;
	int rc = 0;

	if (!copy || (want && !mem)) {
		free(copy);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	for (line = copy; *line && rc == 0; line = next) {
		char *nl = strchr(line, '\n');
		static const char *const keys[] = { "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT" };
		struct assignment a;
		const char *why = NULL;
		bool is_linux = false;
		int found = 0;

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		lineno++;
		for (int k = 0; k < 2 && !found; k++) {
			found = parse_assignment(line, keys[k], &a, &why);
			if (found < 0)
				rc = kdk_err_set(err, EINVAL, "%s:%u: %s: cannot edit it safely (%s); set "
						 "crashkernel= there by hand", f->path, lineno,
						 keys[k], why);
			is_linux = found > 0 && k == 0;
		}
		if (is_linux)
			f->last_linux_line = lineno;
		if (!mem)
			continue;
		if (found <= 0) {
			fprintf(mem, "%s%s", line, nl ? "\n" : "");
			continue;
		}
		{
			char quote = a.quote ? a.quote : '"';
			fprintf(mem, "%.*s%c", (int)a.value_at, line, quote);
			put_words(mem, line + a.inner_at, a.inner_end - a.inner_at,
				  is_linux && lineno == add_line ? want : NULL);
			fprintf(mem, "%c%s%s", quote, line + a.value_end, nl ? "\n" : "");
		}
	}
	if (mem) {
		if (fclose(mem) && rc == 0)
			rc = kdk_err_sys(err, errno, "%s", f->path);
		if (rc == 0)
			f->changed = strcmp(f->edited, f->text) != 0;
	}
	free(copy);
	return rc;
}

/* Write f->edited over f->path: a temporary file with the old mode, fsynced, the old file kept
 * as a hard-linked backup, the rename, then the directory fsynced. */
static int replace_file(struct grub_file *f, char **backup, struct kdk_err *err)
{
	char *tmp = NULL, stamp[32];
	struct stat st;
	time_t now = time(NULL);
	int fd = -1, rc = 0;

	*backup = NULL;
	if (stat(f->path, &st) < 0)
		st.st_mode = 0644; /* a new file (main file without one) */
	if (asprintf(&tmp, "%s.kdumpctl-part", f->path) < 0)
		return kdk_err_set(err, ENOMEM, "out of memory");
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0777);
	if (fd < 0 || write(fd, f->edited, f->edited_len) != (ssize_t)f->edited_len ||
	    fchmod(fd, st.st_mode & 07777) < 0 || fsync(fd) < 0) {
		rc = kdk_err_sys(err, errno, "%s", tmp);
		goto out;
	}
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	/* The backup is the old file itself (a hard link; -N added when that second's name is
	 * taken), then the new one takes its name. */
	for (int n = 0; n < 100; n++) {
		char suffix[16] = "";
		if (n)
			snprintf(suffix, sizeof(suffix), "-%d", n);
		if (asprintf(backup, "%s.kdumpctl-%s%s", f->path, stamp, suffix) < 0) {
			*backup = NULL;
			rc = kdk_err_set(err, ENOMEM, "out of memory");
			goto out;
		}
		if (link(f->path, *backup) == 0 || errno != EEXIST)
			break;
		free(*backup);
		*backup = NULL;
	}
	if (!*backup || access(*backup, F_OK) < 0 || rename(tmp, f->path) < 0) {
		rc = kdk_err_sys(err, errno ? errno : EEXIST, "%s: keeping a backup in %s", f->path,
				 *backup ? *backup : "<file>.kdumpctl-<time>");
		free(*backup);
		*backup = NULL;
		goto out;
	}
	rc = kdk_fsync_parent_dir(f->path, err);
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int grub_set_crashkernel(const char *path, const char *size, struct kdk_array *backups,
			 struct kdk_err *err)
{
	struct kdk_array files = KDK_ARRAY_INIT(struct grub_file);
	char *want = NULL, *pattern = NULL, *slash;
	glob_t cfgs = { 0 };
	size_t i, last_file = 0;
	unsigned last_line = 0;
	int rc = 0;

	if (asprintf(&want, "crashkernel=%s", size) < 0 ||
	    asprintf(&pattern, "%.*sgrub.d/*.cfg",
		     (slash = strrchr(path, '/')) ? (int)(slash - path + 1) : 0, path) < 0) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	/* grub-mkconfig: ". /etc/default/grub", then each /etc/default/grub.d/<name>.cfg in glob order. */
	if (glob(pattern, 0, NULL, &cfgs) != 0)
		cfgs.gl_pathc = 0;
	for (i = 0; i <= cfgs.gl_pathc && rc == 0; i++) {
		struct grub_file *f = kdk_array_push(&files, err);
		if (!f) {
			rc = -ENOMEM;
			break;
		}
		memset(f, 0, sizeof(*f));
		if (!(f->path = strdup(i ? cfgs.gl_pathv[i - 1] : path)))
			rc = kdk_err_set(err, ENOMEM, "out of memory");
		else if ((rc = ctl_read_text(f->path, &f->text, err)) == 0 &&
			 (rc = edit_file(f, NULL, 0, err)) == 0 && f->last_linux_line) {
			last_file = files.len - 1;
			last_line = f->last_linux_line;
		}
	}
	for (i = 0; i < files.len && rc == 0; i++) {
		struct grub_file *f = kdk_array_at(&files, i);
		rc = edit_file(f, want, i == last_file ? last_line : 0, err);
	}
	if (rc == 0 && !last_line) {
		/* No assignment anywhere: a new line at the end of the main file. */
		struct grub_file *f = kdk_array_at(&files, 0);
		size_t len = strlen(f->edited);
		char *more = NULL;
		if (asprintf(&more, "%s%sGRUB_CMDLINE_LINUX=\"%s\"\n", f->edited,
			     len && f->edited[len - 1] != '\n' ? "\n" : "", want) < 0) {
			rc = kdk_err_set(err, ENOMEM, "out of memory");
		} else {
			free(f->edited);
			f->edited = more;
			f->edited_len = strlen(more);
			f->changed = true;
		}
	}
	for (i = 0; i < files.len && rc == 0; i++) {
		struct grub_file *f = kdk_array_at(&files, i);
		char *backup, **slot;
		if (!f->changed)
			continue;
		if ((rc = replace_file(f, &backup, err)))
			break;
		if (!(slot = kdk_array_push(backups, err))) {
			free(backup);
			rc = -ENOMEM;
			break;
		}
		*slot = backup;
	}
out:
	for (i = 0; i < files.len; i++) {
		struct grub_file *f = kdk_array_at(&files, i);
		free(f->path);
		free(f->text);
		free(f->edited);
	}
	kdk_array_free(&files);
	if (pattern)
		globfree(&cfgs);
	free(pattern);
	free(want);
	return rc;
}
