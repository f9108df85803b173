/* cmd_sig.c — `sig [PID|TASK]...`: a task's signal handling as crash's sig shows it: its
 * signal_struct and thread count, every signal's struct k_sigaction in sighand->action[] with its
 * handler (SIG_DFL 0, SIG_IGN 1, else the user address), mask and flags, then whether a signal is
 * pending, the blocked set, and the task's private and the process's shared pending sets with
 * their queued struct sigqueue entries. Layout through the fact chain (task_struct.signal,
 * .sighand, .blocked, .pending; signal_struct.nr_threads, .shared_pending; sighand_struct.action;
 * k_sigaction.sa; sigaction.sa_handler, .sa_flags, .sa_mask; sigpending.list, .signal;
 * sigqueue.list, .info); the number of signals is the action array's size over k_sigaction's.
 * The SA_* flag names are the UAPI's (include/uapi/asm-generic/signal-defs.h, x86's
 * SA_RESTORER), which every kernel keeps. SIGPENDING is said from the sets themselves — a
 * signal pending in either set and not blocked — as recalc_sigpending() decides TIF_SIGPENDING
 * (whose bit number moved between kernels). A queued entry's signal number is its siginfo's
 * first int, si_signo, by the UAPI layout. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "commands.h"
#include "list_guard.h"
#include "task_pick.h"

#define SIGQUEUE_MAX 4096   /* a damaged queue is not followed further */

struct sig_layout {
	uint64_t task_signal, task_sighand, task_blocked, task_pending;
	uint64_t signal_nr_threads, signal_shared_pending;
	uint64_t sighand_action, sighand_action_size, k_sigaction_size, k_sigaction_sa;
	uint64_t sa_handler, sa_flags, sa_mask;
	uint64_t sigpending_list, sigpending_signal;
	uint64_t sigqueue_list, sigqueue_info;
};

static const struct {
	uint64_t bit;
	const char *name;
} sa_flags[] = {
	{ 0x00000001, "SA_NOCLDSTOP" }, { 0x00000002, "SA_NOCLDWAIT" }, { 0x00000004, "SA_SIGINFO" },
	{ 0x00000400, "SA_UNSUPPORTED" }, { 0x00000800, "SA_EXPOSE_TAGBITS" },
	{ 0x04000000, "SA_RESTORER" }, { 0x08000000, "SA_ONSTACK" }, { 0x10000000, "SA_RESTART" },
	{ 0x40000000, "SA_NODEFER" }, { 0x80000000, "SA_RESETHAND" },
};

static int layout_load(struct session *s, struct sig_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.signal", struct sig_layout, task_signal),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.sighand", struct sig_layout, task_sighand),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.blocked", struct sig_layout, task_blocked),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.pending", struct sig_layout, task_pending),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "signal_struct.nr_threads", struct sig_layout, signal_nr_threads),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "signal_struct.shared_pending", struct sig_layout,
			       signal_shared_pending),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sighand_struct.action", struct sig_layout, sighand_action),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "sighand_struct.action", struct sig_layout, sighand_action_size),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "k_sigaction", struct sig_layout, k_sigaction_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "k_sigaction.sa", struct sig_layout, k_sigaction_sa),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sigaction.sa_handler", struct sig_layout, sa_handler),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sigaction.sa_flags", struct sig_layout, sa_flags),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sigaction.sa_mask", struct sig_layout, sa_mask),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sigpending.list", struct sig_layout, sigpending_list),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sigpending.signal", struct sig_layout, sigpending_signal),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sigqueue.list", struct sig_layout, sigqueue_list),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "sigqueue.info", struct sig_layout, sigqueue_info),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

/* A pending set: its signal word and queued entries ("SIGQUEUE: (empty)" or one row each). */
static int print_pending(struct session *s, const struct sig_layout *l, const char *title, uint64_t pending,
			 uint64_t *signal, struct kdk_err *err)
{
	uint64_t head = pending + l->sigpending_list, node;
	struct list_guard guard;
	unsigned n = 0;
	int rc;

	if ((rc = session_read_u64(s, pending + l->sigpending_signal, signal, err)) ||
	    (rc = session_read_u64(s, head, &node, err)))
		return rc;
	fprintf(s->out, "%s\n    SIGNAL: %016" PRIx64 "\n", title, *signal);
	if (node == head || !node) {
		fprintf(s->out, "  SIGQUEUE: (empty)\n");
		return 0;
	}
	fprintf(s->out, "  SIGQUEUE:  SIG  SIGINFO\n");
	list_guard_init(&guard, head);
	while (node && node != head && n++ < SIGQUEUE_MAX) {
		uint64_t entry = node - l->sigqueue_list;
		int32_t signo = 0;

		if ((rc = session_read(s, entry + l->sigqueue_info, &signo, 4, err)))
			return kdk_err_prefix(err, "the sigqueue at %" PRIx64 ": ", entry);
		fprintf(s->out, "             %3d  %016" PRIx64 "\n", signo, entry + l->sigqueue_info);
		if ((rc = session_read_u64(s, node, &node, err)))
			return rc;
		if (node != head && list_guard_loops(&guard, node))
			return kdk_err_set(err, ELOOP, "the sigqueue list at %" PRIx64 " loops", head);
	}
	return 0;
}

