/* backtrace.c — unwinding one task's kernel stack into entries: ORC from the registers the dump
 * saved for its CPU (active tasks: the CPU's NT_PRSTATUS) or from the frame __switch_to_asm left
 * (sleeping tasks: thread.sp → struct inactive_task_frame); pt_regs frames become exception
 * entries, the user registers the last one. Kernels without ORC tables (UNWINDER_FRAME_POINTER)
 * are unwound along the rbp chain. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "backtrace.h"
#include "cpus.h"
#include "kstacks.h"
#include "modules.h"
#include "unwind/frame_pointer.h"

/* Not a cut for real traces (a 16 KiB stack holds at most 2,048 return addresses; a stack
 * overflow's recursion fills one): a guard against a damaged stack the switch rules let through. */
#define MAX_FRAMES 65536

int bt_unwinder_open(struct bt_unwinder *u, struct session *s, struct kdk_err *err)
{
	int rc;

	memset(u, 0, sizeof(*u));
	u->s = s;
	kdk_stacks_init(&u->stacks);
	if (!session_kstructs(s, err))
		return -err->code;
	if ((rc = kdk_orc_load(&u->orc, &s->syms, &s->btf, s->read_virt, s->read_ctx, err)) == -ENOENT &&
	    !kdk_symtab_by_name(&s->syms, "__start_orc_unwind_ip")) {
		/* UNWINDER_FRAME_POINTER kernels have no ORC tables: say so, and use rbp. */
		fprintf(stderr, "kcrash: bt: %s; unwinding with frame pointers\n", err->msg);
		kdk_err_clear(err);
		u->frame_pointers = true;
	} else if (rc) {
		bt_unwinder_close(u);
		return rc;
	}
	if (!u->frame_pointers && modules_add_orc(s, &u->orc, err)) {
		fprintf(stderr, "kcrash: module frames will not unwind: %s\n", err->msg);
		kdk_err_clear(err);
	}
	u->cpu_stacks = kstacks_per_cpu(s, &u->stacks);
	return 0;
}

void bt_unwinder_close(struct bt_unwinder *u)
{
	kdk_stacks_free(&u->stacks);
	kdk_orc_free(&u->orc);
}

void bt_name(const struct session *s, uint64_t ip, bool offsets, bool return_address, char *buf,
	     size_t size, const char **module)
{
	uint64_t off;
	const struct kdk_ksym *sym = kdk_symtab_by_addr(&s->syms, ip - return_address, &off);
	bool inline_module = !module;   /* [exception RIP: name [mod]]; frames put it after the address */
	const char *mod;

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
	mod = inline_module ? sym->module : NULL;
	if (offsets)
		snprintf(buf, size, "%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s", kdk_symtab_name(&s->syms, sym),
			 off + return_address, sym->size, mod ? " [" : "", mod ? mod : "", mod ? "]" : "");
	else
		snprintf(buf, size, "%s%s%s%s", kdk_symtab_name(&s->syms, sym), mod ? " [" : "", mod ? mod : "",
			 mod ? "]" : "");
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

static struct bt_entry *add(struct kdk_array *entries, enum bt_entry_kind kind, struct kdk_err *err)
{
	struct bt_entry *e = kdk_array_push(entries, err);

	if (e)
		e->kind = kind;
	return e;
}

static int note(struct kdk_array *entries, struct kdk_err *err, const char *fmt, const char *msg)
{
	struct bt_entry *e = add(entries, BT_NOTE, err);

	if (!e)
		return -err->code;
	snprintf(e->note, sizeof(e->note), fmt, msg);
	return 0;
}

int bt_unwind(struct bt_unwinder *u, const struct task_info *t, struct kdk_array *entries,
	      struct kdk_err *err)
{
	struct session *s = u->s;
	struct kdk_unwind_state st;
	struct kdk_stack_walk walk;
	struct kdk_pt_regs regs;
	struct bt_entry *e, *last = NULL;
	uint64_t frame_addr;
	bool after_exception = false;
	int n, rc;

	entries->len = 0;
	memset(&st, 0, sizeof(st));
	if (t->active) {
		if ((rc = cpus_regs(s, t->cpu, &regs, err)))
			return rc;
		if (regs.cs & 3) {
			/* Stopped in user mode: no kernel frames; the user registers, as crash
			 * prints a trace's user-mode frame. */
			if (!(e = add(entries, BT_USER_REGS, err)))
				return -err->code;
			e->regs = regs;
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
	u->stacks.ranges.len = u->cpu_stacks;
	if (kstacks_task(s, t->task, &u->stacks, err))
		kdk_err_clear(err);
	memset(&walk, 0, sizeof(walk));
	walk.stacks = &u->stacks;
	st.walk = &walk;
	frame_addr = st.sp;
	for (n = 0; n < MAX_FRAMES; n++) {
		/* The interrupted function of an exception frame was just shown as its
		 * [exception RIP: …]: crash does not list it again. */
		if (!after_exception) {
			if (!(last = add(entries, BT_FRAME, err)))
				return -err->code;
			last->sp = frame_addr;
			last->ip = st.ip;
			last->return_address = !st.first;
		}
		after_exception = false;
		rc = u->frame_pointers ? kdk_fp_step(&st, s->read_virt, s->read_ctx, err)
				       : kdk_orc_step(&u->orc, &st, s->read_virt, s->read_ctx, err);
		if (rc == -EINVAL && n == 0 && !u->frame_pointers) {
			/* No ORC for where the CPU stopped (__crash_kexec's register capture is
			 * left out by objtool): find the call into this function on the stack. */
			const struct kdk_ksym *fn = kdk_symtab_by_addr(&s->syms, st.ip, NULL);
			uint64_t at;

			kdk_err_clear(err);
			if (fn && !kdk_orc_scan_caller(&st, fn->addr, &at, s->read_virt, s->read_ctx, err)) {
				if (last) {
					last->words_from = frame_addr + 8;
					last->words_to = at + 8;
				}
				frame_addr = at;
				continue;
			}
			rc = -err->code;
		}
		if (rc == KDK_FRAME_END)
			return 0;
		if (rc < 0) {
			rc = note(entries, err, "%s", err->msg);
			kdk_err_clear(err);
			return rc;
		}
		if (rc == KDK_FRAME_REGS) {
			if (!(e = add(entries, (st.regs.cs & 3) ? BT_USER_REGS : BT_EXCEPTION, err)))
				return -err->code;
			e->regs = st.regs;
			e->ip = st.regs.ip;
			if (st.regs.cs & 3)          /* the user-mode registers at the stack's base */
				return 0;
			frame_addr = st.sp;
			after_exception = true;
			last = NULL;
			continue;
		}
		if (last) {
			last->words_from = frame_addr + 8;
			last->words_to = st.sp;
		}
		frame_addr = st.sp - 8;
	}
	return note(entries, err, "more than %s frames, stopped", "65536");
}

int bt_panic_task(struct session *s, uint64_t *task, struct kdk_err *err)
{
	uint64_t addr;
	int32_t cpu;
	int rc;

	if ((rc = session_symbol(s, "panic_cpu", &addr, err)) || (rc = session_read(s, addr, &cpu, 4, err)))
		return rc;
	if (cpu < 0)
		return kdk_err_set(err, ENOENT, "no CPU panicked (panic_cpu is -1): give a PID");
	return tasks_cpu_current(s, (uint32_t)cpu, task, err);
}
