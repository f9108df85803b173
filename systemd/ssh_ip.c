/* ssh_ip.c — which interface, address, netmask and gateway reach the ssh target: the longest
 * matching up route of <proc>/net/route (lowest metric among equals), the interface's first
 * IPv4 address, and its MAC from sysfs. */
#include "ssh_ip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/route.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct route {
	char iface[64];
	uint32_t gateway;   /* network order, as /proc/net/route prints it (host-endian hex) */
	uint32_t mask;
	unsigned metric;
	bool found;
};

static int resolve(const char *host, struct in_addr *addr, struct kdk_err *err)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res;
	int rc;

	if (inet_pton(AF_INET, host, addr) == 1)
		return 0;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc)
		return kdk_err_set(err, ENOENT, "ssh target %s: %s (the capture image needs the address it has here)",
				   host, gai_strerror(rc));
	*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* /proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT",
 * addresses as the kernel's __be32 printed in hex by a little-endian CPU: read with %X they are
 * the network-order value again. */
static int find_route(const char *path, struct in_addr dest, struct route *best,
		      struct kdk_err *err)
{
	char *text, *line, *save = NULL;
	int rc = ctl_read_text(path, &text, err);

	if (rc)
		return rc;
	best->found = false;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char iface[64];
		unsigned dst, gw, flags, refcnt, use, metric, mask;
		if (sscanf(line, "%63s %X %X %X %u %u %u %X", iface, &dst, &gw, &flags, &refcnt, &use,
			   &metric, &mask) != 8 || !(flags & RTF_UP))
			continue;
		if ((dest.s_addr & mask) != (dst & mask))
			continue;
		if (best->found && (ntohl(mask) < ntohl(best->mask) ||
				    (mask == best->mask && metric >= best->metric)))
			continue;
		snprintf(best->iface, sizeof(best->iface), "%s", iface);
		best->gateway = (flags & RTF_GATEWAY) ? gw : 0;
		best->mask = mask;
		best->metric = metric;
		best->found = true;
	}
	free(text);
	return 0;
}

/* ip='s dns0-ip/dns1-ip for an ssh target given by name: the first two IPv4 nameservers of
 * resolv.conf that the capture kernel can reach — not loopback ones (a local stub such as
 * systemd-resolved's 127.0.0.53 does not run there). "" when none (then the image's /etc/hosts,
 * docs/formats/dns.md); a missing file is no error. */
static void name_servers(const char *path, char *out, size_t size)
{
	char line[512], found[2][INET_ADDRSTRLEN] = { "", "" };
	unsigned n = 0;
	FILE *in = fopen(path, "re");

	out[0] = '\0';
	if (!in)
		return;
	while (n < 2 && fgets(line, sizeof(line), in)) {
		char word[64];
		struct in_addr a;

		if (sscanf(line, " nameserver %63s", word) != 1 || inet_pton(AF_INET, word, &a) != 1 ||
		    (ntohl(a.s_addr) >> 24) == 127)
			continue;
		inet_ntop(AF_INET, &a, found[n++], sizeof(found[0]));
	}
	fclose(in);
	snprintf(out, size, "%s%s%s", found[0], n > 1 ? ":" : "", found[1]);
}

int ssh_ip_param(const struct ctl *ctl, const char *target, char **out, struct kdk_err *err)
{
	const char *host = strchr(target, '@') ? strchr(target, '@') + 1 : target;
	char *route_path = ctl_path(ctl->proc, "net/route"), *mac_path = NULL, *mac = NULL;
	char client[INET_ADDRSTRLEN] = "", gateway[INET_ADDRSTRLEN] = "", netmask[INET_ADDRSTRLEN];
	struct ifaddrs *ifs = NULL, *ifa;
	struct in_addr dest, a;
	struct route route;
	int rc;

	if (!route_path)
		return kdk_err_set(err, ENOMEM, "out of memory");
	if ((rc = resolve(host, &dest, err)) || (rc = find_route(route_path, dest, &route, err)))
		goto out;
	if (!route.found) {
		rc = kdk_err_set(err, ENETUNREACH, "ssh target %s: no route to it in %s (is the network up? "
				 "or set ip= in KDUMP_COMMANDLINE_APPEND)", host, route_path);
		goto out;
	}
	if (getifaddrs(&ifs) < 0) {
		rc = kdk_err_sys(err, errno, "getifaddrs");
		goto out;
	}
	for (ifa = ifs; ifa; ifa = ifa->ifa_next)
		if (ifa->ifa_addr && ifa->ifa_addr->sa_family == AF_INET &&
		    !strcmp(ifa->ifa_name, route.iface)) {
			inet_ntop(AF_INET, &((struct sockaddr_in *)ifa->ifa_addr)->sin_addr, client,
				  sizeof(client));
			/* The interface's own netmask, not the route's (0.0.0.0 for a default route). */
			inet_ntop(AF_INET, &((struct sockaddr_in *)ifa->ifa_netmask)->sin_addr, netmask,
				  sizeof(netmask));
			break;
		}
	if (!client[0]) {
		rc = kdk_err_set(err, EADDRNOTAVAIL, "ssh target %s: the route goes through %s, which has no IPv4 address",
				 host, route.iface);
		goto out;
	}
	if (route.gateway) {
		a.s_addr = route.gateway;
		inet_ntop(AF_INET, &a, gateway, sizeof(gateway));
	}
	if (asprintf(&mac_path, "class/net/%s/address", route.iface) < 0) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto out;
	}
	{
		char *full = ctl_path(ctl->sysfs, mac_path);
		rc = full ? ctl_read_text(full, &mac, err) : kdk_err_set(err, ENOMEM, "out of memory");
		free(full);
		if (rc)
			goto out;
	}
	mac[strcspn(mac, "\n")] = '\0';
	/* A route without a gateway is on-link: the gateway field stays empty. A target by name
	 * gets this machine's name servers as dns0/dns1 (the capture /init asks them first). */
	{
		char dns[64] = "";

		if (inet_pton(AF_INET, host, &a) != 1)
			name_servers(ctl->resolv_conf, dns, sizeof(dns));
		if (asprintf(out, "ip=%s::%s:%s::%s:none%s%s", client, gateway, netmask, mac,
			     dns[0] ? ":" : "", dns) < 0)
			rc = kdk_err_set(err, ENOMEM, "out of memory");
	}
out:
	if (ifs)
		freeifaddrs(ifs);
	free(route_path);
	free(mac_path);
	free(mac);
	return rc;
}
