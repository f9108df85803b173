/* ps_rlimits.c — `ps -r` (see ps_rlimits.h): task->signal->rlim[], an array of struct rlimit
 * { rlim_cur, rlim_max } (include/linux/sched/signal.h). How many limits there are is the
 * array's size over the struct's, from the fact chain; their names are the resource numbers of
 * include/uapi/asm-generic/resource.h, the ABI every architecture shares for these sixteen. */
#include "ps_rlimits.h"

#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "task_pick.h"
#include "text_columns.h"

#define RLIM_ROWS_MAX 64    /* a damaged size is not believed past this */

static const char *const rlimit_names[] = {
	"CPU", "FSIZE", "DATA", "STACK", "CORE", "RSS", "NPROC", "NOFILE", "MEMLOCK", "AS",
	"LOCKS", "SIGPENDING", "MSGQUEUE", "NICE", "RTPRIO", "RTTIME",
};

struct rlimit_layout {
	uint64_t task_signal, signal_rlim, signal_rlim_size, rlimit_size, rlim_cur, rlim_max;
};

static int layout_load(struct session *s, struct rlimit_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.signal", struct rlimit_layout, task_signal),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "signal_struct.rlim", struct rlimit_layout, signal_rlim),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "signal_struct.rlim", struct rlimit_layout, signal_rlim_size),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "rlimit", struct rlimit_layout, rlimit_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "rlimit.rlim_cur", struct rlimit_layout, rlim_cur),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "rlimit.rlim_max", struct rlimit_layout, rlim_max),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

static void value_column(FILE *out, uint64_t v, int width)
{
	char text[24];

	if (v == UINT64_MAX)
		snprintf(text, sizeof(text), "(unlimited)");
	else
		snprintf(text, sizeof(text), "%" PRIu64, v);
	text_centre(out, text, width, true);
}

void ps_show_rlimits(struct session *s, const struct task_info *t)
{
	struct rlimit_layout l;
	struct kdk_err err = { 0 };
	uint64_t signal = 0, rows, i;

	task_pick_header(s, t);
	if (layout_load(s, &l, &err) || session_read_u64(s, t->task + l.task_signal, &signal, &err)) {
		fprintf(s->out, "ps: %s\n\n", err.msg);
		return;
	}
	rows = l.rlimit_size ? l.signal_rlim_size / l.rlimit_size : 0;
	if (!signal || !rows || rows > RLIM_ROWS_MAX) {
		fprintf(s->out, "ps: task %" PRIx64 ": %s\n\n", t->task,
			signal ? "signal_struct.rlim is not an array of rlimit" : "no signal_struct");
		return;
	}
	fprintf(s->out, "  %10s  ", "RLIMIT");
	text_centre(s->out, "CURRENT", 13, true);
	fputs("  ", s->out);
	text_centre(s->out, "MAXIMUM", 11, true);
	fputc('\n', s->out);
	for (i = 0; i < rows; i++) {
		uint64_t at = signal + l.signal_rlim + i * l.rlimit_size, cur, max;

		if (session_read_u64(s, at + l.rlim_cur, &cur, &err) ||
		    session_read_u64(s, at + l.rlim_max, &max, &err)) {
			fprintf(s->out, "ps: rlimit %" PRIu64 ": %s\n", i, err.msg);
			break;
		}
		fprintf(s->out, "  %10s  ", i < sizeof(rlimit_names) / sizeof(rlimit_names[0]) ?
					   rlimit_names[i] : "?");
		value_column(s->out, cur, 13);
		fputs("  ", s->out);
		value_column(s->out, max, 11);
		fputc('\n', s->out);
	}
	fputc('\n', s->out);
}
