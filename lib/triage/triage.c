/* triage.c — reading a crash's verdict out of the kernel's console text: which report is the
 * crash (the panic message, else the last die/lockup report), its class, culprit and signature. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage/triage.h"

/* Frames kept for the signature: enough to tell callers apart, few enough that inlining changes
 * deep in a syscall path do not split one problem into many. */
#define SIGNATURE_FRAMES 5
/* A report's lines are read this far at most (a stack overflow prints a trace of thousands). */
#define REGION_LINES 600

static const char *const class_names[] = {
	[KDK_CRASH_UNKNOWN] = "unknown",
	[KDK_CRASH_PANIC] = "panic",
	[KDK_CRASH_OOPS] = "oops",
	[KDK_CRASH_BUG] = "BUG",
	[KDK_CRASH_GPF] = "GPF",
	[KDK_CRASH_SOFT_LOCKUP] = "soft lockup",
	[KDK_CRASH_HARD_LOCKUP] = "hard lockup",
	[KDK_CRASH_HUNG_TASK] = "hung task",
	[KDK_CRASH_OOM] = "OOM panic",
	[KDK_CRASH_SYSRQ] = "sysrq",
	[KDK_CRASH_STACK_OVERFLOW] = "stack overflow",
	[KDK_CRASH_MCE] = "MCE",
	[KDK_CRASH_NMI] = "NMI",
	[KDK_CRASH_WARN] = "WARN",
};

const char *kdk_crash_class_name(enum kdk_crash_class cls)
{
	if ((size_t)cls >= sizeof(class_names) / sizeof(class_names[0]) || !class_names[cls])
		return "unknown";
	return class_names[cls];
}

/* The frames that report a crash rather than cause it. Panic and the die path (kernel/panic.c,
 * arch/x86/kernel/dumpstack.c, traps.c, mm/fault.c), and the scheduler frames a sleeping task
 * (a hung task) shows on top of the function that slept. */
static const char *const panic_machinery[] = {
	"dump_stack", "dump_stack_lvl", "show_stack", "show_trace_log_lvl", "panic", "vpanic",
	"nmi_panic", "die", "__die", "__die_body", "die_addr", "oops_end", "no_context",
	"page_fault_oops", "kernelmode_fixup_or_oops", "__bad_area_nosemaphore", "bad_area_nosemaphore",
	"do_user_addr_fault", "exc_page_fault", "asm_exc_page_fault", "do_trap", "do_error_trap",
	"handle_invalid_op", "handle_bug", "exc_invalid_op", "asm_exc_invalid_op",
	"exc_general_protection", "asm_exc_general_protection", "handle_stack_overflow",
	"exc_double_fault", "asm_exc_double_fault", "__warn", "report_bug", "warn_slowpath_fmt",
	"__schedule", "schedule", "schedule_timeout", "schedule_preempt_disabled", "io_schedule",
	"io_schedule_timeout", "schedule_hrtimeout_range_clock", "__cond_resched",
};

/* Frames of what noticed or triggered the crash (drivers/tty/sysrq.c, kernel/watchdog.c,
 * kernel/hung_task.c, arch/x86/kernel/nmi.c, the timer interrupt the watchdog runs from,
 * mm/oom_kill.c, arch/x86/kernel/cpu/mce): skipped for the signature only, the culprit may be one. */
static const char *const trigger_machinery[] = {
	"watchdog", "watchdog_timer_fn", "watchdog_overflow_callback", "check_hung_uninterruptible_tasks",
	"__hrtimer_run_queues", "hrtimer_interrupt", "__sysvec_apic_timer_interrupt",
	"sysvec_apic_timer_interrupt", "asm_sysvec_apic_timer_interrupt", "unknown_nmi_error",
	"default_do_nmi", "exc_nmi", "nmi_handle", "__perf_event_overflow",
	"out_of_memory", "check_panic_on_oom", "mce_panic", "do_machine_check", "exc_machine_check",
	"asm_exc_machine_check",
};

/* The NMI entry (arch/x86/entry/entry_64.S: asm_exc_nmi, before 5.8 `nmi`; a return address in
 * its repeat path is named repeat_nmi or end_repeat_nmi): machinery for every class, and the
 * frames below it are what the NMI interrupted. */
static const char *const nmi_entry[] = { "asm_exc_nmi", "repeat_nmi", "end_repeat_nmi", "nmi" };

