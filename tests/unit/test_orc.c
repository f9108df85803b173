/* test_orc.c — ORC entries per series (6.1's type:2 + end:1, 6.3's type:2 + signal + end,
 * 6.12's type:3 + signal:1 with ORC_REG_SP 5, 7.2's renumbered registers with ORC_REG_SP 3), the
 * numbering picked by the .orc_header hash and by the tables, and a synthetic ORC walk. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "unwind/orc.h"

/* Field positions as BTF gives them (pahole on the lab kernels' vmlinux). */
static const struct kdk_orc_layout layout_6_1 = {
	.sp_offset = { 0, 16, true }, .bp_offset = { 16, 16, true }, .sp_reg = { 32, 4, true },
	.bp_reg = { 36, 4, true }, .type = { 40, 2, true }, .end = { 42, 1, true },
};
/* 6.3 as issue 13 describes it (signal beside end; 6.4 widened type and dropped end): type:2,
 * signal:1, end:1 — not checked against a 6.3 build; kcrash takes it from BTF like the others. */
static const struct kdk_orc_layout layout_6_3 = {
	.sp_offset = { 0, 16, true }, .bp_offset = { 16, 16, true }, .sp_reg = { 32, 4, true },
	.bp_reg = { 36, 4, true }, .type = { 40, 2, true }, .signal = { 42, 1, true },
	.end = { 43, 1, true },
};
static const struct kdk_orc_layout layout_6_4 = {       /* 6.12 and 7.2 */
	.sp_offset = { 0, 16, true }, .bp_offset = { 16, 16, true }, .sp_reg = { 32, 4, true },
	.bp_reg = { 36, 4, true }, .type = { 40, 3, true }, .signal = { 43, 1, true },
};
#define OLD_NUMBERING (&kdk_orc_numberings[0])
#define NEW_NUMBERING (&kdk_orc_numberings[1])

static void entry_bytes(uint8_t raw[6], int16_t sp_off, int16_t bp_off, uint16_t bits)
{
	memcpy(raw, &sp_off, 2);
	memcpy(raw + 2, &bp_off, 2);
	memcpy(raw + 4, &bits, 2);
}

static void expect(const struct kdk_orc_entry *e, int sp_off, enum kdk_orc_reg sp_reg,
		   enum kdk_orc_reg bp_reg, enum kdk_orc_type type, const char *what)
{
	printf("# %s: expected sp_off %d sp_reg %d bp_reg %d type %d, got %d %d %d %d\n", what,
	       sp_off, sp_reg, bp_reg, type, e->sp_offset, e->sp_reg, e->bp_reg, e->type);
	assert_int_equal(e->sp_offset, sp_off);
	assert_int_equal(e->sp_reg, sp_reg);
	assert_int_equal(e->bp_reg, bp_reg);
	assert_int_equal(e->type, type);
}

