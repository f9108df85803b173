/* cmd_log.c — `log`: the printk ringbuffer as the console showed it; -T as wall-clock time, as
 * crash counts it: the boot's second is the wall clock at the crash (VMCOREINFO CRASHTIME, else
 * the timekeeper's xtime_sec) less the whole seconds of jiffies since boot, and each record's
 * time that plus its timestamp's whole seconds (the last record's timestamp stands in for the
 * jiffies where the tick rate is unknown). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "kclock.h"
#include "printk_ring.h"

struct log_walk {
	FILE *out;
	int human;
	int64_t boot_epoch_ns;     /* -T: wall-clock time of timestamp 0 */
};

/* crash's layout: the timestamp on a record's first line, blanks of its width on the lines that
 * follow (the console repeats the timestamp instead); with -T the stamp is a date. */
static int print_record(void *ctx, const struct kdk_printk_record *r)
{
	struct log_walk *w = ctx;
	const char *text = r->text, *end = r->text + r->text_len;
	char stamp[96];
	int width, first = 1;

	if (w->human) {
		time_t when = (time_t)(w->boot_epoch_ns / 1000000000 + (int64_t)(r->ts_nsec / 1000000000));
		struct tm tm;
		char date[64];

		gmtime_r(&when, &tm);
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S UTC %Y", &tm);
		width = snprintf(stamp, sizeof(stamp), "[%s] ", date);
	} else {
		width = snprintf(stamp, sizeof(stamp), "[%5" PRIu64 ".%06" PRIu64 "] ", r->ts_nsec / 1000000000,
				 r->ts_nsec % 1000000000 / 1000);
	}
	while (text <= end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t len = nl ? (size_t)(nl - text) : (size_t)(end - text);

		fprintf(w->out, "%*s%.*s\n", width, first ? stamp : "", (int)len, text);
		first = 0;
		if (!nl)
			break;
		text = nl + 1;
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
		int64_t wall;
		uint64_t since_boot_ns = 0;

		if (crashtime)
			wall = strtoll(crashtime, NULL, 10);
		else if (kclock_wall_seconds(s, &wall, err))
			return kdk_err_prefix(err, "log -T: no CRASHTIME in VMCOREINFO, and ");
		if (kclock_jiffies_uptime_ns(s, &since_boot_ns, err)) {
			kdk_err_clear(err);
			if ((rc = kdk_printk_walk(&layout, s->read_virt, s->read_ctx, last_ts, &since_boot_ns, NULL, err)))
				return rc;
		}
		w.boot_epoch_ns = (wall - (int64_t)(since_boot_ns / 1000000000)) * 1000000000LL;
	}
	return kdk_printk_walk(&layout, s->read_virt, s->read_ctx, print_record, &w, NULL, err);
}
