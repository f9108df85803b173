/* kdump_conf.c — kdump.conf through inih's stream reader: our reader strips '#' comments and
 * turns "key value" (or "key = value") into inih's "key=" line, keeping the full value itself
 * (inih's line buffer is 200 bytes); a table of keys validates each value. */
#include "kdump_conf.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct conf_reader;

struct conf_key {
	const char *name;
	int (*apply)(struct conf_reader *r, const struct conf_key *key, const char *value);
	bool repeatable;
	const char *alias_of;        /* an old name: duplicates count against this key */
};

struct conf_reader {
	FILE *in;
	const char *name;
	unsigned lineno;
	char *raw;
	size_t raw_cap;
	const char *value;           /* the current line's value, whole (inside raw) */
	struct kdk_kdump_conf *conf;
	struct kdk_err *err;
	bool failed;
	unsigned *seen_line;         /* per key row: the line it was first given on */
};

static int conf_error(struct conf_reader *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the first error with its file:line; later ones are dropped. */
static int conf_error(struct conf_reader *r, int code, const char *fmt, ...)
{
	char msg[KDK_ERR_MSG_MAX];
	va_list ap;

	if (!r->failed) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		kdk_err_set(r->err, code, "%s:%u: %s", r->name, r->lineno, msg);
		r->failed = true;
	}
	return 0; /* inih: this line failed */
}

