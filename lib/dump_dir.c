/* dump_dir.c — the dump directory's name, and making it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dump_dir.h"

int kdk_dump_dir_name(const char *host, time_t when, char *out, size_t size, struct kdk_err *err)
{
	struct tm tm;
	int len;

	if (!gmtime_r(&when, &tm))
		return kdk_err_set(err, EINVAL, "time %lld out of range", (long long)when);
	len = snprintf(out, size, "%s-%04d-%02d-%02d-%02d:%02d:%02d", host, tm.tm_year + 1900,
		       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (len < 0 || (size_t)len >= size)
		return kdk_err_set(err, ENAMETOOLONG, "dump directory name for %s too long", host);
	return 0;
}

int kdk_mkdir_p(const char *path, struct kdk_err *err)
{
	char partial[4096];
	size_t len = strlen(path), i;

	if (len >= sizeof(partial))
		return kdk_err_set(err, ENAMETOOLONG, "%s", path);
	memcpy(partial, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (partial[i] != '/' && partial[i] != '\0')
			continue;
		partial[i] = '\0';
		if (mkdir(partial, 0700) && errno != EEXIST)
			return kdk_err_sys(err, errno, "mkdir %s", partial);
		partial[i] = path[i];
	}
	return 0;
}
