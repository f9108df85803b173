/* test_kfacts.c — the fact chain: VMCOREINFO answers first, a synthetic BTF blob fills the gaps
 * (OFFSET/SIZE/LENGTH/NUMBER/SYMBOL, BIT_OFFSET/BIT_SIZE of a bitfield too), lazy sources load once and only when needed, the answering
 * source is named, and x86_64's sparsemem numbers follow the paging mode the dump states. A
 * program compiled here with DWARF 4 (DW_AT_data_bit_offset) and strict DWARF 2 (DW_AT_bit_offset
 * from the storage unit's top) answers BIT_OFFSET/BIT_SIZE of its bitfields the same. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kfacts/kfacts.h"
#include "mem_map.h"
#include "test_tmpdir.h"

/* A BTF blob: long, int, int[11], struct page { long flags; long compound_head; },
 * struct zone { long lock; int free_area[11]; }, enum pageflags { PG_lru = 4, PG_head = 6 },
 * struct cfs_rq { int nr; int throttled:1 (at bit 35); } (kind_flag: bitfield members). */
static const char strings[] = "\0long\0int\0page\0flags\0compound_head\0zone\0lock\0free_area\0"
			      "pageflags\0PG_lru\0PG_head\0cfs_rq\0nr\0throttled";
static uint32_t str_off(const char *s)
{
	size_t i;

	for (i = 1; i < sizeof(strings); i += strlen(strings + i) + 1)
		if (!strcmp(strings + i, s))
			return (uint32_t)i;
	fail_msg("no string %s in the test blob", s);
	return 0;
}

static size_t put(uint8_t *buf, size_t at, uint32_t v)
{
	memcpy(buf + at, &v, 4);
	return at + 4;
}

static uint8_t *make_btf(size_t *size)
{
	uint8_t *b = calloc(1, 4096);
	size_t t = 24;

	/* 1: long */
	t = put(b, t, str_off("long")); t = put(b, t, 1u << 24); t = put(b, t, 8);
	t = put(b, t, 1u << 24 | 64);
	/* 2: int */
	t = put(b, t, str_off("int")); t = put(b, t, 1u << 24); t = put(b, t, 4);
	t = put(b, t, 1u << 24 | 32);
	/* 3: int[11] */
	t = put(b, t, 0); t = put(b, t, 3u << 24); t = put(b, t, 0);
	t = put(b, t, 2); t = put(b, t, 2); t = put(b, t, 11);
	/* 4: struct page, 2 members (offsets in bits) */
	t = put(b, t, str_off("page")); t = put(b, t, 4u << 24 | 2); t = put(b, t, 16);
	t = put(b, t, str_off("flags")); t = put(b, t, 1); t = put(b, t, 0);
	t = put(b, t, str_off("compound_head")); t = put(b, t, 1); t = put(b, t, 64);
	/* 5: struct zone */
	t = put(b, t, str_off("zone")); t = put(b, t, 4u << 24 | 2); t = put(b, t, 56);
	t = put(b, t, str_off("lock")); t = put(b, t, 1); t = put(b, t, 0);
	t = put(b, t, str_off("free_area")); t = put(b, t, 3); t = put(b, t, 64);
	/* 6: enum pageflags */
	t = put(b, t, str_off("pageflags")); t = put(b, t, 6u << 24 | 2); t = put(b, t, 4);
	t = put(b, t, str_off("PG_lru")); t = put(b, t, 4);
	t = put(b, t, str_off("PG_head")); t = put(b, t, 6);
	/* 7: struct cfs_rq, kind_flag set: a member's offset word is bitfield size << 24 | bit offset */
	t = put(b, t, str_off("cfs_rq")); t = put(b, t, 1u << 31 | 4u << 24 | 2); t = put(b, t, 8);
	t = put(b, t, str_off("nr")); t = put(b, t, 2); t = put(b, t, 0);
	t = put(b, t, str_off("throttled")); t = put(b, t, 2); t = put(b, t, 1u << 24 | 35);
	memcpy(b + t, strings, sizeof(strings));
	b[0] = 0x9f; b[1] = 0xeb; b[2] = 1;
	put(b, 4, 24);                          /* hdr_len */
	put(b, 8, 0);                           /* type_off */
	put(b, 12, (uint32_t)(t - 24));         /* type_len */
	put(b, 16, (uint32_t)(t - 24));         /* str_off */
	put(b, 20, sizeof(strings));            /* str_len */
	*size = t + sizeof(strings);
	return b;
}

static void parse_vi(struct kdk_vmcoreinfo *vi, const char *text)
{
	struct kdk_err err = { 0 };

	assert_int_equal(kdk_vmcoreinfo_parse(text, strlen(text), vi, &err), 0);
}