static void entries_of_each_series_decode(void **state)
{
	struct kdk_orc_entry e;
	uint8_t raw[6];
	(void)state;

	/* 6.1: sp_reg 5 (SP), bp_reg 1 (PREV_SP), type 0 = call. */
	entry_bytes(raw, 16, -16, 0x0015);
	kdk_orc_decode(&layout_6_1, OLD_NUMBERING, raw, &e);
	expect(&e, 16, KDK_ORC_REG_SP, KDK_ORC_REG_PREV_SP, KDK_ORC_CALL, "6.1 call");
	/* 6.1: the end bit (bit 10 of the flags word). */
	entry_bytes(raw, 0, 0, 0x0400);
	kdk_orc_decode(&layout_6_1, OLD_NUMBERING, raw, &e);
	expect(&e, 0, KDK_ORC_REG_UNDEFINED, KDK_ORC_REG_UNDEFINED, KDK_ORC_END, "6.1 end");
	/* 6.1: type 1 = regs, sp_reg 5. */
	entry_bytes(raw, 0, 0, 0x0105);
	kdk_orc_decode(&layout_6_1, OLD_NUMBERING, raw, &e);
	expect(&e, 0, KDK_ORC_REG_SP, KDK_ORC_REG_UNDEFINED, KDK_ORC_REGS, "6.1 regs");
	/* 6.3: type 1 = regs with the signal bit; then the end bit (bit 11 of the flags word). */
	entry_bytes(raw, 0, 0, 0x0505);
	kdk_orc_decode(&layout_6_3, OLD_NUMBERING, raw, &e);
	expect(&e, 0, KDK_ORC_REG_SP, KDK_ORC_REG_UNDEFINED, KDK_ORC_REGS, "6.3 regs, signal");
	assert_true(e.signal);
	entry_bytes(raw, 0, 0, 0x0800);
	kdk_orc_decode(&layout_6_3, OLD_NUMBERING, raw, &e);
	expect(&e, 0, KDK_ORC_REG_UNDEFINED, KDK_ORC_REG_UNDEFINED, KDK_ORC_END, "6.3 end");
	/* 6.12: type 2 = call, sp_reg 5. */
	entry_bytes(raw, 8, 0, 0x0205);
	kdk_orc_decode(&layout_6_4, OLD_NUMBERING, raw, &e);
	expect(&e, 8, KDK_ORC_REG_SP, KDK_ORC_REG_UNDEFINED, KDK_ORC_CALL, "6.12 call");
	/* 6.12: type 4 = regs_partial with the signal bit. */
	entry_bytes(raw, 40, 0, 0x0c05);
	kdk_orc_decode(&layout_6_4, OLD_NUMBERING, raw, &e);
	expect(&e, 40, KDK_ORC_REG_SP, KDK_ORC_REG_UNDEFINED, KDK_ORC_REGS_PARTIAL, "6.12 partial");
	assert_true(e.signal);
	/* 7.2: delay_tsc's entry as the 7.2.13 vmlinux holds it: sp_off 8, flags 0x0203. */
	entry_bytes(raw, 8, 0, 0x0203);
	kdk_orc_decode(&layout_6_4, NEW_NUMBERING, raw, &e);
	expect(&e, 8, KDK_ORC_REG_SP, KDK_ORC_REG_UNDEFINED, KDK_ORC_CALL, "7.2 call");
	/* 7.2: bp saved at CFA-16: bp_reg 8 = PREV_SP. */
	entry_bytes(raw, 16, -16, 0x0283);
	kdk_orc_decode(&layout_6_4, NEW_NUMBERING, raw, &e);
	expect(&e, 16, KDK_ORC_REG_SP, KDK_ORC_REG_PREV_SP, KDK_ORC_CALL, "7.2 call, bp saved");
	/* 7.2: bp-based (sp_reg 4) and the end of the stack (type 1). */
	entry_bytes(raw, 16, -16, 0x0284);
	kdk_orc_decode(&layout_6_4, NEW_NUMBERING, raw, &e);
	expect(&e, 16, KDK_ORC_REG_BP, KDK_ORC_REG_PREV_SP, KDK_ORC_CALL, "7.2 bp-based");
	entry_bytes(raw, 0, 0, 0x0100);
	kdk_orc_decode(&layout_6_4, NEW_NUMBERING, raw, &e);
	expect(&e, 0, KDK_ORC_REG_UNDEFINED, KDK_ORC_REG_UNDEFINED, KDK_ORC_END, "7.2 end");
}

static const uint8_t hash_6_12[20] = { 0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9,
				       0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24 };
static const uint8_t hash_7_2[20] = { 0x13, 0x7c, 0x36, 0xad, 0x76, 0x27, 0xc4, 0xdd, 0x55, 0x93,
				      0x21, 0x76, 0xbb, 0x0e, 0xcd, 0xbd, 0x50, 0x41, 0xfc, 0x82 };

static void numbering_follows_the_header_hash_then_the_tables(void **state)
{
	uint8_t table[6 * 8];
	uint8_t unknown_hash[20] = { 1 };
	const char *by;
	int i;
	(void)state;

	assert_ptr_equal(kdk_orc_pick_numbering(&layout_6_4, hash_7_2, NULL, 0, &by), NEW_NUMBERING);
	printf("# 7.2 hash: chosen by %s\n", by);
	assert_ptr_equal(kdk_orc_pick_numbering(&layout_6_4, hash_6_12, NULL, 0, &by), OLD_NUMBERING);
	/* Unknown or missing hash: a table whose CALL entries use 3 is 7.x's, 5 the older one. */
	for (i = 0; i < 8; i++)
		entry_bytes(table + 6 * i, 8, 0, i == 7 ? 0x0284 : 0x0203);
	assert_ptr_equal(kdk_orc_pick_numbering(&layout_6_4, unknown_hash, table, 8, &by), NEW_NUMBERING);
	printf("# unknown hash: chosen by %s\n", by);
	for (i = 0; i < 8; i++)
		entry_bytes(table + 6 * i, 8, 0, i == 7 ? 0x0004 : 0x0005);
	assert_ptr_equal(kdk_orc_pick_numbering(&layout_6_1, NULL, table, 8, &by), OLD_NUMBERING);
}

