/* cmd_rd.c — `rd ADDRESS [COUNT]`: 64-bit words of kernel memory, two per line with their ASCII,
 * in crash's layout. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"

int cmd_rd(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	uint64_t addr, count = 1, i, words[2];
	char *end;
	int rc;

	if (argc < 2 || argc > 3)
		return kdk_err_set(err, EINVAL, "usage: rd ADDRESS|SYMBOL [COUNT]");
	addr = strtoull(argv[1], &end, 16);
	if (*end && (rc = session_symbol(s, argv[1], &addr, err)))
		return rc;
	if (argc == 3 && (!(count = strtoull(argv[2], &end, 0)) || *end))
		return kdk_err_set(err, EINVAL, "rd: count %s is not a positive number", argv[2]);
	for (i = 0; i < count; i += 2) {
		unsigned n = count - i >= 2 ? 2 : 1, k;
		const unsigned char *bytes = (const unsigned char *)words;

		if ((rc = session_read(s, addr + i * 8, words, n * 8, err)))
			return rc;
		fprintf(s->out, "%" PRIx64 ":  ", addr + i * 8);
		for (k = 0; k < n; k++)
			fprintf(s->out, "%016" PRIx64 " ", words[k]);
		fprintf(s->out, "%*s  ", n == 1 ? 17 : 0, "");
		for (k = 0; k < n * 8; k++)
			fputc(isprint(bytes[k]) ? bytes[k] : '.', s->out);
		fputc('\n', s->out);
	}
	return 0;
}