static void expect(struct kdk_facts *f, enum kdk_layout_kind kind, const char *name,
		   uint64_t want, const char *want_source)
{
	uint64_t value = 0xdead;
	int rc = kdk_facts_lookup(f, kind, name, &value);

	if (rc != 0 || value != want || strcmp(f->answered_by, want_source))
		fail_msg("%s(%s): expected %llu from %s, got rc %d value %llu from %s",
			 kdk_layout_kind_name(kind), name, (unsigned long long)want, want_source, rc,
			 (unsigned long long)value, rc ? "nothing" : f->answered_by);
}

static void test_vmcoreinfo_first_then_btf(void **state)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_btf btf;
	struct kdk_facts f;
	struct kdk_err err = { 0 };
	uint64_t value;
	size_t size;
	uint8_t *blob = make_btf(&size);

	(void)state;
	assert_int_equal(kdk_btf_parse(&btf, blob, size, &err), 0);
	/* VMCOREINFO says flags is at 8 (the BTF says 0): VMCOREINFO wins. */
	parse_vi(&vi, "OFFSET(page.flags)=8\nSIZE(page)=64\n");
	kdk_facts_init(&f);
	assert_int_equal(kdk_facts_add_vmcoreinfo(&f, &vi, &err), 0);
	assert_int_equal(kdk_facts_add_btf(&f, "the test BTF", &btf, NULL, &err), 0);
	expect(&f, KDK_KEY_OFFSET, "page.flags", 8, "VMCOREINFO");
	expect(&f, KDK_KEY_SIZE, "page", 64, "VMCOREINFO");
	expect(&f, KDK_KEY_OFFSET, "page.compound_head", 8, "the test BTF");
	expect(&f, KDK_KEY_SIZE, "zone", 56, "the test BTF");
	expect(&f, KDK_KEY_SIZE, "page.compound_head", 8, "the test BTF");
	expect(&f, KDK_KEY_LENGTH, "zone.free_area", 11, "the test BTF");
	expect(&f, KDK_KEY_OFFSET, "zone.free_area", 8, "the test BTF");
	expect(&f, KDK_KEY_NUMBER, "PG_head", 6, "the test BTF");
	/* any member's place in bits: a bitfield's, and a whole member's (8 × its size) */
	expect(&f, KDK_KEY_BIT_OFFSET, "cfs_rq.throttled", 35, "the test BTF");
	expect(&f, KDK_KEY_BIT_SIZE, "cfs_rq.throttled", 1, "the test BTF");
	expect(&f, KDK_KEY_BIT_OFFSET, "cfs_rq.nr", 0, "the test BTF");
	expect(&f, KDK_KEY_BIT_SIZE, "cfs_rq.nr", 32, "the test BTF");
	expect(&f, KDK_KEY_BIT_OFFSET, "page.compound_head", 64, "the test BTF");
	expect(&f, KDK_KEY_BIT_SIZE, "zone.free_area", 352, "the test BTF");
	/* a bitfield has no byte OFFSET */
	assert_int_equal(kdk_facts_lookup(&f, KDK_KEY_OFFSET, "cfs_rq.throttled", &value), -ENOENT);
	assert_int_equal(kdk_facts_lookup(&f, KDK_KEY_OFFSET, "page.compound_info", &value), -ENOENT);
	assert_int_equal(kdk_facts_lookup(&f, KDK_KEY_LENGTH, "page.flags", &value), -ENOENT);
	assert_int_equal(kdk_facts_lookup(&f, KDK_KEY_NUMBER, "PG_slab", &value), -ENOENT);
	assert_int_equal(kdk_facts_lookup(&f, KDK_KEY_SYMBOL, "mem_section", &value), -ENOENT);
	assert_null(kdk_facts_source_of(&f, KDK_KEY_SIZE, "folio"));
	assert_string_equal(kdk_facts_source_of(&f, KDK_KEY_NUMBER, "PG_lru"), "the test BTF");
	kdk_facts_free(&f);
	kdk_btf_free(&btf);
	kdk_vmcoreinfo_free(&vi);
}

/* The dump's BTF: symbols from a table, bytes through read_virt, read only on first need. */
struct fake_memory { uint8_t *blob; size_t size; unsigned reads; };
#define BTF_START 0xffffffff82000000ULL

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	struct fake_memory *m = ctx;

	m->reads++;
	if (vaddr < BTF_START || vaddr - BTF_START + len > m->size)
		return kdk_err_set(err, EFAULT, "no memory at 0x%llx", (unsigned long long)vaddr);
	memcpy(buf, m->blob + (vaddr - BTF_START), len);
	return 0;
}

