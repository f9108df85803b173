/* test_triage.c — crash verdicts from real console logs of the lab's fixtures (tests/unit/triage/,
 * cut from each fixture's serial.log) and from report shapes the lab cannot provoke. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "triage/triage.h"

struct expect {
	const char *log;
	const char *cls, *function, *module, *module_taint, *comm;
	int pid, cpu;
	const char *taint, *release;
};

static const struct expect expects[] = {
	{ "6.1-oops", "oops", "oops_test_do_deref", "oops_test", "OE", "sh", 423, 0, "OE", "6.1.0-56-cloud-amd64" },
	{ "6.1-softirq", "oops", "crash_classes_timer_deref", "crash_classes", "OE", "ksoftirqd/1", 21, 1, "OE",
	  "6.1.0-56-cloud-amd64" },
	{ "6.1-workqueue", "BUG", "crash_classes_work_bug", "crash_classes", "OE", "kworker/1:1", 29, 1, "OE",
	  "6.1.0-56-cloud-amd64" },
	{ "6.1-softlockup", "soft lockup", "crash_classes_spin", "crash_classes", "OE", "sh", 418, 0, "OE",
	  "6.1.0-56-cloud-amd64" },
	{ "6.1-hungtask", "hung task", "crash_classes_hang", "crash_classes", "", "sh", 423, -1, "OE",
	  "6.1.0-56-cloud-amd64" },
	{ "6.1-stackoverflow", "stack overflow", "crash_classes_recurse", "crash_classes", "OE", "sh", 423, 0, "OE",
	  "6.1.0-56-cloud-amd64" },
	{ "6.1-sysrq", "sysrq", "sysrq_handle_crash", "", "", "init", 1, 0, "", "6.1.0-56-cloud-amd64" },
	{ "6.1-nmi", "NMI", "unknown_nmi_error.cold", "", "", "sh", 124, 0, "", "6.1.0-56-cloud-amd64" },
	/* the same NMI arriving in a timer interrupt: what it interrupted is chance, not the problem */
	{ "6.1-nmi-irq", "NMI", "unknown_nmi_error.cold", "", "", "sh", 125, 0, "", "6.1.0-56-cloud-amd64" },
	{ "6.12-oops", "oops", "oops_test_do_deref", "oops_test", "OE", "sh", 481, 0, "OE",
	  "6.12.117+deb12-cloud-amd64" },
	{ "6.12-softirq", "oops", "crash_classes_timer_deref", "crash_classes", "OE", "sh", 483, 1, "OE",
	  "6.12.117+deb12-cloud-amd64" },
	{ "6.12-workqueue", "BUG", "crash_classes_work_bug", "crash_classes", "OE", "kworker/0:0", 9, 0, "OE",
	  "6.12.117+deb12-cloud-amd64" },
	{ "6.12-softlockup", "soft lockup", "crash_classes_spin", "crash_classes", "OE", "sh", 479, 0, "OE",
	  "6.12.117+deb12-cloud-amd64" },
	{ "6.12-hungtask", "hung task", "crash_classes_hang", "crash_classes", "", "sh", 493, -1, "OE",
	  "6.12.117+deb12-cloud-amd64" },
	{ "6.12-stackoverflow", "stack overflow", "crash_classes_recurse", "crash_classes", "OE", "sh", 485, 0, "OE",
	  "6.12.117+deb12-cloud-amd64" },
	{ "6.12-sysrq", "sysrq", "sysrq_handle_crash", "", "", "init", 1, 0, "", "6.12.117+deb12-cloud-amd64" },
	{ "6.12-nmi", "NMI", "unknown_nmi_error", "", "", "sh", 173, 0, "", "6.12.117+deb12-cloud-amd64" },
	{ "7.2-sysrq", "sysrq", "sysrq_handle_crash", "", "", "init", 1, 1, "", "7.2.13+deb14-cloud-amd64" },
	{ "7.2-nmi", "NMI", "unknown_nmi_error", "", "", "sh", 140, 0, "", "7.2.13+deb14-cloud-amd64" },
};
#define NR_EXPECTS (sizeof(expects) / sizeof(expects[0]))

static char signatures[NR_EXPECTS][17];

static void load_log(struct kdk_triage *t, const char *name)
{
	char path[256], *text = NULL;
	size_t cap = 0;
	ssize_t len;
	struct kdk_err err = { 0 };
	FILE *in;

	snprintf(path, sizeof(path), "tests/unit/triage/%s.log", name);
	in = fopen(path, "re");
	if (!in)
		fail_msg("%s: cannot open (run from the top of the tree)", path);
	kdk_triage_init(t);
	while ((len = getline(&text, &cap, in)) >= 0)
		assert_int_equal(kdk_triage_add_line(t, text, (size_t)len, &err), 0);
	free(text);
	fclose(in);
	assert_int_equal(kdk_triage_analyse(t, &err), 0);
}

