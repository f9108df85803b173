/* triage.h — a crash's verdict from the kernel's own console text: the class, the culprit (function,
 * module, process, CPU), and a signature of the top frames below the crash machinery. */
#ifndef KDK_TRIAGE_H
#define KDK_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_array.h"
#include "kdk_err.h"

enum kdk_crash_class {
	KDK_CRASH_UNKNOWN,         /* no crash report in the log */
	KDK_CRASH_PANIC,           /* an explicit panic() with no report of its own kind */
	KDK_CRASH_OOPS,            /* a page fault or other trap in kernel mode */
	KDK_CRASH_BUG,             /* BUG()/BUG_ON(): "kernel BUG at FILE:LINE!" */
	KDK_CRASH_GPF,             /* general protection fault */
	KDK_CRASH_SOFT_LOCKUP,
	KDK_CRASH_HARD_LOCKUP,
	KDK_CRASH_HUNG_TASK,
	KDK_CRASH_OOM,             /* panic_on_oom, or out of memory with nothing to kill */
	KDK_CRASH_SYSRQ,           /* sysrq-c */
	KDK_CRASH_STACK_OVERFLOW,  /* a stack guard page hit */
	KDK_CRASH_MCE,             /* machine check */
	KDK_CRASH_NMI,             /* an NMI the kernel would not continue from (unknown, SERR, IOCK) */
	KDK_CRASH_WARN,            /* WARN() with panic_on_warn */
};

/* "oops", "soft lockup", … (stable: the JSON and the signature use them). */
const char *kdk_crash_class_name(enum kdk_crash_class cls);

struct kdk_triage_frame {
	char function[128];        /* as printed, suffixes (.cold, .isra.0) kept */
	char offset[48];           /* "0x11/0x20", or "" */
	char module[64];           /* "" for the kernel image */
};

struct kdk_triage {
	/* Input: the log, one console line each (timestamps stripped by kdk_triage_add_line). */
	struct kdk_array lines;                  /* char * */
	/* Verdict (kdk_triage_analyse). */
	enum kdk_crash_class cls;
	char headline[256];                      /* the report's first line */
	char panic_message[256];                 /* after "Kernel panic - not syncing: ", or "" */
	struct kdk_triage_frame culprit;         /* function "" when the log names none */
	bool culprit_is_return;                  /* a return address (a trace's frame), not RIP */
	char module_taint[16];                   /* the culprit module's "(OE)" in Modules linked in */
	char taint[32];                          /* the kernel's taint letters ("OE"), "" untainted */
	bool taint_known;                        /* a "Tainted:"/"Not tainted" was read */
	char comm[32];
	int32_t pid;                             /* -1: not known */
	int32_t cpu;                             /* -1: not known */
	char release[65];                        /* from the report's CPU line, or "" */
	struct kdk_array frames;                 /* struct kdk_triage_frame: the signature's */
	char signature[17];                      /* 16 hex digits */
};

void kdk_triage_init(struct kdk_triage *t);
void kdk_triage_free(struct kdk_triage *t);

/* One console line (no newline; a leading "[    1.234567] " timestamp is dropped). */
int kdk_triage_add_line(struct kdk_triage *t, const char *line, size_t len, struct kdk_err *err);
/* Text of several lines ('\n' between them), as a printk record or a whole console file holds. */
int kdk_triage_add_text(struct kdk_triage *t, const char *text, size_t len, struct kdk_err *err);

/* The verdict from the lines added; a log with no crash report gives KDK_CRASH_UNKNOWN (not an
 * error). The frames come from the report's trace; kdk_triage_set_frames replaces them (a dump's
 * own unwinding, when the log printed no trace) and recomputes the signature. */
int kdk_triage_analyse(struct kdk_triage *t, struct kdk_err *err);
int kdk_triage_set_frames(struct kdk_triage *t, const struct kdk_triage_frame *frames, size_t count,
			  struct kdk_err *err);

/* Is this function crash machinery (panic, die, the fault handlers, the scheduler frames of a
 * sleeping task, sysrq, the watchdogs, NMI entry)? Suffixes such as ".cold" are ignored. */
bool kdk_triage_is_machinery(const char *function);

#endif