/* "name.cold", "name.isra.0", "name.constprop.0", "name.part.0": the function's own name. */
static size_t base_name_len(const char *function)
{
	const char *dot = strchr(function, '.');

	return dot ? (size_t)(dot - function) : strlen(function);
}

static bool in_list(const char *function, const char *const *list, size_t count)
{
	size_t len = base_name_len(function), i;

	for (i = 0; i < count; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], function, len))
			return true;
	return false;
}

static bool is_nmi_entry(const char *function)
{
	return in_list(function, nmi_entry, sizeof(nmi_entry) / sizeof(nmi_entry[0]));
}

static bool is_panic_machinery(const char *function)
{
	return in_list(function, panic_machinery, sizeof(panic_machinery) / sizeof(panic_machinery[0]));
}

bool kdk_triage_is_machinery(const char *function)
{
	size_t len = base_name_len(function);

	/* Every sysrq handler and the sysrq entry points (sysrq_handle_crash, __handle_sysrq,
	 * write_sysrq_trigger). */
	if (memmem(function, len, "sysrq", 5))
		return true;
	return is_panic_machinery(function) || is_nmi_entry(function) ||
	       in_list(function, trigger_machinery, sizeof(trigger_machinery) / sizeof(trigger_machinery[0]));
}

void kdk_triage_init(struct kdk_triage *t)
{
	memset(t, 0, sizeof(*t));
	kdk_array_init(&t->lines, sizeof(char *));
	kdk_array_init(&t->frames, sizeof(struct kdk_triage_frame));
	t->pid = t->cpu = -1;
}

void kdk_triage_free(struct kdk_triage *t)
{
	size_t i;

	for (i = 0; i < t->lines.len; i++)
		free(*KDK_ARRAY_AT(&t->lines, char *, i));
	kdk_array_free(&t->lines);
	kdk_array_free(&t->frames);
}

int kdk_triage_add_line(struct kdk_triage *t, const char *line, size_t len, struct kdk_err *err)
{
	char **slot;
	size_t i;

	/* The console's "[   12.345678] " (printk's time prefix). */
	if (len && line[0] == '[') {
		for (i = 1; i < len && i < 24 && (isdigit((unsigned char)line[i]) || line[i] == ' ' ||
						  line[i] == '.');
		     i++)
			;
		if (i > 1 && i < len && line[i] == ']') {
			i++;
			if (i < len && line[i] == ' ')
				i++;
			line += i;
			len -= i;
		}
	}
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	if (!(slot = kdk_array_push(&t->lines, err)))
		return -err->code;
	if (!(*slot = strndup(line, len))) {
		t->lines.len--;
		return kdk_err_set(err, ENOMEM, "console line");
	}
	return 0;
}

int kdk_triage_add_text(struct kdk_triage *t, const char *text, size_t len, struct kdk_err *err)
{
	const char *end = text + len;
	int rc;

	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);

		if ((rc = kdk_triage_add_line(t, text, n, err)))
			return rc;
		text += n + 1;
	}
	return 0;
}

static const char *line_at(const struct kdk_triage *t, size_t i)
{
	return *KDK_ARRAY_AT(&t->lines, char *, i);
}

/* " func+0x11/0x20 [mod]" (a "? " frame is the unwinder's guess: unreliable). */
static bool parse_frame(const char *line, struct kdk_triage_frame *f, bool *unreliable)
{
	const char *p = line, *name, *plus, *end;
	size_t len;

	while (*p == ' ' || *p == '\t')
		p++;
	*unreliable = false;
	if (p[0] == '?' && p[1] == ' ') {
		*unreliable = true;
		p += 2;
	}
	name = p;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '$')
		p++;
	if (p == name || strncmp(p, "+0x", 3))
		return false;
	plus = p;
	end = plus + 1;
	while (*end && *end != ' ')
		end++;
	memset(f, 0, sizeof(*f));
	len = (size_t)(plus - name);
	snprintf(f->function, sizeof(f->function), "%.*s", (int)len, name);
	snprintf(f->offset, sizeof(f->offset), "%.*s", (int)(end - plus - 1), plus + 1);
	if (end[0] == ' ' && end[1] == '[') {
		const char *close = strchr(end + 2, ']');

		if (close)
			snprintf(f->module, sizeof(f->module), "%.*s", (int)(close - end - 2), end + 2);
	}
	return true;
}

