/* test_kdump_conf.c — kdump.conf: every key parsed, the shipped file parses to its documented
 * defaults, and every error names file:line (with a suggestion for misspelt keys). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kdump_conf.h"

static int parse(const char *text, struct kdk_kdump_conf *conf, struct kdk_err *err)
{
	FILE *in = fmemopen((void *)text, strlen(text), "r");
	int rc = kdk_kdump_conf_parse(in, "kdump.conf", conf, err);
	fclose(in);
	return rc;
}

static const char *item(const struct kdk_array *list, size_t i)
{
	return *(char **)kdk_array_at(list, i);
}

static void empty_file_gives_defaults(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(parse("", &c, &err), 0);
	assert_string_equal(c.path, "/var/crash");
	assert_string_equal(c.core_collector, "dumpsave -l --message-level 7 -d 31");
	assert_int_equal(c.target, KDK_TARGET_ROOTFS);
	assert_int_equal(c.failure_action, KDK_ACTION_REBOOT);
	assert_int_equal(c.final_action, KDK_ACTION_REBOOT);
	assert_null(c.sshkey);
	kdk_kdump_conf_free(&c);
}

static void shipped_conf_parses_to_its_documented_defaults(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	(void)state;
	if (kdk_kdump_conf_load("conf/kdump.conf", &c, &err) < 0)
		fail_msg("conf/kdump.conf: %s", err.msg);
	assert_string_equal(c.path, KDK_CONF_DEFAULT_PATH);
	assert_string_equal(c.core_collector, KDK_CONF_DEFAULT_CORE_COLLECTOR);
	assert_int_equal(c.warnings.len, 0);
	kdk_kdump_conf_free(&c);
}

static void every_key_is_parsed(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	const char *text =
		"# a comment\n"
		"   path   /var/crash/dumps   # trailing comment\n"
		"core_collector makedumpfile -c --message-level=7 -d 17\n"
		"ext4 LABEL=dumps\n"
		"failure_action dump_to_rootfs\n"
		"final_action poweroff\n"
		"extra_bins /usr/bin/ls /usr/bin/cat\n"
		"extra_bins /usr/bin/df\n"
		"extra_modules e1000e  ahci\n"
		"kdump_pre /usr/local/bin/pre.sh\n"
		"kdump_post /usr/local/bin/post.sh\n"
		"force_rebuild 1\n"
		"auto_reset_crashkernel yes\n"
		"dracut_args --omit-drivers \"cfg80211\"\n"
		"\n";
	(void)state;
	if (parse(text, &c, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(c.path, "/var/crash/dumps");
	assert_string_equal(c.core_collector, "makedumpfile -c --message-level=7 -d 17");
	assert_int_equal(c.target, KDK_TARGET_FS);
	assert_string_equal(c.fstype, "ext4");
	assert_string_equal(c.device, "LABEL=dumps");
	assert_int_equal(c.target_line, 4);
	assert_int_equal(c.failure_action, KDK_ACTION_DUMP_TO_ROOTFS);
	assert_int_equal(c.final_action, KDK_ACTION_POWEROFF);
	assert_int_equal(c.extra_bins.len, 3);
	assert_string_equal(item(&c.extra_bins, 2), "/usr/bin/df");
	assert_int_equal(c.extra_modules.len, 2);
	assert_string_equal(item(&c.extra_modules, 1), "ahci");
	assert_string_equal(c.kdump_pre, "/usr/local/bin/pre.sh");
	assert_string_equal(c.kdump_post, "/usr/local/bin/post.sh");
	assert_true(c.force_rebuild);
	assert_false(c.force_no_rebuild);
	assert_true(c.auto_reset_crashkernel);
	assert_int_equal(c.warnings.len, 1);
	assert_string_equal(item(&c.warnings, 0),
			    "kdump.conf:14: dracut_args is accepted and ignored: mkdumprd does not use dracut");
	kdk_kdump_conf_free(&c);
}

static void ssh_target_gets_the_default_key(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(parse("ssh kdump@collector.example.com\npath /srv/dumps\n", &c, &err), 0);
	assert_int_equal(c.target, KDK_TARGET_SSH);
	assert_string_equal(c.ssh, "kdump@collector.example.com");
	assert_string_equal(c.sshkey, KDK_CONF_DEFAULT_SSHKEY);
	kdk_kdump_conf_free(&c);
	assert_int_equal(parse("sshkey /root/.ssh/other\nssh a@b\n", &c, &err), 0);
	assert_string_equal(c.sshkey, "/root/.ssh/other");
	kdk_kdump_conf_free(&c);
}

static void key_equals_value_and_other_fstypes_parse(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	const char *targets[] = { "xfs UUID=1234", "btrfs /dev/sdb1", "raw /dev/sdc2",
				  "nfs server:/export/dumps", "ext3 PARTUUID=ab-01" };
	size_t i;
	(void)state;
	assert_int_equal(parse("path = /var/crash/eq\n", &c, &err), 0);
	assert_string_equal(c.path, "/var/crash/eq");
	kdk_kdump_conf_free(&c);
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "%s\n", targets[i]);
		if (parse(text, &c, &err) < 0)
			fail_msg("%s: %s", targets[i], err.msg);
		assert_int_equal(c.target, i == 2 ? KDK_TARGET_RAW : i == 3 ? KDK_TARGET_NFS : KDK_TARGET_FS);
		kdk_kdump_conf_free(&c);
	}
}

static void a_long_line_is_not_truncated(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	char text[1200];
	size_t n = 0;
	int i;
	(void)state;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "extra_bins");
	for (i = 0; i < 60; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " /usr/bin/tool%02d", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	assert_true(strlen(text) > 200); /* longer than inih's own line buffer */
	assert_int_equal(parse(text, &c, &err), 0);
	assert_int_equal(c.extra_bins.len, 60);
	assert_string_equal(item(&c.extra_bins, 59), "/usr/bin/tool59");
	kdk_kdump_conf_free(&c);
}

