/* kdump_settings.h — /etc/default/kdump: KEY=value lines in the shell's syntax (quotes, escapes,
 * comments, "export"), read without a shell. Format: docs/formats/default-kdump.md. */
#ifndef KDK_KDUMP_SETTINGS_H
#define KDK_KDUMP_SETTINGS_H

#include <stdio.h>

#include "kdk_array.h"
#include "kdk_err.h"

struct kdk_setting {
	char *key, *value;
	unsigned line;
};

struct kdk_settings {
	struct kdk_array entries;   /* struct kdk_setting; a key given twice: the last one counts */
	struct kdk_array warnings;  /* char *, "file:line: …" (unknown keys) */
};

/* Parse from a stream; name is used in messages. known is a NULL-terminated list of keys: others
 * are kept but warned about (a misspelt key silently ignored is the worst outcome). On error the
 * settings are freed and err says file:line. */
int kdk_settings_parse(FILE *in, const char *name, const char *const *known,
		       struct kdk_settings *settings, struct kdk_err *err);
/* Open and parse; a missing file is ENOENT with nothing parsed (callers use the defaults). */
int kdk_settings_load(const char *path, const char *const *known, struct kdk_settings *settings,
		      struct kdk_err *err);
/* The value of key, or NULL when the file does not set it. */
const char *kdk_settings_get(const struct kdk_settings *settings, const char *key);
void kdk_settings_free(struct kdk_settings *settings);

#endif
