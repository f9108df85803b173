/* route.h — which network interface this machine would send to a host through: the host
 * resolved (numeric or getaddrinfo), the kernel asked (rtnetlink RTM_GETROUTE), /proc/net/route
 * read when netlink cannot answer. For mkdumprd's choice of NIC driver modules. */
#ifndef MKDUMPRD_ROUTE_H
#define MKDUMPRD_ROUTE_H

#include <stddef.h>

#include "kdk_err.h"

/* The output interface's name into ifname (IFNAMSIZ bytes) for host (a name or IPv4 address);
 * -ENETUNREACH when there is no route, -ENOENT when host does not resolve. */
int rd_route_interface(const char *host, char *ifname, size_t size, struct kdk_err *err);

#endif
