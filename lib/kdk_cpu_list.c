/* kdk_cpu_list.c — CPU lists range by range (kdk_cpu_list.h). */
#include <errno.h>
#include <stdlib.h>

#include "kdk_cpu_list.h"

int kdk_cpu_list_walk(const char *text, kdk_cpu_range_fn range, void *ctx, struct kdk_err *err)
{
	const char *p = text;
	char *end;
	int rc;

	while (*p && *p != '\n') {
		unsigned long first = strtoul(p, &end, 10), last = first;

		if (end == p)
			return kdk_err_set(err, EINVAL, "\"%s\": a CPU list is numbers and ranges (0-2,5)", text);
		if (*end == '-') {
			p = end + 1;
			last = strtoul(p, &end, 10);
			if (end == p || last < first)
				return kdk_err_set(err, EINVAL, "\"%s\": a malformed CPU range", text);
		}
		if ((rc = range(ctx, first, last, err)))
			return rc;
		p = end;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return kdk_err_set(err, EINVAL, "\"%s\": a malformed CPU list", text);
	}
	return 0;
}
