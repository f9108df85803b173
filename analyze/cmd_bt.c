/* cmd_bt.c — `bt [-a] [-s] [PID]`: a task's kernel stack, unwound with ORC from the registers
 * the dump saved for its CPU (active tasks: the CPU's NT_PRSTATUS) or from the frame
 * __switch_to_asm left (sleeping tasks: thread.sp → struct inactive_task_frame). Frames as
 * crash prints them; pt_regs frames as "[exception RIP: …]" plus the registers, and the user
 * registers at the bottom. -s adds the kernel's "+0xoff/0xsize" to every name. Kernels without
 * ORC tables (UNWINDER_FRAME_POINTER) are unwound along the rbp chain, and bt says so. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpus.h"
#include "kstacks.h"
#include "modules.h"
#include "unwind/frame_pointer.h"
#include "unwind/orc.h"
#include "tasks.h"

/* Not a cut for real traces (a 16 KiB stack holds at most 2,048 return addresses; a stack
 * overflow's recursion fills one): a guard against a damaged stack the switch rules let through. */
#define MAX_FRAMES 65536

struct bt_ctx {
	struct session *s;
	struct kdk_orc_table orc;
	bool frame_pointers;       /* no ORC tables: follow the rbp chain */
	bool with_offsets;
	bool frame_contents;       /* -f */
	struct kdk_stacks stacks;  /* every CPU's stacks, then the task's own (last) */
	size_t cpu_stacks;         /* how many of them are per-CPU */
};

/* bt -f: the stack words of a frame, [from, to), two per line as crash prints them. */
static void dump_words(struct session *s, uint64_t from, uint64_t to)
{
	struct kdk_err ignored = { 0 };
	uint64_t addr, word;
	int col = 0;

	if (to <= from || to - from > 8 * 1024)
		return;
	for (addr = from; addr < to; addr += 8) {
		if (session_read(s, addr, &word, 8, &ignored))
			break;
		if (!col)
			fprintf(s->out, "    %016" PRIx64 ":", addr);
		fprintf(s->out, " %016" PRIx64, word);
		if (++col == 2) {
			fputc('\n', s->out);
			col = 0;
		}
	}
	if (col)
		fputc('\n', s->out);
}

/* A return address is named by the call before it, as the kernel's %pB does: a call that ends
 * a function (to a noreturn one) returns to the next function's first byte. */
static void name_of(const struct bt_ctx *c, uint64_t ip, bool offsets, bool return_address,
		    char *buf, size_t size, const char **module)
{
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&c->s->syms, ip - return_address, &off);
	bool inline_module = !module;   /* [exception RIP: name [mod]]; frames put it after the address */

	if (module)
		*module = NULL;
	/* Only kernel addresses have kernel names: per-CPU symbols (small absolute offsets) would
	 * otherwise name user addresses. */
	if (!(ip >> 63) || !sym || (sym->size && off >= sym->size)) {
		snprintf(buf, size, "%016" PRIx64, ip);
		return;
	}
	if (module)
		*module = sym->module;
	if (offsets)
		snprintf(buf, size, "%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s", kdk_symtab_name(&c->s->syms, sym),
			 off + return_address, sym->size, inline_module && sym->module ? " [" : "",
			 inline_module && sym->module ? sym->module : "", inline_module && sym->module ? "]" : "");
	else
		snprintf(buf, size, "%s%s%s%s", kdk_symtab_name(&c->s->syms, sym),
			 inline_module && sym->module ? " [" : "", inline_module && sym->module ? sym->module : "",
			 inline_module && sym->module ? "]" : "");
}

static void print_regs(FILE *out, const struct kdk_pt_regs *r)
{
	fprintf(out, "    RIP: %016" PRIx64 "  RSP: %016" PRIx64 "  RFLAGS: %08" PRIx64 "\n", r->ip, r->sp, r->flags);
	fprintf(out, "    RAX: %016" PRIx64 "  RBX: %016" PRIx64 "  RCX: %016" PRIx64 "\n", r->ax, r->bx, r->cx);
	fprintf(out, "    RDX: %016" PRIx64 "  RSI: %016" PRIx64 "  RDI: %016" PRIx64 "\n", r->dx, r->si, r->di);
	fprintf(out, "    RBP: %016" PRIx64 "   R8: %016" PRIx64 "   R9: %016" PRIx64 "\n", r->bp, r->r8, r->r9);
	fprintf(out, "    R10: %016" PRIx64 "  R11: %016" PRIx64 "  R12: %016" PRIx64 "\n", r->r10, r->r11, r->r12);
	fprintf(out, "    R13: %016" PRIx64 "  R14: %016" PRIx64 "  R15: %016" PRIx64 "\n", r->r13, r->r14, r->r15);
	fprintf(out, "    ORIG_RAX: %016" PRIx64 "  CS: %04" PRIx64 "  SS: %04" PRIx64 "\n", r->orig_ax, r->cs, r->ss);
}

