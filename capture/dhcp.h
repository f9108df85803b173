/* dhcp.h — a DHCPv4 lease for the capture kernel's NIC (ip=dhcp): DISCOVER, OFFER, REQUEST, ACK
 * over a UDP socket bound to the interface, retransmitted until the deadline. */
#ifndef CAPTURE_DHCP_H
#define CAPTURE_DHCP_H

#include "dhcp_packet.h"
#include "kdk_err.h"

/* The interface must be up (no address needed). */
int dhcp_lease(const char *ifname, const uint8_t mac[6], double deadline,
	       struct kdk_dhcp_lease *lease, struct kdk_err *err);

#endif