static int conf_warning(struct conf_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int conf_warning(struct conf_reader *r, const char *fmt, ...)
{
	char msg[KDK_ERR_MSG_MAX], *line;
	char **slot;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (asprintf(&line, "%s:%u: %s", r->name, r->lineno, msg) < 0)
		return conf_error(r, ENOMEM, "out of memory");
	slot = kdk_array_push(&r->conf->warnings, NULL);
	if (!slot) {
		free(line);
		return conf_error(r, ENOMEM, "out of memory");
	}
	*slot = line;
	return 1;
}

static int set_string(struct conf_reader *r, char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return conf_error(r, ENOMEM, "out of memory");
	free(*field);
	*field = copy;
	return 1;
}

static int apply_absolute_path(struct conf_reader *r, const struct conf_key *key, char **field,
			       const char *value)
{
	if (value[0] != '/' || strchr(value, ' '))
		return conf_error(r, EINVAL, "%s \"%s\": expected one absolute path", key->name, value);
	return set_string(r, field, value);
}

static int apply_path(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	return apply_absolute_path(r, key, &r->conf->path, value);
}

static int apply_sshkey(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	return apply_absolute_path(r, key, &r->conf->sshkey, value);
}

static int apply_kdump_pre(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	r->conf->kdump_pre_line = r->lineno;
	return apply_absolute_path(r, key, &r->conf->kdump_pre, value);
}

static int apply_kdump_post(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	r->conf->kdump_post_line = r->lineno;
	return apply_absolute_path(r, key, &r->conf->kdump_post, value);
}

/* Seconds: a plain decimal number, at most a week. */
static int parse_seconds(struct conf_reader *r, const struct conf_key *key, const char *value,
			 unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (!isdigit((unsigned char)value[0]) || *end || errno || n > 7 * 24 * 3600)
		return conf_error(r, EINVAL, "%s \"%s\": expected a number of seconds (0 to 604800)",
				  key->name, value);
	*out = (unsigned)n;
	return 1;
}

static int apply_hook_timeout(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	if (!parse_seconds(r, key, value, &r->conf->hook_timeout))
		return 0;
	if (!r->conf->hook_timeout)
		return conf_error(r, EINVAL, "%s 0: a hook needs some time; give a number of seconds",
				  key->name);
	return 1;
}

static int apply_save_timeout(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	return parse_seconds(r, key, value, &r->conf->save_timeout);
}

static int apply_core_collector(struct conf_reader *r, const struct conf_key *key,
				const char *value)
{
	size_t len = strcspn(value, " \t");

	(void)key;
	r->conf->core_collector_line = r->lineno;
	/* makedumpfile lines keep working: dumpsave takes makedumpfile's options. */
	if (!((len == 8 && !strncmp(value, "dumpsave", 8)) ||
	      (len == 12 && !strncmp(value, "makedumpfile", 12))))
		return conf_error(r, EINVAL,
				  "core_collector \"%.*s\": the collector must be dumpsave (or makedumpfile, whose options dumpsave takes)",
				  (int)len, value);
	return set_string(r, &r->conf->core_collector, value);
}

/* Only one dump target: a second one is a mistake worth stopping for. */
static int set_target(struct conf_reader *r, const struct conf_key *key,
		      enum kdk_conf_target_kind kind)
{
	if (r->conf->target != KDK_TARGET_ROOTFS)
		return conf_error(r, EINVAL, "%s: a dump target was already given on line %u; kdump.conf takes one",
				  key->name, r->conf->target_line);
	r->conf->target = kind;
	r->conf->target_line = r->lineno;
	return 1;
}

static int apply_fs_target(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	if (strchr(value, ' ') || !(value[0] == '/' || !strncmp(value, "UUID=", 5) ||
				    !strncmp(value, "LABEL=", 6) || !strncmp(value, "PARTUUID=", 9) ||
				    !strncmp(value, "PARTLABEL=", 10)))
		return conf_error(r, EINVAL,
				  "%s \"%s\": expected a device: /dev/…, UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…",
				  key->name, value);
	if (!set_target(r, key, KDK_TARGET_FS) || !set_string(r, &r->conf->device, value))
		return 0;
	return set_string(r, &r->conf->fstype, key->name);
}

/* "nfs server:/export": the fstype keeps the key's spelling (nfs4 is kdump-utils' older one). */
static int apply_nfs_target(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	const char *colon = strstr(value, ":/");

	/* the server may be an [IPv6] address: refused later, with the reason (lib/nfs_target.c) */
	if (strchr(value, ' ') || !colon || colon == value)
		return conf_error(r, EINVAL, "%s \"%s\": expected SERVER:/export", key->name, value);
	if (!set_target(r, key, KDK_TARGET_NFS) || !set_string(r, &r->conf->device, value))
		return 0;
	return set_string(r, &r->conf->fstype, key->name);
}

/* "nfs_options vers=3,port=2049": mount options for an nfs target, checked with the target
 * (lib/nfs_target.c) once the whole file is read. */
static int apply_nfs_options(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	(void)key;
	if (strchr(value, ' ') || strchr(value, '\t'))
		return conf_error(r, EINVAL, "nfs_options \"%s\": one comma-separated list, no spaces",
				  value);
	r->conf->nfs_options_line = r->lineno;
	return set_string(r, &r->conf->nfs_options, value);
}

static int apply_raw(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	if (strchr(value, ' ') || !(value[0] == '/' || !strncmp(value, "UUID=", 5) ||
				    !strncmp(value, "LABEL=", 6) || !strncmp(value, "PARTUUID=", 9)))
		return conf_error(r, EINVAL, "raw \"%s\": expected a device (/dev/…, UUID=…, PARTUUID=…)",
				  value);
	if (!set_target(r, key, KDK_TARGET_RAW))
		return 0;
	return set_string(r, &r->conf->device, value);
}

static int apply_ssh(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	const char *at = strchr(value, '@');

	if (!at || at == value || !at[1] || strchr(value, ' ') || strchr(at + 1, '@'))
		return conf_error(r, EINVAL, "ssh \"%s\": expected user@host", value);
	/* The value reaches ssh(1) in kdumpctl propagate: nothing in it may read as an option
	 * ("-oProxyCommand=…@host" runs a command) or as ssh's own syntax (user names and hosts
	 * are letters, digits, '.', '-', '_'; an IPv6 address in [brackets] with ':'). */
	if (value[0] == '-' || at[1] == '-')
		return conf_error(r, EINVAL, "ssh \"%s\": a user or host starting with '-' would be read "
				  "as an ssh option; refused", value);
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("@._-[]:", *p))
			return conf_error(r, EINVAL, "ssh \"%s\": '%c' is not allowed in user@host "
					  "(letters, digits, '.', '-', '_'; [IPv6])", value, *p);
	if (!set_target(r, key, KDK_TARGET_SSH))
		return 0;
	return set_string(r, &r->conf->ssh, value);
}

static const char *const action_names[] = {
	[KDK_ACTION_REBOOT] = "reboot", [KDK_ACTION_HALT] = "halt",
	[KDK_ACTION_POWEROFF] = "poweroff", [KDK_ACTION_SHELL] = "shell",
	[KDK_ACTION_DUMP_TO_ROOTFS] = "dump_to_rootfs",
};