static void check_one(const struct expect *e, struct kdk_triage *t)
{
	print_message("# %s: expected %s at %s [%s] (%s) in %s:%d on CPU %d; got %s at %s [%s] (%s) in %s:%d "
		      "on CPU %d, signature %s\n", e->log, e->cls, e->function, e->module, e->module_taint, e->comm,
		      e->pid, e->cpu, kdk_crash_class_name(t->cls), t->culprit.function, t->culprit.module,
		      t->module_taint, t->comm, t->pid, t->cpu, t->signature);
	assert_string_equal(kdk_crash_class_name(t->cls), e->cls);
	assert_string_equal(t->culprit.function, e->function);
	assert_string_equal(t->culprit.module, e->module);
	assert_string_equal(t->module_taint, e->module_taint);
	assert_string_equal(t->comm, e->comm);
	assert_int_equal(t->pid, e->pid);
	assert_int_equal(t->cpu, e->cpu);
	assert_true(t->taint_known);
	assert_string_equal(t->taint, e->taint);
	assert_string_equal(t->release, e->release);
	assert_int_equal(strlen(t->signature), 16);
}

static void test_fixture_logs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NR_EXPECTS; i++) {
		struct kdk_triage t;

		load_log(&t, expects[i].log);
		check_one(&expects[i], &t);
		memcpy(signatures[i], t.signature, sizeof(signatures[i]));
		kdk_triage_free(&t);
	}
}

static size_t index_of(const char *log)
{
	size_t i;

	for (i = 0; i < NR_EXPECTS; i++)
		if (!strcmp(expects[i].log, log))
			return i;
	fail_msg("no log %s", log);
	return 0;
}

/* The same problem on 6.1, 6.12 and 7.2 has one signature (the machinery differs: 6.12 prints no
 * dump_stack_lvl, 7.2 adds vpanic, 6.1 names __handle_sysrq.cold); different problems differ. */
static void test_signatures_group(void **state)
{
	static const char *const same[][4] = {
		{ "6.1-oops", "6.12-oops", NULL },
		{ "6.1-softirq", "6.12-softirq", NULL },
		{ "6.1-workqueue", "6.12-workqueue", NULL },
		{ "6.1-softlockup", "6.12-softlockup", NULL },
		{ "6.1-hungtask", "6.12-hungtask", NULL },
		{ "6.1-stackoverflow", "6.12-stackoverflow", NULL },
		{ "6.1-sysrq", "6.12-sysrq", "7.2-sysrq" },
		{ "6.1-nmi", "6.1-nmi-irq", "6.12-nmi", "7.2-nmi" },
	};
	size_t g, h, k;

	(void)state;
	if (!signatures[0][0])
		test_fixture_logs(state);
	for (g = 0; g < sizeof(same) / sizeof(same[0]); g++) {
		const char *sig = signatures[index_of(same[g][0])];

		for (k = 1; k < sizeof(same[0]) / sizeof(same[0][0]) && same[g][k]; k++) {
			print_message("# %s and %s: expected one signature, got %s and %s\n", same[g][0], same[g][k],
				      sig, signatures[index_of(same[g][k])]);
			assert_string_equal(sig, signatures[index_of(same[g][k])]);
		}
		for (h = g + 1; h < sizeof(same) / sizeof(same[0]); h++) {
			print_message("# %s and %s: expected different signatures, got %s and %s\n", same[g][0],
				      same[h][0], sig, signatures[index_of(same[h][0])]);
			assert_string_not_equal(sig, signatures[index_of(same[h][0])]);
		}
	}
}

static void analyse_text(struct kdk_triage *t, const char *text)
{
	struct kdk_err err = { 0 };

	kdk_triage_init(t);
	assert_int_equal(kdk_triage_add_text(t, text, strlen(text), &err), 0);
	assert_int_equal(kdk_triage_analyse(t, &err), 0);
}

/* Shapes from the kernel's printing code (arch/x86/kernel/traps.c, dumpstack.c, kernel/watchdog.c,
 * mm/oom_kill.c, kernel/panic.c), for classes the lab does not make. */
