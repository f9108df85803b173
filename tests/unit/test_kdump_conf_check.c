/* test_kdump_conf_check.c — kdump.conf settings the capture /init could not carry out are refused
 * with file:line: raw targets, nfs targets by name or with options the /init cannot honour, core_collector lines dumpsave's parser rejects, hook scripts
 * whose interpreter is not in the image; what it can do passes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "kdump_conf_check.h"

/* Not under /tmp: the capture /init mounts a tmpfs there, and hooks under it are refused. */
static char dir[4096];

static void write_file(const char *name, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0755);
}

/* Parse and check; returns the check's result with the message in err. */
static int check(const char *text, struct kdk_err *err)
{
	char buf[8192], *d = buf;
	struct kdk_kdump_conf c;
	const char *p;
	FILE *in;
	int rc;

	/* "@" in the text stands for the test's directory. */
	for (p = text; *p; p++)
		d += *p == '@' && p[1] == '/' ? sprintf(d, "%s", dir) : (*d = *p, 1);
	*d = '\0';
	in = fmemopen(buf, strlen(buf), "r");
	if (kdk_kdump_conf_parse(in, "kdump.conf", &c, err))
		fail_msg("parse: %s", err->msg);
	fclose(in);
	rc = kdk_kdump_conf_check(&c, err);
	kdk_kdump_conf_free(&c);
	return rc;
}

static void expect_refused(const char *text, const char *message)
{
	struct kdk_err err = { 0 };
	char want[8192], *d = want;
	const char *p;

	for (p = message; *p; p++)
		d += *p == '@' && p[1] == '/' ? sprintf(d, "%s", dir) : (*d = *p, 1);
	*d = '\0';
	if (check(text, &err) == 0)
		fail_msg("accepted: %s", text);
	if (strcmp(err.msg, want))
		fail_msg("for %s\nexpected: %s\ngot:      %s", text, want, err.msg);
}

/* Refused with a message that begins with prefix (the rest is the resolver's own words). */
static void expect_refused_prefix(const char *text, const char *prefix)
{
	struct kdk_err err = { 0 };

	if (check(text, &err) == 0)
		fail_msg("accepted: %s", text);
	if (strncmp(err.msg, prefix, strlen(prefix)))
		fail_msg("for %s\nexpected: %s…\ngot:      %s", text, prefix, err.msg);
}

static void expect_accepted(const char *text)
{
	struct kdk_err err = { 0 };

	if (check(text, &err))
		fail_msg("for %s\nexpected: accepted\ngot:      %s", text, err.msg);
}

