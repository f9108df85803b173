/* ip_config.h — the kernel's nfsroot-style ip= value, as the capture command line carries it
 * (docs/formats/ip-config.md): a static IPv4 address, DHCP, or no network. Parsing only. */
#ifndef KDK_IP_CONFIG_H
#define KDK_IP_CONFIG_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "kdk_err.h"

enum kdk_ip_mode {
	KDK_IP_OFF,       /* ip=off / none: no network */
	KDK_IP_STATIC,    /* an address given, autoconf none/off (or empty) */
	KDK_IP_DHCP,      /* ip=dhcp / on / any, or autoconf dhcp/on/any */
};

enum kdk_ip_device_kind {
	KDK_IP_DEVICE_ANY,    /* empty: the first non-loopback ethernet interface that appears */
	KDK_IP_DEVICE_NAME,   /* an interface name (eth0) */
	KDK_IP_DEVICE_MAC,    /* a MAC address: names differ between kernels, the MAC does not */
};

struct kdk_ip_config {
	enum kdk_ip_mode mode;
	struct in_addr client;       /* STATIC: the address */
	unsigned prefix;             /* STATIC: netmask as a prefix length, 0–32 */
	struct in_addr server;       /* 0.0.0.0 when not given */
	struct in_addr gateway;      /* 0.0.0.0: no default route */
	struct in_addr dns[2];       /* 0.0.0.0 when not given */
	char hostname[65];           /* "" when not given */
	enum kdk_ip_device_kind device_kind;
	char device[16];             /* DEVICE_NAME: the name (IFNAMSIZ) */
	uint8_t mac[6];              /* DEVICE_MAC */
};

/* Parse an ip= value (without "ip="). On error cfg is untouched and err names the field and
 * what is wrong with it ("ip=: field 4 (netmask) \"255.0.255.0\" is not contiguous"). */
int kdk_ip_config_parse(const char *value, struct kdk_ip_config *cfg, struct kdk_err *err);

/* "aa:bb:cc:dd:ee:ff" into out (at least 18 bytes). */
void kdk_ip_format_mac(const uint8_t mac[6], char *out);

/* The netmask of a prefix length, in network byte order. */
struct in_addr kdk_ip_prefix_netmask(unsigned prefix);

#endif
