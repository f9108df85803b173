/* route.c — the route to a host on this machine: RTM_GETROUTE over a NETLINK_ROUTE socket (the
 * kernel's own answer, policy routing included), else a longest-prefix match on /proc/net/route. */
#include "route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int resolve(const char *host, struct in_addr *addr, struct kdk_err *err)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res = NULL;
	int rc;

	if (inet_pton(AF_INET, host, addr) == 1)
		return 0;
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0)
		return kdk_err_set(err, ENOENT, "ssh target host %s does not resolve here: %s", host,
				   gai_strerror(rc));
	*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

/* The kernel's route: 0 with the interface index, or -errno. */
static int netlink_route(struct in_addr dst, int *ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req;
	char buf[8192];
	struct rtattr *rta;
	struct timeval tv = { 2, 0 };
	struct nlmsghdr *nh;
	ssize_t n;
	int sock, rc = -ENOENT;

	if ((sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
		return -errno;
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 32;
	rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(sizeof(dst));
	memcpy(RTA_DATA(rta), &dst, sizeof(dst));
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	if (send(sock, &req, req.nh.nlmsg_len, 0) < 0) {
		rc = -errno;
		goto out;
	}
	if ((n = recv(sock, buf, sizeof(buf), 0)) < 0) {
		rc = -errno;
		goto out;
	}
	for (nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, (size_t)n); nh = NLMSG_NEXT(nh, n)) {
		if (nh->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(nh);

			rc = e->error ? e->error : -ENOENT;
			break;
		}
		if (nh->nlmsg_type == RTM_NEWROUTE) {
			struct rtmsg *rt = NLMSG_DATA(nh);
			int len = (int)RTM_PAYLOAD(nh);

			for (rta = RTM_RTA(rt); RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
				if (rta->rta_type == RTA_OIF && RTA_PAYLOAD(rta) >= sizeof(int)) {
					memcpy(ifindex, RTA_DATA(rta), sizeof(int));
					rc = 0;
				}
			break;
		}
	}
out:
	close(sock);
	return rc;
}

/* /proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric Mask …", addresses as
 * hex of the network-order word; the longest matching mask wins, then the lowest metric. */
static int proc_route(struct in_addr dst, char *ifname, size_t size)
{
	char line[512], best[IF_NAMESIZE] = "";
	unsigned long best_metric = 0;
	int best_len = -1;
	FILE *in = fopen("/proc/net/route", "re");

	if (!in)
		return -errno;
	while (fgets(line, sizeof(line), in)) {
		char name[IF_NAMESIZE];
		unsigned dest, gw, flags, refcnt, use, mask;
		unsigned long metric;
		int len;

		if (sscanf(line, "%15s %x %x %x %u %u %lu %x", name, &dest, &gw, &flags, &refcnt, &use,
			   &metric, &mask) != 8 || !(flags & 1 /* RTF_UP */))
			continue;
		if ((dst.s_addr & mask) != dest)
			continue;
		len = __builtin_popcount(mask);
		if (len > best_len || (len == best_len && metric < best_metric)) {
			snprintf(best, sizeof(best), "%s", name);
			best_len = len;
			best_metric = metric;
		}
	}
	fclose(in);
	if (best_len < 0)
		return -ENETUNREACH;
	snprintf(ifname, size, "%s", best);
	return 0;
}

int rd_route_interface(const char *host, char *ifname, size_t size, struct kdk_err *err)
{
	struct in_addr dst;
	char name[IF_NAMESIZE];
	int ifindex = 0, rc;

	if ((rc = resolve(host, &dst, err)) < 0)
		return rc;
	rc = netlink_route(dst, &ifindex);
	if (rc == 0 && if_indextoname((unsigned)ifindex, name)) {
		snprintf(ifname, size, "%s", name);
		return 0;
	}
	if (rc == -ENETUNREACH || rc == -EHOSTUNREACH)
		return kdk_err_set(err, ENETUNREACH, "no route to %s (%s) on this machine", host,
				   inet_ntoa(dst));
	if ((rc = proc_route(dst, ifname, size)) < 0)
		return kdk_err_set(err, ENETUNREACH, "no route to %s (%s) on this machine%s", host,
				   inet_ntoa(dst), rc == -ENETUNREACH ? "" : " (neither rtnetlink nor "
									   "/proc/net/route answered)");
	return 0;
}