/* "RIP: 0010:func+0x…" and the other register lines ("RSP: 0018:…", "Code: …", "FS: …"). */
static bool is_register_line(const char *line)
{
	const char *p = line;

	while (*p == ' ')
		p++;
	if (!isupper((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p))
		p++;
	return *p == ':';
}

/* "<TASK>", "</IRQ>", "<NMI>", "<#DF>": where the trace changes stacks. */
static bool is_stack_marker(const char *line)
{
	const char *p = line;
	size_t len;

	while (*p == ' ')
		p++;
	len = strlen(p);
	while (len && p[len - 1] == ' ')
		len--;
	return len >= 3 && p[0] == '<' && p[len - 1] == '>';
}

/* A die() line: "Oops: 0002 [#1] PREEMPT SMP NOPTI", "general protection fault, …: 0000 [#1] …",
 * "stack guard page: 0000 [#1] …", 6.12's "Oops: invalid opcode: 0000 [#1] …"
 * (arch/x86/kernel/dumpstack.c __die_header: "%s: %04lx [#%d]"). */
static bool is_die_line(const char *line)
{
	const char *hash = strstr(line, " [#");

	return hash && hash - line >= 6 && isdigit((unsigned char)hash[3]) && hash[-5] == ' ' &&
	       isxdigit((unsigned char)hash[-4]) && isxdigit((unsigned char)hash[-1]) && hash[-6] == ':';
}

static bool starts(const char *line, const char *prefix)
{
	return !strncmp(line, prefix, strlen(prefix));
}

/* The last line before `end` containing needle, or -1. */
static long last_with(const struct kdk_triage *t, size_t end, const char *needle)
{
	size_t i;

	for (i = end; i-- > 0;)
		if (strstr(line_at(t, i), needle))
			return (long)i;
	return -1;
}

static long last_die(const struct kdk_triage *t, size_t end)
{
	size_t i;

	for (i = end; i-- > 0;)
		if (is_die_line(line_at(t, i)))
			return (long)i;
	return -1;
}

/* The class of a die() report from its lines: the line before the die line says what trapped
 * (arch/x86/kernel/traps.c: "kernel BUG at" from handle_bug's report_bug, "stack guard page" from
 * handle_stack_overflow, "general protection fault" from exc_general_protection). */
static enum kdk_crash_class die_class(const struct kdk_triage *t, size_t die, size_t *start)
{
	enum kdk_crash_class cls = KDK_CRASH_OOPS;
	size_t i, from = die >= 4 ? die - 4 : 0;

	*start = die;
	for (i = die + 1; i-- > from;) {
		const char *l = line_at(t, i);

		if (i < die && !starts(l, "BUG: ") && !starts(l, "kernel BUG at ") &&
		    !starts(l, "#PF: ") && !starts(l, "PGD ") && !starts(l, "general protection"))
			continue;
		if (strstr(l, "stack guard page"))
			cls = KDK_CRASH_STACK_OVERFLOW;
		else if (strstr(l, "kernel BUG at ") && cls == KDK_CRASH_OOPS)
			cls = KDK_CRASH_BUG;
		else if (strstr(l, "general protection fault") && cls == KDK_CRASH_OOPS)
			cls = KDK_CRASH_GPF;
		if (starts(l, "BUG: ") || starts(l, "kernel BUG at ") || i == die)
			*start = i;
	}
	return cls;
}

static bool contains_any(const char *s, const char *const *needles, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(s, needles[i]))
			return true;
	return false;
}

/* The class the panic message names (kernel/panic.c callers), or UNKNOWN when it only says a
 * die() was fatal ("Fatal exception", "Attempted to kill …"), or PANIC for any other panic(). */
static enum kdk_crash_class panic_class(const char *msg)
{
	static const char *const from_die[] = { "Fatal exception", "Attempted to kill",
						"Aiee, killing interrupt handler" };
	static const char *const oom[] = { "out of memory", "Out of memory", "deadlocked on memory",
					   "panic_on_oom" };
	static const char *const mce[] = { "machine check", "Machine check", "MCE" };

	if (strstr(msg, "sysrq triggered crash"))
		return KDK_CRASH_SYSRQ;
	if (strstr(msg, "softlockup"))
		return KDK_CRASH_SOFT_LOCKUP;
	if (strstr(msg, "hardlockup") || strstr(msg, "Hard LOCKUP"))
		return KDK_CRASH_HARD_LOCKUP;
	if (strstr(msg, "hung_task"))
		return KDK_CRASH_HUNG_TASK;
	if (contains_any(msg, oom, sizeof(oom) / sizeof(oom[0])))
		return KDK_CRASH_OOM;
	if (contains_any(msg, mce, sizeof(mce) / sizeof(mce[0])))
		return KDK_CRASH_MCE;
	if (strstr(msg, "NMI"))
		return KDK_CRASH_NMI;
	if (strstr(msg, "panic_on_warn"))
		return KDK_CRASH_WARN;
	if (contains_any(msg, from_die, sizeof(from_die) / sizeof(from_die[0])))
		return KDK_CRASH_UNKNOWN;
	return KDK_CRASH_PANIC;
}

