/* resolve.h — a host name to an IPv4 address in the capture /init, which has no libc resolver
 * (static, no NSS): numeric, then DNS over UDP to the lease's or ip='s servers, then /etc/hosts. */
#ifndef KDK_RESOLVE_H
#define KDK_RESOLVE_H

#include <netinet/in.h>
#include <stdint.h>

#include "kdk_err.h"
#include "net/dns_packet.h"

/* glibc's resolver asks at most 3 servers (MAXNS); a DHCP lease or ip= gives at most that many
 * that we use. */
#define KDK_RESOLV_MAX_SERVERS 3

struct kdk_resolv_conf {
	struct in_addr servers[KDK_RESOLV_MAX_SERVERS];
	unsigned n_servers;              /* 0: no DNS, /etc/hosts only */
	char search[KDK_DNS_NAME_MAX + 1];   /* the lease's domain (option 15); "" none */
	uint16_t port;                   /* 0: 53 (tests run a server elsewhere) */
	unsigned timeout_ms;             /* the whole DNS part, every name and server (0: 6000) */
	unsigned attempts;               /* rounds over the servers (0: 3) */
	const char *hosts_file;          /* NULL: /etc/hosts */
};

enum kdk_resolve_source {
	KDK_RESOLVED_NUMERIC,    /* the host was an address */
	KDK_RESOLVED_DNS,
	KDK_RESOLVED_HOSTS,      /* /etc/hosts (mkdumprd writes the build-time address there) */
};

struct kdk_resolved {
	struct in_addr address;
	enum kdk_resolve_source source;
	struct in_addr server;                  /* DNS: the server that answered */
	char name[KDK_DNS_NAME_MAX + 1];        /* DNS: the name asked (with the search domain) */
	char dns_failure[KDK_ERR_MSG_MAX];      /* HOSTS: why DNS gave nothing ("" no servers) */
};

/* The one resolver capture code calls (ssh targets; nfs servers too): host as a dotted IPv4
 * address; else each candidate name (host with the search domain appended first when host has
 * no dot, after it otherwise; a trailing dot: host alone) asked of each server in turn with
 * retransmissions until conf->timeout_ms; else host in conf->hosts_file. -ENOENT when nothing
 * answers, with DNS's and /etc/hosts' reasons in err. */
int kdk_resolve_ipv4(const char *host, const struct kdk_resolv_conf *conf,
		     struct kdk_resolved *out, struct kdk_err *err);

/* host's first IPv4 line in a hosts(5) file: 0, -ENOENT (not there, or no file). */
int kdk_hosts_lookup(const char *path, const char *host, struct in_addr *addr,
		     struct kdk_err *err);

#endif