const char *kdk_conf_action_name(enum kdk_conf_action action)
{
	return (unsigned)action < sizeof(action_names) / sizeof(action_names[0])
		       ? action_names[action] : "?";
}

static int parse_action(struct conf_reader *r, const struct conf_key *key, const char *value,
			enum kdk_conf_action last, enum kdk_conf_action *out)
{
	enum kdk_conf_action a;

	for (a = KDK_ACTION_REBOOT; a <= last; a++)
		if (!strcmp(value, action_names[a])) {
			*out = a;
			return 1;
		}
	return conf_error(r, EINVAL, "%s \"%s\": expected one of reboot, halt, poweroff%s", key->name,
			  value, last == KDK_ACTION_DUMP_TO_ROOTFS ? ", shell, dump_to_rootfs" : "");
}

static int apply_failure_action(struct conf_reader *r, const struct conf_key *key,
				const char *value)
{
	if (!strcmp(key->name, "default") &&
	    !conf_warning(r, "\"default\" is the old name of failure_action; it still works"))
		return 0;
	return parse_action(r, key, value, KDK_ACTION_DUMP_TO_ROOTFS, &r->conf->failure_action);
}

static int apply_final_action(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	return parse_action(r, key, value, KDK_ACTION_POWEROFF, &r->conf->final_action);
}

/* Space-separated words appended to a list (the key may repeat). */
static int append_words(struct conf_reader *r, const struct conf_key *key, struct kdk_array *list,
			const char *value, bool absolute)
{
	const char *p = value;

	while (*p) {
		size_t len = strcspn(p, " \t");
		char **slot;

		if (absolute && p[0] != '/')
			return conf_error(r, EINVAL, "%s \"%.*s\": expected an absolute path", key->name,
					  (int)len, p);
		slot = kdk_array_push(list, NULL);
		if (!slot || !(*slot = strndup(p, len)))
			return conf_error(r, ENOMEM, "out of memory");
		p += len;
		p += strspn(p, " \t");
	}
	return 1;
}

static int apply_extra_bins(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	if (!r->conf->extra_bins_line)
		r->conf->extra_bins_line = r->lineno;
	return append_words(r, key, &r->conf->extra_bins, value, true);
}

static int apply_extra_modules(struct conf_reader *r, const struct conf_key *key,
			       const char *value)
{
	return append_words(r, key, &r->conf->extra_modules, value, false);
}

static int parse_bool(struct conf_reader *r, const struct conf_key *key, const char *value,
		      bool *out)
{
	if (!strcmp(value, "1") || !strcmp(value, "yes") || !strcmp(value, "true"))
		*out = true;
	else if (!strcmp(value, "0") || !strcmp(value, "no") || !strcmp(value, "false"))
		*out = false;
	else
		return conf_error(r, EINVAL, "%s \"%s\": expected 1 or 0 (yes or no)", key->name, value);
	return 1;
}

static int apply_force_rebuild(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	return parse_bool(r, key, value, &r->conf->force_rebuild);
}

static int apply_force_no_rebuild(struct conf_reader *r, const struct conf_key *key,
				  const char *value)
{
	return parse_bool(r, key, value, &r->conf->force_no_rebuild);
}

static int apply_auto_reset(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	r->conf->auto_reset_crashkernel_line = r->lineno;
	return parse_bool(r, key, value, &r->conf->auto_reset_crashkernel);
}

static int apply_ignored(struct conf_reader *r, const struct conf_key *key, const char *value)
{
	(void)value;
	return conf_warning(r, "%s is accepted and ignored: %s", key->name,
			    !strcmp(key->name, "dracut_args") ? "mkdumprd does not use dracut"
							      : "kdumpkit has no fence_kdump support");
}