/* "CPU: 1 PID: 29 Comm: kworker/1:1 Tainted: G           OE      6.1.0-56-cloud-amd64 #1 …"
 * (6.12+: "CPU: 1 UID: 0 PID: …"), or a hung task report's "      Tainted: G  OE  6.1.0-… #1". */
static void parse_taint(struct kdk_triage *t, const char *line)
{
	const char *p = strstr(line, "Not tainted "), *word;
	size_t n = 0;

	if (p) {
		p += strlen("Not tainted ");
		t->taint[0] = '\0';
	} else if ((p = strstr(line, "Tainted: ")) && p[9] != '[') {
		/* One letter per taint flag, a blank or 'G' where it is clear (kernel/panic.c
		 * print_tainted); the release is the first word that starts with a digit. */
		p += strlen("Tainted: ");
		while (*p && !isdigit((unsigned char)*p)) {
			if (isupper((unsigned char)*p) && *p != 'G' && n + 1 < sizeof(t->taint))
				t->taint[n++] = *p;
			p++;
		}
		t->taint[n] = '\0';
	} else {
		return;
	}
	t->taint_known = true;
	while (*p == ' ')
		p++;
	word = p;
	while (*p && *p != ' ')
		p++;
	if (!t->release[0] && p > word)
		snprintf(t->release, sizeof(t->release), "%.*s", (int)(p - word), word);
}

static void parse_cpu_line(struct kdk_triage *t, const char *line)
{
	const char *pid = strstr(line, " PID: "), *comm = strstr(line, " Comm: ");

	if (!starts(line, "CPU: ") || !pid || !comm || t->taint_known)
		return;
	if (t->cpu < 0)
		t->cpu = atoi(line + 5);
	if (t->pid < 0)
		t->pid = atoi(pid + 6);
	if (!t->comm[0]) {
		const char *c = comm + 7, *e = strchr(c, ' ');

		snprintf(t->comm, sizeof(t->comm), "%.*s", (int)(e ? e - c : (long)strlen(c)), c);
	}
	parse_taint(t, line);
}

/* "[comm:pid]" at the end of a soft lockup line; "task comm:pid blocked" of a hung task. */
static void parse_comm_pid(struct kdk_triage *t, const char *from, const char *to)
{
	const char *colon = NULL, *p;

	for (p = from; p < to; p++)
		if (*p == ':')
			colon = p;
	if (!colon || t->pid >= 0)
		return;
	snprintf(t->comm, sizeof(t->comm), "%.*s", (int)(colon - from), from);
	t->pid = atoi(colon + 1);
}

static void parse_report_line(struct kdk_triage *t, const char *line)
{
	const char *p;

	if ((p = strstr(line, "BUG: soft lockup - CPU#"))) {
		const char *open = strrchr(line, '['), *close = strrchr(line, ']');

		if (t->cpu < 0)
			t->cpu = atoi(p + strlen("BUG: soft lockup - CPU#"));
		if (open && close && close > open)
			parse_comm_pid(t, open + 1, close);
	} else if ((p = strstr(line, "INFO: task ")) && strstr(line, " blocked for more than")) {
		parse_comm_pid(t, p + strlen("INFO: task "), strstr(line, " blocked for more than"));
	} else if ((p = strstr(line, "hard LOCKUP on cpu ")) && t->cpu < 0) {
		t->cpu = atoi(p + strlen("hard LOCKUP on cpu "));
	}
}

/* The module's taint flags as "Modules linked in: a(OE) b c" lists them. */
static void module_taint(struct kdk_triage *t, size_t end)
{
	long at = last_with(t, end, "Modules linked in:");
	const char *p, *name = t->culprit.module;
	size_t len = strlen(name);

	if (!len)
		return;
	if (at < 0)
		at = last_with(t, t->lines.len, "Modules linked in:");
	if (at < 0)
		return;
	p = strstr(line_at(t, (size_t)at), "Modules linked in:") + strlen("Modules linked in:");
	while ((p = strstr(p, name))) {
		if (p[-1] == ' ' && (p[len] == '(' || p[len] == ' ' || !p[len])) {
			if (p[len] == '(') {
				const char *close = strchr(p + len, ')');

				if (close)
					snprintf(t->module_taint, sizeof(t->module_taint), "%.*s",
						 (int)(close - p - len - 1), p + len + 1);
			}
			return;
		}
		p += len;
	}
}

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The top frames below the machinery, repeats (recursion) folded, hashed with the class:
 * FNV-1a 64 over "class\nfunc [module]\n…" with the functions' own names (no .cold/.isra).
 * For the NMI class, only frames above the NMI entry. */
