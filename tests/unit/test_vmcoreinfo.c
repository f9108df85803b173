/* test_vmcoreinfo.c — the VMCOREINFO table: every key kind, number bases and signs as the lab
 * kernels write them, absent keys told from malformed values, NUL padding, garbage lines. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmcoreinfo.h"

static const char text[] =
	"OSRELEASE=6.12.117+deb12-cloud-amd64\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_uts_ns)=ffffffffb0c21bc0\n"
	"NUMBER(VMALLOC_START)=0xff71d916c0000000\n"
	"OFFSET(page.mapping)=24\n"
	"SIZE(page)=64\n"
	"LENGTH(mem_section)=131072\n"
	"NUMBER(phys_base)=-507510784\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"
	"this line has no equals sign\n"
	"=nokey\n"
	"OFFSET(bad.value)=12abc\n"
	"KERNELOFFSET=2de00000\n"
	"CRASHTIME=1795998000\n"
	"\0\0\0\0";

static void every_key_kind_reads_in_its_base(void **state)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_err err = { 0 };
	uint64_t v;
	int64_t n;
	(void)state;

	assert_int_equal(kdk_vmcoreinfo_parse(text, sizeof(text) - 1, &vi, &err), 0);
	assert_string_equal(kdk_vmcoreinfo_string(&vi, "OSRELEASE"), "6.12.117+deb12-cloud-amd64");
	assert_int_equal(kdk_vmcoreinfo_symbol(&vi, "init_uts_ns", &v), 0);
	assert_int_equal(v, 0xffffffffb0c21bc0ULL);
	assert_int_equal(kdk_vmcoreinfo_offset(&vi, "page.mapping", &v), 0);
	assert_int_equal(v, 24);
	assert_int_equal(kdk_vmcoreinfo_size(&vi, "page", &v), 0);
	assert_int_equal(v, 64);
	assert_int_equal(kdk_vmcoreinfo_length(&vi, "mem_section", &v), 0);
	assert_int_equal(v, 131072);
	assert_int_equal(kdk_vmcoreinfo_number(&vi, "phys_base", &n), 0);
	assert_int_equal(n, -507510784);
	assert_int_equal(kdk_vmcoreinfo_number(&vi, "VMALLOC_START", &n), 0);
	assert_int_equal((uint64_t)n, 0xff71d916c0000000ULL);
	/* through the layout adapter, a negative NUMBER is two's complement */
	assert_int_equal(kdk_vmcoreinfo_layout_lookup(&vi, KDK_KEY_NUMBER, "PAGE_BUDDY_MAPCOUNT_VALUE", &v), 0);
	assert_int_equal((uint32_t)v, 0xf0000000u);
	assert_string_equal(kdk_vmcoreinfo_string(&vi, "CRASHTIME"), "1795998000");
	kdk_vmcoreinfo_free(&vi);
}

static void absent_and_malformed_are_different_answers(void **state)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_err err = { 0 };
	uint64_t v;
	(void)state;

	assert_int_equal(kdk_vmcoreinfo_parse(text, sizeof(text) - 1, &vi, &err), 0);
	assert_int_equal(kdk_vmcoreinfo_symbol(&vi, "vmap_area_list", &v), -ENOENT);
	assert_int_equal(kdk_vmcoreinfo_offset(&vi, "bad.value", &v), -EINVAL);
	assert_null(kdk_vmcoreinfo_string(&vi, "NOPE"));
	assert_int_equal(vi.malformed_lines, 2);
	/* text after the NUL padding is not read */
	assert_int_equal(vi.entries.len, 12);
	kdk_vmcoreinfo_free(&vi);
}

static void empty_and_unterminated_text(void **state)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_err err = { 0 };
	const char partial[] = "OSRELEASE=6.1"; /* no newline, cut mid-line */
	(void)state;

	assert_int_equal(kdk_vmcoreinfo_parse("", 0, &vi, &err), 0);
	assert_int_equal(vi.entries.len, 0);
	kdk_vmcoreinfo_free(&vi);
	assert_int_equal(kdk_vmcoreinfo_parse(partial, sizeof(partial) - 1, &vi, &err), 0);
	assert_string_equal(kdk_vmcoreinfo_string(&vi, "OSRELEASE"), "6.1");
	kdk_vmcoreinfo_free(&vi);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_key_kind_reads_in_its_base),
		cmocka_unit_test(absent_and_malformed_are_different_answers),
		cmocka_unit_test(empty_and_unterminated_text),
	};
	return cmocka_run_group_tests_name("vmcoreinfo", tests, NULL, NULL);
}
