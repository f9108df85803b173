/* unwind/frame_pointer.c — one rbp-chain step (arch/x86/kernel/unwind_frame.c follows the same
 * chain): with frame pointers every function's prologue is push %rbp; mov %rsp,%rbp, so at rbp
 * lie the caller's rbp and above it the return address; entry code stores pt_regs | 1. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "unwind/frame_pointer.h"

int kdk_fp_step(struct kdk_unwind_state *state, kdk_read_virt_fn read_virt, void *read_ctx,
		struct kdk_err *err)
{
	uint64_t frame[2];         /* saved rbp, return address */
	int rc;

	if (!state->bp)
		return KDK_FRAME_END;
	if (state->bp & 1) {
		/* ENCODE_FRAME_POINTER (arch/x86/entry/calling.h): rbp = &pt_regs + 1. */
		state->regs_addr = state->bp & ~1ULL;
		if ((rc = read_virt(read_ctx, state->regs_addr, &state->regs, sizeof(state->regs), err)))
			return rc;
		state->ip = state->regs.ip;
		state->sp = state->regs.sp;
		state->bp = state->regs.bp;
		state->first = true;
		return KDK_FRAME_REGS;
	}
	if (state->bp < state->sp && !state->first)
		return kdk_err_set(err, ELOOP, "frame pointer 0x%llx is below the stack pointer 0x%llx",
				   (unsigned long long)state->bp, (unsigned long long)state->sp);
	if ((rc = read_virt(read_ctx, state->bp, frame, sizeof(frame), err)))
		return rc;
	if (frame[0] && frame[0] <= state->bp)
		return kdk_err_set(err, ELOOP, "frame pointer chain goes down at 0x%llx (next 0x%llx)",
				   (unsigned long long)state->bp, (unsigned long long)frame[0]);
	state->sp = state->bp + 16;
	state->ip = frame[1];
	state->bp = frame[0];
	state->first = false;
	return KDK_FRAME_CALL;
}
