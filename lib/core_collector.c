/* core_collector.c — the core_collector line through dumpsave's own option parser. */
#include "core_collector.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

int kdk_core_collector_options(const char *core_collector, const char *vmcore, const char *output,
			       struct kdk_save_options *opts, char ***argv, char **storage,
			       bool *dropped_flatten, struct kdk_err *err)
{
	char msg[256], **words, *name;
	int argc, rc;

	*argv = NULL;
	*storage = NULL;
	*dropped_flatten = false;
	rc = kdk_save_options_split(core_collector, &words, &argc, storage);
	if (rc)
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": cannot split it into words "
				   "(quotes are not supported)", core_collector);
	/* "makedumpfile -F …" is how ssh targets were written for makedumpfile, which could only
	 * pipe a flattened stream into ssh. The /init writes the target itself (SFTP, or a
	 * flattened vmcore.flat where the server has no SFTP), so -F has nothing left to do. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(words[i], "-F"))
			continue;
		*dropped_flatten = true;
		memmove(&words[i], &words[i + 1], (size_t)(argc - i) * sizeof(*words));
		argc--;
		i--;
	}
	name = argc ? basename(words[0]) : "";
	if (strcmp(name, "dumpsave") && strcmp(name, "makedumpfile")) {
		free(words);
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": the capture /init runs dumpsave "
				   "(or makedumpfile, the same options), not %s", core_collector, name);
	}
	*argv = realloc(words, (size_t)(argc + 3) * sizeof(*words));
	if (!*argv) {
		free(words);
		return kdk_err_sys(err, ENOMEM, "core_collector");
	}
	(*argv)[argc++] = (char *)vmcore;
	(*argv)[argc++] = (char *)output;
	(*argv)[argc] = NULL;
	if (kdk_save_options_parse(argc, *argv, opts, msg, sizeof(msg)))
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": %s", core_collector, msg);
	/* kdumpctl can load snappy and the static /init cannot: refused here for both. */
	if (opts->codec == KDK_SAVE_CODEC_SNAPPY)
		return kdk_err_set(err, ENOTSUP, "core_collector \"%s\": -p (snappy): the capture "
				   "/init links no snappy (a C++ library, libstdc++ with it, in the "
				   "crashkernel reservation): use -l, -c or -z", core_collector);
	if (opts->mode != KDK_SAVE_SAVE)
		return kdk_err_set(err, EINVAL, "core_collector \"%s\": must save a dump (no -R, "
				   "--dump-dmesg, --help, --version)", core_collector);
	return 0;
}