/* Where a sleeping task stopped: __switch_to_asm's frame at thread.sp. */
static int sleeping_state(struct session *s, uint64_t task, struct kdk_unwind_state *st,
			  struct kdk_err *err)
{
	uint64_t thread_sp_off, bp_off, ret_off, sp;
	int rc;

	if ((rc = kdk_btf_member(&s->btf, "task_struct", "thread.sp", &thread_sp_off, NULL, err)) ||
	    (rc = kdk_btf_member(&s->btf, "inactive_task_frame", "bp", &bp_off, NULL, err)) ||
	    (rc = kdk_btf_member(&s->btf, "inactive_task_frame", "ret_addr", &ret_off, NULL, err)) ||
	    (rc = session_read(s, task + thread_sp_off, &sp, 8, err)) ||
	    (rc = session_read(s, sp + bp_off, &st->bp, 8, err)) ||
	    (rc = session_read(s, sp + ret_off, &st->ip, 8, err)))
		return rc;
	st->sp = sp + ret_off + 8;
	st->first = false;
	return 0;
}

static int backtrace(struct bt_ctx *c, const struct task_info *t, bool active, struct kdk_err *err)
{
	struct session *s = c->s;
	struct kdk_unwind_state st;
	struct kdk_stack_walk walk;
	struct kdk_pt_regs regs;
	char name[256];
	uint64_t frame_addr;
	bool after_exception = false;
	int n, rc, shown = 0;

	fprintf(s->out, "PID: %-7d  TASK: %016" PRIx64 "  CPU: %-3u  COMMAND: \"%s\"\n", t->pid, t->task,
		t->cpu, t->comm);
	memset(&st, 0, sizeof(st));
	if (active) {
		if ((rc = cpus_regs(s, t->cpu, &regs, err)))
			return rc;
		if (regs.cs & 3) {
			/* Stopped in user mode: no kernel frames; the user registers, as crash
			 * prints a trace's user-mode frame. */
			print_regs(s->out, &regs);
			return 0;
		}
		st.ip = regs.ip;
		st.sp = regs.sp;
		st.bp = regs.bp;
		st.regs = regs;
		st.first = true;
	} else if ((rc = sleeping_state(s, t->task, &st, err))) {
		return rc;
	}
	/* The task's own stack after the per-CPU ones: which stack each frame is on. */
	c->stacks.ranges.len = c->cpu_stacks;
	if (kstacks_task(s, t->task, &c->stacks, err))
		kdk_err_clear(err);
	memset(&walk, 0, sizeof(walk));
	walk.stacks = &c->stacks;
	st.walk = &walk;
	frame_addr = st.sp;
	for (n = 0; n < MAX_FRAMES; n++) {
		/* The interrupted function of an exception frame was just shown as its
		 * [exception RIP: …]: crash does not list it again. */
		if (!after_exception) {
			const char *module;

			/* crash's shape: "name at ADDRESS [module]". */
			name_of(c, st.ip, c->with_offsets, !st.first, name, sizeof(name), &module);
			fprintf(s->out, " #%-2d [%016" PRIx64 "] %s at %016" PRIx64 "%s%s%s\n", shown++, frame_addr,
				name, st.ip, module ? " [" : "", module ? module : "", module ? "]" : "");
		}
		after_exception = false;
		rc = c->frame_pointers ? kdk_fp_step(&st, kdk_kmem_read, &s->kmem, err)
				       : kdk_orc_step(&c->orc, &st, kdk_kmem_read, &s->kmem, err);
		if (rc == -EINVAL && n == 0 && !c->frame_pointers) {
			/* No ORC for where the CPU stopped (__crash_kexec's register capture is
			 * left out by objtool): find the call into this function on the stack. */
			const struct kdk_ksym *fn = kdk_symtab_by_addr(&s->syms, st.ip, NULL);
			uint64_t at;

			kdk_err_clear(err);
			if (fn && !kdk_orc_scan_caller(&st, fn->addr, &at, kdk_kmem_read, &s->kmem, err)) {
				if (c->frame_contents)
					dump_words(s, frame_addr, at);
				frame_addr = at;
				continue;
			}
			rc = -err->code;
		}
		if (rc == KDK_FRAME_END)
			return 0;
		if (rc < 0) {
			fprintf(s->out, "    bt: %s\n", err->msg);
			kdk_err_clear(err);
			return 0;
		}
		if (rc == KDK_FRAME_REGS) {
			if (st.regs.cs & 3) {          /* the user-mode registers at the stack's base */
				print_regs(s->out, &st.regs);
				return 0;
			}
			name_of(c, st.regs.ip, true, false, name, sizeof(name), NULL);
			fprintf(s->out, "    [exception RIP: %s]\n", name);
			print_regs(s->out, &st.regs);
			frame_addr = st.sp;
			after_exception = true;
			continue;
		}
		if (c->frame_contents)
			dump_words(s, frame_addr, st.sp - 8);
		frame_addr = st.sp - 8;
	}
	fprintf(s->out, "    bt: more than %d frames, stopped\n", MAX_FRAMES);
	return 0;
}

