/* fuzz_kcrash_lists.c — kcrash's task, module, vmalloc and tree walkers (analyze/tasks.c,
 * modules.c, cpus.c, kmem_vmalloc.c, cmd_tree.c) and the ps, mod, kmem -v and tree commands over
 * 64 KiB of synthetic kernel memory taken from the input: the task list from init_task, each
 * process's thread list, each CPU's runqueue, the module list with each module's symbol table,
 * the vmalloc areas, a red-black tree and an xarray. The
 * structure layout comes from a fake fact source (a compact layout of its own, not a kernel's);
 * which text layout struct module has (mem[MOD_TEXT] or core_layout), which rss_stat (atomic
 * counters or percpu_counter) and where the vmalloc areas are (vmap_area_list, or 6.9's
 * vmap_nodes[]) the input's first byte picks; the rest is memory, zero-padded.
 *
 * Memory at BASE: nr_cpu_ids (u32) at +0, __per_cpu_offset[8] at +0x08, the present, online and
 * active masks at +0x48/+0x50/+0x58, the `modules` list head at +0x60, runqueues (per-CPU) at
 * +0x70, vmap_area_list (a list head) or vmap_nodes (a pointer) at +0xe0 and nr_vmap_nodes (u32)
 * at +0xf0, init_task at +0x100, a red-black tree's rb_root at +0x3400 and an xarray at +0x3500
 * for `tree` (tests/fuzz/make-seeds builds a sane kernel of this shape). */
#include "fuzz_kcrash_common.h"

#include "commands.h"
#include "cpus.h"
#include "modules.h"
#include "session.h"
#include "tasks.h"

#define BASE 0xffff888000000000ULL
#define MEM_SIZE 65536

/* Both variants' facts; a variant leaves some out (value ~0). */
static const struct fuzz_fact common_facts[] = {
	{ KDK_KEY_SIZE, "task_struct", 0x100 },
	{ KDK_KEY_OFFSET, "task_struct.tasks", 0x00 },
	{ KDK_KEY_OFFSET, "task_struct.pid", 0x10 },
	{ KDK_KEY_OFFSET, "task_struct.tgid", 0x14 },
	{ KDK_KEY_OFFSET, "task_struct.thread_info.cpu", 0x18 },
	{ KDK_KEY_OFFSET, "task_struct.__state", 0x1c },
	{ KDK_KEY_SIZE, "task_struct.__state", 4 },
	{ KDK_KEY_OFFSET, "task_struct.exit_state", 0x20 },
	{ KDK_KEY_OFFSET, "task_struct.comm", 0x24 },
	{ KDK_KEY_OFFSET, "task_struct.real_parent", 0x38 },
	{ KDK_KEY_OFFSET, "task_struct.mm", 0x40 },
	{ KDK_KEY_OFFSET, "task_struct.signal", 0x48 },
	{ KDK_KEY_OFFSET, "task_struct.thread_node", 0x50 },
	{ KDK_KEY_OFFSET, "signal_struct.thread_head", 0x10 },
	{ KDK_KEY_OFFSET, "mm_struct.total_vm", 0x00 },
	{ KDK_KEY_OFFSET, "mm_struct.rss_stat", 0x08 },
	{ KDK_KEY_NUMBER, "NR_MM_COUNTERS", 4 },
	{ KDK_KEY_NUMBER, "MM_FILEPAGES", 0 },
	{ KDK_KEY_NUMBER, "MM_ANONPAGES", 1 },
	{ KDK_KEY_NUMBER, "MM_SHMEMPAGES", 3 },
	{ KDK_KEY_OFFSET, "rq.curr", 0x00 },
	{ KDK_KEY_OFFSET, "rq.idle", 0x08 },
	{ KDK_KEY_OFFSET, "module.list", 0x08 },
	{ KDK_KEY_OFFSET, "module.name", 0x18 },
	{ KDK_KEY_OFFSET, "module.kallsyms", 0x50 },
	{ KDK_KEY_OFFSET, "module.arch.num_orcs", 0x58 },
	{ KDK_KEY_OFFSET, "module.arch.orc_unwind_ip", 0x60 },
	{ KDK_KEY_OFFSET, "module.arch.orc_unwind", 0x68 },
	{ KDK_KEY_OFFSET, "mod_kallsyms.symtab", 0x00 },
	{ KDK_KEY_OFFSET, "mod_kallsyms.num_symtab", 0x08 },
	{ KDK_KEY_OFFSET, "mod_kallsyms.strtab", 0x10 },
	{ KDK_KEY_OFFSET, "mod_kallsyms.typetab", 0x18 },
	{ KDK_KEY_OFFSET, "vmap_area.va_start", 0x00 },
	{ KDK_KEY_OFFSET, "vmap_area.va_end", 0x08 },
	{ KDK_KEY_OFFSET, "vmap_area.list", 0x10 },
	{ KDK_KEY_OFFSET, "vmap_area.vm", 0x20 },
	{ KDK_KEY_SIZE, "vmap_node", 0x40 },
	{ KDK_KEY_OFFSET, "vmap_node.busy", 0x10 },
	{ KDK_KEY_OFFSET, "rb_list.head", 0x08 },
	{ KDK_KEY_OFFSET, "rb_root.rb_node", 0x00 },
	{ KDK_KEY_OFFSET, "rb_node.__rb_parent_color", 0x00 },
	{ KDK_KEY_OFFSET, "rb_node.rb_right", 0x08 },
	{ KDK_KEY_OFFSET, "rb_node.rb_left", 0x10 },
	{ KDK_KEY_OFFSET, "xarray.xa_head", 0x08 },
	{ KDK_KEY_OFFSET, "xa_node.shift", 0x00 },
	{ KDK_KEY_OFFSET, "xa_node.slots", 0x28 },
	{ KDK_KEY_LENGTH, "xa_node.slots", 64 },
};
static const struct fuzz_fact module_memory_facts[] = {     /* 6.4+ */
	{ KDK_KEY_OFFSET, "module.mem", 0x70 },
	{ KDK_KEY_OFFSET, "module_memory.base", 0x00 },
	{ KDK_KEY_OFFSET, "module_memory.size", 0x08 },
	{ KDK_KEY_SIZE, "module_memory", 0x20 },
	{ KDK_KEY_NUMBER, "MOD_TEXT", 0 },
};
static const struct fuzz_fact core_layout_facts[] = {       /* before 6.4 */
	{ KDK_KEY_OFFSET, "module.core_layout.base", 0x70 },
	{ KDK_KEY_OFFSET, "module.core_layout.text_size", 0x78 },
};
static const struct fuzz_fact atomic_rss_facts[] = {        /* before 6.2: atomic_long_t count[4] */
	{ KDK_KEY_SIZE, "mm_struct.rss_stat", 32 },
};
static const struct fuzz_fact percpu_rss_facts[] = {        /* 6.2+: struct percpu_counter[4] */
	{ KDK_KEY_SIZE, "mm_struct.rss_stat", 4 * 40 },
	{ KDK_KEY_OFFSET, "percpu_counter.count", 8 },
};

