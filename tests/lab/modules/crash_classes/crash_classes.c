// SPDX-License-Identifier: GPL-2.0
/*
 * crash_classes — the lab's crash classes beyond sysrq and a process-context oops: writing a
 * class name to /proc/crash_classes crashes the kernel the way real bugs do, so that bt, sys and
 * triage are checked against every shape of stack the kernel can leave:
 *   softirq       a timer callback writes through NULL while the writer busy-waits in the kernel:
 *                 the timer interrupt comes in kernel mode, so the softirq and its oops run on
 *                 the per-CPU IRQ stack above the writer's task stack
 *   workqueue     BUG() in a work item (a kworker kthread's stack)
 *   softlockup    spin with preemption off in the writer (softlockup_panic=1 turns it into a panic)
 *   hungtask      the writer sleeps uninterruptibly for ever (hung_task_panic=1)
 *   stackoverflow recursion into the stack's guard page (#DF on its own IST stack)
 * The sysctls that turn each into a panic are set by the guest script (run-class.sh).
 */
#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

/* Not static, read with READ_ONCE: gcc cannot prove it NULL, so the store stays where it is. */
int *crash_classes_target;
EXPORT_SYMBOL_GPL(crash_classes_target);
unsigned long crash_classes_count;

/* First in .text, so that no faulting function is first (the oops prints opcode bytes before RIP). */
noinline void crash_classes_note(void)
{
	crash_classes_count++;
}

noinline void crash_classes_timer_deref(void)
{
	int *target = READ_ONCE(crash_classes_target);

	*target = 1;
}

static struct timer_list crash_classes_timer;

static void crash_classes_timer_fn(struct timer_list *t)
{
	crash_classes_timer_deref();
	crash_classes_note();
}

noinline void crash_classes_work_bug(void)
{
	if (READ_ONCE(crash_classes_count) < ULONG_MAX)
		BUG();
	crash_classes_note();
}

static void crash_classes_work_fn(struct work_struct *work)
{
	crash_classes_work_bug();
	crash_classes_note();
}

static DECLARE_WORK(crash_classes_work, crash_classes_work_fn);

noinline void crash_classes_spin(void)
{
	preempt_disable();
	for (;;)
		cpu_relax();
}

noinline void crash_classes_hang(void)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule();
	}
}

/* Each level keeps 256 bytes live across the call, so neither inlining nor a tail call can
 * flatten the recursion: about 50 levels per 16 KiB stack. */
noinline int crash_classes_recurse(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	frame[255] = (char)depth;
	return crash_classes_recurse(depth + 1) + frame[0] + frame[255];
}

static ssize_t crash_classes_write(struct file *file, const char __user *ubuf, size_t len,
				   loff_t *pos)
{
	char buf[32] = { 0 };

	if (copy_from_user(buf, ubuf, min(len, sizeof(buf) - 1)))
		return -EFAULT;
	strim(buf);
	crash_classes_note();
	if (!strcmp(buf, "softirq")) {
		mod_timer(&crash_classes_timer, jiffies + 2);
		mdelay(1000);
	}
	else if (!strcmp(buf, "workqueue"))
		schedule_work(&crash_classes_work);
	else if (!strcmp(buf, "softlockup"))
		crash_classes_spin();
	else if (!strcmp(buf, "hungtask"))
		crash_classes_hang();
	else if (!strcmp(buf, "stackoverflow"))
		return crash_classes_recurse(0);
	else
		return -EINVAL;
	return len;
}

static const struct proc_ops crash_classes_proc_ops = {
	.proc_write = crash_classes_write,
};

static int __init crash_classes_init(void)
{
	/* Pinned: it fires on the CPU that armed it, the one busy-waiting in the kernel. */
	timer_setup(&crash_classes_timer, crash_classes_timer_fn, TIMER_PINNED);
	if (!proc_create("crash_classes", 0200, NULL, &crash_classes_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit crash_classes_exit(void)
{
	remove_proc_entry("crash_classes", NULL);
	del_timer_sync(&crash_classes_timer);
	cancel_work_sync(&crash_classes_work);
}

module_init(crash_classes_init);
module_exit(crash_classes_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdumpkit lab: crash classes (softirq oops, workqueue BUG, lockups, stack overflow)");
