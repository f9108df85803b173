/* cmd_log.c — `log [-T|-t] [-m] [-c]`: the printk ringbuffer as the console showed it; -t without
 * timestamps, -m each record's level ("<6>", from BTF's or DWARF's printk_info.level: VMCOREINFO
 * has no key for it), -c its caller ("[T123]" a task, "[C1]" a CPU); -T as wall-clock time, as
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
	bool no_time, level, caller;
	int caller_width;          /* -c: crash's width, from pid_max */
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

	if (w->no_time) {
		width = 0;
		stamp[0] = '\0';
	} else if (w->human) {
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
	if (w->caller) {
		char id[24];

		snprintf(id, sizeof(id), "%c%u", r->caller_id & 0x80000000u ? 'C' : 'T',
			 r->caller_id & ~0x80000000u);
		width += snprintf(stamp + width, sizeof(stamp) - (size_t)width, "[%*s] ", w->caller_width, id);
	}
	if (w->level && r->level >= 0)
		width += snprintf(stamp + width, sizeof(stamp) - (size_t)width, "<%x>", (unsigned)r->level);
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
	struct log_walk w = { .out = s->out };
	struct kdk_printk_layout layout;
	struct kdk_err why = { 0 };
	bool with_btf;
	int rc, i;

	for (i = 1; i < argc; i++) {
		const char *p = argv[i][0] == '-' && argv[i][1] ? argv[i] + 1 : "?";

		for (; *p; p++) {
			if (*p == 'T')
				w.human = 1;
			else if (*p == 't')
				w.no_time = true;
			else if (*p == 'm')
				w.level = true;
			else if (*p == 'c')
				w.caller = true;
			else
				return kdk_err_set(err, EINVAL, "log: unknown option %s (log [-T|-t] [-m] [-c])",
						   argv[i]);
		}
	}
	if (w.human && w.no_time)
		return kdk_err_set(err, EINVAL, "log: -T and -t exclude one another");
	if (w.caller) {
		uint64_t addr;
		uint32_t pid_max = 0;
		struct kdk_err ignored = { 0 };

		/* crash's: 6 columns up to pid_max 99999, 7 up to 999999, else 8 */
		w.caller_width = 8;
		if (!session_symbol(s, "pid_max", &addr, &ignored) &&
		    !session_read(s, addr, &pid_max, sizeof(pid_max), &ignored))
			w.caller_width = pid_max <= 99999 ? 6 : pid_max <= 999999 ? 7 : 8;
	}
	/* the level is a bitfield only BTF or DWARF place: -m asks the chain with them loaded; log
	 * alone needs VMCOREINFO only, so a damaged BTF cannot stop it */
	with_btf = w.level && session_kstructs(s, &why);
	if ((rc = kdk_printk_layout_fill(&layout, with_btf ? kdk_facts_lookup : kdk_vmcoreinfo_layout_lookup,
					 with_btf ? (void *)&s->facts : (void *)&s->vi, err)))
		return kdk_err_prefix(err, "log: ");
	if (w.level && (layout.kind == KDK_PRINTK_LOCKLESS ? !layout.have_info_level_bit
							    : !layout.legacy.have_level_bit))
		fprintf(stderr, "kcrash: log -m: no printk_info.level in the dump's BTF or the vmlinux: "
				"levels left out%s%s\n", why.msg[0] ? ": " : "", why.msg);
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