static const struct conf_key conf_keys[] = {
	{ "path", apply_path, false, NULL },
	{ "core_collector", apply_core_collector, false, NULL },
	{ "ssh", apply_ssh, false, NULL },
	{ "sshkey", apply_sshkey, false, NULL },
	{ "raw", apply_raw, false, NULL },
	{ "ext2", apply_fs_target, false, NULL },
	{ "ext3", apply_fs_target, false, NULL },
	{ "ext4", apply_fs_target, false, NULL },
	{ "xfs", apply_fs_target, false, NULL },
	{ "btrfs", apply_fs_target, false, NULL },
	{ "vfat", apply_fs_target, false, NULL },
	{ "minix", apply_fs_target, false, NULL },
	{ "nfs", apply_nfs_target, false, NULL },
	{ "nfs4", apply_nfs_target, false, NULL },
	{ "nfs_options", apply_nfs_options, false, NULL },
	{ "virtiofs", apply_fs_target, false, NULL },
	{ "failure_action", apply_failure_action, false, NULL },
	{ "default", apply_failure_action, false, "failure_action" },
	{ "final_action", apply_final_action, false, NULL },
	{ "extra_bins", apply_extra_bins, true, NULL },
	{ "extra_modules", apply_extra_modules, true, NULL },
	{ "kdump_pre", apply_kdump_pre, false, NULL },
	{ "kdump_post", apply_kdump_post, false, NULL },
	{ "kdump_hook_timeout", apply_hook_timeout, false, NULL },
	{ "kdump_save_timeout", apply_save_timeout, false, NULL },
	{ "dracut_args", apply_ignored, true, NULL },
	{ "fence_kdump_args", apply_ignored, true, NULL },
	{ "fence_kdump_nodes", apply_ignored, true, NULL },
	{ "force_rebuild", apply_force_rebuild, false, NULL },
	{ "force_no_rebuild", apply_force_no_rebuild, false, NULL },
	{ "auto_reset_crashkernel", apply_auto_reset, false, NULL },
};
#define NR_CONF_KEYS (sizeof(conf_keys) / sizeof(conf_keys[0]))

/* Edit distance, for "did you mean". Keys are short: an O(n·m) table on the stack is fine. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t prev[64], cur[64];

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			size_t sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
			cur[j] = del < ins ? (del < sub ? del : sub) : (ins < sub ? ins : sub);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

static const char *nearest_key(const char *name)
{
	const char *best = NULL;
	size_t best_distance = SIZE_MAX, i;

	for (i = 0; i < NR_CONF_KEYS; i++) {
		size_t d = edit_distance(name, conf_keys[i].name);
		if (d < best_distance) {
			best_distance = d;
			best = conf_keys[i].name;
		}
	}
	return best_distance <= 3 ? best : NULL;
}

static int on_entry(void *user, const char *section, const char *name, const char *ignored)
{
	struct conf_reader *r = user;
	size_t i;

	(void)section;
	(void)ignored; /* inih's copy is cut at 200 bytes: the reader kept the whole value */
	for (i = 0; i < NR_CONF_KEYS; i++) {
		const struct conf_key *key = &conf_keys[i];
		if (strcmp(name, key->name))
			continue;
		if (!r->value[0])
			return conf_error(r, EINVAL, "%s has no value", name);
		size_t seen = i;
		if (key->alias_of)
			for (seen = 0; strcmp(conf_keys[seen].name, key->alias_of); seen++)
				;
		if (!key->repeatable && r->seen_line[seen])
			return conf_error(r, EINVAL, "%s given twice (first on line %u)",
					  conf_keys[seen].name, r->seen_line[seen]);
		r->seen_line[seen] = r->lineno;
		return key->apply(r, key, r->value);
	}
	{
		const char *near = nearest_key(name);
		if (near)
			return conf_error(r, EINVAL, "unknown option \"%s\" (did you mean \"%s\"?)", name,
					  near);
		return conf_error(r, EINVAL, "unknown option \"%s\"", name);
	}
}

