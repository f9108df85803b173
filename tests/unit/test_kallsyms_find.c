/* test_kallsyms_find.c — kallsyms of a kernel before 6.0, whose VMCOREINFO names none of the tables:
 * found by their shape in a synthetic kernel image laid out as scripts/kallsyms.c wrote it
 * (offsets, relative base, count, names, markers, token table, token index; each 8-aligned), with
 * u32 and with u64 markers, with absolute kallsyms_addresses, behind a decoy digit table and behind
 * pages that do not read (a filtered dump leaves out the text/rodata gap the kernel frees at boot);
 * a damaged marker makes the search fail with a message that says how far it looked. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kallsyms.h"
#include "kallsyms_find.h"

#define BASE 0xffffffff81000000ULL      /* _stext */
#define IMAGE_SIZE (1u << 20)            /* reads past it fail: the end of the mapped image */
#define TABLES_AT 0x60000u               /* where the first table starts */
#define NSYMS 700                        /* three markers */
static unsigned char mem[IMAGE_SIZE];
static uint64_t hole_start, hole_end;    /* image offsets whose pages do not read */

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	if (vaddr < BASE || vaddr - BASE > IMAGE_SIZE || len > IMAGE_SIZE - (vaddr - BASE))
		return kdk_err_set(err, EFAULT, "0x%llx not mapped", (unsigned long long)vaddr);
	if (vaddr - BASE < hole_end && vaddr - BASE + len > hole_start)
		return kdk_err_set(err, EIO, "0x%llx: pfn not in the dump", (unsigned long long)vaddr);
	memcpy(buf, mem + (vaddr - BASE), len);
	return 0;
}

static char names[NSYMS][32];
static uint64_t addr_of(unsigned i) { return BASE + 0x40ULL * i; }

/* Tokens: each character used in the names is its own token; index 1 is "sym_"; every other
 * index is a two-letter filler, so all 256 are non-empty as the kernel's are. */
static char tokens[256][8];
static void make_tokens(void)
{
	unsigned c;

	for (c = 0; c < 256; c++) {
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == 'T')
			snprintf(tokens[c], sizeof(tokens[c]), "%c", c);
		else
			snprintf(tokens[c], sizeof(tokens[c]), "%c%c", 'a' + c % 26, 'a' + c / 26 % 26);
	}
	strcpy(tokens[1], "sym_");
}

static size_t align8(size_t x) { return (x + 7) & ~(size_t)7; }

enum array { OFFSETS_PERCPU, ADDRESSES };

/* Lay the tables out from TABLES_AT; the damaged flag breaks the second marker. */
static void build(enum array array, unsigned marker_width, int damaged)
{
	size_t at = TABLES_AT, i, names_at, markers_at, table_at, index_at;
	uint64_t markers[NSYMS / 256 + 1];
	uint16_t index[256];
	unsigned nr_markers = 0, c;

	memset(mem, 0, sizeof(mem));
	make_tokens();
	/* A decoy: the ASCII digits as u16 characters, then as a one-byte table with no index. */
	memcpy(mem + 0x1000, "0\0001\0002\0003\0004\0005\0006\0007\0008\0009\0:\0", 22);
	for (c = 0; c < 256; c++)
		mem[0x2000 + 2 * c] = (unsigned char)c;
	for (i = 0; i < NSYMS; i++)
		snprintf(names[i], sizeof(names[i]), i == 0 ? "T_stext" : "Tsym_%03zu", i);
	/* the address array */
	for (i = 0; i < NSYMS; i++) {
		if (array == ADDRESSES) {
			uint64_t a = addr_of((unsigned)i);
			memcpy(mem + at + 8 * i, &a, 8);
		} else {
			int32_t off = (int32_t)(BASE - 1 - addr_of((unsigned)i));
			memcpy(mem + at + 4 * i, &off, 4);
		}
	}
	at = align8(at + (array == ADDRESSES ? 8 : 4) * NSYMS);
	if (array != ADDRESSES) {
		memcpy(mem + at, &(uint64_t){ BASE }, 8);      /* kallsyms_relative_base */
		at += 8;
	}
	memcpy(mem + at, &(uint32_t){ NSYMS }, 4);
	names_at = at = align8(at + 4);
	for (i = 0; i < NSYMS; i++) {
		unsigned char *len = mem + at++, n = 0;
		const char *p = names[i];

		if (i % 256 == 0)
			markers[nr_markers++] = at - 1 - names_at;
		while (*p) {
			if (!strncmp(p, "sym_", 4)) {
				mem[at++] = 1;
				p += 4;
			} else {
				mem[at++] = (unsigned char)*p++;
			}
			n++;
		}
		*len = n;
	}
	if (damaged)
		markers[1] += 3;
	markers_at = at = align8(at);
	for (i = 0; i < nr_markers; i++) {
		if (marker_width == 4)
			memcpy(mem + at + 4 * i, &(uint32_t){ (uint32_t)markers[i] }, 4);
		else
			memcpy(mem + at + 8 * i, &markers[i], 8);
	}
	table_at = at = align8(markers_at + marker_width * nr_markers);
	for (c = 0; c < 256; c++) {
		index[c] = (uint16_t)(at - table_at);
		memcpy(mem + at, tokens[c], strlen(tokens[c]) + 1);
		at += strlen(tokens[c]) + 1;
	}
	index_at = align8(at);
	memcpy(mem + index_at, index, sizeof(index));
}

