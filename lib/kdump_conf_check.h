/* kdump_conf_check.h — what kdump.conf asks, checked against what the capture /init can do, at
 * `kdumpctl start` and mkdumprd time: a setting that would fail only at crash time is refused here. */
#ifndef KDK_KDUMP_CONF_CHECK_H
#define KDK_KDUMP_CONF_CHECK_H

#include <netinet/in.h>
#include <stdbool.h>

#include "kdk_err.h"
#include "kdump_conf.h"

/* Every refusal says "<file>:<line>: …": nfs targets by host name or with nfs_options the
 * capture /init cannot honour (lib/nfs_target.h), nfs_options without an nfs target, raw ones with an
 * ELF core_collector (-E: a raw target holds a flattened kdump-compressed stream) or named by
 * UUID=/LABEL= (the stream erases that id), ssh targets
 * given by IPv6 address (the capture network is IPv4) or by a name that does not resolve here
 * (its address here is the image's /etc/hosts fallback), a
 * core_collector dumpsave's own parser rejects or that does not save a dump, and kdump_pre/
 * kdump_post scripts whose #! interpreter the image does not hold (it holds busybox as /bin/sh,
 * the extra_bins, and the hooks themselves). Hooks are read from the running system. */
int kdk_kdump_conf_check(const struct kdk_kdump_conf *conf, struct kdk_err *err);

/* An NFS server's address here, at build/start time: numeric IPv4, or a name that resolves
 * here (the capture /init asks DNS, then the image's /etc/hosts holding this address); an
 * IPv6 address is ENOTSUP, a name that does not resolve ENOENT. */
int kdk_nfs_server_address(const char *server, struct in_addr *addr, struct kdk_err *err);

/* An ssh or nfs target's host (a dotted IPv4 address or a name) as an IPv4 address on this machine,
 * through its resolver (getaddrinfo): what mkdumprd writes into the image's /etc/hosts. */
int kdk_host_address_here(const char *host, struct in_addr *addr, struct kdk_err *err);


#endif