static int panic_task(struct session *s, uint64_t *task, struct kdk_err *err)
{
	uint64_t addr;
	int32_t cpu;
	int rc;

	if (s->context_task) {
		*task = s->context_task;    /* set's context (cmd_set.c) */
		return 0;
	}
	if ((rc = session_symbol(s, "panic_cpu", &addr, err)) || (rc = session_read(s, addr, &cpu, 4, err)))
		return rc;
	if (cpu < 0)
		return kdk_err_set(err, ENOENT, "no CPU panicked (panic_cpu is -1): give a PID");
	return tasks_cpu_current(s, (uint32_t)cpu, task, err);
}

int cmd_bt(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct bt_ctx c = { .s = s };
	struct kdk_array tasks = KDK_ARRAY_INIT(struct task_info);
	bool all = false;
	long pid = -1;
	uint64_t target = 0;
	size_t i;
	int rc, a;

	for (a = 1; a < argc; a++) {
		char *end;

		if (!strcmp(argv[a], "-a"))
			all = true;
		else if (!strcmp(argv[a], "-s"))
			c.with_offsets = true;
		else if (!strcmp(argv[a], "-f"))
			c.frame_contents = true;
		else if ((pid = strtol(argv[a], &end, 10)) < 0 || *end)
			return kdk_err_set(err, EINVAL, "usage: bt [-a] [-s] [-f] [PID]");
	}
	if (!session_kstructs(s, err))
		return -err->code;
	if ((rc = kdk_orc_load(&c.orc, &s->syms, &s->btf, kdk_kmem_read, &s->kmem, err)) == -ENOENT &&
	    !kdk_symtab_by_name(&s->syms, "__start_orc_unwind_ip")) {
		/* UNWINDER_FRAME_POINTER kernels have no ORC tables: say so, and use rbp. */
		fprintf(stderr, "kcrash: bt: %s; unwinding with frame pointers\n", err->msg);
		kdk_err_clear(err);
		c.frame_pointers = true;
	} else if (rc) {
		return rc;
	}
	if (!c.frame_pointers && modules_add_orc(s, &c.orc, err)) {
		fprintf(stderr, "kcrash: module frames will not unwind: %s\n", err->msg);
		kdk_err_clear(err);
	}
	kdk_stacks_init(&c.stacks);
	c.cpu_stacks = kstacks_per_cpu(s, &c.stacks);
	if ((rc = tasks_collect(s, &tasks, err)))
		goto out;
	if (!all && pid < 0 && (rc = panic_task(s, &target, err)))
		goto out;
	rc = kdk_err_set(err, ENOENT, "bt: no task with PID %ld", pid);
	for (i = 0; i < tasks.len; i++) {
		const struct task_info *t = kdk_array_at(&tasks, i);

		if (all ? !t->active : pid >= 0 ? t->pid != pid : t->task != target)
			continue;
		kdk_err_clear(err);
		if (rc < 0 && rc != -ENOENT)
			break;
		if (i && all)
			fputc('\n', s->out);
		rc = backtrace(&c, t, t->active, err);
		if (rc && all) {
			/* One CPU without registers does not hide the others. */
			fprintf(s->out, "    bt: %s\n", err->msg);
			kdk_err_clear(err);
			rc = 0;
			continue;
		}
		if (rc || !all)
			break;
	}
out:
	kdk_stacks_free(&c.stacks);
	kdk_orc_free(&c.orc);
	kdk_array_free(&tasks);
	return rc;
}
