/* unwind/orc.h — the x86_64 ORC unwinder over a dump (docs/formats/orc.md): the kernel's ORC
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
#include "unwind/stacks.h"

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

/* Where struct orc_entry keeps each field (bit offset and width in the 6 bytes), as BTF says. */
struct kdk_orc_field { unsigned bit, width; bool present; };
struct kdk_orc_layout {
	struct kdk_orc_field sp_offset, bp_offset, sp_reg, bp_reg, type, end, signal;
};

/* The unwinder's own register names; each kernel's ORC_REG_* numbers map onto them. */
enum kdk_orc_reg { KDK_ORC_REG_UNDEFINED, KDK_ORC_REG_PREV_SP, KDK_ORC_REG_AX, KDK_ORC_REG_DX,
		   KDK_ORC_REG_DI, KDK_ORC_REG_BP, KDK_ORC_REG_SP, KDK_ORC_REG_R10, KDK_ORC_REG_R13,
		   KDK_ORC_REG_BP_INDIRECT, KDK_ORC_REG_SP_INDIRECT, KDK_ORC_REG_UNKNOWN };
enum kdk_orc_type { KDK_ORC_CALL, KDK_ORC_REGS, KDK_ORC_REGS_PARTIAL, KDK_ORC_UNDEFINED,
		    KDK_ORC_END };

/* One numbering of ORC_REG_* (arch/x86/include/asm/orc_types.h of some series). */
struct kdk_orc_numbering {
	const char *name;
	uint8_t to_reg[16];        /* ORC_REG_* value → enum kdk_orc_reg */
};
extern const struct kdk_orc_numbering kdk_orc_numberings[];
extern const size_t kdk_orc_nr_numberings;

struct kdk_orc_entry {
	int16_t sp_offset, bp_offset;
	enum kdk_orc_reg sp_reg, bp_reg;
	enum kdk_orc_type type;
	bool signal;
};

struct kdk_orc_table {
	struct kdk_orc_part core;
	struct kdk_orc_part *modules;
	size_t nr_modules;
	struct kdk_orc_layout layout;
	uint64_t core_text_end;    /* vmlinux's _end: addresses above are modules' or nothing */
	const struct kdk_orc_numbering *numbering;
	const char *numbering_by;  /* how the numbering was chosen (static text) */
};

/* struct orc_entry's fields from BTF: sp_reg, bp_reg, type and end (≤6.3) or signal (6.3+). */
int kdk_orc_layout_from_btf(const struct kdk_btf *btf, struct kdk_orc_layout *layout,
			    struct kdk_err *err);
/* Decode one 6-byte entry under a layout and a numbering. */
void kdk_orc_decode(const struct kdk_orc_layout *layout, const struct kdk_orc_numbering *numbering,
		    const uint8_t raw[6], struct kdk_orc_entry *out);
/* The numbering for a kernel: by its .orc_header hash (20 bytes, where it exists) when known, else the one
 * under which most CALL entries of entries[count] are SP-based (every kernel's tables are). */
const struct kdk_orc_numbering *kdk_orc_pick_numbering(const struct kdk_orc_layout *layout,
							const uint8_t *hash, const uint8_t *entries,
							uint64_t count, const char **by);

enum kdk_frame_kind { KDK_FRAME_CALL, KDK_FRAME_REGS, KDK_FRAME_END };

struct kdk_unwind_state {
	uint64_t ip, sp, bp;
	bool first;                /* ip is where execution stopped, not a return address */
	struct kdk_pt_regs regs;   /* KDK_FRAME_REGS: the registers the frame held */
	uint64_t regs_addr;
	struct kdk_stack_walk *walk;   /* the stacks known, and those visited; NULL: one stack */
};

/* Read the ORC tables; the entry layout from BTF's struct orc_entry, the register numbering
 * from __start_orc_header's hash or the tables themselves (kdk_orc_pick_numbering). */
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
