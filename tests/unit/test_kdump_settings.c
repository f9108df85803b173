/* test_kdump_settings.c — /etc/default/kdump: shell quoting read without a shell, the shipped
 * template sets nothing, and every error names file:line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kdump_settings.h"

static const char *const known[] = { "A", "B", "C", "KDUMP_COMMANDLINE_APPEND", NULL };

static int parse(const char *text, struct kdk_settings *s, struct kdk_err *err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rc = kdk_settings_parse(in, "default/kdump", known, s, err);
	fclose(in);
	return rc;
}

static void quoting_as_the_shell_reads_it(void **state)
{
	struct kdk_settings s;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(parse("# comment\n\n"
			       "A=plain   # trailing comment\n"
			       "export B=\"two words \\\"quoted\\\" \\$ and \\\\\"\n"
			       "C='$literal `too`'\"joined\"bare\n"
			       "KDUMP_COMMANDLINE_APPEND=irqpoll\\ nr_cpus=1\n"
			       "A=again\n",
			       &s, &err), 0);
	assert_string_equal(kdk_settings_get(&s, "A"), "again");
	assert_string_equal(kdk_settings_get(&s, "B"), "two words \"quoted\" $ and \\");
	assert_string_equal(kdk_settings_get(&s, "C"), "$literal `too`joinedbare");
	assert_string_equal(kdk_settings_get(&s, "KDUMP_COMMANDLINE_APPEND"), "irqpoll nr_cpus=1");
	assert_null(kdk_settings_get(&s, "D"));
	assert_int_equal(s.warnings.len, 0);
	kdk_settings_free(&s);
}

static void empty_values_and_continuations(void **state)
{
	struct kdk_settings s;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(parse("A=\nB=\"\"\nC=\"one \\\ntwo\"\n", &s, &err), 0);
	assert_string_equal(kdk_settings_get(&s, "A"), "");
	assert_string_equal(kdk_settings_get(&s, "B"), "");
	assert_string_equal(kdk_settings_get(&s, "C"), "one two");
	kdk_settings_free(&s);
}

static void unknown_keys_are_kept_and_warned_about(void **state)
{
	struct kdk_settings s;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(parse("A=1\nKDUMP_COMANDLINE_APPEND=x\n", &s, &err), 0);
	assert_int_equal(s.warnings.len, 1);
	assert_string_equal(*(char **)kdk_array_at(&s.warnings, 0),
			    "default/kdump:2: unknown setting KDUMP_COMANDLINE_APPEND (ignored)");
	assert_string_equal(kdk_settings_get(&s, "KDUMP_COMANDLINE_APPEND"), "x");
	kdk_settings_free(&s);
}

static void expect_error(const char *text, const char *message)
{
	struct kdk_settings s;
	struct kdk_err err = { 0 };
	assert_int_equal(parse(text, &s, &err), -EINVAL);
	assert_string_equal(err.msg, message);
}

static void errors_name_the_line(void **state)
{
	(void)state;
	expect_error("A=1\nB=$HOME/x\n",
		     "default/kdump:2: B: $ and ` expansions are not supported (kdumpctl reads this file without a shell); quote with '…'");
	expect_error("A=\"${X}\"\n",
		     "default/kdump:1: A: $ and ` expansions are not supported (kdumpctl reads this file without a shell); quote with '…'");
	expect_error("A=two words\n", "default/kdump:1: A: text after the value (quote a value that holds blanks)");
	expect_error("A='open\n", "default/kdump:1: A: unterminated '");
	expect_error("\nA=\"open\n", "default/kdump:2: A: unterminated \"");
	/* a backslash as the file's last byte, inside quotes (found by tests/fuzz: the parser
	 * stepped over the string's end) */
	expect_error("A=\"open\\", "default/kdump:1: A: unterminated \"");
	expect_error("A=x;reboot\n", "default/kdump:1: A: shell commands are not supported: only KEY=value");
	expect_error("echo hi\n", "default/kdump:1: expected KEY=value, got \"echo hi\"");
	expect_error("1A=x\n", "default/kdump:1: expected KEY=value, got \"1A=x\"");
}

static void shipped_template_sets_nothing(void **state)
{
	struct kdk_settings s;
	struct kdk_err err = { 0 };
	(void)state;
	if (kdk_settings_load("conf/default-kdump", NULL, &s, &err))
		fail_msg("conf/default-kdump: %s", err.msg);
	assert_int_equal(s.entries.len, 0);
	kdk_settings_free(&s);
}

static void missing_file_is_enoent(void **state)
{
	struct kdk_settings s;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(kdk_settings_load("/nonexistent/default/kdump", known, &s, &err), -ENOENT);
	kdk_settings_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoting_as_the_shell_reads_it),
		cmocka_unit_test(empty_values_and_continuations),
		cmocka_unit_test(unknown_keys_are_kept_and_warned_about),
		cmocka_unit_test(errors_name_the_line),
		cmocka_unit_test(shipped_template_sets_nothing),
		cmocka_unit_test(missing_file_is_enoent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
