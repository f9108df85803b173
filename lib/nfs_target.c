/* nfs_target.c — kdump.conf's NFS target and nfs_options, checked and turned into the kernel NFS
 * client's text mount options (fs/nfs/fs_context.c: nfs_fs_parameters, nfs_fs_context_validate). */
#include "nfs_target.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Options handed to the kernel as written: they change timing and sizes, never where the
 * dump goes or how the /init reaches the server. Names as fs/nfs/fs_context.c spells them. */
static const char *const passed_numeric[] = { "timeo", "retrans", "rsize", "wsize", "nconnect",
					      "actimeo", NULL };
static const char *const passed_flags[] = { "soft", "hard", "softerr", "noac", "nolock", NULL };

static bool listed(const char *const *list, const char *name, size_t len)
{
	for (; *list; list++)
		if (strlen(*list) == len && !strncmp(*list, name, len))
			return true;
	return false;
}

static int parse_number(const char *option, const char *value, unsigned max, unsigned *out,
			struct kdk_err *err)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(value, &end, 10);
	if (!value[0] || *end || errno || n == 0 || n > max)
		return kdk_err_set(err, EINVAL, "nfs_options: %s: expected a number from 1 to %u",
				   option, max);
	*out = (unsigned)n;
	return 0;
}

static int parse_version(const char *option, const char *value, struct kdk_nfs_target *t,
			 struct kdk_err *err)
{
	if (!strcmp(value, "3")) {
		t->version = 3;
		t->minor = -1;
	} else if (!strcmp(value, "4")) {
		t->version = 4;
		t->minor = -1;
	} else if (!strcmp(value, "4.0") || !strcmp(value, "4.1") || !strcmp(value, "4.2")) {
		t->version = 4;
		t->minor = value[2] - '0';
	} else {
		return kdk_err_set(err, ENOTSUP, "nfs_options: %s: NFS version 3, 4, 4.0, 4.1 or 4.2 "
				   "(NFSv2 is not supported)", option);
	}
	return 0;
}

/* One comma-separated option. Passed-through ones are appended to t->passed. */
static int parse_option(const char *option, struct kdk_nfs_target *t, FILE *passed,
			struct kdk_err *err)
{
	const char *eq = strchr(option, '=');
	size_t name_len = eq ? (size_t)(eq - option) : strlen(option);
	const char *value = eq ? eq + 1 : NULL;
	unsigned n;

#define IS(name) (name_len == strlen(name) && !strncmp(option, name, name_len))
	if (value && (IS("vers") || IS("nfsvers")))
		return parse_version(option, value, t, err);
	if (value && IS("minorversion")) {
		if (strcmp(value, "0") && strcmp(value, "1") && strcmp(value, "2"))
			return kdk_err_set(err, ENOTSUP, "nfs_options: %s: 0, 1 or 2", option);
		t->minor = value[0] - '0';
		return 0;
	}
	if (value && IS("port"))
		return parse_number(option, value, 65535, &t->port, err);
	if (value && IS("mountport"))
		return parse_number(option, value, 65535, &t->mountport, err);
	if (value && (IS("proto") || IS("mountproto"))) {
		if (strcmp(value, "tcp"))
			return kdk_err_set(err, ENOTSUP, "nfs_options: %s: the capture /init mounts over "
					   "TCP (IPv4) only", option);
		return 0;
	}
	if (value && IS("sec")) {
		if (strcmp(value, "sys"))
			return kdk_err_set(err, ENOTSUP, "nfs_options: %s: only sec=sys: the capture "
					   "kernel has no Kerberos credentials (no gssd)", option);
		return 0;
	}
	if (IS("tcp") || IS("rw") || IS("defaults"))
		return 0;
	if (IS("lock"))
		return kdk_err_set(err, ENOTSUP, "nfs_options: lock: the capture kernel runs no "
				   "rpc.statd; NFSv3 is mounted nolock (NFSv4 locks need nothing)");
	if (IS("addr") || IS("clientaddr") || IS("mountaddr"))
		return kdk_err_set(err, EINVAL, "nfs_options: %s: the capture /init sets it (the "
				   "server's address from the nfs line, its own from ip=)", option);
	if (value && listed(passed_numeric, option, name_len)) {
		if (parse_number(option, value, 1u << 30, &n, err))
			return -err->code;
		fprintf(passed, ",%s", option);
		return 0;
	}
	if (!value && listed(passed_flags, option, name_len)) {
		if (!IS("nolock"))
			fprintf(passed, ",%s", option);
		return 0;
	}
#undef IS
	return kdk_err_set(err, ENOTSUP, "nfs_options: \"%s\" is not supported (supported: vers=, "
			   "nfsvers=, minorversion=, port=, mountport=, proto=tcp, sec=sys, timeo=, "
			   "retrans=, rsize=, wsize=, nconnect=, actimeo=, soft, hard, softerr, noac, "
			   "nolock)", option);
}

