/* dhcp_packet.c — DHCPv4 messages: the BOOTP header (RFC 951/2131), the magic cookie and the
 * options the capture /init asks for (RFC 2132). All multi-byte fields are big-endian. */
#include "dhcp_packet.h"

#include <errno.h>
#include <string.h>

#define OFF_OP      0
#define OFF_XID     4
#define OFF_FLAGS   10
#define OFF_YIADDR  16
#define OFF_CHADDR  28
#define OFF_COOKIE  236
#define OFF_OPTIONS 240
static const uint8_t magic_cookie[4] = { 99, 130, 83, 99 };

enum { OPT_PAD = 0, OPT_SUBNET = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_DOMAIN = 15,
       OPT_REQUESTED = 50, OPT_LEASE = 51,
       OPT_TYPE = 53, OPT_SERVER = 54, OPT_PARAMS = 55, OPT_END = 255 };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

size_t kdk_dhcp_build(uint8_t *out, enum kdk_dhcp_type type, uint32_t xid, const uint8_t mac[6],
		      const struct in_addr *requested, const struct in_addr *server)
{
	size_t n = OFF_OPTIONS;

	memset(out, 0, KDK_DHCP_MAX);
	out[OFF_OP] = 1;          /* BOOTREQUEST */
	out[1] = 1;               /* htype: Ethernet */
	out[2] = 6;               /* hlen */
	put32(out + OFF_XID, xid);
	out[OFF_FLAGS] = 0x80;    /* broadcast */
	memcpy(out + OFF_CHADDR, mac, 6);
	memcpy(out + OFF_COOKIE, magic_cookie, 4);
	out[n++] = OPT_TYPE;
	out[n++] = 1;
	out[n++] = (uint8_t)type;
	if (requested) {
		out[n++] = OPT_REQUESTED;
		out[n++] = 4;
		memcpy(out + n, &requested->s_addr, 4);
		n += 4;
	}
	if (server) {
		out[n++] = OPT_SERVER;
		out[n++] = 4;
		memcpy(out + n, &server->s_addr, 4);
		n += 4;
	}
	out[n++] = OPT_PARAMS;
	out[n++] = 4;
	out[n++] = OPT_SUBNET;
	out[n++] = OPT_ROUTER;
	out[n++] = OPT_DNS;       /* the capture /init resolves ssh/nfs host names (lib/net/resolve) */
	out[n++] = OPT_DOMAIN;
	out[n++] = OPT_END;
	/* BOOTP relays expect at least the 300-byte BOOTP size. */
	return n < 300 ? 300 : n;
}

int kdk_dhcp_parse(const uint8_t *msg, size_t len, uint32_t xid, const uint8_t mac[6],
		   struct kdk_dhcp_lease *lease, struct kdk_err *err)
{
	size_t i;

	if (len < OFF_OPTIONS || msg[OFF_OP] != 2 || get32(msg + OFF_XID) != xid ||
	    memcmp(msg + OFF_CHADDR, mac, 6))
		return -EAGAIN;
	if (memcmp(msg + OFF_COOKIE, magic_cookie, 4))
		return kdk_err_set(err, EINVAL, "DHCP reply without the magic cookie");
	memset(lease, 0, sizeof(*lease));
	memcpy(&lease->address.s_addr, msg + OFF_YIADDR, 4);
	for (i = OFF_OPTIONS; i < len;) {
		uint8_t code = msg[i], size;

		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END)
			break;
		if (i + 2 > len || i + 2 + (size = msg[i + 1]) > len)
			return kdk_err_set(err, EINVAL, "DHCP option %u at byte %zu runs past the message (%zu bytes)",
					   code, i, len);
		const uint8_t *value = msg + i + 2;
		switch (code) {
		case OPT_TYPE: if (size >= 1) lease->type = (enum kdk_dhcp_type)value[0]; break;
		case OPT_SUBNET: if (size >= 4) memcpy(&lease->netmask.s_addr, value, 4); break;
		case OPT_ROUTER: if (size >= 4) memcpy(&lease->router.s_addr, value, 4); break;
		case OPT_SERVER: if (size >= 4) memcpy(&lease->server.s_addr, value, 4); break;
		case OPT_LEASE: if (size >= 4) lease->lease_seconds = get32(value); break;
		case OPT_DNS:
			for (size_t k = 0; k + 4 <= size && lease->dns_count < KDK_DHCP_MAX_DNS; k += 4)
				memcpy(&lease->dns[lease->dns_count++].s_addr, value + k, 4);
			break;
		case OPT_DOMAIN:
			/* RFC 2132 §3.17: text, maybe NUL-terminated by some servers; a name with a
			 * NUL inside or bytes a host name cannot hold is dropped, not used */
			lease->domain[0] = '\0';
			for (size_t k = 0; k < size; k++) {
				uint8_t c = value[k];
				if (!c && k + 1 == size)
					break;
				if (!(c == '-' || c == '.' || c == '_' || (c >= '0' && c <= '9') ||
				      ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))) {
					lease->domain[0] = '\0';
					break;
				}
				lease->domain[k] = (char)c;
				lease->domain[k + 1] = '\0';
			}
			break;
		default: break;
		}
		i += 2 + size;
	}
	if (!lease->type)
		return kdk_err_set(err, EINVAL, "DHCP reply without a message type (a plain BOOTP server?)");
	return 0;
}