/* Each bad file and the message it must give. */
static const struct {
	const char *text;
	const char *message;
} bad_files[] = {
	{ "path /x\ncorecollector dumpsave\n",
	  "kdump.conf:2: unknown option \"corecollector\" (did you mean \"core_collector\"?)" },
	{ "failure_actoin reboot\n",
	  "kdump.conf:1: unknown option \"failure_actoin\" (did you mean \"failure_action\"?)" },
	{ "frobnicate yes\n", "kdump.conf:1: unknown option \"frobnicate\"" },
	{ "\n\nfailure_action rebot\n",
	  "kdump.conf:3: failure_action \"rebot\": expected one of reboot, halt, poweroff, shell, dump_to_rootfs" },
	{ "final_action shell\n",
	  "kdump.conf:1: final_action \"shell\": expected one of reboot, halt, poweroff" },
	{ "path var/crash\n", "kdump.conf:1: path \"var/crash\": expected one absolute path" },
	{ "path\n", "kdump.conf:1: path has no value" },
	{ "path /a\npath /b\n", "kdump.conf:2: path given twice (first on line 1)" },
	{ "failure_action halt\ndefault shell\n",
	  "kdump.conf:2: failure_action given twice (first on line 1)" },
	{ "ext4 UUID=1\nssh a@b\n",
	  "kdump.conf:2: ssh: a dump target was already given on line 1; kdump.conf takes one" },
	{ "ext4 sdb1\n",
	  "kdump.conf:1: ext4 \"sdb1\": expected a device: /dev/…, UUID=…, LABEL=…, PARTUUID=… or PARTLABEL=…" },
	{ "ssh collector\n", "kdump.conf:1: ssh \"collector\": expected user@host" },
	{ "core_collector cp /proc/vmcore\n",
	  "kdump.conf:1: core_collector \"cp\": the collector must be dumpsave (or makedumpfile, whose options dumpsave takes)" },
	{ "force_rebuild maybe\n", "kdump.conf:1: force_rebuild \"maybe\": expected 1 or 0 (yes or no)" },
	{ "force_rebuild 1\nforce_no_rebuild 1\n",
	  "kdump.conf: force_rebuild and force_no_rebuild are both set" },
	{ "[kdump]\npath /x\n", "kdump.conf:1: \"[kdump]\": kdump.conf has no [sections]" },
	{ "extra_bins ls\n", "kdump.conf:1: extra_bins \"ls\": expected an absolute path" },
	{ "ssh -oProxyCommand=touch@h\n",
	  "kdump.conf:1: ssh \"-oProxyCommand=touch@h\": a user or host starting with '-' would be read as an ssh option; refused" },
	{ "ssh root@-oProxyCommand=x\n",
	  "kdump.conf:1: ssh \"root@-oProxyCommand=x\": a user or host starting with '-' would be read as an ssh option; refused" },
	{ "ssh a;touch@h\n",
	  "kdump.conf:1: ssh \"a;touch@h\": ';' is not allowed in user@host (letters, digits, '.', '-', '_'; [IPv6])" },
	{ "kdump_hook_timeout 5m\n",
	  "kdump.conf:1: kdump_hook_timeout \"5m\": expected a number of seconds (0 to 604800)" },
	{ "kdump_hook_timeout 0\n",
	  "kdump.conf:1: kdump_hook_timeout 0: a hook needs some time; give a number of seconds" },
	{ "kdump_save_timeout -1\n",
	  "kdump.conf:1: kdump_save_timeout \"-1\": expected a number of seconds (0 to 604800)" },
};

