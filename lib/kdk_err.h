/* kdk_err.h — the error type every lib/ function returns through.
 * Library code never prints or exits: it fills a kdk_err and returns -code; main decides. */
#ifndef KDK_ERR_H
#define KDK_ERR_H

#include <stddef.h>

/* Room for one message with its context prefixes ("file: offset 0x…: what"). */
#define KDK_ERR_MSG_MAX 512

struct kdk_err {
	int code;                 /* an errno value (EINVAL, EIO, ENOSPC…); 0 when no error */
	char msg[KDK_ERR_MSG_MAX];
};

/* Record an error and return -code, so callers can write `return kdk_err_set(err, EINVAL, …);`.
 * err may be NULL (the caller only wants the code). */
int kdk_err_set(struct kdk_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like kdk_err_set, with ": strerror(code)" appended — for failed system calls. */
int kdk_err_sys(struct kdk_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put context in front of a message already set ("vmcore: " + "PT_LOAD #3 past EOF").
 * Returns -err->code. */
int kdk_err_prefix(struct kdk_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void kdk_err_clear(struct kdk_err *err);

#endif
