/* test_ksyms.c — the symbol table's finish, once and again: the kernel's symbols in address order,
 * then a module's added out of order above them (the index keeps the kernel's and takes the
 * module's), then a symbol below everything (the whole table is sorted again); lookups by name and
 * by address agree after each, and of two symbols sharing a name the lower one answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ksyms.h"

#define TEXT 0xffffffff81000000ULL
#define MODULE 0xffffffffc0000000ULL

static void expect_at(const struct kdk_symtab *tab, const char *name, uint64_t addr)
{
	const struct kdk_ksym *sym = kdk_symtab_by_name(tab, name);
	uint64_t offset = 1;

	assert_non_null(sym);
	assert_int_equal(sym->addr, addr);
	sym = kdk_symtab_by_addr(tab, addr, &offset);
	assert_non_null(sym);
	assert_int_equal(offset, 0);
	assert_int_equal(sym->addr, addr);
}

static void finish_again_after_adding(void **state)
{
	struct kdk_symtab tab;
	struct kdk_err err = { 0 };
	char name[32];
	(void)state;

	kdk_symtab_init(&tab, "test");
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "kernel_%d", i);
		assert_int_equal(kdk_symtab_add(&tab, name, TEXT + 0x10 * (uint64_t)i, 't', &err), 0);
	}
	assert_int_equal(kdk_symtab_add(&tab, "shared", TEXT + 0x10000, 't', &err), 0);
	assert_int_equal(kdk_symtab_finish(&tab, &err), 0);
	expect_at(&tab, "kernel_0", TEXT);
	expect_at(&tab, "kernel_999", TEXT + 0x10 * 999);

	/* A module's symbols, in reverse order, all above the kernel's; one shares a kernel name. */
	for (int i = 99; i >= 0; i--) {
		snprintf(name, sizeof(name), "module_%d", i);
		assert_int_equal(kdk_symtab_add_module(&tab, name, MODULE + 0x20 * (uint64_t)i, 't',
						       "mod", &err), 0);
	}
	assert_int_equal(kdk_symtab_add_module(&tab, "shared", MODULE + 0x4000, 't', "mod", &err), 0);
	assert_int_equal(kdk_symtab_finish(&tab, &err), 0);
	expect_at(&tab, "kernel_500", TEXT + 0x10 * 500);
	expect_at(&tab, "module_0", MODULE);
	expect_at(&tab, "module_99", MODULE + 0x20 * 99);
	assert_int_equal(kdk_symtab_by_name(&tab, "shared")->addr, TEXT + 0x10000);
	assert_int_equal(kdk_symtab_by_name(&tab, "kernel_999")->size, 0x10000 - 0x10 * 999);

	/* One below everything: the whole table is sorted again, and its index rebuilt. */
	assert_int_equal(kdk_symtab_add(&tab, "lowest", 0x1000, 'A', &err), 0);
	assert_int_equal(kdk_symtab_finish(&tab, &err), 0);
	expect_at(&tab, "lowest", 0x1000);
	expect_at(&tab, "kernel_1", TEXT + 0x10);
	expect_at(&tab, "module_42", MODULE + 0x20 * 42);
	assert_int_equal(((const struct kdk_ksym *)tab.syms.items)[0].addr, 0x1000);
	kdk_symtab_free(&tab);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finish_again_after_adding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
