/* network.h — the capture kernel's network for ssh targets: the interface ip= on the command
 * line names (by name, MAC or the first one), its address, netmask and default route through
 * ioctls, and a bounded TCP probe of the target. */
#ifndef CAPTURE_NETWORK_H
#define CAPTURE_NETWORK_H

#include <netinet/in.h>
#include <stddef.h>

#include "kdk_err.h"
#include "net/resolve.h"

/* Read ip= from /proc/cmdline (lib/ip_config), wait up to timeout_s for its interface (NIC
 * drivers probe asynchronously), bring lo and it up with the static address and default route.
 * One console line says interface, MAC, address/prefix, gateway and how long it took. dns gets
 * the name servers and search domain the DHCP lease (options 6, 15) or ip='s dns0/dns1 gave. */
int network_up(unsigned timeout_s, struct kdk_resolv_conf *dns, struct kdk_err *err);

/* host (kdump.conf's, a name or an address) to an address through lib/net/resolve: DNS with
 * dns's servers, then the image's /etc/hosts; the console says which one answered. */
int network_resolve(const char *host, const struct kdk_resolv_conf *dns, struct in_addr *addr,
		    struct kdk_err *err);

/* Connect to address:port within timeout_s and close again: "cannot reach 10.0.2.100:22:
 * Connection refused" otherwise. */
int network_probe_tcp(struct in_addr address, unsigned port, unsigned timeout_s,
		      struct kdk_err *err);


/* This machine's address on the route to server (for NFSv4's clientaddr= and the dump
 * directory's name), dotted into out. */
int network_local_address(struct in_addr server, char *out, size_t size, struct kdk_err *err);

/* The host of kdump.conf's "ssh user@host" (what follows the '@'; all of it without one). */
const char *network_ssh_host(const char *user_at_host);

#endif
