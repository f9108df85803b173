/* test_kexpr.c — lib/kexpr over a fake type source (a BTF blob built here) and a fake memory:
 * members, ->, [i], & and *, casts, sizeof, pointer arithmetic scaled by the pointee, bitfields,
 * untyped symbols, per-type printing in gdb's shapes (p and px), and errors that name the place. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kexpr/kexpr.h"

/* ---- the BTF blob ---- */

struct blob {
	uint8_t types[4096];
	size_t types_len;
	char strings[1024];
	size_t strings_len;
};

static uint32_t str(struct blob *b, const char *s)
{
	size_t i;

	if (!s[0])
		return 0;
	for (i = 1; i < b->strings_len; i += strlen(b->strings + i) + 1)
		if (!strcmp(b->strings + i, s))
			return (uint32_t)i;
	i = b->strings_len;
	memcpy(b->strings + i, s, strlen(s) + 1);
	b->strings_len += strlen(s) + 1;
	return (uint32_t)i;
}

static void word(struct blob *b, uint32_t v)
{
	memcpy(b->types + b->types_len, &v, 4);
	b->types_len += 4;
}

static void type(struct blob *b, const char *name, uint32_t kind, uint32_t vlen, uint32_t size_or_type,
		 int kind_flag)
{
	word(b, str(b, name));
	word(b, kind << 24 | vlen | (uint32_t)kind_flag << 31);
	word(b, size_or_type);
}

/* Type ids, in the order built below. */
enum { LONG = 1, INT, CHAR, CHAR8, LIST_HEAD, LIST_PTR, TASK, ULONG, TASK_PTR, U64, COLOR, PER_VAL,
       UINT };

static struct kdk_btf btf;

static void build(void)
{
	struct blob *b = calloc(1, sizeof(*b));
	struct kdk_err err = { 0 };
	uint8_t *data;
	uint32_t hdr[6];

	b->strings_len = 1;
	type(b, "long int", KDK_BTF_INT, 0, 8, 0); word(b, 1u << 24 | 64);
	type(b, "int", KDK_BTF_INT, 0, 4, 0); word(b, 1u << 24 | 32);
	type(b, "char", KDK_BTF_INT, 0, 1, 0); word(b, 8);
	type(b, "", KDK_BTF_ARRAY, 0, 0, 0); word(b, CHAR); word(b, INT); word(b, 8);
	type(b, "list_head", KDK_BTF_STRUCT, 2, 16, 0);
	word(b, str(b, "next")); word(b, LIST_PTR); word(b, 0);
	word(b, str(b, "prev")); word(b, LIST_PTR); word(b, 64);
	type(b, "", KDK_BTF_PTR, 0, LIST_HEAD, 0);
	/* struct task { int pid; char comm[8]; struct list_head tasks; unsigned long flags;
	 *               unsigned int small:3, big:5; }  (kind_flag: bitfield sizes in offsets) */
	type(b, "task", KDK_BTF_STRUCT, 6, 48, 1);
	word(b, str(b, "pid")); word(b, INT); word(b, 0);
	word(b, str(b, "comm")); word(b, CHAR8); word(b, 32);
	word(b, str(b, "tasks")); word(b, LIST_HEAD); word(b, 128);
	word(b, str(b, "flags")); word(b, ULONG); word(b, 256);
	word(b, str(b, "small")); word(b, UINT); word(b, 3u << 24 | 320);
	word(b, str(b, "big")); word(b, UINT); word(b, 5u << 24 | 323);
	type(b, "long unsigned int", KDK_BTF_INT, 0, 8, 0); word(b, 64);
	type(b, "", KDK_BTF_PTR, 0, TASK, 0);
	type(b, "u64", KDK_BTF_TYPEDEF, 0, ULONG, 0);
	type(b, "color", KDK_BTF_ENUM, 2, 4, 0);
	word(b, str(b, "RED")); word(b, 0);
	word(b, str(b, "GREEN")); word(b, 1);
	type(b, "per_val", KDK_BTF_VAR, 0, INT, 0); word(b, 1);
	type(b, "unsigned int", KDK_BTF_INT, 0, 4, 0); word(b, 32);

	data = calloc(1, 24 + b->types_len + b->strings_len);
	hdr[0] = 0xeb9f | 1u << 16;
	hdr[1] = 24;
	hdr[2] = 0;
	hdr[3] = (uint32_t)b->types_len;
	hdr[4] = (uint32_t)b->types_len;
	hdr[5] = (uint32_t)b->strings_len;
	memcpy(data, hdr, 24);
	memcpy(data + 24, b->types, b->types_len);
	memcpy(data + 24 + b->types_len, b->strings, b->strings_len);
	if (kdk_btf_parse(&btf, data, 24 + b->types_len + b->strings_len, &err))
		fail_msg("the test's BTF blob: %s", err.msg);
	free(b);
}

