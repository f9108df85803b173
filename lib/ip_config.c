/* ip_config.c — parsing the kernel's ip= value (Documentation/admin-guide/nfs/nfsroot.rst):
 * <client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>:<dns0>:<dns1>, where <device>
 * may also be a MAC address, whose own colons are told apart from the field separators. */
#include "ip_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_CLIENT, F_SERVER, F_GATEWAY, F_NETMASK, F_HOSTNAME, F_DEVICE, F_AUTOCONF, F_DNS0, F_DNS1,
       F_COUNT };

static const char *const field_names[F_COUNT] = {
	"client-ip", "server-ip", "gw-ip", "netmask", "hostname", "device", "autoconf", "dns0-ip",
	"dns1-ip",
};

static int field_err(struct kdk_err *err, int field, const char *text, const char *what)
{
	return kdk_err_set(err, EINVAL, "ip= field %d (%s) \"%s\": %s", field + 1, field_names[field],
			   text, what);
}

static int parse_addr(int field, const char *text, struct in_addr *out, struct kdk_err *err)
{
	if (!*text) {
		out->s_addr = 0;
		return 0;
	}
	if (inet_pton(AF_INET, text, out) != 1)
		return field_err(err, field, text, "not a dotted IPv4 address");
	return 0;
}

/* A netmask's prefix length, or -1 when its ones are not contiguous. */
static int netmask_prefix(struct in_addr mask)
{
	uint32_t m = ntohl(mask.s_addr);
	int prefix = 0;

	while (prefix < 32 && (m & (0x80000000u >> prefix)))
		prefix++;
	if (prefix < 32 && (m << prefix))
		return -1;
	return prefix;
}

struct in_addr kdk_ip_prefix_netmask(unsigned prefix)
{
	struct in_addr mask;

	mask.s_addr = htonl(prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~0u << (32 - prefix));
	return mask;
}

void kdk_ip_format_mac(const uint8_t mac[6], char *out)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

static int is_hex_pair(const char *s)
{
	return isxdigit((unsigned char)s[0]) && isxdigit((unsigned char)s[1]) && !s[2];
}

/* aa-bb-cc-dd-ee-ff (one token; the dashed form avoids the colons) */
static int parse_dashed_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int n = 0, i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x-%2x-%2x-%2x-%2x-%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 ||
	    n != 17)
		return -1;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[3 * i]) || !isxdigit((unsigned char)s[3 * i + 1]))
			return -1;
		mac[i] = (uint8_t)v[i];
	}
	return 0;
}

static int parse_device(const char *text, struct kdk_ip_config *cfg, struct kdk_err *err)
{
	size_t i;

	if (!*text) {
		cfg->device_kind = KDK_IP_DEVICE_ANY;
		return 0;
	}
	if (strchr(text, '-') && strlen(text) == 17) {
		if (parse_dashed_mac(text, cfg->mac) < 0)
			return field_err(err, F_DEVICE, text, "not a MAC address (aa-bb-cc-dd-ee-ff)");
		cfg->device_kind = KDK_IP_DEVICE_MAC;
		return 0;
	}
	if (strlen(text) >= sizeof(cfg->device))
		return field_err(err, F_DEVICE, text, "interface names are at most 15 characters");
	for (i = 0; text[i]; i++)
		if (text[i] == '/' || isspace((unsigned char)text[i]))
			return field_err(err, F_DEVICE, text, "not an interface name or MAC address");
	if (!strcmp(text, ".") || !strcmp(text, ".."))
		return field_err(err, F_DEVICE, text, "not an interface name or MAC address");
	cfg->device_kind = KDK_IP_DEVICE_NAME;
	snprintf(cfg->device, sizeof(cfg->device), "%s", text);
	return 0;
}

static int parse_hostname(const char *text, struct kdk_ip_config *cfg, struct kdk_err *err)
{
	size_t i;

	if (strlen(text) >= sizeof(cfg->hostname))
		return field_err(err, F_HOSTNAME, text, "host names are at most 64 characters");
	for (i = 0; text[i]; i++)
		if (!isalnum((unsigned char)text[i]) && text[i] != '-' && text[i] != '.')
			return field_err(err, F_HOSTNAME, text,
					 "a host name has only letters, digits, '-' and '.'");
	snprintf(cfg->hostname, sizeof(cfg->hostname), "%s", text);
	return 0;
}