static void test_dump_btf_is_lazy(void **state)
{
	struct fake_memory mem = { 0 };
	struct kdk_vmcoreinfo vi;
	struct kdk_symtab syms;
	struct kdk_facts f;
	struct kdk_err err = { 0 };
	uint64_t value;

	(void)state;
	mem.blob = make_btf(&mem.size);
	kdk_symtab_init(&syms, "test");
	assert_int_equal(kdk_symtab_add(&syms, "__start_BTF", BTF_START, 'R', &err), 0);
	assert_int_equal(kdk_symtab_add(&syms, "__stop_BTF", BTF_START + mem.size, 'R', &err), 0);
	assert_int_equal(kdk_symtab_finish(&syms, &err), 0);
	parse_vi(&vi, "OFFSET(page.flags)=0\n");
	kdk_facts_init(&f);
	assert_int_equal(kdk_facts_add_vmcoreinfo(&f, &vi, &err), 0);
	assert_int_equal(kdk_facts_add_dump_btf(&f, &vi, &syms, fake_read, &mem, &err), 0);
	expect(&f, KDK_KEY_OFFSET, "page.flags", 0, "VMCOREINFO");
	assert_int_equal(mem.reads, 0);
	assert_int_equal(kdk_facts_lookup_ready(&f, KDK_KEY_OFFSET, "page.compound_head", &value), -ENOENT);
	assert_int_equal(mem.reads, 0);
	expect(&f, KDK_KEY_OFFSET, "page.compound_head", 8, "the dump's BTF");
	expect(&f, KDK_KEY_SYMBOL, "__start_BTF", BTF_START, "the dump's BTF");
	expect(&f, KDK_KEY_NUMBER, "PG_lru", 4, "the dump's BTF");
	if (mem.reads != 1)
		fail_msg("expected the BTF read once, got %u reads", mem.reads);
	kdk_facts_free(&f);
	kdk_symtab_free(&syms);
	kdk_vmcoreinfo_free(&vi);
	free(mem.blob);
}

/* A dump BTF that cannot be read: the chain goes on and the message says why. */
static void test_unreadable_source_is_named(void **state)
{
	struct fake_memory mem = { 0 };
	struct kdk_vmcoreinfo vi;
	struct kdk_symtab syms;
	struct kdk_facts f;
	struct kdk_err err = { 0 };
	struct { uint64_t head; bool have_head; uint64_t flags; } layout;
	const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "page.flags", __typeof__(layout), flags),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "page.compound_head", __typeof__(layout), head),
		{ 0, NULL, 0, 0 },
	};
	char described[256];

	(void)state;
	kdk_symtab_init(&syms, "test");
	assert_int_equal(kdk_symtab_finish(&syms, &err), 0);
	parse_vi(&vi, "OFFSET(page.flags)=0\n");
	kdk_facts_init(&f);
	assert_int_equal(kdk_facts_add_vmcoreinfo(&f, &vi, &err), 0);
	assert_int_equal(kdk_facts_add_dump_btf(&f, &vi, &syms, fake_read, &mem, &err), 0);
	assert_int_equal(kdk_facts_fill(&f, keys, &layout, &err), -ENOENT);
	if (!strstr(err.msg, "OFFSET(page.compound_head) is in none of VMCOREINFO, the dump's BTF (unreadable: no __start_BTF"))
		fail_msg("expected the missing key and both sources named, got \"%s\"", err.msg);
	kdk_facts_describe(&f, described, sizeof(described));
	assert_non_null(strstr(described, "VMCOREINFO, the dump's BTF (unreadable: "));
	kdk_facts_free(&f);
	kdk_symtab_free(&syms);
	kdk_vmcoreinfo_free(&vi);
}

/* NUMBER(SECTION_SIZE_BITS)/NUMBER(MAX_PHYSMEM_BITS) when VMCOREINFO lacks them. */
static void x86_64_case(const char *text, uint64_t want_physmem, const char *want_source)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_facts f;
	struct kdk_err err = { 0 };

	parse_vi(&vi, text);
	kdk_facts_init(&f);
	assert_int_equal(kdk_facts_add_vmcoreinfo(&f, &vi, &err), 0);
	assert_int_equal(kdk_facts_add_x86_64(&f, &err), 0);
	expect(&f, KDK_KEY_NUMBER, "MAX_PHYSMEM_BITS", want_physmem, want_source);
	if (!strcmp(want_source, "VMCOREINFO"))
		expect(&f, KDK_KEY_NUMBER, "SECTION_SIZE_BITS", 27, "VMCOREINFO");
	else
		expect(&f, KDK_KEY_NUMBER, "SECTION_SIZE_BITS", 27, "x86_64's definitions (asm/sparsemem.h)");
	kdk_facts_free(&f);
	kdk_vmcoreinfo_free(&vi);
}