static void timeouts_default_and_parse(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(parse("", &c, &err), 0);
	assert_int_equal(c.hook_timeout, KDK_CONF_DEFAULT_HOOK_TIMEOUT);
	assert_int_equal(c.save_timeout, KDK_CONF_DEFAULT_SAVE_TIMEOUT);
	kdk_kdump_conf_free(&c);
	assert_int_equal(parse("kdump_hook_timeout 30\nkdump_save_timeout 0\ncore_collector dumpsave -d 1\n",
			       &c, &err), 0);
	assert_int_equal(c.hook_timeout, 30);
	assert_int_equal(c.save_timeout, 0);
	assert_int_equal(c.core_collector_line, 3);
	kdk_kdump_conf_free(&c);
}

static void every_error_names_file_and_line(void **state)
{
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		struct kdk_kdump_conf c;
		struct kdk_err err = { 0 };
		if (parse(bad_files[i].text, &c, &err) == 0)
			fail_msg("accepted: %s", bad_files[i].text);
		if (strcmp(err.msg, bad_files[i].message))
			fail_msg("for %s\nexpected: %s\ngot:      %s", bad_files[i].text,
				 bad_files[i].message, err.msg);
	}
}

static void missing_file_is_named(void **state)
{
	struct kdk_kdump_conf c;
	struct kdk_err err = { 0 };
	(void)state;
	assert_int_equal(kdk_kdump_conf_load("/nonexistent/kdump.conf", &c, &err), -ENOENT);
	assert_string_equal(err.msg, "/nonexistent/kdump.conf: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_file_gives_defaults),
		cmocka_unit_test(shipped_conf_parses_to_its_documented_defaults),
		cmocka_unit_test(every_key_is_parsed),
		cmocka_unit_test(ssh_target_gets_the_default_key),
		cmocka_unit_test(key_equals_value_and_other_fstypes_parse),
		cmocka_unit_test(a_long_line_is_not_truncated),
		cmocka_unit_test(every_error_names_file_and_line),
		cmocka_unit_test(missing_file_is_named),
		cmocka_unit_test(timeouts_default_and_parse),
	};
	return cmocka_run_group_tests_name("kdump_conf", tests, NULL, NULL);
}