/* autoconf: off/none → static; dhcp/on/any → DHCP; "" → static when an address is given. */
static int parse_autoconf(const char *text, int *dhcp, struct kdk_err *err)
{
	if (!*text)
		*dhcp = -1;
	else if (!strcmp(text, "off") || !strcmp(text, "none"))
		*dhcp = 0;
	else if (!strcmp(text, "dhcp") || !strcmp(text, "on") || !strcmp(text, "any"))
		*dhcp = 1;
	else if (!strcmp(text, "bootp") || !strcmp(text, "rarp") || !strcmp(text, "both"))
		return field_err(err, F_AUTOCONF, text, "BOOTP and RARP are not supported (use dhcp or none)");
	else
		return field_err(err, F_AUTOCONF, text, "expected none, off, dhcp, on or any");
	return 0;
}

/* Split at ':' into fields, joining the six parts of a colon-written MAC in the device field. */
static int split_fields(char *copy, char *fields[F_COUNT], struct kdk_err *err)
{
	char *parts[F_COUNT + 6];
	size_t nparts = 0, i, f = 0;
	char *p = copy;

	for (;;) {
		char *colon = strchr(p, ':');

		if (nparts == sizeof(parts) / sizeof(parts[0]))
			return kdk_err_set(err, EINVAL, "ip= has more than %d fields (client-ip:server-ip:"
						       "gw-ip:netmask:hostname:device:autoconf:dns0-ip:dns1-ip)",
					   F_COUNT);
		parts[nparts++] = p;
		if (!colon)
			break;
		*colon = '\0';
		p = colon + 1;
	}
	for (i = 0; i < F_COUNT; i++)
		fields[i] = "";
	for (i = 0; i < nparts; i++, f++) {
		if (f == F_COUNT)
			return kdk_err_set(err, EINVAL, "ip= has more than %d fields (client-ip:server-ip:"
						       "gw-ip:netmask:hostname:device:autoconf:dns0-ip:dns1-ip)",
					   F_COUNT);
		if (f == F_DEVICE) {
			size_t k = 0;

			while (i + k < nparts && k < 6 && is_hex_pair(parts[i + k]))
				k++;
			if (k == 6) {
				/* Put the separators back: the six parts are contiguous in copy. */
				for (k = 0; k < 5; k++)
					parts[i + k][2] = ':';
				fields[f] = parts[i];
				i += 5;
				continue;
			}
			if (k >= 2) {
				for (k = 0; k + 1 < nparts - i && is_hex_pair(parts[i + k + 1]); k++)
					parts[i + k][2] = ':';
				return kdk_err_set(err, EINVAL, "ip= field %d (%s) \"%s\": not a MAC address "
							       "(six hex pairs, aa:bb:cc:dd:ee:ff)",
						   F_DEVICE + 1, field_names[F_DEVICE], parts[i]);
			}
		}
		fields[f] = parts[i];
	}
	return 0;
}

static int parse_colon_mac(const char *s, uint8_t mac[6])
{
	unsigned v[6];
	int n = 0, i;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &n) != 6 ||
	    n != 17 || s[17])
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)v[i];
	return 0;
}