static int print_task(struct session *s, const struct sig_layout *l, const struct task_info *t, struct kdk_err *err)
{
	uint64_t signal, sighand, blocked, private_set, shared_set, nr;
	int32_t threads = 0;
	int rc;
	unsigned i;

	task_pick_header(s, t);
	if ((rc = session_read_u64(s, t->task + l->task_signal, &signal, err)) ||
	    (rc = session_read_u64(s, t->task + l->task_sighand, &sighand, err)) ||
	    (rc = session_read_u64(s, t->task + l->task_blocked, &blocked, err)))
		return rc;
	if (!signal || !sighand)
		return kdk_err_set(err, ENOENT, "the task has %s (it has exited)",
				   !signal ? "no signal_struct" : "no sighand_struct");
	if ((rc = session_read(s, signal + l->signal_nr_threads, &threads, 4, err)))
		return rc;
	fprintf(s->out, "SIGNAL_STRUCT: %016" PRIx64 "  NR_THREADS: %d\n", signal, threads);
	fprintf(s->out, " SIG    SIGACTION        HANDLER       MASK       FLAGS           \n");
	nr = l->k_sigaction_size ? l->sighand_action_size / l->k_sigaction_size : 0;
	for (i = 0; i < nr && i < 1024; i++) {
		uint64_t action = sighand + l->sighand_action + i * l->k_sigaction_size, handler, flags, mask;
		char label[8], handler_text[24], names[160] = "";
		size_t f;

		if ((rc = session_read_u64(s, action + l->k_sigaction_sa + l->sa_handler, &handler, err)) ||
		    (rc = session_read_u64(s, action + l->k_sigaction_sa + l->sa_flags, &flags, err)) ||
		    (rc = session_read_u64(s, action + l->k_sigaction_sa + l->sa_mask, &mask, err)))
			return rc;
		snprintf(label, sizeof(label), "[%u]", i + 1);
		if (handler <= 1)
			snprintf(handler_text, sizeof(handler_text), "%s", handler ? "SIG_IGN" : "SIG_DFL");
		else
			snprintf(handler_text, sizeof(handler_text), "%" PRIx64, handler);
		for (f = 0; f < sizeof(sa_flags) / sizeof(sa_flags[0]); f++) {
			if (!(flags & sa_flags[f].bit))
				continue;
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", names[0] ? "|" : "(",
				 sa_flags[f].name);
		}
		if (names[0])
			snprintf(names + strlen(names), sizeof(names) - strlen(names), ")");
		fprintf(s->out, "%4s %016" PRIx64 " %10s %016" PRIx64 " %" PRIx64 " %s\n", label, action, handler_text,
			mask, flags, names);
	}
	/* The sets are read first: SIGPENDING comes before them. */
	if ((rc = session_read_u64(s, t->task + l->task_pending + l->sigpending_signal, &private_set, err)) ||
	    (rc = session_read_u64(s, signal + l->signal_shared_pending + l->sigpending_signal, &shared_set, err)))
		return rc;
	fprintf(s->out, "SIGPENDING: %s\n", ((private_set | shared_set) & ~blocked) ? "yes" : "no");
	fprintf(s->out, "   BLOCKED: %016" PRIx64 "\n", blocked);
	if ((rc = print_pending(s, l, "PRIVATE_PENDING", t->task + l->task_pending, &private_set, err)))
		return rc;
	return print_pending(s, l, "SHARED_PENDING", signal + l->signal_shared_pending, &shared_set, err);
}

int cmd_sig(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct sig_layout l;
	struct task_info t;
	int a, rc;

	if ((rc = layout_load(s, &l, err)))
		return kdk_err_prefix(err, "sig: ");
	for (a = 1; a < argc || a == 1; a++) {
		if (a < argc && argv[a][0] == '-')
			return kdk_err_set(err, EINVAL, "usage: sig [PID|TASK]...");
		if ((rc = task_pick(s, a < argc ? argv[a] : NULL, &t, err)))
			return kdk_err_prefix(err, "sig: ");
		if (a > 1)
			fputc('\n', s->out);
		if ((rc = print_task(s, &l, &t, err)))
			return kdk_err_prefix(err, "sig: PID %d: ", t.pid);
		if (argc == 1)
			break;
	}
	return 0;
}