/* A synthetic kernel: text at TEXT (three functions), a stack at STACK. */
#define TEXT  0xffffffff81000000ULL
#define STACK 0xffffc90000000000ULL
static uint8_t stack[512];

/* An IRQ stack ABOVE the task stack (the case: an idle task interrupted). */
#define IRQSTACK (STACK + 0x100000ULL)
static uint8_t irq_stack[512];

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	if (vaddr >= IRQSTACK && vaddr - IRQSTACK + len <= sizeof(irq_stack)) {
		memcpy(buf, irq_stack + (vaddr - IRQSTACK), len);
		return 0;
	}
	if (vaddr < STACK || vaddr - STACK + len > sizeof(stack))
		return kdk_err_set(err, EFAULT, "0x%llx not mapped", (unsigned long long)vaddr);
	memcpy(buf, stack + (vaddr - STACK), len);
	return 0;
}

static void put(uint64_t addr, uint64_t v) { memcpy(stack + (addr - STACK), &v, 8); }

static void unwinds_call_and_regs_frames(void **state)
{
	/* f1 [TEXT, +0x100): leaf, CFA = sp + 8; f2 [+0x100, +0x200): pushes rbp, CFA = sp + 16,
	 * bp at CFA - 16; entry [+0x200, +0x300): a full pt_regs at sp; the end after +0x300. */
	int32_t ips[4];
	uint8_t entries[6 * 4];
	struct kdk_orc_table orc;
	struct kdk_unwind_state st = { 0 };
	struct kdk_err err = { 0 };
	uint64_t regs = STACK + 0x100;
	int i, rc;
	(void)state;

	for (i = 0; i < 4; i++)
		ips[i] = (int32_t)((TEXT + 0x100ULL * i) - (TEXT + 0x10000 + 4ULL * i));
	entry_bytes(entries, 8, 0, 0x0203);
	entry_bytes(entries + 6, 16, -16, 0x0283);
	entry_bytes(entries + 12, 0, 0, 0x0303);        /* REGS, sp-based */
	entry_bytes(entries + 18, 0, 0, 0x0100);        /* END */
	memset(&orc, 0, sizeof(orc));
	orc.layout = layout_6_4;
	orc.numbering = NEW_NUMBERING;
	orc.core = (struct kdk_orc_part){ .ips = ips, .entries = entries, .ips_addr = TEXT + 0x10000,
					  .count = 4 };
	memset(stack, 0, sizeof(stack));
	/* f1 stopped at +0x10 with sp = STACK; its return address into f2 at sp. */
	put(STACK, TEXT + 0x150);
	/* f2's frame: saved bp at STACK+8, return into entry at STACK+16. */
	put(STACK + 8, 0x1234);
	put(STACK + 16, TEXT + 0x250);
	/* entry: a REGS frame, so its pt_regs lie at its CFA = sp = STACK + 24. */
	regs = STACK + 24;
	put(regs + offsetof(struct kdk_pt_regs, ip), TEXT + 0x310);
	put(regs + offsetof(struct kdk_pt_regs, sp), STACK + 0x180);
	put(regs + offsetof(struct kdk_pt_regs, bp), 0x5678);
	st.ip = TEXT + 0x10;
	st.sp = STACK;
	st.first = true;
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	printf("# step 1: expected CALL to 0x%llx, got %d ip 0x%llx (%s)\n",
	       (unsigned long long)(TEXT + 0x150), rc, (unsigned long long)st.ip, err.msg);
	assert_int_equal(rc, KDK_FRAME_CALL);
	assert_int_equal(st.ip, TEXT + 0x150);
	assert_int_equal(st.sp, STACK + 8);
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	assert_int_equal(rc, KDK_FRAME_CALL);
	assert_int_equal(st.ip, TEXT + 0x250);
	assert_int_equal(st.bp, 0x1234);
	assert_int_equal(st.sp, STACK + 24);
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	printf("# step 3: expected REGS, got %d (%s)\n", rc, err.msg);
	assert_int_equal(rc, KDK_FRAME_REGS);
	assert_int_equal(st.ip, TEXT + 0x310);
	assert_int_equal(st.bp, 0x5678);
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	assert_int_equal(rc, KDK_FRAME_END);
}