static int setup(void **state)
{
	(void)state;
	/* /var/tmp, not the tree: a clone made under /tmp (mktemp -d) would put them there. */
	snprintf(dir, sizeof(dir), "/var/tmp/kdk-conf-check-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	write_file("sh-hook", "#!/bin/sh\necho hi\n");
	write_file("sh-hook-space", "#! /bin/sh -e\necho hi\n");
	write_file("bash-hook", "#!/bin/bash\necho hi\n");
	write_file("env-hook", "#!/usr/bin/env sh\necho hi\n");
	write_file("no-shebang", "echo hi\n");
	write_file("elf-hook", "\177ELF\2\1\1");
	return 0;
}

static int teardown(void **state)
{
	const char *names[] = { "sh-hook", "sh-hook-space", "bash-hook", "env-hook", "no-shebang",
				"elf-hook" };
	char path[4200];
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

static void targets(void **state)
{
	(void)state;
	expect_accepted("");
	expect_accepted("ext4 UUID=1\n");
	expect_accepted("ssh kdump@10.0.0.1\n");
	/* a name that resolves here: the capture /init asks DNS, with this address as fallback */
	expect_accepted("path /x\nssh kdump@localhost\n");
	{
		/* getaddrinfo's reason depends on the machine's DNS (not known, or no server) */
		struct kdk_err err = { 0 };
		assert_int_equal(check("path /x\nssh kdump@no-such-host.invalid\n", &err), -ENOENT);
		if (strncmp(err.msg, "kdump.conf:2: ssh kdump@no-such-host.invalid: no-such-host.invalid "
			    "does not resolve to an IPv4 address here (", 109) ||
		    !strstr(err.msg, "): the capture image needs its address as the fallback when DNS gives none"))
			fail_msg("a name that does not resolve: got %s", err.msg);
	}
	expect_refused("ssh kdump@[2001:db8::1]\n",
		       "kdump.conf:1: ssh kdump@[2001:db8::1]: the capture kernel's network is IPv4 only (ip=): give an IPv4 address or a host name");
	expect_accepted("path /x\nraw /dev/sdb1\n");
	expect_accepted("raw PARTUUID=6b646b70-0000-4000-8000-000000000002\n");
	expect_refused("raw UUID=6b646b66-0000-4000-8000-000000000002\n",
		       "kdump.conf:1: raw UUID=6b646b66-0000-4000-8000-000000000002: a dump written over the partition erases the file system id this names; name the partition by PARTUUID= or /dev/…");
	expect_refused("path /x\nraw /dev/sdb1\ncore_collector dumpsave -E -d 31\n",
		       "kdump.conf:2: raw /dev/sdb1: core_collector -E: a raw target holds a kdump-compressed dump's flattened stream, not ELF");
	expect_accepted("\n\nnfs 10.0.2.2:/export\n");
	expect_accepted("nfs 10.0.2.2:/export\nnfs_options vers=3,port=2049,mountport=20048,timeo=600\n");
	expect_refused_prefix("\n\nnfs server.invalid:/export\n",
			      "kdump.conf:3: nfs server.invalid:/export: NFS server server.invalid: server.invalid does not resolve to an IPv4 address here");
	expect_accepted("path /x\nnfs localhost:/export\n");
	expect_refused("nfs 10.0.2.2:/export\n\nnfs_options vers=4.2,clientaddr=1.2.3.4\n",
		       "kdump.conf:3: nfs_options: clientaddr=1.2.3.4: the capture /init sets it (the server's address from the nfs line, its own from ip=)");
	expect_refused("nfs [2001:db8::1]:/export\n",
		       "kdump.conf:1: nfs [2001:db8::1]:/export: IPv6 servers are not supported (the capture kernel's ip= is IPv4)");
	expect_refused("ext4 UUID=1\nnfs_options vers=3\n",
		       "kdump.conf:2: nfs_options without an nfs target");
	expect_refused("virtiofs /dev/vda\n",
		       "kdump.conf:1: virtiofs /dev/vda: virtiofs dump targets are not supported yet (the capture /init mounts block devices)");
	expect_accepted("nfs4 192.0.2.1:/export\n");
}

static void core_collector_through_dumpsaves_parser(void **state)
{
	(void)state;
	expect_accepted("core_collector makedumpfile -F -l --message-level 7 -d 31\n");
	expect_accepted("core_collector dumpsave -z -d 17 --num-threads 2\n");
	expect_refused("path /x\ncore_collector dumpsave -d 32\n",
		       "kdump.conf:2: core_collector \"dumpsave -d 32\": -d 32: the dump level is a number from 0 to 31");
	expect_refused("core_collector dumpsave --frobnicate\n",
		       "kdump.conf:1: core_collector \"dumpsave --frobnicate\": unknown option --frobnicate (see dumpsave --help)");
	expect_refused("core_collector dumpsave --dump-dmesg\n",
		       "kdump.conf:1: core_collector \"dumpsave --dump-dmesg\": must save a dump (no -R, --dump-dmesg, --help, --version)");
}

static void hook_interpreters(void **state)
{
	(void)state;
	expect_accepted("kdump_pre @/sh-hook\nkdump_post @/sh-hook-space\n");
	expect_accepted("kdump_pre @/elf-hook\n");
	expect_accepted("extra_bins /bin/bash\nkdump_pre @/bash-hook\n");
	expect_refused("path /x\nkdump_pre @/bash-hook\n",
		       "kdump.conf:2: kdump_pre @/bash-hook: its interpreter /bin/bash is not in the capture image (it holds busybox as /bin/sh): use #!/bin/sh, or add /bin/bash to extra_bins");
	expect_refused("kdump_post @/env-hook\n",
		       "kdump.conf:1: kdump_post @/env-hook: \"#!/usr/bin/env\" is not supported in the capture image; name the interpreter (#!/bin/sh is busybox's sh)");
	expect_refused("kdump_pre @/no-shebang\n",
		       "kdump.conf:1: kdump_pre @/no-shebang is neither a program nor a \"#!\" script: the capture /init cannot run it");
	expect_refused("\nkdump_post /tmp/hook\n",
		       "kdump.conf:2: kdump_post /tmp/hook: the capture /init mounts a file system over /tmp, which hides it there; keep it elsewhere (e.g. /usr/local/sbin)");
	expect_refused("extra_bins /usr/bin/stat /run/x\n",
		       "kdump.conf:1: extra_bins /run/x: the capture /init mounts a file system over /run, which hides it there");
	expect_accepted("extra_bins /tmpfiles/x /runner\n");
	expect_refused("kdump_pre @/missing\n",
		       "kdump.conf:1: kdump_pre @/missing: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(targets),
		cmocka_unit_test(core_collector_through_dumpsaves_parser),
		cmocka_unit_test(hook_interpreters),
	};
	return cmocka_run_group_tests_name("kdump_conf_check", tests, setup, teardown);
}