static void test_other_shapes(void **state)
{
	static const struct { const char *text, *cls, *function; } shapes[] = {
		{ "general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] "
		  "PREEMPT SMP NOPTI\n"
		  "CPU: 3 PID: 77 Comm: kworker/3:1 Not tainted 6.1.0-56-amd64 #1 Debian 6.1.192-2\n"
		  "RIP: 0010:list_del_entry_valid+0x12/0x90\n"
		  "Call Trace:\n <TASK>\n foo_release+0x2a/0x60 [foo]\n process_one_work+0x1c7/0x380\n </TASK>\n"
		  "Kernel panic - not syncing: Fatal exception\n", "GPF", "list_del_entry_valid" },
		{ "watchdog: Watchdog detected hard LOCKUP on cpu 2\n"
		  "CPU: 2 PID: 0 Comm: swapper/2 Not tainted 6.1.0-56-amd64 #1\n"
		  "RIP: 0010:native_queued_spin_lock_slowpath+0x60/0x1e0\n"
		  "Call Trace:\n <NMI>\n </NMI>\n <TASK>\n _raw_spin_lock+0x29/0x30\n bar_poll+0x10/0x40 [bar]\n </TASK>\n"
		  "Kernel panic - not syncing: Hard LOCKUP\n", "hard lockup", "native_queued_spin_lock_slowpath" },
		{ "stress invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		  "Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled\n"
		  "CPU: 0 PID: 999 Comm: stress Not tainted 6.12.117+deb12-amd64 #1\n"
		  "Call Trace:\n <TASK>\n dump_stack_lvl+0x5d/0x80\n panic+0x344/0x3a0\n out_of_memory+0x2f1/0x500\n"
		  " __alloc_pages_slowpath.constprop.0+0xa5e/0xe20\n </TASK>\n", "OOM panic", "out_of_memory" },
		{ "mce: [Hardware Error]: CPU 1: Machine Check Exception: 5 Bank 4: b200000000070f0f\n"
		  "Kernel panic - not syncing: Fatal machine check\n", "MCE", "" },
		{ "WARNING: CPU: 1 PID: 5 at drivers/foo.c:10 foo_check+0x20/0x30 [foo]\n"
		  "CPU: 1 PID: 5 Comm: kworker/1:0 Tainted: G        W  O 6.1.0-56-amd64 #1\n"
		  "RIP: 0010:foo_check+0x20/0x30 [foo]\n"
		  "Call Trace:\n <TASK>\n foo_work+0x11/0x20 [foo]\n </TASK>\n"
		  "Kernel panic - not syncing: kernel: panic_on_warn set ...\n", "WARN", "foo_check" },
		{ "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n"
		  "CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.1.0-56-amd64 #1\n"
		  "Call Trace:\n <TASK>\n dump_stack_lvl+0x44/0x5c\n panic+0x118/0x2f4\n mount_block_root+0x1d3/0x1ea\n"
		  " prepare_namespace+0x136/0x165\n </TASK>\n", "panic", "mount_block_root" },
		/* An oops with kdump loaded: oops_end goes to crash_kexec, no panic line. */
		{ "BUG: kernel NULL pointer dereference, address: 0000000000000008\n#PF: supervisor read access in kernel mode\n"
		  "Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		  "CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-56-amd64 #1\n"
		  "RIP: 0010:baz+0x4/0x10\n"
		  "Call Trace:\n <TASK>\n qux+0x9/0x20\n </TASK>\n", "oops", "baz" },
		{ "just a boot log\nNMI watchdog: Perf NMI watchdog permanently disabled\n", "unknown", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		struct kdk_triage t;

		analyse_text(&t, shapes[i].text);
		print_message("# shape %zu: expected %s at \"%s\", got %s at \"%s\"\n", i, shapes[i].cls,
			      shapes[i].function, kdk_crash_class_name(t.cls), t.culprit.function);
		assert_string_equal(kdk_crash_class_name(t.cls), shapes[i].cls);
		assert_string_equal(t.culprit.function, shapes[i].function);
		kdk_triage_free(&t);
	}
}

/* Frames from a dump's unwinding replace a log without a trace: machinery skipped, recursion
 * folded, the culprit the first frame past panic and die. */
static void test_set_frames(void **state)
{
	static const struct kdk_triage_frame frames[] = {
		{ "panic", "0x118/0x2f4", "" }, { "sysrq_handle_crash", "0x16/0x20", "" },
		{ "write_sysrq_trigger", "0x24/0x40", "" }, { "rec", "0x41/0x80", "m" }, { "rec", "0x41/0x80", "m" },
		{ "vfs_write", "0xc7/0x3f0", "" },
	};
	struct kdk_triage t;
	struct kdk_err err = { 0 };

	(void)state;
	analyse_text(&t, "Kernel panic - not syncing: sysrq triggered crash\n");
	assert_string_equal(t.culprit.function, "");
	assert_int_equal(kdk_triage_set_frames(&t, frames, 6, &err), 0);
	assert_string_equal(t.culprit.function, "sysrq_handle_crash");
	assert_int_equal(t.frames.len, 2);
	assert_string_equal(KDK_ARRAY_AT(&t.frames, struct kdk_triage_frame, 0)->function, "rec");
	assert_string_equal(KDK_ARRAY_AT(&t.frames, struct kdk_triage_frame, 1)->function, "vfs_write");
	kdk_triage_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_logs),
		cmocka_unit_test(test_signatures_group),
		cmocka_unit_test(test_other_shapes),
		cmocka_unit_test(test_set_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
