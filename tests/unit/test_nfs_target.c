/* test_nfs_target.c — kdump.conf's nfs target and nfs_options: what is accepted, every refusal
 * naming the option, and the exact mount(2) type, source and text options for NFSv4 and v3. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "kdump_conf_check.h"
#include "nfs_target.h"

/* The type and options the capture /init would mount with (server 10.0.2.2, client 10.0.2.15). */
static const char *mount_data(const char *key, const char *spec, const char *options, int minor,
			      const char **fstype)
{
	static char data[512];
	struct kdk_nfs_target t;
	struct kdk_err err = { 0 };

	if (kdk_nfs_target_parse(key, spec, options, &t, &err))
		fail_msg("%s %s -o %s: unexpected error: %s", key, spec, options ? options : "", err.msg);
	if (kdk_nfs_mount_data(&t, minor, "10.0.2.2", "10.0.2.15", fstype, data, sizeof(data), &err))
		fail_msg("mount data: %s", err.msg);
	kdk_nfs_target_free(&t);
	return data;
}

static const char *refusal(const char *spec, const char *options, int code)
{
	static struct kdk_err err;
	struct kdk_nfs_target t;

	memset(&err, 0, sizeof(err));
	assert_int_equal(kdk_nfs_target_parse("nfs", spec, options, &t, &err), -code);
	return err.msg;
}

static void nfsv4_is_the_default(void **state)
{
	const char *fstype;
	struct kdk_nfs_target t;
	struct kdk_err err = { 0 };

	(void)state;
	assert_string_equal(mount_data("nfs", "10.0.2.2:/export/dumps", NULL, 2, &fstype),
			    "vers=4.2,proto=tcp,sec=sys,addr=10.0.2.2,clientaddr=10.0.2.15");
	assert_string_equal(fstype, "nfs4");
	assert_string_equal(mount_data("nfs4", "10.0.2.2:/e", NULL, 0, &fstype),
			    "vers=4.0,proto=tcp,sec=sys,addr=10.0.2.2,clientaddr=10.0.2.15");
	assert_int_equal(kdk_nfs_target_parse("nfs", "10.0.2.2:/export/dumps", NULL, &t, &err), 0);
	assert_string_equal(t.server, "10.0.2.2");
	assert_string_equal(t.export_path, "/export/dumps");
	assert_int_equal(t.version, 4);
	assert_int_equal(t.minor, -1);
	kdk_nfs_target_free(&t);
}

static void nfsv4_options(void **state)
{
	const char *fstype;
	struct kdk_nfs_target t;
	struct kdk_err err = { 0 };

	(void)state;
	assert_string_equal(mount_data("nfs", "10.0.2.2:/e", "vers=4.1,port=20490,timeo=600,soft,proto=tcp,sec=sys", 1,
				       &fstype),
			    "vers=4.1,proto=tcp,sec=sys,addr=10.0.2.2,clientaddr=10.0.2.15,port=20490,timeo=600,soft");
	assert_int_equal(kdk_nfs_target_parse("nfs", "10.0.2.2:/e", "nfsvers=4,minorversion=1", &t, &err), 0);
	assert_int_equal(t.version, 4);
	assert_int_equal(t.minor, 1);
	kdk_nfs_target_free(&t);
}

static void nfsv3_mounts_nolock_with_its_mount_server(void **state)
{
	const char *fstype;

	(void)state;
	assert_string_equal(mount_data("nfs", "10.0.2.2:/e", "vers=3", -1, &fstype),
			    "vers=3,proto=tcp,mountproto=tcp,nolock,sec=sys,addr=10.0.2.2,mountaddr=10.0.2.2");
	assert_string_equal(fstype, "nfs");
	assert_string_equal(mount_data("nfs", "10.0.2.2:/e", "vers=3,nolock,port=2049,mountport=20048,rsize=65536", -1,
				       &fstype),
			    "vers=3,proto=tcp,mountproto=tcp,nolock,sec=sys,addr=10.0.2.2,mountaddr=10.0.2.2,"
			    "mountport=20048,port=2049,rsize=65536");
}

