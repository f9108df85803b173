/* crash_hotplug.c — is the elfcorehdr the kernel's to update on memory/CPU hotplug? Read from
 * sysfs before a kexec_load, so the segment is sized and left out of the digest only where it can. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crash_hotplug.h"

int kexec_crash_hotplug_size(const char *sysfs, uint64_t *size, char *path, size_t path_size,
			     struct kdk_err *err)
{
	static const char *const names[] = { "kernel/crash_elfcorehdr_size",
					     "kernel/kexec/crash_elfcorehdr_size" };
	size_t i;

	*size = 0;
	if (path_size)
		path[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char file[4096], text[64], *end;
		unsigned long long value;
		FILE *in;

		snprintf(file, sizeof(file), "%s/%s", sysfs, names[i]);
		if (!(in = fopen(file, "re"))) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			return kdk_err_sys(err, errno, "%s", file);
		}
		if (!fgets(text, sizeof(text), in)) {
			fclose(in);
			return kdk_err_set(err, EINVAL, "%s: empty", file);
		}
		fclose(in);
		errno = 0;
		value = strtoull(text, &end, 10);
		if (errno || end == text || (*end && *end != '\n') || !value)
			return kdk_err_set(err, EINVAL, "%s: \"%.20s\" is not a size in bytes", file,
					   text);
		*size = value;
		if (path_size)
			snprintf(path, path_size, "%s", file);
		return 0;
	}
	return 0;
}
