/* orc_unwind.h — the x86_64 ORC unwinder over a dump (docs/formats/orc.md): the kernel's ORC
 * tables read from its memory (__start_orc_unwind_ip…), the entry for an address found by
 * binary search, and one frame step from (ip, sp, bp) to the caller's, through CALL frames and
 * the pt_regs frames of interrupts, exceptions and system calls. */
#ifndef KDK_ORC_UNWIND_H
#define KDK_ORC_UNWIND_H

#include <stdbool.h>
#include <stdint.h>

#include "btf.h"
#include "kdk_err.h"
#include "kdk_kmem.h"
#include "ksyms.h"

/* x86_64 struct pt_regs, in the kernel's order (arch/x86/include/asm/ptrace.h). */
struct kdk_pt_regs {
	uint64_t r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs,
		 flags, sp, ss;
};

/* One ORC table: vmlinux's, or a module's (struct module's arch.orc_unwind_ip/orc_unwind). */
struct kdk_orc_part {
	int32_t *ips;              /* relative: entry i covers from &ips[i] + ips[i] */
	uint8_t *entries;          /* 6 bytes each */
	uint64_t ips_addr;         /* kernel address of ips[0] */
	uint64_t count;
	uint64_t text_start, text_end;   /* modules: the text it covers */
};

struct kdk_orc_table {
	struct kdk_orc_part core;
	struct kdk_orc_part *modules;
	size_t nr_modules;
	bool signal_layout;        /* 6.3+: type:3 + signal:1; before: type:2 + end:1 */
};

enum kdk_frame_kind { KDK_FRAME_CALL, KDK_FRAME_REGS, KDK_FRAME_END };

struct kdk_unwind_state {
	uint64_t ip, sp, bp;
	bool first;                /* ip is where execution stopped, not a return address */
	struct kdk_pt_regs regs;   /* KDK_FRAME_REGS: the registers the frame held */
	uint64_t regs_addr;
};

/* Read the ORC tables; the layout generation comes from BTF's struct orc_entry (a member
 * "signal" or "end"). */
int kdk_orc_load(struct kdk_orc_table *orc, const struct kdk_symtab *syms, const struct kdk_btf *btf,
		 kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err);
void kdk_orc_free(struct kdk_orc_table *orc);

/* A module's table: count entries at ips_addr/entries_addr for text [text_start, text_end). */
int kdk_orc_add_module(struct kdk_orc_table *orc, uint64_t text_start, uint64_t text_end,
		       uint64_t ips_addr, uint64_t entries_addr, uint64_t count,
		       kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err);

/* Step from state to the caller. Returns the kind of frame stepped over: CALL (state now holds
 * the caller), REGS (a pt_regs frame: state->regs holds it, state the interrupted context), END
 * (bottom of the stack), or -errno. */
int kdk_orc_step(const struct kdk_orc_table *orc, struct kdk_unwind_state *state,
		 kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err);

/* Where ORC has no data (a function objtool left out, like __crash_kexec with its inline
 * register capture), find the caller on the stack instead: the first word above state->sp that
 * is a return address right after a direct call (e8 rel32) to func_start. On success state holds
 * the caller (as after a CALL step) and the word's address is in *found_at. */
int kdk_orc_scan_caller(struct kdk_unwind_state *state, uint64_t func_start, uint64_t *found_at,
			kdk_read_virt_fn read_virt, void *read_ctx, struct kdk_err *err);

#endif
