/* test_frame_pointer.c — the rbp-chain unwinder on a synthetic stack: three CALL frames, the
 * entry code's encoded pt_regs (rbp = regs | 1), the end at rbp 0, and a chain that goes down. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "unwind/frame_pointer.h"

#define TEXT  0xffffffff81000000ULL
#define STACK 0xffffc90000000000ULL
static uint8_t stack[1024];

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	if (vaddr < STACK || vaddr - STACK + len > sizeof(stack))
		return kdk_err_set(err, EFAULT, "0x%llx not mapped", (unsigned long long)vaddr);
	memcpy(buf, stack + (vaddr - STACK), len);
	return 0;
}

static void put(uint64_t addr, uint64_t v) { memcpy(stack + (addr - STACK), &v, 8); }

static void step_expect(struct kdk_unwind_state *st, int kind, uint64_t ip, const char *what)
{
	struct kdk_err err = { 0 };
	int rc = kdk_fp_step(st, fake_read, NULL, &err);

	printf("# %s: expected %d ip 0x%llx, got %d ip 0x%llx %s\n", what, kind,
	       (unsigned long long)ip, rc, (unsigned long long)st->ip, err.msg);
	assert_int_equal(rc, kind);
	if (kind >= 0 && kind != KDK_FRAME_END)
		assert_int_equal(st->ip, ip);
}

static void walks_frames_through_pt_regs_to_the_end(void **state)
{
	struct kdk_unwind_state st = { 0 };
	uint64_t regs = STACK + 0x200;
	(void)state;

	memset(stack, 0, sizeof(stack));
	/* frame A at +0x40: caller B at +0x80, returns to TEXT+0x123 */
	put(STACK + 0x40, STACK + 0x80);
	put(STACK + 0x48, TEXT + 0x123);
	/* frame B at +0x80: caller C at +0xc0 */
	put(STACK + 0x80, STACK + 0xc0);
	put(STACK + 0x88, TEXT + 0x456);
	/* frame C at +0xc0: the entry code's frame pointer, pt_regs | 1 */
	put(STACK + 0xc0, regs | 1);
	put(STACK + 0xc8, TEXT + 0x789);
	put(regs + offsetof(struct kdk_pt_regs, ip), TEXT + 0xabc);
	put(regs + offsetof(struct kdk_pt_regs, sp), STACK + 0x300);
	put(regs + offsetof(struct kdk_pt_regs, bp), 0);     /* user mode: no frame */
	st.ip = TEXT + 0x10;
	st.sp = STACK + 0x30;
	st.bp = STACK + 0x40;
	st.first = true;
	step_expect(&st, KDK_FRAME_CALL, TEXT + 0x123, "A → B");
	assert_int_equal(st.sp, STACK + 0x50);
	step_expect(&st, KDK_FRAME_CALL, TEXT + 0x456, "B → C");
	step_expect(&st, KDK_FRAME_CALL, TEXT + 0x789, "C → entry");
	step_expect(&st, KDK_FRAME_REGS, TEXT + 0xabc, "entry's pt_regs");
	assert_int_equal(st.regs_addr, regs);
	step_expect(&st, KDK_FRAME_END, 0, "rbp 0");
}

static void a_chain_going_down_is_refused(void **state)
{
	struct kdk_unwind_state st = { 0 };
	(void)state;

	memset(stack, 0, sizeof(stack));
	put(STACK + 0x80, STACK + 0x40);   /* the saved rbp points below its own frame */
	put(STACK + 0x88, TEXT + 0x123);
	st.ip = TEXT;
	st.sp = STACK + 0x70;
	st.bp = STACK + 0x80;
	st.first = true;
	step_expect(&st, -ELOOP, 0, "loop");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_frames_through_pt_regs_to_the_end),
		cmocka_unit_test(a_chain_going_down_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
