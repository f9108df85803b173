// SPDX-License-Identifier: GPL-2.0
/*
 * vmcoreinfo_edit — a lab test module: at load, renames one key in the running kernel's
 * VMCOREINFO text (vmcoreinfo_data), so the dump of the next crash lacks that key.
 *
 * Why this reaches the dump: at panic, crash_save_vmcoreinfo() appends CRASHTIME to
 * vmcoreinfo_data (or to vmcoreinfo_data_safecopy, the copy kimage_crash_copy_vmcoreinfo() takes
 * when a crash kernel is loaded) and update_vmcoreinfo_note() rebuilds the ELF note the capture
 * kernel's /proc/vmcore shows from it (kernel/crash_core.c in v6.1, kernel/vmcore_info.c from
 * v6.9 on). So the edit must happen before `kexec -p`: the lab /init loads this module at boot.
 *
 * vmcoreinfo_data is not exported: its address comes from kallsyms_lookup_name, itself not
 * exported since v5.7, whose address a kprobe on it reveals (registered, read, unregistered).
 */
#include <linux/init.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/string.h>

/*
 * Default: the free-page marker. Level 16 (free pages) cannot be computed without it, and no other
 * source answers it (unlike OFFSET(page.compound_head), which the dump's BTF gives).
 */
static char *key = "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)";
module_param(key, charp, 0444);
MODULE_PARM_DESC(key, "the VMCOREINFO key to rename (its second-to-last character becomes 'X')");

typedef unsigned long (*lookup_fn)(const char *name);

static lookup_fn find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	lookup_fn fn;

	if (register_kprobe(&kp) < 0)
		return NULL;
	fn = (lookup_fn)kp.addr;
	unregister_kprobe(&kp);
	return fn;
}

static int __init vmcoreinfo_edit_init(void)
{
	lookup_fn lookup = find_kallsyms_lookup_name();
	unsigned char **data;
	size_t *size;
	char want[96];
	char *at;
	size_t len = strlen(key);

	if (!lookup) {
		pr_err("vmcoreinfo_edit: no kprobe on kallsyms_lookup_name\n");
		return -ENOENT;
	}
	data = (unsigned char **)lookup("vmcoreinfo_data");
	size = (size_t *)lookup("vmcoreinfo_size");
	if (!data || !size || !*data || len < 2 || len + 3 > sizeof(want)) {
		pr_err("vmcoreinfo_edit: vmcoreinfo_data or vmcoreinfo_size not found\n");
		return -ENOENT;
	}
	/* "\nKEY=": a whole key, never the tail of a longer one */
	snprintf(want, sizeof(want), "\n%s=", key);
	at = strnstr((char *)*data, want, *size);
	if (!at) {
		pr_err("vmcoreinfo_edit: VMCOREINFO has no key %s\n", key);
		return -ENOENT;
	}
	at[1 + len - 2] = 'X';
	pr_info("vmcoreinfo_edit: VMCOREINFO key %s renamed to %.*s\n", key, (int)len, at + 1);
	return 0;
}

static void __exit vmcoreinfo_edit_exit(void)
{
}

module_init(vmcoreinfo_edit_init);
module_exit(vmcoreinfo_edit_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kdumpkit lab: rename a VMCOREINFO key so the dump lacks it");