int kdk_nfs_target_parse(const char *key, const char *spec, const char *options,
			 struct kdk_nfs_target *t, struct kdk_err *err)
{
	const char *colon = strchr(spec, ':');
	char *copy = NULL, *option, *save = NULL, *passed = NULL;
	size_t passed_len = 0;
	FILE *passed_out = NULL;
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->version = 4;
	t->minor = -1;
	(void)key; /* "nfs" and "nfs4" both mean NFSv4 unless vers= says 3 (kdump-utils: nfs4 is
		    * the deprecated spelling of nfs) */
	if (spec[0] == '[')
		return kdk_err_set(err, ENOTSUP, "%s %s: IPv6 servers are not supported (the capture "
				   "kernel's ip= is IPv4)", key, spec);
	if (!colon || colon == spec || colon[1] != '/')
		return kdk_err_set(err, EINVAL, "%s %s: expected SERVER:/export", key, spec);
	if (!(t->server = strndup(spec, (size_t)(colon - spec))) ||
	    !(t->export_path = strdup(colon + 1)) ||
	    !(passed_out = open_memstream(&passed, &passed_len))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	if (options && !(copy = strdup(options))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	for (option = copy ? strtok_r(copy, ",", &save) : NULL; option && !rc;
	     option = strtok_r(NULL, ",", &save))
		rc = parse_option(option, t, passed_out, err);
	if (!rc && t->version == 3 && t->minor >= 0)
		rc = kdk_err_set(err, EINVAL, "nfs_options: minorversion= is for NFSv4, not vers=3");
	if (!rc && t->version == 4 && t->mountport)
		rc = kdk_err_set(err, EINVAL, "nfs_options: mountport= is for NFSv3 (NFSv4 has no "
				 "MOUNT protocol)");
out:
	if (passed_out && fclose(passed_out) && !rc)
		rc = kdk_err_set(err, ENOMEM, "out of memory");
	t->passed = passed;
	if (!t->passed && !rc && !(t->passed = strdup("")))
		rc = kdk_err_set(err, ENOMEM, "out of memory");
	free(copy);
	if (rc)
		kdk_nfs_target_free(t);
	return rc;
}

void kdk_nfs_target_free(struct kdk_nfs_target *t)
{
	free(t->server);
	free(t->export_path);
	free(t->passed);
	memset(t, 0, sizeof(*t));
}

int kdk_nfs_mount_data(const struct kdk_nfs_target *t, int minor, const char *server_addr,
		       const char *client_addr, const char **fstype, char *data, size_t size,
		       struct kdk_err *err)
{
	int len;

	/* The kernel takes no host name: addr= is required (nfs_verify_server_address in
	 * nfs_fs_context_validate: "mount program didn't pass remote address"). */
	if (t->version == 3) {
		/* "nfs" with vers=3: the kernel asks the server's MOUNT service itself
		 * (mountaddr=, mountport= or rpcbind); nolock: there is no rpc.statd here. */
		*fstype = "nfs";
		len = snprintf(data, size, "vers=3,proto=tcp,mountproto=tcp,nolock,sec=sys,addr=%s,"
			       "mountaddr=%s", server_addr, server_addr);
		if (len >= 0 && (size_t)len < size && t->mountport)
			len += snprintf(data + len, size - (size_t)len, ",mountport=%u", t->mountport);
	} else {
		/* clientaddr= is where the server calls back (delegations); the capture kernel's
		 * own address, as mount.nfs would give. */
		/* sec=sys: with no sec= the kernel first tries the Kerberos flavours (modules the
		 * image does not hold); sys is the one flavour the capture kernel can use. */
		*fstype = "nfs4";
		len = snprintf(data, size, "vers=4.%d,proto=tcp,sec=sys,addr=%s,clientaddr=%s",
			       minor < 0 ? 0 : minor, server_addr, client_addr);
	}
	if (len >= 0 && (size_t)len < size && t->port)
		len += snprintf(data + len, size - (size_t)len, ",port=%u", t->port);
	if (len >= 0 && (size_t)len < size)
		len += snprintf(data + len, size - (size_t)len, "%s", t->passed);
	if (len < 0 || (size_t)len >= size)
		return kdk_err_set(err, ENAMETOOLONG, "NFS mount options longer than %zu bytes", size);
	return 0;
}

int kdk_nfs_mount_source(const struct kdk_nfs_target *t, const char *server_addr, char *source,
			 size_t size, struct kdk_err *err)
{
	if ((size_t)snprintf(source, size, "%s:%s", server_addr, t->export_path) >= size)
		return kdk_err_set(err, ENAMETOOLONG, "NFS export %s:%s is too long", server_addr,
				   t->export_path);
	return 0;
}
