/* test_kallsyms.c — the dump's own symbol table in each encoding the kernel has used: absolute
 * kallsyms_addresses, offsets from kallsyms_relative_base with and without absolute per-CPU
 * values, and 7.0's offsets relative to their own place; a table whose _stext is wrong. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kallsyms.h"

/* Fake kernel memory: one flat region at BASE; reads past its end give zeros (the decoder
 * reads the names and the token table in 64 KiB chunks). */
#define BASE 0xffffffff81000000ULL
static unsigned char mem[0x8000];
#define NUM_SYMS    (BASE + 0x100)
#define NAMES       (BASE + 0x200)
#define TOKEN_TABLE (BASE + 0x1000)
#define TOKEN_INDEX (BASE + 0x2000)
#define OFFSETS     (BASE + 0x3000)
#define REL_BASE    (BASE + 0x4000)
#define ADDRESSES   (BASE + 0x5000)

static int fake_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	size_t i;
	(void)ctx;
	if (vaddr < BASE)
		return kdk_err_set(err, EFAULT, "0x%llx not mapped", (unsigned long long)vaddr);
	for (i = 0; i < len; i++)
		((unsigned char *)buf)[i] = vaddr - BASE + i < sizeof(mem) ? mem[vaddr - BASE + i] : 0;
	return 0;
}

struct sym { const char *name; uint64_t addr; };
/* _stext first, a function, a data symbol and (for absolute per-CPU) a per-CPU one. */
static const struct sym syms[] = {
	{ "T_stext", BASE },
	{ "Tschedule", BASE + 0x1234560 },
	{ "Dinit_task", BASE + 0x2a11140 },
	{ "Dfixed_percpu_data", 0x0 },
	{ "Dcpu_number", 0x2c020 },
};
#define NSYMS (sizeof(syms) / sizeof(syms[0]))

enum enc { ABSOLUTE, BASE_RELATIVE, ABSOLUTE_PERCPU, PLACE_RELATIVE };

/* Lay out the tables: token i is the one-character string (char)i, so each name's bytes are
 * its own token indices. */
static void build(enum enc enc, uint64_t percpu_bias)
{
	size_t i, at = 0;

	memset(mem, 0, sizeof(mem));
	memcpy(mem + (NUM_SYMS - BASE), &(uint32_t){ NSYMS }, 4);
	for (i = 1; i < 256; i++) {
		uint16_t index = (uint16_t)(2 * i);

		mem[TOKEN_TABLE - BASE + 2 * i] = (unsigned char)i;
		memcpy(mem + (TOKEN_INDEX - BASE) + 2 * i, &index, 2);
	}
	for (i = 0; i < NSYMS; i++) {
		size_t len = strlen(syms[i].name);
		uint64_t addr = syms[i].addr;
		int32_t off;

		mem[NAMES - BASE + at++] = (unsigned char)len;
		memcpy(mem + (NAMES - BASE) + at, syms[i].name, len);
		at += len;
		if (enc != ABSOLUTE_PERCPU && addr < BASE)
			addr += percpu_bias;   /* per-CPU values moved into the kernel's range */
		switch (enc) {
		case ABSOLUTE:
			memcpy(mem + (ADDRESSES - BASE) + 8 * i, &addr, 8);
			continue;
		case BASE_RELATIVE:
			off = (int32_t)(uint32_t)(addr - BASE);
			break;
		case ABSOLUTE_PERCPU:
			off = addr < BASE ? (int32_t)addr : (int32_t)(BASE - 1 - addr);
			break;
		default:
			off = (int32_t)(addr - (OFFSETS + 4 * i));
		}
		memcpy(mem + (OFFSETS - BASE) + 4 * i, &off, 4);
	}
	memcpy(mem + (REL_BASE - BASE), &(uint64_t){ BASE }, 8);
}

static int read_with(const char *keys, struct kdk_symtab *tab, struct kdk_err *err)
{
	char text[1024];
	struct kdk_vmcoreinfo vi;
	int rc;

	snprintf(text, sizeof(text),
		 "SYMBOL(_stext)=%llx\nSYMBOL(kallsyms_names)=%llx\nSYMBOL(kallsyms_num_syms)=%llx\n"
		 "SYMBOL(kallsyms_token_table)=%llx\nSYMBOL(kallsyms_token_index)=%llx\n%s",
		 (unsigned long long)BASE, (unsigned long long)NAMES, (unsigned long long)NUM_SYMS,
		 (unsigned long long)TOKEN_TABLE, (unsigned long long)TOKEN_INDEX, keys);
	assert_int_equal(kdk_vmcoreinfo_parse(text, strlen(text), &vi, err), 0);
	rc = kdk_kallsyms_read(&vi, fake_read, NULL, tab, err);
	kdk_vmcoreinfo_free(&vi);
	return rc;
}

