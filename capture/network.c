/* network.c — bringing up the capture kernel's network from ip= (interface found in sysfs,
 * address, netmask, flags and default route through the classic SIOC* ioctls), and probing the
 * ssh target with a bounded TCP connect. Only libc and kernel interfaces: this is the static /init. */
#include "network.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "dhcp.h"
#include "ip_config.h"
#include "system.h"

#define SYS_NET "/sys/class/net"
#define ARPHRD_ETHER_TYPE 1   /* /sys/class/net/IF/type of an ethernet interface */

static int read_line(const char *path, char *out, size_t size)
{
	FILE *in = fopen(path, "re");
	int rc = 0;

	if (!in)
		return -1;
	if (!fgets(out, (int)size, in))
		rc = -1;
	else
		out[strcspn(out, "\n")] = '\0';
	fclose(in);
	return rc;
}

static int interface_is_ethernet(const char *name)
{
	char path[300], type[16];

	snprintf(path, sizeof(path), SYS_NET "/%s/type", name);
	return !read_line(path, type, sizeof(type)) && atoi(type) == ARPHRD_ETHER_TYPE;
}

static void interface_mac(const char *name, char *mac, size_t size)
{
	char path[300];

	snprintf(path, sizeof(path), SYS_NET "/%s/address", name);
	if (read_line(path, mac, size))
		snprintf(mac, size, "?");
}

/* The interface cfg names, if it is there now: its name into out. Also a list of the
 * interfaces seen ("eth0 52:54:…, …") for the message when it never appears. */
static int find_interface(const struct kdk_ip_config *cfg, char *out, size_t size, char *seen,
			  size_t seen_size)
{
	char want_mac[18] = "", best[IFNAMSIZ] = "";
	struct dirent *d;
	DIR *dir = opendir(SYS_NET);
	size_t used = 0;

	seen[0] = '\0';
	if (!dir)
		return -1;
	if (cfg->device_kind == KDK_IP_DEVICE_MAC)
		kdk_ip_format_mac(cfg->mac, want_mac);
	while ((d = readdir(dir))) {
		char mac[32];

		if (d->d_name[0] == '.' || !strcmp(d->d_name, "lo") || strlen(d->d_name) >= IFNAMSIZ)
			continue;
		interface_mac(d->d_name, mac, sizeof(mac));
		if (used < seen_size)
			used += (size_t)snprintf(seen + used, seen_size - used, "%s%s %s", used ? ", " : "",
						 d->d_name, mac);
		switch (cfg->device_kind) {
		case KDK_IP_DEVICE_NAME:
			if (!strcmp(d->d_name, cfg->device))
				snprintf(best, sizeof(best), "%s", d->d_name);
			break;
		case KDK_IP_DEVICE_MAC:
			if (!strcasecmp(mac, want_mac))
				snprintf(best, sizeof(best), "%s", d->d_name);
			break;
		case KDK_IP_DEVICE_ANY:
			/* The first ethernet interface by name: eth0 before eth1, whatever readdir says. */
			if (interface_is_ethernet(d->d_name) && (!best[0] || strcmp(d->d_name, best) < 0))
				snprintf(best, sizeof(best), "%s", d->d_name);
			break;
		}
	}
	closedir(dir);
	if (!best[0])
		return -1;
	snprintf(out, size, "%s", best);
	return 0;
}

static int set_up(int sock, const char *name, struct kdk_err *err)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return kdk_err_sys(err, errno, "%s: SIOCGIFFLAGS", name);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return kdk_err_sys(err, errno, "%s: bringing it up (SIOCSIFFLAGS)", name);
	return 0;
}

static int set_addr(int sock, const char *name, unsigned long request, struct in_addr addr,
		    const char *what, struct kdk_err *err)
{
	struct ifreq ifr;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	sin->sin_family = AF_INET;
	sin->sin_addr = addr;
	if (ioctl(sock, request, &ifr) < 0)
		return kdk_err_sys(err, errno, "%s: setting the %s %s", name, what, inet_ntoa(addr));
	return 0;
}

