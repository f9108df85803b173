/* dhcp.c — the capture /init's DHCP client: broadcast DISCOVER from 0.0.0.0:68 through the NIC
 * (SO_BINDTODEVICE), take the first OFFER, REQUEST it, and take the ACK. Retransmits every 2 s
 * until the deadline; a NAK starts over. No renewal: the capture kernel lives for one dump. */
#include "dhcp.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "console.h"

static int open_socket(const char *ifname, struct kdk_err *err)
{
	struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(68) };
	int one = 1, sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (sock < 0)
		return kdk_err_sys(err, errno, "DHCP: socket");
	if (setsockopt(sock, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname) + 1) < 0 ||
	    bind(sock, (struct sockaddr *)&any, sizeof(any)) < 0) {
		int code = errno;
		close(sock);
		return kdk_err_sys(err, code, "DHCP on %s: cannot bind port 68", ifname);
	}
	return sock;
}

/* Send msg, then wait up to 2 s (and no later than deadline) for a reply of `want`. */
static int exchange(int sock, const char *ifname, const uint8_t *msg, size_t len, uint32_t xid,
		    const uint8_t mac[6], enum kdk_dhcp_type want, double deadline,
		    struct kdk_dhcp_lease *lease, struct kdk_err *err)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(67),
				  .sin_addr = { .s_addr = htonl(INADDR_BROADCAST) } };
	double resend = uptime_seconds() + 2;

	if (sendto(sock, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return kdk_err_sys(err, errno, "DHCP on %s: send", ifname);
	for (;;) {
		uint8_t reply[1500];
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		double now = uptime_seconds(), until = resend < deadline ? resend : deadline;
		ssize_t n;
		int rc;

		if (now >= until)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, (int)((until - now) * 1000) + 1) <= 0)
			continue;
		if ((n = recv(sock, reply, sizeof(reply), 0)) < 0)
			continue;
		rc = kdk_dhcp_parse(reply, (size_t)n, xid, mac, lease, err);
		if (rc == -EAGAIN)
			continue;
		if (rc < 0)
			return kdk_err_prefix(err, "DHCP on %s: ", ifname);
		if (lease->type == want || lease->type == KDK_DHCP_NAK)
			return 0;
	}
}

int dhcp_lease(const char *ifname, const uint8_t mac[6], double deadline,
	       struct kdk_dhcp_lease *lease, struct kdk_err *err)
{
	uint8_t msg[KDK_DHCP_MAX];
	struct kdk_dhcp_lease offer;
	uint32_t xid = (uint32_t)time(NULL) ^ ((uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 |
					       (uint32_t)mac[4] << 8 | mac[5]);
	int sock = open_socket(ifname, err), rc = -ETIMEDOUT;

	if (sock < 0)
		return sock;
	while (uptime_seconds() < deadline) {
		size_t len = kdk_dhcp_build(msg, KDK_DHCP_DISCOVER, ++xid, mac, NULL, NULL);

		rc = exchange(sock, ifname, msg, len, xid, mac, KDK_DHCP_OFFER, deadline, &offer, err);
		if (rc == -ETIMEDOUT || (rc == 0 && offer.type != KDK_DHCP_OFFER))
			continue;
		if (rc < 0)
			break;
		len = kdk_dhcp_build(msg, KDK_DHCP_REQUEST, xid, mac, &offer.address, &offer.server);
		rc = exchange(sock, ifname, msg, len, xid, mac, KDK_DHCP_ACK, deadline, lease, err);
		if (rc == 0 && lease->type == KDK_DHCP_ACK)
			break;
		if (rc < 0 && rc != -ETIMEDOUT)
			break;
		rc = -ETIMEDOUT;   /* a NAK or no ACK: start over */
	}
	close(sock);
	if (rc == -ETIMEDOUT)
		return kdk_err_set(err, ETIMEDOUT, "DHCP on %s: no lease before the deadline (is a DHCP "
						 "server on that network? or give ip=<client-ip>::<gw-ip>:<netmask>::<MAC>:none)",
				   ifname);
	return rc;
}
