/* nfs_target.h — an NFS dump target: kdump.conf's "nfs SERVER:/export" and "nfs_options", checked,
 * and turned into the fstype and text options the kernel's NFS client takes from mount(2). */
#ifndef KDK_NFS_TARGET_H
#define KDK_NFS_TARGET_H

#include <netinet/in.h>
#include <stdbool.h>

#include "kdk_err.h"

struct kdk_nfs_target {
	char *server;         /* as written: a numeric IPv4 address or a host name */
	char *export_path;    /* "/export", as written after the ':' */
	unsigned version;     /* 3 or 4 */
	int minor;            /* NFSv4 minor version; -1: not given (the /init tries 2, 1, 0) */
	unsigned port;        /* port=: 0 is the kernel's default (2049; v3: asked of rpcbind) */
	unsigned mountport;   /* mountport= (v3): 0: asked of the server's rpcbind */
	char *passed;         /* options given to the kernel as written (timeo=, soft, …), "" if none */
};

/* Parse spec ("10.0.2.2:/export") and options (nfs_options' value, or NULL), as kdump.conf's
 * "nfs"/"nfs4" key named it (key: "nfs4" means NFSv4 when no vers= says otherwise). What the
 * capture /init cannot do is refused with the option named: proto= other than tcp, sec= other
 * than sys, addr=/clientaddr=/mountaddr= (the /init sets them), vers=2, unknown options. */
int kdk_nfs_target_parse(const char *key, const char *spec, const char *options,
			 struct kdk_nfs_target *t, struct kdk_err *err);
void kdk_nfs_target_free(struct kdk_nfs_target *t);

/* The mount(2) filesystem type ("nfs4" or "nfs") and its data string for one attempt:
 * minor is the NFSv4 minor version to ask for (ignored for v3). server_addr and client_addr
 * are dotted quads; client_addr is the capture kernel's address (NFSv4's clientaddr=). */
int kdk_nfs_mount_data(const struct kdk_nfs_target *t, int minor, const char *server_addr,
		       const char *client_addr, const char **fstype, char *data, size_t size,
		       struct kdk_err *err);

/* "server:/export" as mount(2)'s source. */
int kdk_nfs_mount_source(const struct kdk_nfs_target *t, const char *server_addr, char *source,
			 size_t size, struct kdk_err *err);

#endif
