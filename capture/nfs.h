/* nfs.h — the capture /init's NFS target: network from ip=, the export mounted with mount(2)
 * under a time limit, the dump saved in it as on a local file system, unmounted. */
#ifndef CAPTURE_NFS_H
#define CAPTURE_NFS_H

#include "kdk_err.h"
#include "kdump_conf.h"

/* Save into <export>/<path>/<this machine's address>-<date>/ with the export mounted at
 * mountpoint. The network waits at most timeout_s, then the server's port and the mount
 * together at most timeout_s more (kdumpkit.wait=); the save itself is under the watchdog. */
int capture_save_nfs(const struct kdk_kdump_conf *conf, const char *mountpoint, unsigned timeout_s,
		     struct kdk_err *err);

#endif