static int read_without_keys(struct kdk_symtab *tab, struct kdk_err *err)
{
	char text[256];
	struct kdk_vmcoreinfo vi;
	int rc;

	snprintf(text, sizeof(text), "OSRELEASE=5.10.0-synthetic\nSYMBOL(_stext)=%llx\n",
		 (unsigned long long)BASE);
	assert_int_equal(kdk_vmcoreinfo_parse(text, strlen(text), &vi, err), 0);
	rc = kdk_kallsyms_read(&vi, fake_read, NULL, tab, err);
	kdk_vmcoreinfo_free(&vi);
	return rc;
}

static void expect_found(const char *encoding)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	unsigned i;

	if (read_without_keys(&tab, &err))
		fail_msg("expected the tables to be found, got: %s", err.msg);
	printf("# %s: %s, %zu symbols\n", tab.source, tab.encoding, tab.syms.len);
	assert_string_equal(tab.source, "kallsyms found in the dump's kernel image");
	assert_string_equal(tab.encoding, encoding);
	assert_int_equal(tab.syms.len, NSYMS);
	for (i = 0; i < NSYMS; i += 97) {
		const struct kdk_ksym *sym = kdk_symtab_by_name(&tab, names[i] + 1);

		assert_non_null(sym);
		if (sym->addr != addr_of(i) || sym->type != 'T')
			fail_msg("%s: expected T 0x%llx, got %c 0x%llx", names[i] + 1,
				 (unsigned long long)addr_of(i), sym->type, (unsigned long long)sym->addr);
	}
	kdk_symtab_free(&tab);
}

static void u32_markers_and_percpu_offsets(void **state)
{
	(void)state;
	build(OFFSETS_PERCPU, 4, 0);
	expect_found("kallsyms_offsets + kallsyms_relative_base, absolute per-CPU");
}

static void u64_markers(void **state)
{
	(void)state;
	build(OFFSETS_PERCPU, 8, 0);
	expect_found("kallsyms_offsets + kallsyms_relative_base, absolute per-CPU");
}

static void absolute_addresses(void **state)
{
	(void)state;
	build(ADDRESSES, 4, 0);
	expect_found("absolute kallsyms_addresses");
}

static void the_tables_where_they_were_found(void **state)
{
	struct kdk_kallsyms_tables t;
	struct kdk_err err = { 0 };
	(void)state;

	build(OFFSETS_PERCPU, 4, 0);
	assert_int_equal(kdk_kallsyms_tables_find(BASE, KDK_KALLSYMS_SCAN_BYTES, fake_read, NULL, &t, &err), 0);
	assert_string_equal(t.found_by, "the kernel image");
	assert_int_equal(t.arrays[0].kind, KDK_KALLSYMS_OFFSETS);
	assert_int_equal(t.arrays[0].addr, BASE + TABLES_AT);
	assert_true(t.have_relative_base);
	assert_int_equal(t.relative_base + 8, t.num_syms);
	assert_int_equal(t.names, t.num_syms + 8);
	assert_true(t.token_table > t.names && t.token_index > t.token_table);
}

static void pages_that_do_not_read_are_passed(void **state)
{
	(void)state;
	build(OFFSETS_PERCPU, 4, 0);
	hole_start = 0x8000;
	hole_end = 0x40000;
	expect_found("kallsyms_offsets + kallsyms_relative_base, absolute per-CPU");
	hole_start = hole_end = 0;
}

static void a_damaged_marker_fails_naming_the_search(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	(void)state;

	build(OFFSETS_PERCPU, 4, 1);
	assert_int_equal(read_without_keys(&tab, &err), -ENOENT);
	printf("# message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "VMCOREINFO has no SYMBOL(kallsyms_num_syms)"));
	assert_non_null(strstr(err.msg, "no kallsyms tables in the 1024 KiB of the kernel image from _stext (0xffffffff81000000)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(u32_markers_and_percpu_offsets),
		cmocka_unit_test(u64_markers),
		cmocka_unit_test(absolute_addresses),
		cmocka_unit_test(the_tables_where_they_were_found),
		cmocka_unit_test(pages_that_do_not_read_are_passed),
		cmocka_unit_test(a_damaged_marker_fails_naming_the_search),
	};
	return cmocka_run_group_tests_name("kallsyms_find", tests, NULL, NULL);
}