/* ---- the fake kernel memory and symbols ---- */

#define BASE 0xffff888000000000ULL
static uint8_t memory[0x400];

static void put64(uint64_t addr, uint64_t v) { memcpy(memory + (addr - BASE), &v, 8); }
static void put32(uint64_t addr, uint32_t v) { memcpy(memory + (addr - BASE), &v, 4); }

static void fill_memory(void)
{
	memset(memory, 0, sizeof(memory));
	/* init_task at +0x100, a second task at +0x200, linked through tasks (+16) */
	put32(BASE + 0x100, 1);
	memcpy(memory + 0x104, "swapper", 8);
	put64(BASE + 0x110, BASE + 0x210);
	put64(BASE + 0x118, BASE + 0x210);
	put64(BASE + 0x120, 0xdeadbeef);
	put32(BASE + 0x128, 5 | 17 << 3);    /* small = 5, big = 17 */
	put32(BASE + 0x200, 2);
	/* a comm of bytes gdb escapes: a digit after an octal escape is escaped too */
	memcpy(memory + 0x204, "\2144\n7\0019a", 8);
	put64(BASE + 0x210, BASE + 0x110);
	put64(BASE + 0x218, BASE + 0x110);
	put64(BASE + 0x300, 12345);          /* jiffies, a symbol without type */
	put32(BASE + 0x308, (uint32_t)-7);   /* per_val: typed by its BTF VAR */
}

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len, struct kdk_err *err)
{
	(void)ctx;
	if (addr < BASE || addr - BASE > sizeof(memory) || len > sizeof(memory) - (addr - BASE))
		return kdk_err_set(err, EFAULT, "0x%llx: not in the fake memory", (unsigned long long)addr);
	memcpy(buf, memory + (addr - BASE), len);
	return 0;
}

static int fake_symbol(void *ctx, const char *name, uint64_t *addr, struct kexpr_type *t,
		       struct kdk_err *err)
{
	uint32_t var;

	(void)ctx;
	memset(t, 0, sizeof(*t));
	if (!strcmp(name, "init_task")) {
		*addr = BASE + 0x100;
		t->id = TASK;                 /* as the vmlinux's DWARF would type it */
	} else if (!strcmp(name, "jiffies")) {
		*addr = BASE + 0x300;
		t->unknown = true;            /* kallsyms alone: no type */
	} else if ((var = kdk_btf_find(&btf, KDK_BTF_VAR, name))) {
		*addr = BASE + 0x308;
		t->id = kdk_btf_ref(&btf, var);
	} else {
		return kdk_err_set(err, ENOENT, "no symbol %s", name);
	}
	return 0;
}

static const struct kexpr_env env = { &btf, fake_read, fake_symbol, NULL, NULL };

/* ---- checks ---- */

static void check(const char *expr, bool hex, const char *want)
{
	struct kdk_err err = { 0 };
	struct kexpr_value v;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc;

	rc = kexpr_eval(&env, expr, &v, &err);
	if (!rc)
		rc = kexpr_print(&env, &v, hex, out, &err);
	fclose(out);
	if (rc || strcmp(text, want))
		fail_msg("p%s %s: expected \"%s\", got \"%s\" (rc %d: %s)", hex ? "x" : "", expr, want,
			 text, rc, err.msg);
	free(text);
}

static void check_error(const char *expr, const char *want_in_message)
{
	struct kdk_err err = { 0 };
	struct kexpr_value v;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int rc = kexpr_eval(&env, expr, &v, &err);

	if (!rc)
		rc = kexpr_print(&env, &v, false, out, &err);
	fclose(out);
	if (!rc || !strstr(err.msg, want_in_message))
		fail_msg("p %s: expected an error containing \"%s\", got rc %d \"%s\" (printed \"%s\")",
			 expr, want_in_message, rc, err.msg, text);
	free(text);
}