/* inih's reader: hand over one normalised line ("key=\n"), or "\n" for blanks and comments. */
static char *read_line(char *buf, int size, void *stream)
{
	struct conf_reader *r = stream;
	char *line, *end, *key_end, *value;
	ssize_t got;

	got = getline(&r->raw, &r->raw_cap, r->in);
	if (got < 0)
		return NULL;
	r->lineno++;
	line = r->raw;
	/* A '#' starts a comment anywhere on the line, as kdumpctl has always read it. */
	line[strcspn(line, "#\r\n")] = '\0';
	line += strspn(line, " \t");
	end = line + strlen(line);
	while (end > line && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	r->value = "";
	if (!*line) {
		snprintf(buf, (size_t)size, "\n");
		return buf;
	}
	if (*line == '[') {
		conf_error(r, EINVAL, "\"%s\": kdump.conf has no [sections]", line);
		snprintf(buf, (size_t)size, "\n");
		return buf;
	}
	key_end = line + strcspn(line, " \t=");
	value = key_end + strspn(key_end, " \t");
	if (*value == '=')
		value += 1 + strspn(value + 1, " \t");
	*key_end = '\0';
	r->value = value;
	if ((int)strlen(line) + 3 > size) {
		conf_error(r, EINVAL, "option name \"%.40s…\" is too long", line);
		snprintf(buf, (size_t)size, "\n");
		return buf;
	}
	snprintf(buf, (size_t)size, "%s=\n", line);
	return buf;
}

static void free_string_list(struct kdk_array *list)
{
	size_t i;
	for (i = 0; i < list->len; i++)
		free(*(char **)kdk_array_at(list, i));
	kdk_array_free(list);
}

void kdk_kdump_conf_free(struct kdk_kdump_conf *conf)
{
	free(conf->file);
	free(conf->path);
	free(conf->core_collector);
	free(conf->fstype);
	free(conf->device);
	free(conf->ssh);
	free(conf->sshkey);
	free(conf->kdump_pre);
	free(conf->kdump_post);
	free(conf->nfs_options);
	free_string_list(&conf->extra_bins);
	free_string_list(&conf->extra_modules);
	free_string_list(&conf->warnings);
	memset(conf, 0, sizeof(*conf));
}

/* What only the whole file can tell, and the defaults. */
static void check_whole_file(struct conf_reader *r, int ini_rc)
{
	struct kdk_kdump_conf *conf = r->conf;

	r->failed = true;
	if (ini_rc < 0 || ferror(r->in))
		kdk_err_set(r->err, EIO, "%s: read error", r->name);
	else if (conf->force_rebuild && conf->force_no_rebuild)
		kdk_err_set(r->err, EINVAL, "%s: force_rebuild and force_no_rebuild are both set",
			    r->name);
	else if ((conf->target == KDK_TARGET_SSH && !conf->sshkey &&
		  !(conf->sshkey = strdup(KDK_CONF_DEFAULT_SSHKEY))) ||
		 (!conf->path && !(conf->path = strdup(KDK_CONF_DEFAULT_PATH))) ||
		 (!conf->core_collector &&
		  !(conf->core_collector = strdup(KDK_CONF_DEFAULT_CORE_COLLECTOR))))
		kdk_err_set(r->err, ENOMEM, "out of memory");
	else
		r->failed = false;
}

int kdk_kdump_conf_parse(FILE *in, const char *name, struct kdk_kdump_conf *conf,
			 struct kdk_err *err)
{
	unsigned seen_line[NR_CONF_KEYS] = { 0 };
	struct conf_reader r = { .in = in, .name = name, .conf = conf, .err = err,
				 .seen_line = seen_line, .value = "" };
	int rc;

	memset(conf, 0, sizeof(*conf));
	kdk_array_init(&conf->extra_bins, sizeof(char *));
	kdk_array_init(&conf->extra_modules, sizeof(char *));
	kdk_array_init(&conf->warnings, sizeof(char *));
	conf->failure_action = KDK_ACTION_REBOOT;
	conf->final_action = KDK_ACTION_REBOOT;
	conf->hook_timeout = KDK_CONF_DEFAULT_HOOK_TIMEOUT;
	conf->save_timeout = KDK_CONF_DEFAULT_SAVE_TIMEOUT;
	if (!(conf->file = strdup(name))) {
		kdk_kdump_conf_free(conf);
		return kdk_err_set(err, ENOMEM, "out of memory");
	}
	rc = ini_parse_stream(read_line, &r, on_entry, &r);
	free(r.raw);
	if (!r.failed)
		check_whole_file(&r, rc);
	if (r.failed) {
		kdk_kdump_conf_free(conf);
		return -(err && err->code ? err->code : EINVAL);
	}
	return 0;
}

int kdk_kdump_conf_load(const char *path, struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	FILE *in = fopen(path, "r");
	int rc;

	if (!in)
		return kdk_err_sys(err, errno, "%s", path);
	rc = kdk_kdump_conf_parse(in, path, conf, err);
	fclose(in);
	return rc;
}
