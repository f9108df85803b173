/* dhcp_packet.h — DHCPv4 messages (RFC 2131/2132) as the capture /init needs them: a DISCOVER
 * and a REQUEST to build, an OFFER or ACK to read. Bytes only; capture/dhcp.c does the sockets. */
#ifndef KDK_DHCP_PACKET_H
#define KDK_DHCP_PACKET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

enum kdk_dhcp_type {
	KDK_DHCP_DISCOVER = 1, KDK_DHCP_OFFER = 2, KDK_DHCP_REQUEST = 3, KDK_DHCP_DECLINE = 4,
	KDK_DHCP_ACK = 5, KDK_DHCP_NAK = 6,
};

#define KDK_DHCP_MAX 576   /* the size every DHCP server must accept */
/* name servers kept from option 6: as many as glibc's resolver asks (MAXNS) */
#define KDK_DHCP_MAX_DNS 3

struct kdk_dhcp_lease {
	enum kdk_dhcp_type type;      /* of the message read */
	struct in_addr address;       /* yiaddr */
	struct in_addr server;        /* option 54, the server identifier */
	struct in_addr netmask;       /* option 1 (0: not given) */
	struct in_addr router;        /* option 3, the first router (0: none) */
	uint32_t lease_seconds;       /* option 51 (0: not given) */
	struct in_addr dns[KDK_DHCP_MAX_DNS];   /* option 6, the first KDK_DHCP_MAX_DNS servers */
	unsigned dns_count;
	char domain[256];             /* option 15, the domain name ("" not given or not text) */
};

/* DISCOVER (server and requested NULL) or REQUEST (selecting: both from the OFFER) into out
 * (KDK_DHCP_MAX bytes); returns its length. The broadcast flag is set: the client has no
 * address yet to receive unicast at. */
size_t kdk_dhcp_build(uint8_t *out, enum kdk_dhcp_type type, uint32_t xid, const uint8_t mac[6],
		      const struct in_addr *requested, const struct in_addr *server);

/* Read a server's reply to our xid and MAC. -EAGAIN for a message that is not ours (another
 * client's, not a reply), -EINVAL (err says what) for a malformed one. */
int kdk_dhcp_parse(const uint8_t *msg, size_t len, uint32_t xid, const uint8_t mac[6],
		   struct kdk_dhcp_lease *lease, struct kdk_err *err);

#endif
