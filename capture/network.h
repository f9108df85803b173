/* network.h — the capture kernel's network for ssh targets: the interface ip= on the command
 * line names (by name, MAC or the first one), its address, netmask and default route through
 * ioctls, and a bounded TCP probe of the target. */
#ifndef CAPTURE_NETWORK_H
#define CAPTURE_NETWORK_H

#include <netinet/in.h>
#include <stddef.h>

#include "kdk_err.h"

/* Read ip= from /proc/cmdline (lib/ip_config), wait up to timeout_s for its interface (NIC
 * drivers probe asynchronously), bring lo and it up with the static address and default route.
 * One console line says interface, MAC, address/prefix, gateway and how long it took. */
int network_up(unsigned timeout_s, struct kdk_err *err);

/* Connect to host:port (numeric IPv4, or a name in /etc/hosts) within timeout_s and close
 * again: "cannot reach 10.0.2.100:22: Connection refused" otherwise. */
int network_probe_tcp(const char *host, unsigned port, unsigned timeout_s, struct kdk_err *err);

/* host as an IPv4 address: numeric, or a name in the image's /etc/hosts. The one place the
 * capture /init resolves a target's host (ssh and nfs). */
int network_resolve_host(const char *host, struct in_addr *addr, struct kdk_err *err);

/* This machine's address on the route to server (for NFSv4's clientaddr= and the dump
 * directory's name), dotted into out. */
int network_local_address(struct in_addr server, char *out, size_t size, struct kdk_err *err);

/* The host of kdump.conf's "ssh user@host" (what follows the '@'; all of it without one). */
const char *network_ssh_host(const char *user_at_host);

#endif
