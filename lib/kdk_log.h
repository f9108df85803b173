/* kdk_log.h — leveled messages from lib/ and the tools, through one sink that main chooses.
 * Library code logs here (never to stderr directly); the default sink drops everything. */
#ifndef KDK_LOG_H
#define KDK_LOG_H

#include <stdarg.h>

/* Levels follow makedumpfile's --message-level bits so core_collector lines keep their meaning. */
enum kdk_log_level {
	KDK_LOG_PROGRESS = 1,  /* progress indicator */
	KDK_LOG_COMMON = 2,    /* common messages */
	KDK_LOG_ERROR = 4,     /* errors */
	KDK_LOG_DEBUG = 8,     /* debug */
	KDK_LOG_REPORT = 16,   /* report messages (statistics) */
};

typedef void (*kdk_log_sink)(void *ctx, enum kdk_log_level level, const char *fmt, va_list ap);

/* Install a sink and the mask of levels it receives (bitwise OR of kdk_log_level). */
void kdk_log_set_sink(kdk_log_sink sink, void *ctx, unsigned level_mask);

/* A ready sink: writes "<prog>: message\n" to stderr. ctx is the program name (const char *). */
void kdk_log_stderr_sink(void *ctx, enum kdk_log_level level, const char *fmt, va_list ap);

int kdk_log_enabled(enum kdk_log_level level);

void kdk_log(enum kdk_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