static void expect_symbols(struct kdk_symtab *tab, const char *encoding, uint64_t percpu_bias)
{
	size_t i;

	printf("# encoding: expected \"%s\", got \"%s\"\n", encoding, tab->encoding);
	assert_string_equal(tab->encoding, encoding);
	assert_int_equal(tab->syms.len, NSYMS);
	for (i = 0; i < NSYMS; i++) {
		const struct kdk_ksym *sym = kdk_symtab_by_name(tab, syms[i].name + 1);
		uint64_t want = syms[i].addr < BASE ? syms[i].addr + percpu_bias : syms[i].addr;

		assert_non_null(sym);
		if (sym->addr != want || sym->type != syms[i].name[0])
			fail_msg("%s: expected %c 0x%llx, got %c 0x%llx", syms[i].name + 1,
				 syms[i].name[0], (unsigned long long)want, sym->type,
				 (unsigned long long)sym->addr);
	}
	kdk_symtab_free(tab);
}

static char keys[512];
static const char *offsets_keys(int with_base)
{
	snprintf(keys, sizeof(keys), "SYMBOL(kallsyms_offsets)=%llx\n%s", (unsigned long long)OFFSETS,
		 with_base ? "SYMBOL(kallsyms_relative_base)=ffffffff81004000\n" : "");
	return keys;
}

static void absolute_addresses(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	(void)state;

	build(ABSOLUTE, 0);
	snprintf(keys, sizeof(keys), "SYMBOL(kallsyms_addresses)=%llx\n", (unsigned long long)ADDRESSES);
	assert_int_equal(read_with(keys, &tab, &err), 0);
	expect_symbols(&tab, "absolute kallsyms_addresses", 0);
}

static void base_relative_without_absolute_percpu(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	(void)state;

	/* Without ABSOLUTE_PERCPU (6.11+ x86_64) per-CPU symbols are ordinary addresses. */
	build(BASE_RELATIVE, BASE + 0x3000000);
	assert_int_equal(read_with(offsets_keys(1), &tab, &err), 0);
	expect_symbols(&tab, "kallsyms_offsets + kallsyms_relative_base", BASE + 0x3000000);
}

static void base_relative_with_absolute_percpu(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	(void)state;

	build(ABSOLUTE_PERCPU, 0);
	assert_int_equal(read_with(offsets_keys(1), &tab, &err), 0);
	expect_symbols(&tab, "kallsyms_offsets + kallsyms_relative_base, absolute per-CPU", 0);
}

static void place_relative_without_relative_base(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	(void)state;

	build(PLACE_RELATIVE, BASE + 0x3000000);
	assert_int_equal(read_with(offsets_keys(0), &tab, &err), 0);
	expect_symbols(&tab, "kallsyms_offsets relative to their own place", BASE + 0x3000000);
}

static void wrong_stext_is_refused_with_its_address(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	int32_t wrong = 0x100;
	(void)state;

	build(PLACE_RELATIVE, BASE + 0x3000000);
	memcpy(mem + (OFFSETS - BASE), &wrong, 4);
	assert_int_equal(read_with(offsets_keys(0), &tab, &err), -EINVAL);
	printf("# message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "_stext at 0xffffffff81000000"));
}

static void missing_keys_are_named(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	(void)state;

	build(PLACE_RELATIVE, 0);
	assert_int_equal(read_with("", &tab, &err), -ENOENT);
	printf("# message: %s\n", err.msg);
	assert_non_null(strstr(err.msg, "SYMBOL(kallsyms_offsets)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(absolute_addresses),
		cmocka_unit_test(base_relative_without_absolute_percpu),
		cmocka_unit_test(base_relative_with_absolute_percpu),
		cmocka_unit_test(place_relative_without_relative_base),
		cmocka_unit_test(wrong_stext_is_refused_with_its_address),
		cmocka_unit_test(missing_keys_are_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