static void test_members_and_strings(void **state)
{
	(void)state;
	check("init_task.pid", false, "1");
	check("init_task.comm", false, "\"swapper\"");
	check("init_task.tasks.next", false, "(struct list_head *) 0xffff888000000210");
	check("init_task.tasks", false, "{\n  next = 0xffff888000000210,\n  prev = 0xffff888000000210\n}");
	check("init_task.small", false, "5");
	check("init_task.big", false, "17");
	check("per_val", false, "-7");
	check("init_task.comm[1]", false, "119 'w'");
	check("((struct task *)0xffff888000000200)->comm", false, "\"\\214\\064\\n7\\001\\071a\"");
}

static void test_pointers_and_casts(void **state)
{
	(void)state;
	check("&init_task", false, "(struct task *) 0xffff888000000100");
	check("&init_task + 1", false, "(struct task *) 0xffff888000000130");
	check("(&init_task + 2) - &init_task", false, "2");
	check("&init_task.comm[1]", false, "0xffff888000000105 \"wapper\"");
	check("*init_task.comm@2", false, "\"sw\"");
	check("*(struct list_head *)0xffff888000000110", false,
	      "{\n  next = 0xffff888000000210,\n  prev = 0xffff888000000210\n}");
	/* container_of by hand: the next task's pid through char * arithmetic */
	check("((struct task *)((char *)init_task.tasks.next - 16))->pid", false, "2");
	check("init_task.tasks.next->next", false, "(struct list_head *) 0xffff888000000110");
	check("(u64)-1", false, "18446744073709551615");
	check("(enum color)1", false, "GREEN");
	check("(char)65", false, "65 'A'");
	check("(unsigned long)jiffies", false, "12345");
	check("ffff888000000100", false, "18446612682070032640");
}

static void test_arithmetic_and_sizeof(void **state)
{
	(void)state;
	check("1 + 2 * 3 - 4 / 2", false, "5");
	check("-1", false, "-1");
	check("(1 << 4) | 3", false, "19");
	check("7 % 4 == 3", false, "1");
	check("sizeof(struct task)", false, "48");
	check("sizeof(init_task)", false, "48");
	check("sizeof init_task.comm", false, "8");
	check("sizeof(struct list_head *)", false, "8");
	check("init_task.flags", true, "0xdeadbeef");
	check("init_task.pid", true, "0x1");
	check("GREEN + 1", false, "2");
}

static void test_errors_name_the_place(void **state)
{
	(void)state;
	check_error("init_task.nosuch", "has no member nosuch");
	check_error("1 +", "an operand expected at the end");
	check_error("jiffies", "unknown type");
	check_error("nosym", "no symbol nosym");
	check_error("*init_task.pid", "not a pointer");
	check_error("(struct nosuch *)0", "no struct nosuch");
	check_error("1 / 0", "division by zero");
	check_error("init_task.pid )", "column 15");
}

static void test_type_names(void **state)
{
	struct kdk_err err = { 0 };
	struct kexpr_type t;
	char name[128];

	(void)state;
	assert_int_equal(kexpr_parse_type(&btf, "unsigned long", &t, &err), 0);
	assert_int_equal(t.id, ULONG);
	assert_int_equal(kexpr_parse_type(&btf, "struct task **", &t, &err), 0);
	kexpr_type_name(&btf, &t, name, sizeof(name));
	assert_string_equal(name, "struct task **");
	assert_int_equal(kexpr_parse_type(&btf, "const u64", &t, &err), 0);
	assert_int_equal(t.id, U64);
	assert_int_not_equal(kexpr_parse_type(&btf, "struct task extra", &t, &err), 0);
	assert_true(kexpr_is_identifier(" jiffies "));
	assert_false(kexpr_is_identifier("init_task.pid"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members_and_strings),
		cmocka_unit_test(test_pointers_and_casts),
		cmocka_unit_test(test_arithmetic_and_sizeof),
		cmocka_unit_test(test_errors_name_the_place),
		cmocka_unit_test(test_type_names),
	};
	int rc;

	build();
	fill_memory();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	kdk_btf_free(&btf);
	return rc;
}