static void irq_stack_above_task_stack(void **state)
{
	/* irq_fn [TEXT, +0x100): on the IRQ stack, CFA = *sp + 8 (SP_INDIRECT: the task stack's
	 * pointer left at the IRQ stack's top); task_fn [+0x100, +0x200): CFA = sp + 8; END after. */
	int32_t ips[3];
	uint8_t entries[6 * 3];
	struct kdk_orc_table orc;
	struct kdk_unwind_state st = { 0 };
	struct kdk_stacks stacks;
	struct kdk_stack_walk walk;
	struct kdk_err err = { 0 };
	int i, rc;
	(void)state;

	for (i = 0; i < 3; i++)
		ips[i] = (int32_t)((TEXT + 0x100ULL * i) - (TEXT + 0x10000 + 4ULL * i));
	entry_bytes(entries, 8, 0, 0x0209);             /* CALL, SP_INDIRECT (7.x's 9) */
	entry_bytes(entries + 6, 8, 0, 0x0203);         /* CALL, SP */
	entry_bytes(entries + 12, 0, 0, 0x0100);        /* END */
	memset(&orc, 0, sizeof(orc));
	orc.layout = layout_6_4;
	orc.numbering = NEW_NUMBERING;
	orc.core = (struct kdk_orc_part){ .ips = ips, .entries = entries, .ips_addr = TEXT + 0x10000,
					  .count = 3 };
	memset(stack, 0, sizeof(stack));
	memset(irq_stack, 0, sizeof(irq_stack));
	memcpy(irq_stack + 0x100, &(uint64_t){ STACK + 0x40 }, 8);
	put(STACK + 0x40, TEXT + 0x150);
	put(STACK + 0x48, TEXT + 0x250);

	/* Without stack ranges the switch down to the task stack looks like a stack that shrinks. */
	st = (struct kdk_unwind_state){ .ip = TEXT + 0x11, .sp = IRQSTACK + 0x100 };
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	printf("# one stack assumed: expected -ELOOP, got %d (%s)\n", rc, err.msg);
	assert_int_equal(rc, -ELOOP);
	kdk_err_clear(&err);

	kdk_stacks_init(&stacks);
	assert_int_equal(kdk_stacks_add(&stacks, STACK, STACK + 0x4000, "task", -1, &err), 0);
	assert_int_equal(kdk_stacks_add(&stacks, IRQSTACK, IRQSTACK + 0x4000, "IRQ", 1, &err), 0);
	memset(&walk, 0, sizeof(walk));
	walk.stacks = &stacks;
	st = (struct kdk_unwind_state){ .ip = TEXT + 0x11, .sp = IRQSTACK + 0x100, .walk = &walk };
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	printf("# IRQ -> task stack: expected CALL to 0x%llx at sp 0x%llx, got %d ip 0x%llx sp 0x%llx (%s)\n",
	       (unsigned long long)(TEXT + 0x150), (unsigned long long)(STACK + 0x48), rc,
	       (unsigned long long)st.ip, (unsigned long long)st.sp, err.msg);
	assert_int_equal(rc, KDK_FRAME_CALL);
	assert_int_equal(st.ip, TEXT + 0x150);
	assert_int_equal(st.sp, STACK + 0x48);
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	assert_int_equal(rc, KDK_FRAME_CALL);
	assert_int_equal(st.sp, STACK + 0x50);
	rc = kdk_orc_step(&orc, &st, fake_read, NULL, &err);
	assert_int_equal(rc, KDK_FRAME_END);
	/* Back up onto the IRQ stack, left before: refused; down within the task stack: refused. */
	rc = kdk_stack_walk_check(&walk, STACK + 0x50, IRQSTACK + 0x200, TEXT, false, &err);
	printf("# back onto the IRQ stack: expected -ELOOP, got %d (%s)\n", rc, err.msg);
	assert_int_equal(rc, -ELOOP);
	kdk_err_clear(&err);
	rc = kdk_stack_walk_check(&walk, STACK + 0x50, STACK + 0x10, TEXT, false, &err);
	printf("# down the task stack: expected -ELOOP, got %d (%s)\n", rc, err.msg);
	assert_int_equal(rc, -ELOOP);
	kdk_stacks_free(&stacks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entries_of_each_series_decode),
		cmocka_unit_test(numbering_follows_the_header_hash_then_the_tables),
		cmocka_unit_test(unwinds_call_and_regs_frames),
		cmocka_unit_test(irq_stack_above_task_stack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