static void test_x86_64_sparsemem_by_paging_mode(void **state)
{
	(void)state;
	x86_64_case("NUMBER(pgtable_l5_enabled)=1\n", 52, "x86_64's definitions (asm/sparsemem.h)");
	x86_64_case("NUMBER(pgtable_l5_enabled)=0\n", 46, "x86_64's definitions (asm/sparsemem.h)");
	x86_64_case("OSRELEASE=4.18.0\n", 46, "x86_64's definitions (asm/sparsemem.h)");
	x86_64_case("NUMBER(pgtable_l5_enabled)=1\nNUMBER(MAX_PHYSMEM_BITS)=52\nNUMBER(SECTION_SIZE_BITS)=27\n",
		    52, "VMCOREINFO");
}

/* mem_map's keys fill through the chain on a dump without the two NUMBERs. */
static void test_mem_map_keys_without_sparsemem_numbers(void **state)
{
	struct kdk_vmcoreinfo vi;
	struct kdk_facts f;
	struct kdk_mem_map_layout l;
	struct kdk_err err = { 0 };

	(void)state;
	parse_vi(&vi, "SYMBOL(mem_section)=ffff888000100000\nLENGTH(mem_section)=2048\n"
		      "SIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\nSIZE(page)=64\n"
		      "NUMBER(pgtable_l5_enabled)=0\n");
	kdk_facts_init(&f);
	assert_int_equal(kdk_facts_add_vmcoreinfo(&f, &vi, &err), 0);
	assert_int_equal(kdk_facts_add_x86_64(&f, &err), 0);
	if (kdk_facts_fill(&f, kdk_mem_map_layout_keys, &l, &err))
		fail_msg("expected the mem_map keys filled, got \"%s\"", err.msg);
	assert_int_equal(l.section_size_bits, 27);
	assert_int_equal(l.max_physmem_bits, 46);
	kdk_facts_free(&f);
	kdk_vmcoreinfo_free(&vi);
}

/* struct cfs_rq as a compiler lays it out: nr in bits 0-31, a:3 at 32-34, throttled:1 at 35,
 * then a long at byte 8. */
static const char bitfield_program[] =
	"struct cfs_rq { int nr; unsigned int a:3; unsigned int throttled:1; long load; };\n"
	"struct cfs_rq the_rq;\n"
	"int main(void) { return the_rq.throttled; }\n";

static void dwarf_bitfields(const char *flags)
{
	struct kdk_facts f;
	struct kdk_err err = { 0 };
	char cmd[512];
	FILE *src = fopen(tmp_path("bits.c"), "w");

	assert_non_null(src);
	fputs(bitfield_program, src);
	fclose(src);
	snprintf(cmd, sizeof(cmd), "cc %s -O0 -o %s %s", flags, tmp_path("bits"), tmp_path("bits.c"));
	if (system(cmd) != 0)
		fail_msg("could not compile the test program: %s", cmd);
	kdk_facts_init(&f);
	assert_int_equal(kdk_facts_add_dwarf(&f, tmp_path("bits"), &err), 0);
	expect(&f, KDK_KEY_BIT_OFFSET, "cfs_rq.throttled", 35, "the vmlinux's DWARF");
	expect(&f, KDK_KEY_BIT_SIZE, "cfs_rq.throttled", 1, "the vmlinux's DWARF");
	expect(&f, KDK_KEY_BIT_OFFSET, "cfs_rq.a", 32, "the vmlinux's DWARF");
	expect(&f, KDK_KEY_BIT_SIZE, "cfs_rq.a", 3, "the vmlinux's DWARF");
	expect(&f, KDK_KEY_BIT_OFFSET, "cfs_rq.load", 64, "the vmlinux's DWARF");
	expect(&f, KDK_KEY_BIT_SIZE, "cfs_rq.load", 64, "the vmlinux's DWARF");
	expect(&f, KDK_KEY_OFFSET, "cfs_rq.load", 8, "the vmlinux's DWARF");
	kdk_facts_free(&f);
}

static void test_dwarf_bitfields_dwarf4(void **state)
{
	(void)state;
	dwarf_bitfields("-g -gdwarf-4");
}

static void test_dwarf_bitfields_dwarf2(void **state)
{
	(void)state;
	dwarf_bitfields("-g -gdwarf-2 -gstrict-dwarf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmcoreinfo_first_then_btf),
		cmocka_unit_test(test_dump_btf_is_lazy),
		cmocka_unit_test(test_unreadable_source_is_named),
		cmocka_unit_test(test_x86_64_sparsemem_by_paging_mode),
		cmocka_unit_test(test_mem_map_keys_without_sparsemem_numbers),
		cmocka_unit_test_setup_teardown(test_dwarf_bitfields_dwarf4, tmpdir_setup, tmpdir_teardown),
		cmocka_unit_test_setup_teardown(test_dwarf_bitfields_dwarf2, tmpdir_setup, tmpdir_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
