// SPDX-License-Identifier: GPL-2.0
/*
 * oops_test — the lab's second crash class: writing to /proc/oops_test makes a function of this
 * module write through a NULL pointer, so the oops (and, with panic_on_oops=1, the panic) names a
 * module function, as a buggy driver's crash does.
 */
#include <linux/compiler.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

/*
 * Not static, read with READ_ONCE: gcc cannot prove it NULL, so the faulting store stays in
 * oops_test_do_deref instead of moving into a .cold section.
 */
int *oops_test_target;
EXPORT_SYMBOL_GPL(oops_test_target);

unsigned long oops_test_writes;

/*
 * First in .text on purpose: if the faulting function came first, the oops could not print the
 * opcode bytes before RIP ("Unable to access opcode bytes").
 */
noinline void oops_test_count_write(void)
{
	oops_test_writes++;
}

noinline void oops_test_do_deref(int value)
{
	int *target = READ_ONCE(oops_test_target);

	*target = value;
}

/* The count comes after the faulting call, so gcc cannot make it a tail call and this frame
 * stays on the stack: the Call Trace shows handle_write → do_deref, as a driver's would. */
noinline void oops_test_handle_write(const char *buf, size_t len)
{
	oops_test_do_deref(len > 0 ? buf[0] : 0);
	oops_test_count_write();
}

static ssize_t oops_test_write(struct file *file, const char __user *ubuf, size_t len, loff_t *pos)
{
	char buf[8] = { 0 };

	if (copy_from_user(buf, ubuf, min(len, sizeof(buf) - 1)))
		return -EFAULT;
	oops_test_handle_write(buf, len);
	return len;
}

static const struct proc_ops oops_test_proc_ops = {
	.proc_write = oops_test_write,
};

static int __init oops_test_init(void)
{
	if (!proc_create("oops_test", 0200, NULL, &oops_test_proc_ops))
		return -ENOMEM;
	return 0;
}

static void __exit oops_test_exit(void)
{
	remove_proc_entry("oops_test", NULL);
}

module_init(oops_test_init);
module_exit(oops_test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdumpkit lab: oops with a NULL write from a module function");
