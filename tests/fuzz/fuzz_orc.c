/* fuzz_orc.c — the ORC unwinder (lib/unwind/orc.c) over a synthetic kernel taken from the input:
 * an ORC table (relative ips and 6-byte entries, neither promised sorted nor sane), and two
 * stacks — a task stack and an IRQ stack above it — then up to 64 steps from a start the input
 * gives, as kcrash's bt takes them (a step, or a scan of the stack for the caller where ORC has
 * nothing). The entry layout is one of the three the kernels have had (6.1, 6.3, 6.4+), the
 * register numbering the old or the new; kdk_orc_pick_numbering runs over the entries too.
 *
 * Input: [0] layout (low 2 bits) and numbering (bit 2); [1] entries (1–48); then per entry an
 * int32 ip offset and 6 entry bytes; then ip, sp (offsets into text and stack) and bp (8 bytes
 * each); the rest is the two stacks' contents, 2 KiB each. */
#include "fuzz_common.h"
#include "unwind/orc.h"
#include "unwind/stacks.h"

#define TEXT 0xffffffff81000000ULL
#define IPS_ADDR (TEXT + 0x10000)
#define STACK 0xffffc90000000000ULL
#define IRQ_STACK (STACK + 0x100000)
#define STACK_SIZE 2048
#define MAX_ENTRIES 48
#define MAX_STEPS 64

static const struct kdk_orc_layout layouts[] = {
	{ .sp_offset = { 0, 16, true }, .bp_offset = { 16, 16, true }, .sp_reg = { 32, 4, true },
	  .bp_reg = { 36, 4, true }, .type = { 40, 2, true }, .end = { 42, 1, true } },
	{ .sp_offset = { 0, 16, true }, .bp_offset = { 16, 16, true }, .sp_reg = { 32, 4, true },
	  .bp_reg = { 36, 4, true }, .type = { 40, 2, true }, .signal = { 42, 1, true },
	  .end = { 43, 1, true } },
	{ .sp_offset = { 0, 16, true }, .bp_offset = { 16, 16, true }, .sp_reg = { 32, 4, true },
	  .bp_reg = { 36, 4, true }, .type = { 40, 3, true }, .signal = { 43, 1, true } },
};

/* The synthetic kernel's memory: both stacks, and text whose bytes repeat the task stack's (so
 * the caller scan finds call instructions where the input puts them). */
struct fake_kernel {
	uint8_t stack[STACK_SIZE], irq_stack[STACK_SIZE];
};

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	const struct fake_kernel *k = ctx;
	const uint8_t *region = NULL;
	uint64_t base = 0;

	if (vaddr >= IRQ_STACK && vaddr - IRQ_STACK < STACK_SIZE)
		region = k->irq_stack, base = IRQ_STACK;
	else if (vaddr >= STACK && vaddr - STACK < STACK_SIZE)
		region = k->stack, base = STACK;
	else if (vaddr >= TEXT && vaddr - TEXT < STACK_SIZE)
		region = k->stack, base = TEXT;
	if (!region || len > STACK_SIZE - (vaddr - base))
		return kdk_err_set(err, EFAULT, "0x%llx (+%zu) is not mapped", (unsigned long long)vaddr, len);
	if (len)
		memcpy(buf, region + (vaddr - base), len);
	return 0;
}

static uint64_t take(const uint8_t **p, const uint8_t *end, size_t n)
{
	uint64_t v = 0;

	if ((size_t)(end - *p) < n)
		n = (size_t)(end - *p);
	memcpy(&v, *p, n);
	*p += n;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_kernel kernel;
	static int32_t ips[MAX_ENTRIES];
	static uint8_t entries[6 * MAX_ENTRIES];
	const uint8_t *p = data, *end = data + size;
	struct kdk_orc_table orc;
	struct kdk_stacks stacks;
	struct kdk_stack_walk walk = { 0 };
	struct kdk_unwind_state st = { 0 };
	struct kdk_err err = { 0 };
	unsigned selector, count, i, step;
	const char *by;

	if (size < 2)
		return 0;
	selector = (unsigned)take(&p, end, 1);
	count = 1 + (unsigned)take(&p, end, 1) % MAX_ENTRIES;
	memset(&orc, 0, sizeof(orc));
	orc.layout = layouts[(selector & 3) % 3];
	orc.numbering = &kdk_orc_numberings[(selector >> 2 & 1) % kdk_orc_nr_numberings];
	for (i = 0; i < count; i++) {
		ips[i] = (int32_t)take(&p, end, 4);
		memset(entries + 6 * i, 0, 6);
		memcpy(entries + 6 * i, p, (size_t)(end - p) < 6 ? (size_t)(end - p) : 6);
		p += (size_t)(end - p) < 6 ? (size_t)(end - p) : 6;
	}
	orc.core = (struct kdk_orc_part){ .ips = ips, .entries = entries, .ips_addr = IPS_ADDR,
					  .count = count };
	orc.core_text_end = TEXT + 0x100000;
	(void)kdk_orc_pick_numbering(&orc.layout, NULL, entries, count, &by);

	st.ip = TEXT + take(&p, end, 2) % STACK_SIZE;
	st.sp = STACK + take(&p, end, 2) % STACK_SIZE;
	st.bp = take(&p, end, 8);
	st.first = true;
	memset(&kernel, 0, sizeof(kernel));
	memcpy(kernel.stack, p, (size_t)(end - p) < STACK_SIZE ? (size_t)(end - p) : STACK_SIZE);
	p += (size_t)(end - p) < STACK_SIZE ? (size_t)(end - p) : STACK_SIZE;
	memcpy(kernel.irq_stack, p, (size_t)(end - p) < STACK_SIZE ? (size_t)(end - p) : STACK_SIZE);

	kdk_stacks_init(&stacks);
	if (!kdk_stacks_add(&stacks, STACK, STACK + STACK_SIZE, "task", -1, &err) &&
	    !kdk_stacks_add(&stacks, IRQ_STACK, IRQ_STACK + STACK_SIZE, "IRQ", 0, &err)) {
		walk.stacks = &stacks;
		st.walk = &walk;
	}
	for (step = 0; step < MAX_STEPS; step++) {
		uint64_t at;
		int rc = kdk_orc_step(&orc, &st, fake_read, &kernel, &err);

		if (rc == KDK_FRAME_END)
			break;
		if (rc < 0) {
			/* What bt does where ORC has nothing: look for the caller of the function
			 * the input's first word names. */
			kdk_err_clear(&err);
			if (kdk_orc_scan_caller(&st, TEXT + (uint64_t)(st.ip & 0x7ff), &at, fake_read,
						&kernel, &err))
				break;
		}
		st.first = false;
	}
	kdk_stacks_free(&stacks);
	return 0;
}