static int make_signature(struct kdk_triage *t, const struct kdk_triage_frame *all, size_t count,
			  struct kdk_err *err)
{
	const char *cls = kdk_crash_class_name(t->cls);
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i = 0;

	t->frames.len = 0;
	while (i < count && kdk_triage_is_machinery(all[i].function) &&
	       !(t->cls == KDK_CRASH_NMI && is_nmi_entry(all[i].function)))
		i++;
	for (; i < count && t->frames.len < SIGNATURE_FRAMES; i++) {
		struct kdk_triage_frame *f;

		/* An NMI from outside (unknown reason, SERR, IOCHK) is not caused by the code it
		 * came in on (user space, a timer interrupt, idle: chance), so its problem is
		 * what reported it, above the NMI entry. A hard lockup's NMI is another class:
		 * there what it interrupted is the culprit. */
		if (t->cls == KDK_CRASH_NMI && is_nmi_entry(all[i].function))
			break;

		if (t->frames.len) {
			const struct kdk_triage_frame *prev =
				KDK_ARRAY_AT(&t->frames, struct kdk_triage_frame, t->frames.len - 1);

			if (!strcmp(prev->function, all[i].function) && !strcmp(prev->module, all[i].module))
				continue;
		}
		if (!(f = kdk_array_push(&t->frames, err)))
			return -err->code;
		*f = all[i];
	}
	h = fnv1a(h, cls, strlen(cls));
	h = fnv1a(h, "\n", 1);
	for (i = 0; i < t->frames.len; i++) {
		const struct kdk_triage_frame *f = KDK_ARRAY_AT(&t->frames, struct kdk_triage_frame, i);

		h = fnv1a(h, f->function, base_name_len(f->function));
		if (f->module[0]) {
			h = fnv1a(h, " [", 2);
			h = fnv1a(h, f->module, strlen(f->module));
			h = fnv1a(h, "]", 1);
		}
		h = fnv1a(h, "\n", 1);
	}
	snprintf(t->signature, sizeof(t->signature), "%016llx", (unsigned long long)h);
	return 0;
}

int kdk_triage_set_frames(struct kdk_triage *t, const struct kdk_triage_frame *frames, size_t count,
			  struct kdk_err *err)
{
	size_t i;

	if (!t->culprit.function[0]) {
		for (i = 0; i < count && is_panic_machinery(frames[i].function); i++)
			;
		if (i < count) {
			t->culprit = frames[i];
			t->culprit_is_return = true;
		}
	}
	return make_signature(t, frames, count, err);
}

