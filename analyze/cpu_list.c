/* cpu_list.c — a CPU list ("a", "all", "3", "0-2,5") into one byte per CPU, for the per-CPU
 * commands' -c/-C options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_list.h"

int cpu_list_parse(const char *cmd, const char *text, uint8_t *set, uint32_t nr, struct kdk_err *err)
{
	const char *p = text;
	char *end;
	unsigned long a, b;

	memset(set, 0, nr);
	if (!strcmp(text, "a") || !strcmp(text, "all")) {
		memset(set, 1, nr);
		return 0;
	}
	while (*p) {
		a = strtoul(p, &end, 10);
		if (end == p)
			return kdk_err_set(err, EINVAL, "%s: \"%s\": a CPU list is a, all, or numbers and "
							"ranges (0-2,5)", cmd, text);
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
			if (end == p || b < a)
				return kdk_err_set(err, EINVAL, "%s: \"%s\": a malformed CPU range", cmd, text);
		}
		if (b >= nr)
			return kdk_err_set(err, EINVAL, "%s: CPU %lu: the dump has CPUs 0-%u", cmd, b, nr - 1);
		for (; a <= b; a++)
			set[a] = 1;
		p = end;
		if (*p == ',')
			p++;
		else if (*p)
			return kdk_err_set(err, EINVAL, "%s: \"%s\": a malformed CPU list", cmd, text);
	}
	return 0;
}