int kdk_ip_config_parse(const char *value, struct kdk_ip_config *out, struct kdk_err *err)
{
	struct kdk_ip_config cfg;
	char *copy, *fields[F_COUNT], *slash;
	struct in_addr mask;
	int dhcp = -1, rc, prefix = -1;

	memset(&cfg, 0, sizeof(cfg));
	if (!value || !*value)
		return kdk_err_set(err, EINVAL, "ip= is empty (expected dhcp, none or "
						"client-ip:server-ip:gw-ip:netmask:hostname:device:autoconf)");
	if (!strcmp(value, "off") || !strcmp(value, "none")) {
		cfg.mode = KDK_IP_OFF;
		*out = cfg;
		return 0;
	}
	if (!strcmp(value, "dhcp") || !strcmp(value, "on") || !strcmp(value, "any")) {
		cfg.mode = KDK_IP_DHCP;
		*out = cfg;
		return 0;
	}
	if (!strcmp(value, "bootp") || !strcmp(value, "rarp") || !strcmp(value, "both"))
		return kdk_err_set(err, EINVAL, "ip=%s: BOOTP and RARP are not supported (use ip=dhcp or "
						"a static address)", value);
	if (!(copy = strdup(value)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if ((rc = split_fields(copy, fields, err)) < 0)
		goto out;

	if ((slash = strchr(fields[F_CLIENT], '/'))) {
		char *end;
		long n;

		*slash = '\0';
		errno = 0;
		n = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || n < 0 || n > 32 || !isdigit((unsigned char)slash[1])) {
			*slash = '/';
			rc = field_err(err, F_CLIENT, fields[F_CLIENT], "the prefix after '/' must be 0–32");
			goto out;
		}
		prefix = (int)n;
	}
	if ((rc = parse_addr(F_CLIENT, fields[F_CLIENT], &cfg.client, err)) < 0 ||
	    (rc = parse_addr(F_SERVER, fields[F_SERVER], &cfg.server, err)) < 0 ||
	    (rc = parse_addr(F_GATEWAY, fields[F_GATEWAY], &cfg.gateway, err)) < 0 ||
	    (rc = parse_addr(F_DNS0, fields[F_DNS0], &cfg.dns[0], err)) < 0 ||
	    (rc = parse_addr(F_DNS1, fields[F_DNS1], &cfg.dns[1], err)) < 0)
		goto out;
	if (*fields[F_NETMASK]) {
		int from_mask;

		if (inet_pton(AF_INET, fields[F_NETMASK], &mask) != 1) {
			rc = field_err(err, F_NETMASK, fields[F_NETMASK], "not a dotted netmask (255.255.255.0)");
			goto out;
		}
		if ((from_mask = netmask_prefix(mask)) < 0) {
			rc = field_err(err, F_NETMASK, fields[F_NETMASK], "the netmask's ones are not contiguous");
			goto out;
		}
		if (prefix >= 0 && prefix != from_mask) {
			char detail[64];

			snprintf(detail, sizeof(detail), "contradicts the /%d of client-ip", prefix);
			rc = field_err(err, F_NETMASK, fields[F_NETMASK], detail);
			goto out;
		}
		prefix = from_mask;
	}
	if ((rc = parse_hostname(fields[F_HOSTNAME], &cfg, err)) < 0)
		goto out;
	if (strchr(fields[F_DEVICE], ':')) {
		if (parse_colon_mac(fields[F_DEVICE], cfg.mac) < 0) {
			rc = field_err(err, F_DEVICE, fields[F_DEVICE], "not a MAC address (aa:bb:cc:dd:ee:ff)");
			goto out;
		}
		cfg.device_kind = KDK_IP_DEVICE_MAC;
	} else if ((rc = parse_device(fields[F_DEVICE], &cfg, err)) < 0) {
		goto out;
	}
	if ((rc = parse_autoconf(fields[F_AUTOCONF], &dhcp, err)) < 0)
		goto out;
	if (dhcp < 0)
		dhcp = cfg.client.s_addr == 0;

	if (dhcp) {
		cfg.mode = KDK_IP_DHCP;
	} else {
		cfg.mode = KDK_IP_STATIC;
		if (!cfg.client.s_addr) {
			rc = kdk_err_set(err, EINVAL, "ip=%s: autoconf %s needs an address in field 1 "
						      "(client-ip)", value, fields[F_AUTOCONF]);
			goto out;
		}
		if (prefix < 0) {
			rc = kdk_err_set(err, EINVAL, "ip=%s: static address %s without a netmask: give "
						      "field 4 (255.255.255.0) or write %s/24", value,
					 fields[F_CLIENT], fields[F_CLIENT]);
			goto out;
		}
		cfg.prefix = (unsigned)prefix;
		if (cfg.gateway.s_addr) {
			uint32_t m = kdk_ip_prefix_netmask(cfg.prefix).s_addr;

			if ((cfg.gateway.s_addr & m) != (cfg.client.s_addr & m)) {
				char detail[96];

				snprintf(detail, sizeof(detail), "not on the network of %s/%u", fields[F_CLIENT],
					 cfg.prefix);
				rc = field_err(err, F_GATEWAY, fields[F_GATEWAY], detail);
				goto out;
			}
		}
	}
	*out = cfg;
	rc = 0;
out:
	free(copy);
	return rc;
}