struct fake_facts { unsigned variant; };

static int fake_lookup(void *ctx, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	const struct fake_facts *f = ctx;

	if (FUZZ_FACT_FOUND(common_facts))
		return 0;
	if (!(f->variant & 1) ? FUZZ_FACT_FOUND(module_memory_facts) : FUZZ_FACT_FOUND(core_layout_facts))
		return 0;
	if (!(f->variant & 2) ? FUZZ_FACT_FOUND(atomic_rss_facts) : FUZZ_FACT_FOUND(percpu_rss_facts))
		return 0;
	return -ENOENT;
}

#define SYMBOLS_COMMON { "nr_cpu_ids", 0x00 }, { "__per_cpu_offset", 0x08 }, { "__cpu_present_mask", 0x48 }, \
	{ "__cpu_online_mask", 0x50 }, { "__cpu_active_mask", 0x58 }, { "modules", 0x60 }, \
	{ "runqueues", 0x70 }, { "init_task", 0x100 }
static const struct fuzz_symbol symbols_area_list[] = { SYMBOLS_COMMON, { "vmap_area_list", 0xe0 } };
static const struct fuzz_symbol symbols_vmap_nodes[] = { SYMBOLS_COMMON, { "vmap_nodes", 0xe0 },
							 { "nr_vmap_nodes", 0xf0 } };

static void run_command(struct session *s, const char *line)
{
	struct kdk_err err = { 0 };

	(void)commands_run(s, line, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t mem[MEM_SIZE];
	struct fuzz_mem m = { BASE, mem, sizeof(mem) };
	struct fake_facts ff;
	struct kdk_facts_source source = { .name = "the harness's layout", .lookup = fake_lookup,
					   .ctx = &ff };
	struct kdk_array tasks;
	struct session s;
	struct kdk_err err = { 0 };
	size_t i;

	if (size < 1)
		return 0;
	ff.variant = data[0];
	fuzz_kcrash_memory(mem, sizeof(mem), data, size);

	if (ff.variant & 4)
		fuzz_kcrash_session(&s, &m, symbols_vmap_nodes,
				    sizeof(symbols_vmap_nodes) / sizeof(symbols_vmap_nodes[0]), &source);
	else
		fuzz_kcrash_session(&s, &m, symbols_area_list,
				    sizeof(symbols_area_list) / sizeof(symbols_area_list[0]), &source);
	/* What session_kstructs does after reading a dump's BTF. */
	if (kstructs_load(&s.ks, &s.facts, &err) ||
	    kdk_facts_lookup(&s.facts, KDK_KEY_SIZE, "task_struct", &s.task_size))
		abort();       /* the harness's own layout must load */
	s.ks_state = 1;
	if (modules_load(&s, &err))
		kdk_err_clear(&err);

	if (!tasks_collect(&s, &tasks, &err)) {
		for (i = 0; i < tasks.len; i++) {
			const struct task_info *t = kdk_array_at(&tasks, i);

			(void)task_state_name(t);
		}
	}
	kdk_array_free(&tasks);
	kdk_err_clear(&err);
	run_command(&s, "ps");
	run_command(&s, "mod");
	run_command(&s, "kmem -v");
	/* a red-black tree from +0x3400 (rb_root), each node's rb_node at +0x18 of its entry; an
	 * xarray at +0x3500 */
	run_command(&s, "tree -p -o 0x18 0xffff888000003400");
	run_command(&s, "tree -l -p -o 0x18 0xffff888000003400");
	run_command(&s, "tree -t xarray -p 0xffff888000003500");
	session_close(&s);
	return 0;
}
