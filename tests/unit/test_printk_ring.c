/* test_printk_ring.c — the printk ring walker on a fake ring laid out with the lab kernels'
 * VMCOREINFO offsets: records in order, a text block wrapped to the ring's start, a slot
 * reused by a newer id, a dataless record, and the console formatting of multi-line text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "printk_ring.h"

/* Fake kernel memory: one flat region at BASE. */
#define BASE 0xffffffff81000000ULL
static unsigned char mem[16384];
#define PRB_PTR  (BASE + 0x0)     /* the `prb` variable */
#define RB       (BASE + 0x100)   /* struct printk_ringbuffer */
#define DESCS    (BASE + 0x1000)
#define INFOS    (BASE + 0x2000)
#define DATA     (BASE + 0x3000)  /* 256-byte text ring (size_bits 8) */

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	if (vaddr < BASE || vaddr - BASE + len > sizeof(mem))
		return kdk_err_set(err, EFAULT, "0x%llx not mapped", (unsigned long long)vaddr);
	memcpy(buf, mem + (vaddr - BASE), len);
	return 0;
}

static void put64(uint64_t vaddr, uint64_t v) { memcpy(mem + (vaddr - BASE), &v, 8); }
static void put32(uint64_t vaddr, uint32_t v) { memcpy(mem + (vaddr - BASE), &v, 4); }
static void put16(uint64_t vaddr, uint16_t v) { memcpy(mem + (vaddr - BASE), &v, 2); }

/* Offsets as 6.1 and 6.12 export them. */
static const struct kdk_printk_layout layout = {
	.prb_symbol = PRB_PTR, .rb_desc_ring = 0, .rb_text_data_ring = 48,
	.desc_ring_count_bits = 0, .desc_ring_descs = 8, .desc_ring_infos = 16,
	.desc_ring_head_id = 24, .desc_ring_tail_id = 32, .desc_size = 24, .desc_state_var = 0,
	.desc_text_blk_lpos = 8, .lpos_begin = 0, .lpos_next = 8, .info_size = 88, .info_seq = 0,
	.info_ts_nsec = 8, .info_text_len = 16, .info_caller_id = 20, .data_ring_size_bits = 0,
	.data_ring_data = 8, .atomic_long_counter = 0,
};

#define COMMITTED (1ULL << 62)
#define FINALIZED (2ULL << 62)
#define REUSABLE (3ULL << 62)

/* Put record `id` in its slot with text at [begin, next) of the data ring. */
static void put_record(uint64_t id, uint64_t state, uint64_t begin, uint64_t next,
		       uint64_t ts, const char *text, uint64_t text_offset)
{
	uint64_t index = id & 3;
	put64(DESCS + index * 24, state | id);
	put64(DESCS + index * 24 + 8, begin);
	put64(DESCS + index * 24 + 16, next);
	put64(INFOS + index * 88, id);          /* seq */
	put64(INFOS + index * 88 + 8, ts);
	put16(INFOS + index * 88 + 16, (uint16_t)(text ? strlen(text) : 0));
	if (text) {
		put64(DATA + text_offset, id);       /* the block's id */
		memcpy(mem + (DATA + text_offset + 8 - BASE), text, strlen(text));
	}
}

static void build_ring(void)
{
	memset(mem, 0, sizeof(mem));
	put64(PRB_PTR, RB);
	put32(RB + 0, 2);                       /* count_bits: 4 descriptors */
	put64(RB + 8, DESCS);
	put64(RB + 16, INFOS);
	put64(RB + 24, 9);                      /* head_id */
	put64(RB + 32, 6);                      /* tail_id */
	put32(RB + 48, 8);                      /* size_bits: 256-byte data ring */
	put64(RB + 56, DATA);
	/* id 6: lpos 0x280..0x2b0 (third wrap of the ring, offset 0x80) */
	put_record(6, FINALIZED, 0x280, 0x2b0, 1500000000ULL, "six: first line", 0x80);
	/* id 7: two lines */
	put_record(7, COMMITTED, 0x2b0, 0x2e0, 2000001000ULL, "seven a\nseven b", 0xb0);
	/* id 8: slot holds a newer id (12): must be skipped */
	put_record(12, FINALIZED, 0x2e0, 0x2f0, 3000000000ULL, "twelve", 0xe0);
	/* id 9: does not fit before the ring's end (0x2f0..0x320): its block starts at offset 0 */
	put_record(9, FINALIZED, 0x2f0, 0x320, 4000000000ULL, "nine wrapped", 0);
}

