/* kdk_log.c — the single log sink (set by main) and the stderr sink most tools use. */
#include "kdk_log.h"

#include <stdio.h>

static kdk_log_sink current_sink;
static void *current_ctx;
static unsigned current_mask;

void kdk_log_set_sink(kdk_log_sink sink, void *ctx, unsigned level_mask)
{
	current_sink = sink;
	current_ctx = ctx;
	current_mask = level_mask;
}

void kdk_log_stderr_sink(void *ctx, enum kdk_log_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (ctx)
		fprintf(stderr, "%s: ", (const char *)ctx);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int kdk_log_enabled(enum kdk_log_level level)
{
	return current_sink && (current_mask & (unsigned)level);
}

void kdk_log(enum kdk_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!kdk_log_enabled(level))
		return;
	va_start(ap, fmt);
	current_sink(current_ctx, level, fmt, ap);
	va_end(ap);
}
