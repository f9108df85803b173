/* test_cpu_notes.c — NT_PRSTATUS notes matched to CPUs: a kernel-made dump of a -smp 4 guest with
 * CPU 1 offline (three notes, written in the order CPUs stopped), QEMU's one-note-per-vCPU, and
 * pr_pid when the crash_notes buffers are unreadable. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "unwind/cpu_notes.h"

#define DESC 336                  /* sizeof(struct elf_prstatus) on x86_64 */

struct fake_cpu {
	uint8_t buffer[12 + 8 + DESC];   /* crash_notes: Elf64_Nhdr, "CORE\0" padded, prstatus */
	uint8_t *desc;
};

/* A prstatus with pr_pid and a recognisable RIP, and the crash_notes buffer holding it. */
static void make_note(struct fake_cpu *c, int32_t pid, uint64_t rip)
{
	uint32_t hdr[3] = { 5, DESC, 1 };

	memset(c->buffer, 0, sizeof(c->buffer));
	memcpy(c->buffer, hdr, sizeof(hdr));
	memcpy(c->buffer + 12, "CORE", 5);
	c->desc = c->buffer + 20;
	memcpy(c->desc + KDK_PRSTATUS_PID, &pid, 4);
	memcpy(c->desc + KDK_PRSTATUS_REGS + 16 * 8, &rip, 8);
}

static void check(const int *got, const int *want, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++) {
		printf("# %s: note %zu expected CPU %d, got %d\n", what, i, want[i], got[i]);
		assert_int_equal(got[i], want[i]);
	}
}

static void offline_cpu_is_skipped_by_content(void **state)
{
	struct fake_cpu cpu[4];
	struct kdk_cpu_facts facts[4];
	const uint8_t *desc[3];
	size_t size[3] = { DESC, DESC, DESC };
	enum kdk_note_match how[3];
	int note_cpu[3], want[3] = { 3, 0, 2 };
	size_t c;
	(void)state;

	/* CPU 3 panicked (pid 500) and wrote first; 0 and 2 idle (pid 0); CPU 1 offline, its
	 * buffer never written. */
	make_note(&cpu[0], 0, 0xffffffff81000000);
	make_note(&cpu[1], 0, 0);
	memset(cpu[1].buffer, 0, sizeof(cpu[1].buffer));
	make_note(&cpu[2], 0, 0xffffffff81000200);
	make_note(&cpu[3], 500, 0xffffffff81000300);
	for (c = 0; c < 4; c++)
		facts[c] = (struct kdk_cpu_facts){ cpu[c].buffer, sizeof(cpu[c].buffer), 0, 1 };
	facts[3].current_pid = 500;
	desc[0] = cpu[3].desc;
	desc[1] = cpu[0].desc;
	desc[2] = cpu[2].desc;
	assert_int_equal(kdk_cpu_notes_assign(desc, size, 3, facts, 4, note_cpu, how), 3);
	check(note_cpu, want, 3, "by crash_notes");
	assert_int_equal(how[0], KDK_NOTE_BY_CRASH_NOTES);
}

static void qemu_notes_by_position(void **state)
{
	struct fake_cpu cpu[2];
	struct kdk_cpu_facts facts[2] = { { NULL, 0, 1, 1 }, { NULL, 0, 172, 1 } };
	const uint8_t *desc[2];
	size_t size[2] = { DESC, DESC };
	enum kdk_note_match how[2];
	int note_cpu[2], want[2] = { 0, 1 };
	(void)state;

	make_note(&cpu[0], 1, 0xffffffff81000000);       /* QEMU: pr_pid = vCPU index + 1 */
	make_note(&cpu[1], 2, 0xffffffff81000100);
	desc[0] = cpu[0].desc;
	desc[1] = cpu[1].desc;
	assert_int_equal(kdk_cpu_notes_assign(desc, size, 2, facts, 2, note_cpu, how), 2);
	check(note_cpu, want, 2, "by position");
	assert_int_equal(how[1], KDK_NOTE_BY_POSITION);
}

static void pid_when_buffers_unreadable(void **state)
{
	struct fake_cpu cpu[2];
	/* 4 CPUs, 2 notes, no crash_notes buffers: the panic task's pid finds CPU 3; the idle
	 * note (pid 0) stays unassigned rather than guessed. */
	struct kdk_cpu_facts facts[4] = { { NULL, 0, 0, 1 }, { NULL, 0, 0, 1 }, { NULL, 0, 0, 1 },
					  { NULL, 0, 500, 1 } };
	const uint8_t *desc[2];
	size_t size[2] = { DESC, DESC };
	enum kdk_note_match how[2];
	int note_cpu[2], want[2] = { 3, -1 };
	(void)state;

	make_note(&cpu[0], 500, 0xffffffff81000300);
	make_note(&cpu[1], 0, 0xffffffff81000000);
	desc[0] = cpu[0].desc;
	desc[1] = cpu[1].desc;
	assert_int_equal(kdk_cpu_notes_assign(desc, size, 2, facts, 4, note_cpu, how), 1);
	check(note_cpu, want, 2, "by pr_pid");
	assert_int_equal(how[0], KDK_NOTE_BY_PID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offline_cpu_is_skipped_by_content),
		cmocka_unit_test(qemu_notes_by_position),
		cmocka_unit_test(pid_when_buffers_unreadable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
