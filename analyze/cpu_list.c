/* cpu_list.c — a CPU list ("a", "all", "3", "0-2,5") into one byte per CPU, for the per-CPU
 * commands' -c/-C options; the ranges read by lib/kdk_cpu_list. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_list.h"
#include "kdk_cpu_list.h"

struct cpu_set { uint8_t *set; uint32_t nr; };

static int mark(void *ctx, unsigned long first, unsigned long last, struct kdk_err *err)
{
	const struct cpu_set *c = ctx;

	if (last >= c->nr)
		return kdk_err_set(err, EINVAL, "CPU %lu: the dump has CPUs 0-%u", last, c->nr - 1);
	for (; first <= last; first++)
		c->set[first] = 1;
	return 0;
}

int cpu_list_parse(const char *cmd, const char *text, uint8_t *set, uint32_t nr, struct kdk_err *err)
{
	struct cpu_set c = { set, nr };
	int rc;

	memset(set, 0, nr);
	if (!strcmp(text, "a") || !strcmp(text, "all")) {
		memset(set, 1, nr);
		return 0;
	}
	if ((rc = kdk_cpu_list_walk(text, mark, &c, err)))
		return kdk_err_prefix(err, "%s: ", cmd);
	return 0;
}