struct collected {
	int n;
	char text[8][64];
	uint64_t ts[8];
};

static int collect(void *ctx, const struct kdk_printk_record *rec)
{
	struct collected *c = ctx;
	if (c->n < 8) {
		snprintf(c->text[c->n], sizeof(c->text[0]), "%.*s", (int)rec->text_len, rec->text);
		c->ts[c->n] = rec->ts_nsec;
	}
	c->n++;
	return 0;
}

static void walks_records_oldest_first_skipping_reused_slots(void **state)
{
	struct collected c = { 0 };
	struct kdk_printk_walk_stats stats;
	struct kdk_err err = { 0 };
	(void)state;

	build_ring();
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, &stats, &err), 0);
	assert_int_equal(stats.records, 3);
	assert_int_equal(stats.skipped, 1);
	assert_string_equal(c.text[0], "six: first line");
	assert_string_equal(c.text[1], "seven a\nseven b");
	assert_string_equal(c.text[2], "nine wrapped");
	assert_int_equal(c.ts[2], 4000000000ULL);
}

static void garbage_ring_sizes_are_refused(void **state)
{
	struct collected c = { 0 };
	struct kdk_err err = { 0 };
	(void)state;

	build_ring();
	put32(RB + 48, 60); /* size_bits 60 */
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a printk ring"));
	build_ring();
	put64(PRB_PTR, 0x1234); /* prb points nowhere */
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, NULL, &err), -EFAULT);
	assert_non_null(strstr(err.msg, "printk"));
}

static void format_prefixes_every_line_and_escapes(void **state)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	struct kdk_printk_record rec = { .ts_nsec = 4661653000ULL, .text = "a\nb\x01", .text_len = 4 };
	(void)state;

	assert_int_equal(kdk_printk_format(f, &rec), 0);
	rec.ts_nsec = 0;
	rec.text = "";
	rec.text_len = 0;
	assert_int_equal(kdk_printk_format(f, &rec), 0);
	fclose(f);
	assert_string_equal(out, "[    4.661653] a\n[    4.661653] b\\x01\n[    0.000000] \n");
	free(out);
}

/* printk_info's "u8 flags:5; u8 level:3" after "u8 facility": the level is bits 5-7 of a byte,
 * as BTF's BIT_OFFSET counts them; a field past the record or unknown is -1. */
static void level_bitfield_is_read_as_btf_places_it(void **state)
{
	unsigned char rec[16] = { 0 };
	(void)state;

	rec[10] = (unsigned char)(6 << 5 | 0x1f);      /* level 6 over every flag bit */
	assert_int_equal(kdk_printk_bitfield(rec, sizeof(rec), true, 10 * 8 + 5, 3), 6);
	rec[10] = 0;
	rec[11] = 0x01;                                 /* a field across a byte boundary */
	rec[10] = 0x80;
	assert_int_equal(kdk_printk_bitfield(rec, sizeof(rec), true, 10 * 8 + 7, 2), 3);
	assert_int_equal(kdk_printk_bitfield(rec, sizeof(rec), false, 85, 3), -1);
	assert_int_equal(kdk_printk_bitfield(rec, sizeof(rec), true, 16 * 8, 3), -1);
	assert_int_equal(kdk_printk_bitfield(rec, sizeof(rec), true, 8, 9), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_records_oldest_first_skipping_reused_slots),
		cmocka_unit_test(garbage_ring_sizes_are_refused),
		cmocka_unit_test(format_prefixes_every_line_and_escapes),
		cmocka_unit_test(level_bitfield_is_read_as_btf_places_it),
	};
	return cmocka_run_group_tests_name("printk_ring", tests, NULL, NULL);
}