/* Where the crash's report starts, its class and headline. */
static long find_report(struct kdk_triage *t, long panic_at)
{
	size_t end = panic_at >= 0 ? (size_t)panic_at : t->lines.len;
	long at = -1, die;
	size_t start;

	t->cls = panic_at >= 0 ? panic_class(t->panic_message) : KDK_CRASH_UNKNOWN;
	switch (t->cls) {
	case KDK_CRASH_SOFT_LOCKUP:
		at = last_with(t, end, "BUG: soft lockup");
		break;
	case KDK_CRASH_HARD_LOCKUP:
		at = last_with(t, end, "hard LOCKUP");
		break;
	case KDK_CRASH_HUNG_TASK:
		at = last_with(t, end, " blocked for more than");
		break;
	case KDK_CRASH_WARN:
		at = last_with(t, end, "WARNING: CPU: ");
		break;
	case KDK_CRASH_SYSRQ: case KDK_CRASH_OOM: case KDK_CRASH_MCE: case KDK_CRASH_NMI:
	case KDK_CRASH_PANIC:
		/* The panic's own lines hold the CPU and the trace; the headline is what led to it. */
		at = t->cls == KDK_CRASH_NMI ? last_with(t, end, "NMI") :
		     t->cls == KDK_CRASH_OOM ? last_with(t, end, "invoked oom-killer") :
		     t->cls == KDK_CRASH_SYSRQ ? last_with(t, end, "sysrq: ") : -1;
		if (at >= 0 && (size_t)at + 8 < end)
			at = -1;   /* not the panic's own prelude */
		snprintf(t->headline, sizeof(t->headline), "%s", line_at(t, (size_t)(at >= 0 ? at : panic_at)));
		return panic_at;
	case KDK_CRASH_UNKNOWN:
		break;
	default:
		break;
	}
	if (t->cls == KDK_CRASH_UNKNOWN) {
		/* "Fatal exception", or no panic line at all (an oops with kdump loaded goes from
		 * oops_end to crash_kexec before panic() prints): the last report in the log. */
		long lockup = last_with(t, end, "BUG: soft lockup"), hard = last_with(t, end, "hard LOCKUP");

		die = last_die(t, end);
		if (die >= 0 && die > lockup && die > hard) {
			t->cls = die_class(t, (size_t)die, &start);
			at = (long)start;
		} else if (lockup > hard) {
			t->cls = KDK_CRASH_SOFT_LOCKUP;
			at = lockup;
		} else if (hard >= 0) {
			t->cls = KDK_CRASH_HARD_LOCKUP;
			at = hard;
		} else if (panic_at >= 0) {
			t->cls = KDK_CRASH_PANIC;
			at = panic_at;
		}
	}
	if (at < 0 && panic_at >= 0)
		at = panic_at;
	if (at >= 0)
		snprintf(t->headline, sizeof(t->headline), "%s", line_at(t, (size_t)at));
	return at;
}

int kdk_triage_analyse(struct kdk_triage *t, struct kdk_err *err)
{
	struct kdk_array trace = KDK_ARRAY_INIT(struct kdk_triage_frame);
	struct kdk_triage_frame rip, f;
	bool have_rip = false, in_trace = false, trace_done = false, seen_die = false, unreliable;
	long panic_at = -1, at;
	size_t i, end;
	int rc = 0;

	for (i = 0; i < t->lines.len; i++) {
		const char *p = strstr(line_at(t, i), "Kernel panic - not syncing: ");

		if (p) {
			panic_at = (long)i;
			snprintf(t->panic_message, sizeof(t->panic_message), "%s",
				 p + strlen("Kernel panic - not syncing: "));
			break;
		}
	}
	if ((at = find_report(t, panic_at)) < 0)
		return 0;
	end = (size_t)at + REGION_LINES < t->lines.len ? (size_t)at + REGION_LINES : t->lines.len;
	for (i = (size_t)at; i < end; i++) {
		const char *l = line_at(t, i);

		/* The report ends at its end marker, another die() or the panic after it. */
		if (i > (size_t)at && (starts(l, "---[ end ") || (is_die_line(l) && seen_die) ||
				       (strstr(l, "Kernel panic - not syncing") && at != panic_at)))
			break;
		seen_die |= is_die_line(l);
		parse_report_line(t, l);
		parse_cpu_line(t, l);
		if (!t->taint_known && (starts(l, "      Tainted: ") || starts(l, "      Not tainted ")))
			parse_taint(t, l);
		if (!in_trace && !trace_done && !have_rip && starts(l, "RIP: 0010:") && parse_frame(l + 10, &rip, &unreliable))
			have_rip = true;
		if (!in_trace && !trace_done && strstr(l, "Call Trace:")) {
			in_trace = true;
			continue;
		}
		if (!in_trace)
			continue;
		if (parse_frame(l, &f, &unreliable)) {
			struct kdk_triage_frame *slot;

			if (unreliable)
				continue;
			if (!(slot = kdk_array_push(&trace, err))) {
				rc = -err->code;
				goto out;
			}
			*slot = f;
		} else if (starts(l, "</TASK>") || (!is_stack_marker(l) && !is_register_line(l))) {
			in_trace = false;
			trace_done = true;
		}
	}
	if (have_rip) {
		struct kdk_triage_frame *slot;

		t->culprit = rip;
		/* The faulting function heads the frames: the trace starts at its caller. */
		if (!(slot = kdk_array_push(&trace, err))) {
			rc = -err->code;
			goto out;
		}
		memmove((struct kdk_triage_frame *)trace.items + 1, trace.items, (trace.len - 1) * sizeof(rip));
		*(struct kdk_triage_frame *)trace.items = rip;
	}
	if ((rc = kdk_triage_set_frames(t, trace.items, trace.len, err)))
		goto out;
	module_taint(t, end);
out:
	kdk_array_free(&trace);
	return rc;
}
