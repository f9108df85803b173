/* kdk_err.c — filling and prefixing struct kdk_err. */
#include "kdk_err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A code of 0 or below would make "return kdk_err_set(…)" look like success. */
static int positive_code(int code)
{
	if (code < 0)
		return -code;
	return code ? code : EINVAL;
}

int kdk_err_set(struct kdk_err *err, int code, const char *fmt, ...)
{
	code = positive_code(code);
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

int kdk_err_sys(struct kdk_err *err, int code, const char *fmt, ...)
{
	code = positive_code(code);
	if (err) {
		va_list ap;
		size_t used;
		va_start(ap, fmt);
		err->code = code;
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		used = strlen(err->msg);
		snprintf(err->msg + used, sizeof(err->msg) - used, ": %s", strerror(code));
	}
	return -code;
}

int kdk_err_prefix(struct kdk_err *err, const char *fmt, ...)
{
	char prefix[KDK_ERR_MSG_MAX];
	size_t prefix_len, keep;
	va_list ap;

	if (!err)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	/* Shift the old message right, dropping its tail if the whole no longer fits. */
	prefix_len = strlen(prefix);
	keep = strlen(err->msg);
	if (prefix_len + keep > KDK_ERR_MSG_MAX - 1)
		keep = KDK_ERR_MSG_MAX - 1 - prefix_len;
	memmove(err->msg + prefix_len, err->msg, keep);
	memcpy(err->msg, prefix, prefix_len);
	err->msg[prefix_len + keep] = '\0';
	return -positive_code(err->code);
}

void kdk_err_clear(struct kdk_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
