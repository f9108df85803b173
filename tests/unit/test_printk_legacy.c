/* test_printk_legacy.c — the log buffer of kernels before the lockless ring (3.11–5.9): the
 * layout found from a 4.19-style VMCOREINFO (no SYMBOL(prb)), records walked from log_first_idx
 * through the wrap marker to log_next_idx, a broken record ending the walk, garbage refused. */
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
#include "vmcoreinfo.h"

/* Fake kernel memory: one flat region at BASE. */
#define BASE 0xffffffff82000000ULL
static unsigned char mem[8192];
#define LOG_BUF_PTR   (BASE + 0x0)    /* char *log_buf */
#define LOG_BUF_LEN   (BASE + 0x8)    /* u32 log_buf_len */
#define LOG_FIRST_IDX (BASE + 0x10)
#define LOG_NEXT_IDX  (BASE + 0x18)
#define BUF           (BASE + 0x1000)
#define BUF_LEN       256u
/* struct printk_log of 4.19 x86_64 (no PRINTK_CALLER): ts_nsec 0, len 8, text_len 10,
 * dict_len 12, facility 14, flags/level 15; 16 bytes, records padded to 8. */
static const char vmcoreinfo_4_19[] =
	"OSRELEASE=4.19.0-27-cloud-amd64\n"
	"SYMBOL(log_buf)=ffffffff82000000\n"
	"SYMBOL(log_buf_len)=ffffffff82000008\n"
	"SYMBOL(log_first_idx)=ffffffff82000010\n"
	"SYMBOL(clear_idx)=ffffffff82000014\n"
	"SYMBOL(log_next_idx)=ffffffff82000018\n"
	"SIZE(printk_log)=16\n"
	"OFFSET(printk_log.ts_nsec)=0\n"
	"OFFSET(printk_log.len)=8\n"
	"OFFSET(printk_log.text_len)=10\n"
	"OFFSET(printk_log.dict_len)=12\n";

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

/* A record at idx: header, text, padding to 8; returns the next idx. */
static uint32_t put_record(uint32_t idx, uint64_t ts, const char *text)
{
	uint16_t text_len = (uint16_t)strlen(text), len = (uint16_t)((16 + text_len + 7) & ~7u);

	put64(BUF + idx, ts);
	put16(BUF + idx + 8, len);
	put16(BUF + idx + 10, text_len);
	memcpy(mem + (BUF - BASE) + idx + 16, text, text_len);
	return idx + len;
}

/* The buffer after a wrap: the oldest records at 160…, a wrap marker, the newest from 0. */
static void build_buffer(void)
{
	uint32_t idx;

	memset(mem, 0, sizeof(mem));
	put64(LOG_BUF_PTR, BUF);
	put32(LOG_BUF_LEN, BUF_LEN);
	idx = put_record(160, 1000000, "oldest");           /* 160 → 184 */
	idx = put_record(idx, 2000000, "second\nline two"); /* 184 → 216 */
	put16(BUF + idx + 8, 0);                              /* wrap marker at 216 */
	put32(LOG_FIRST_IDX, 160);
	idx = put_record(0, 3000000000ULL, "after the wrap"); /* 0 → 32 */
	idx = put_record(idx, 4000000000ULL, "newest");      /* 32 → 56 */
	put32(LOG_NEXT_IDX, idx);
}

struct collected { int n; char text[8][64]; uint64_t ts[8]; };

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

static void fill(struct kdk_printk_layout *layout, struct kdk_vmcoreinfo *vi)
{
	struct kdk_err err = { 0 };

	assert_int_equal(kdk_vmcoreinfo_parse(vmcoreinfo_4_19, strlen(vmcoreinfo_4_19), vi, &err), 0);
	assert_int_equal(kdk_printk_layout_fill(layout, kdk_vmcoreinfo_layout_lookup, vi, &err), 0);
	assert_int_equal(layout->kind, KDK_PRINTK_LEGACY);
	assert_false(layout->legacy.have_caller_id);
}

static void walks_from_first_through_the_wrap_to_next(void **state)
{
	struct kdk_printk_layout layout;
	struct kdk_vmcoreinfo vi;
	struct kdk_printk_walk_stats stats;
	struct collected c = { 0 };
	struct kdk_err err = { 0 };
	(void)state;

	fill(&layout, &vi);
	build_buffer();
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, &stats, &err), 0);
	assert_int_equal(stats.records, 4);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.text[0], "oldest");
	assert_string_equal(c.text[1], "second\nline two");
	assert_string_equal(c.text[2], "after the wrap");
	assert_string_equal(c.text[3], "newest");
	assert_int_equal(c.ts[2], 3000000000ULL);
	kdk_vmcoreinfo_free(&vi);
}

static void a_broken_record_ends_the_walk_and_is_counted(void **state)
{
	struct kdk_printk_layout layout;
	struct kdk_vmcoreinfo vi;
	struct kdk_printk_walk_stats stats;
	struct collected c = { 0 };
	struct kdk_err err = { 0 };
	(void)state;

	fill(&layout, &vi);
	build_buffer();
	put16(BUF + 184 + 10, 500);   /* text_len past the record */
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, &stats, &err), 0);
	assert_int_equal(stats.records, 1);
	assert_int_equal(stats.skipped, 1);
	kdk_vmcoreinfo_free(&vi);
}

/* Indices past the buffer, a pointer to nowhere, a length past memory: errors, no walk. */
static void garbage_indices_are_refused(void **state)
{
	struct kdk_printk_layout layout;
	struct kdk_vmcoreinfo vi;
	struct collected c = { 0 };
	struct kdk_err err = { 0 };
	(void)state;

	fill(&layout, &vi);
	build_buffer();
	put32(LOG_FIRST_IDX, 4096);
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a printk buffer"));
	build_buffer();
	put64(LOG_BUF_PTR, 0x1234);   /* log_buf points nowhere */
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, NULL, &err), -EFAULT);
	/* A damaged length of 1.5 GiB, indices inside it: refused before a 1.5 GiB buffer is
	 * allocated, since its end is not in memory. */
	build_buffer();
	put32(LOG_BUF_LEN, 3u << 29);
	assert_int_equal(kdk_printk_walk(&layout, fake_read, NULL, collect, &c, NULL, &err), -EFAULT);
	assert_non_null(strstr(err.msg, "does not end in memory"));
	kdk_vmcoreinfo_free(&vi);
}

static void neither_ring_is_named_in_the_error(void **state)
{
	static const char text[] = "OSRELEASE=9.9\nSYMBOL(init_uts_ns)=ffffffff82000000\n";
	struct kdk_printk_layout layout;
	struct kdk_vmcoreinfo vi;
	struct kdk_err err = { 0 };
	(void)state;

	assert_int_equal(kdk_vmcoreinfo_parse(text, strlen(text), &vi, &err), 0);
	assert_int_equal(kdk_printk_layout_fill(&layout, kdk_vmcoreinfo_layout_lookup, &vi, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "SYMBOL(prb)"));
	assert_non_null(strstr(err.msg, "SYMBOL(log_buf)"));
	kdk_vmcoreinfo_free(&vi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_from_first_through_the_wrap_to_next),
		cmocka_unit_test(a_broken_record_ends_the_walk_and_is_counted),
		cmocka_unit_test(garbage_indices_are_refused),
		cmocka_unit_test(neither_ring_is_named_in_the_error),
	};
	return cmocka_run_group_tests_name("printk_legacy", tests, NULL, NULL);
}
