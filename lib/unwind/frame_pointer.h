/* unwind/frame_pointer.h — x86_64 unwinding along the rbp chain, for kernels built with
 * UNWINDER_FRAME_POINTER (no ORC tables): each frame is [saved rbp][return address] at rbp. */
#ifndef KDK_UNWIND_FRAME_POINTER_H
#define KDK_UNWIND_FRAME_POINTER_H

#include "kdk_err.h"
#include "kdk_kmem.h"
#include "unwind/orc.h"

/* Step from state (ip, sp, bp) to the caller: CALL (state holds it), REGS (the entry code's
 * encoded frame pointer, bp = pt_regs | 1: state->regs holds them, state the interrupted
 * context), END (bp 0: the stack's base), or -errno (ELOOP: the chain does not go up). */
int kdk_fp_step(struct kdk_unwind_state *state, kdk_read_virt_fn read_virt, void *read_ctx,
		struct kdk_err *err);

#endif