static void refusals_name_the_option(void **state)
{
	(void)state;
	assert_string_equal(refusal("server", NULL, EINVAL), "nfs server: expected SERVER:/export");
	assert_string_equal(refusal(":/e", NULL, EINVAL), "nfs :/e: expected SERVER:/export");
	assert_string_equal(refusal("s:e", NULL, EINVAL), "nfs s:e: expected SERVER:/export");
	assert_string_equal(refusal("[::1]:/e", NULL, ENOTSUP),
			    "nfs [::1]:/e: IPv6 servers are not supported (the capture kernel's ip= is IPv4)");
	assert_string_equal(refusal("1.2.3.4:/e", "vers=2", ENOTSUP),
			    "nfs_options: vers=2: NFS version 3, 4, 4.0, 4.1 or 4.2 (NFSv2 is not supported)");
	assert_string_equal(refusal("1.2.3.4:/e", "proto=rdma", ENOTSUP),
			    "nfs_options: proto=rdma: the capture /init mounts over TCP (IPv4) only");
	assert_string_equal(refusal("1.2.3.4:/e", "sec=krb5", ENOTSUP),
			    "nfs_options: sec=krb5: only sec=sys: the capture kernel has no Kerberos credentials (no gssd)");
	assert_string_equal(refusal("1.2.3.4:/e", "addr=1.2.3.5", EINVAL),
			    "nfs_options: addr=1.2.3.5: the capture /init sets it (the server's address from the nfs line, its own from ip=)");
	assert_string_equal(refusal("1.2.3.4:/e", "vers=3,lock", ENOTSUP),
			    "nfs_options: lock: the capture kernel runs no rpc.statd; NFSv3 is mounted nolock (NFSv4 locks need nothing)");
	assert_string_equal(refusal("1.2.3.4:/e", "port=0", EINVAL),
			    "nfs_options: port=0: expected a number from 1 to 65535");
	assert_string_equal(refusal("1.2.3.4:/e", "port=70000", EINVAL),
			    "nfs_options: port=70000: expected a number from 1 to 65535");
	assert_string_equal(refusal("1.2.3.4:/e", "vers=3,minorversion=1", EINVAL),
			    "nfs_options: minorversion= is for NFSv4, not vers=3");
	assert_string_equal(refusal("1.2.3.4:/e", "mountport=20048", EINVAL),
			    "nfs_options: mountport= is for NFSv3 (NFSv4 has no MOUNT protocol)");
	assert_true(strstr(refusal("1.2.3.4:/e", "fsc", ENOTSUP), "nfs_options: \"fsc\" is not supported (supported: vers=") != NULL);
	assert_true(strstr(refusal("1.2.3.4:/e", "soft=1", ENOTSUP), "\"soft=1\" is not supported") != NULL);
}

static void server_addresses(void **state)
{
	struct in_addr addr;
	struct kdk_err err = { 0 };
	char text[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(kdk_nfs_server_address("192.0.2.7", &addr, &err), 0);
	assert_string_equal(inet_ntop(AF_INET, &addr, text, sizeof(text)), "192.0.2.7");
	assert_int_equal(kdk_nfs_server_address("localhost", &addr, &err), 0);
	assert_string_equal(inet_ntop(AF_INET, &addr, text, sizeof(text)), "127.0.0.1");
	assert_int_equal(kdk_nfs_server_address("nfs.invalid", &addr, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "NFS server nfs.invalid: nfs.invalid does not resolve to an IPv4 address here"));
	assert_int_equal(kdk_nfs_server_address("[2001:db8::1]", &addr, &err), -ENOTSUP);
}

static void source_and_overlong_options(void **state)
{
	struct kdk_nfs_target t;
	struct kdk_err err = { 0 };
	const char *fstype;
	char small[40], source[64];

	(void)state;
	assert_int_equal(kdk_nfs_target_parse("nfs", "10.0.2.2:/export/dumps", "timeo=600", &t, &err), 0);
	assert_int_equal(kdk_nfs_mount_source(&t, "10.0.2.2", source, sizeof(source), &err), 0);
	assert_string_equal(source, "10.0.2.2:/export/dumps");
	assert_int_equal(kdk_nfs_mount_data(&t, 2, "10.0.2.2", "10.0.2.15", &fstype, small, sizeof(small), &err),
			 -ENAMETOOLONG);
	assert_string_equal(err.msg, "NFS mount options longer than 40 bytes");
	kdk_nfs_target_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nfsv4_is_the_default),
		cmocka_unit_test(nfsv4_options),
		cmocka_unit_test(nfsv3_mounts_nolock_with_its_mount_server),
		cmocka_unit_test(refusals_name_the_option),
		cmocka_unit_test(server_addresses),
		cmocka_unit_test(source_and_overlong_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