static int add_default_route(int sock, const char *name, struct in_addr gateway, struct kdk_err *err)
{
	struct rtentry rt;
	struct sockaddr_in *dst = (struct sockaddr_in *)&rt.rt_dst;
	struct sockaddr_in *gw = (struct sockaddr_in *)&rt.rt_gateway;
	struct sockaddr_in *mask = (struct sockaddr_in *)&rt.rt_genmask;
	char dev[IFNAMSIZ];

	memset(&rt, 0, sizeof(rt));
	dst->sin_family = gw->sin_family = mask->sin_family = AF_INET;
	gw->sin_addr = gateway;
	snprintf(dev, sizeof(dev), "%s", name);
	rt.rt_dev = dev;
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	if (ioctl(sock, SIOCADDRT, &rt) < 0 && errno != EEXIST)
		return kdk_err_sys(err, errno, "%s: adding the default route via %s (SIOCADDRT)", name,
				   inet_ntoa(gateway));
	return 0;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static const char *device_description(const struct kdk_ip_config *cfg, char *buf, size_t size)
{
	char mac[18];

	switch (cfg->device_kind) {
	case KDK_IP_DEVICE_NAME:
		snprintf(buf, size, "network interface %s", cfg->device);
		break;
	case KDK_IP_DEVICE_MAC:
		kdk_ip_format_mac(cfg->mac, mac);
		snprintf(buf, size, "network interface with MAC %s", mac);
		break;
	case KDK_IP_DEVICE_ANY:
		snprintf(buf, size, "ethernet interface");
		break;
	}
	return buf;
}

int network_up(unsigned timeout_s, struct kdk_resolv_conf *dns, struct kdk_err *err)
{
	struct kdk_ip_config cfg;
	char value[512], name[IFNAMSIZ], seen[512], what[64], mac[32], carrier[8], path[300];
	double start = uptime_seconds(), deadline = start + timeout_s;
	int sock, rc;

	if (system_cmdline_value("ip", value, sizeof(value))) {
		/* kdumpctl always gives ip=; a hand-made command line gets DHCP on the first NIC. */
		say("network: no ip= on the capture command line: DHCP on the first Ethernet interface");
		snprintf(value, sizeof(value), "dhcp");
	}
	if ((rc = kdk_ip_config_parse(value, &cfg, err)) < 0)
		return kdk_err_prefix(err, "capture command line: ");
	memset(dns, 0, sizeof(*dns));
	for (unsigned i = 0; i < 2; i++)   /* ip='s dns0-ip, dns1-ip */
		if (cfg.dns[i].s_addr)
			dns->servers[dns->n_servers++] = cfg.dns[i];
	if (cfg.mode == KDK_IP_OFF)
		return kdk_err_set(err, EINVAL, "ip=%s on the capture command line, but the dump target "
						"(ssh or nfs) needs the network", value);

	while (find_interface(&cfg, name, sizeof(name), seen, sizeof(seen))) {
		if (uptime_seconds() >= deadline)
			return kdk_err_set(err, ENODEV, "no %s appeared within %u s (interfaces here: %s); "
							"is its driver in the image (extra_modules)?",
					   device_description(&cfg, what, sizeof(what)), timeout_s,
					   seen[0] ? seen : "none");
		sleep_ms(100);
	}

	if ((sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return kdk_err_sys(err, errno, "socket(AF_INET)");
	if (cfg.mode == KDK_IP_DHCP) {
		struct kdk_dhcp_lease lease;
		uint8_t mac_bytes[6];
		char server[INET_ADDRSTRLEN];
		uint32_t mask;

		interface_mac(name, mac, sizeof(mac));
		if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac_bytes[0], &mac_bytes[1],
			   &mac_bytes[2], &mac_bytes[3], &mac_bytes[4], &mac_bytes[5]) != 6) {
			rc = kdk_err_set(err, ENODEV, "%s: no Ethernet address (%s) for DHCP", name, mac);
			goto out;
		}
		if ((rc = set_up(sock, "lo", err)) < 0 || (rc = set_up(sock, name, err)) < 0 ||
		    (rc = dhcp_lease(name, mac_bytes, deadline, &lease, err)) < 0)
			goto out;
		cfg.client = lease.address;
		cfg.gateway = lease.router;
		/* No subnet mask offered: the address alone, with the router reached on-link. */
		mask = ntohl(lease.netmask.s_addr);
		for (cfg.prefix = 0; cfg.prefix < 32 && (mask & (0x80000000u >> cfg.prefix)); cfg.prefix++)
			;
		if (!lease.netmask.s_addr)
			cfg.prefix = 32;
		inet_ntop(AF_INET, &lease.server, server, sizeof(server));
		say("network: DHCP lease from %s (%u s)", server, lease.lease_seconds);
		/* the lease's name servers unless ip= named its own */
		if (!dns->n_servers)
			for (unsigned i = 0; i < lease.dns_count && i < KDK_RESOLV_MAX_SERVERS; i++)
				dns->servers[dns->n_servers++] = lease.dns[i];
		memcpy(dns->search, lease.domain, sizeof(dns->search) - 1);
		dns->search[sizeof(dns->search) - 1] = '\0';
	}
	if ((rc = set_up(sock, "lo", err)) < 0 ||
	    (rc = set_addr(sock, name, SIOCSIFADDR, cfg.client, "address", err)) < 0 ||
	    (rc = set_addr(sock, name, SIOCSIFNETMASK, kdk_ip_prefix_netmask(cfg.prefix), "netmask",
			   err)) < 0 ||
	    (rc = set_up(sock, name, err)) < 0 ||
	    (cfg.gateway.s_addr && (rc = add_default_route(sock, name, cfg.gateway, err)) < 0))
		goto out;

	/* The link comes up a moment after IFF_UP; a dump through a link without carrier fails
	 * later with a vaguer error, so wait for it within the same bound, and say if it never came. */
	snprintf(path, sizeof(path), SYS_NET "/%s/carrier", name);
	while ((read_line(path, carrier, sizeof(carrier)) || strcmp(carrier, "1")) &&
	       uptime_seconds() < deadline)
		sleep_ms(50);
	interface_mac(name, mac, sizeof(mac));
	{
		char client[INET_ADDRSTRLEN], gateway[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &cfg.client, client, sizeof(client));
		inet_ntop(AF_INET, &cfg.gateway, gateway, sizeof(gateway));
		say("network: %s (%s) %s/%u%s%s%s, up in %.2f s", name, mac, client, cfg.prefix,
		    cfg.gateway.s_addr ? " via " : ", no gateway", cfg.gateway.s_addr ? gateway : "",
		    strcmp(carrier, "1") ? ", no carrier yet" : "", uptime_seconds() - start);
	}
	if (dns->n_servers) {
		char servers[64] = "";
		size_t used = 0;

		for (unsigned i = 0; i < dns->n_servers && used < sizeof(servers); i++)
			used += (size_t)snprintf(servers + used, sizeof(servers) - used, "%s%s",
						 i ? " " : "", inet_ntoa(dns->servers[i]));
		say("network: DNS servers %s%s%s (%s)", servers, dns->search[0] ? ", search " : "",
		    dns->search, cfg.mode == KDK_IP_DHCP && !cfg.dns[0].s_addr ? "DHCP lease" : "ip=");
	}
	rc = 0;
out:
	close(sock);
	return rc;
}

int network_resolve(const char *host, const struct kdk_resolv_conf *dns, struct in_addr *addr,
		    struct kdk_err *err)
{
	struct kdk_resolved found;
	double start = uptime_seconds();
	int rc = kdk_resolve_ipv4(host, dns, &found, err);

	if (rc < 0)
		return rc;
	*addr = found.address;
	switch (found.source) {
	case KDK_RESOLVED_NUMERIC:
		break;
	case KDK_RESOLVED_DNS: {
		char server[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &found.server, server, sizeof(server));
		say("resolved %s: %s, answered by DNS server %s for %s (%.2f s)", host,
		    inet_ntoa(found.address), server, found.name, uptime_seconds() - start);
		break;
	}
	case KDK_RESOLVED_HOSTS:
		say("resolved %s: %s, from /etc/hosts in the image (mkdumprd's address; %s)", host,
		    inet_ntoa(found.address), found.dns_failure[0] ? found.dns_failure
		    : "no DNS server in the lease or ip=");
		break;
	}
	return 0;
}

int network_probe_tcp(struct in_addr address, unsigned port, unsigned timeout_s,
		      struct kdk_err *err)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				   .sin_addr = address };
	char host[INET_ADDRSTRLEN];
	struct pollfd pfd;
	double start = uptime_seconds();
	socklen_t len = sizeof(int);
	int sock, rc, so_error = 0;

	inet_ntop(AF_INET, &address, host, sizeof(host));
	if ((sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return kdk_err_sys(err, errno, "socket(AF_INET, SOCK_STREAM)");
	if (connect(sock, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		if (errno != EINPROGRESS) {
			rc = kdk_err_sys(err, errno, "cannot reach %s:%u", host, port);
			goto out;
		}
		pfd.fd = sock;
		pfd.events = POLLOUT;
		rc = poll(&pfd, 1, (int)timeout_s * 1000);
		if (rc == 0) {
			rc = kdk_err_set(err, ETIMEDOUT, "cannot reach %s:%u: no answer within %u s", host,
					 port, timeout_s);
			goto out;
		}
		if (rc < 0 || getsockopt(sock, SOL_SOCKET, SO_ERROR, &so_error, &len) < 0) {
			rc = kdk_err_sys(err, errno, "cannot reach %s:%u", host, port);
			goto out;
		}
		if (so_error) {
			rc = kdk_err_sys(err, so_error, "cannot reach %s:%u", host, port);
			goto out;
		}
	}
	say("%s:%u answers (TCP connect in %.2f s)", host, port, uptime_seconds() - start);
	rc = 0;
out:
	close(sock);
	return rc;
}

int network_local_address(struct in_addr server, char *out, size_t size, struct kdk_err *err)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9), .sin_addr = server };
	socklen_t len = sizeof(sin);
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	/* A UDP connect sends nothing: it only picks the route and with it the source address. */
	if (sock < 0)
		return kdk_err_sys(err, errno, "socket(AF_INET, SOCK_DGRAM)");
	if (connect(sock, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(sock, (struct sockaddr *)&sin, &len) < 0)
		rc = kdk_err_sys(err, errno, "no route to %s", inet_ntoa(server));
	else if (!inet_ntop(AF_INET, &sin.sin_addr, out, (socklen_t)size))
		rc = kdk_err_sys(err, errno, "inet_ntop");
	close(sock);
	return rc;
}

const char *network_ssh_host(const char *user_at_host)
{
	const char *at = strrchr(user_at_host, '@');

	return at ? at + 1 : user_at_host;
}
