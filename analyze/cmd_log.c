/* cmd_log.c — `log`: the printk ringbuffer as the console showed it; -T as wall-clock time,
 * counted back from the crash time (VMCOREINFO CRASHTIME) and the last record's timestamp. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "printk_ring.h"

struct log_walk {
	FILE *out;
	int human;
	int64_t boot_epoch_ns;     /* -T: wall-clock time of timestamp 0 */
};

static int print_record(void *ctx, const struct kdk_printk_record *r)
{
	struct log_walk *w = ctx;

	if (w->human) {
		time_t when = (time_t)((w->boot_epoch_ns + (int64_t)r->ts_nsec) / 1000000000);
		struct tm tm;
		char stamp[64];
		const char *text = r->text, *end = r->text + r->text_len;

		gmtime_r(&when, &tm);
		strftime(stamp, sizeof(stamp), "%a %b %e %H:%M:%S %Y", &tm);
		while (text <= end) {
			const char *nl = memchr(text, '\n', (size_t)(end - text));
			size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);

			fprintf(w->out, "[%s] %.*s\n", stamp, (int)len, text);
			if (!nl)
				break;
			text = nl + 1;
		}
		return 0;
	}
	/* crash's layout: the timestamp on a record's first line, blanks of its width on the
	 * lines that follow (the console repeats the timestamp instead). */
	{
		char stamp[32];
		const char *text = r->text, *end = r->text + r->text_len;
		int width = snprintf(stamp, sizeof(stamp), "[%5" PRIu64 ".%06" PRIu64 "] ",
				     r->ts_nsec / 1000000000, r->ts_nsec % 1000000000 / 1000);
		int first = 1;

		while (text <= end) {
			const char *nl = memchr(text, '\n', (size_t)(end - text));
			size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);

			fprintf(w->out, "%*s%.*s\n", width, first ? stamp : "", (int)len, text);
			first = 0;
			if (!nl)
				break;
			text = nl + 1;
		}
	}
	return ferror(w->out) ? -EIO : 0;
}

static int last_ts(void *ctx, const struct kdk_printk_record *r)
{
	*(uint64_t *)ctx = r->ts_nsec;
	return 0;
}

int cmd_log(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct log_walk w = { s->out, 0, 0 };
	struct kdk_printk_layout layout;
	int rc, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-T"))
			w.human = 1;
		else
			return kdk_err_set(err, EINVAL, "log: unknown option %s (log [-T])", argv[i]);
	}
	if ((rc = kdk_printk_layout_fill(&layout, kdk_vmcoreinfo_layout_lookup,
				  &s->vi, err)))
		return kdk_err_prefix(err, "log: ");
	if (w.human) {
		const char *crashtime = kdk_vmcoreinfo_string(&s->vi, "CRASHTIME");
		uint64_t last = 0;

		if (!crashtime)
			return kdk_err_set(err, ENOENT, "log -T: VMCOREINFO has no CRASHTIME");
		if ((rc = kdk_printk_walk(&layout, s->read_virt, s->read_ctx, last_ts, &last, NULL, err)))
			return rc;
		w.boot_epoch_ns = strtoll(crashtime, NULL, 10) * 1000000000LL - (int64_t)last;
	}
	return kdk_printk_walk(&layout, s->read_virt, s->read_ctx, print_record, &w, NULL, err);
}
