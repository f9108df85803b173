/* test_ip_config.c — the ip= value: every accepted form (static with netmask or /prefix, DHCP,
 * off, device by name, by MAC with colons or dashes, or empty) and every error naming its field. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "ip_config.h"

static const char *addr(struct in_addr a)
{
	static char buf[4][INET_ADDRSTRLEN];
	static int next;
	char *out = buf[next++ % 4];

	inet_ntop(AF_INET, &a, out, INET_ADDRSTRLEN);
	return out;
}

static struct kdk_ip_config parse_ok(const char *value)
{
	struct kdk_ip_config cfg;
	struct kdk_err err = { 0 };
	int rc = kdk_ip_config_parse(value, &cfg, &err);

	if (rc)
		fail_msg("ip=%s: unexpected error: %s", value, err.msg);
	return cfg;
}

/* The error message for value, which must be refused with EINVAL. */
static const char *parse_err(const char *value)
{
	static struct kdk_err err;
	struct kdk_ip_config cfg;

	memset(&err, 0, sizeof(err));
	memset(&cfg, 0x5a, sizeof(cfg));
	if (kdk_ip_config_parse(value, &cfg, &err) != -EINVAL)
		fail_msg("ip=%s: accepted, expected an error", value);
	return err.msg;
}

static void static_full_form_with_mac(void **state)
{
	struct kdk_ip_config c = parse_ok("10.0.2.15::10.0.2.2:255.255.255.0::52:54:00:12:34:56:none");
	char mac[18];
	(void)state;
	assert_int_equal(c.mode, KDK_IP_STATIC);
	assert_string_equal(addr(c.client), "10.0.2.15");
	assert_int_equal(c.prefix, 24);
	assert_string_equal(addr(c.gateway), "10.0.2.2");
	assert_int_equal(c.server.s_addr, 0);
	assert_string_equal(c.hostname, "");
	assert_int_equal(c.device_kind, KDK_IP_DEVICE_MAC);
	kdk_ip_format_mac(c.mac, mac);
	assert_string_equal(mac, "52:54:00:12:34:56");
}

static void static_with_name_hostname_server_and_dns(void **state)
{
	struct kdk_ip_config c =
		parse_ok("192.168.1.7:192.168.1.1:192.168.1.254:255.255.0.0:crashbox:eth0:off:1.1.1.1:8.8.8.8");
	(void)state;
	assert_int_equal(c.mode, KDK_IP_STATIC);
	assert_int_equal(c.prefix, 16);
	assert_string_equal(addr(c.server), "192.168.1.1");
	assert_string_equal(addr(c.gateway), "192.168.1.254");
	assert_string_equal(c.hostname, "crashbox");
	assert_int_equal(c.device_kind, KDK_IP_DEVICE_NAME);
	assert_string_equal(c.device, "eth0");
	assert_string_equal(addr(c.dns[0]), "1.1.1.1");
	assert_string_equal(addr(c.dns[1]), "8.8.8.8");
}

static void prefix_in_client_ip(void **state)
{
	struct kdk_ip_config c = parse_ok("10.0.2.15/24::10.0.2.2::::none");
	(void)state;
	assert_int_equal(c.mode, KDK_IP_STATIC);
	assert_string_equal(addr(c.client), "10.0.2.15");
	assert_int_equal(c.prefix, 24);
	assert_int_equal(c.device_kind, KDK_IP_DEVICE_ANY);
	/* a prefix and an agreeing netmask together are fine */
	c = parse_ok("10.0.2.15/24:::255.255.255.0:::none");
	assert_int_equal(c.prefix, 24);
	/* the bare address with a prefix, nothing else (empty autoconf → static) */
	c = parse_ok("10.1.2.3/8");
	assert_int_equal(c.mode, KDK_IP_STATIC);
	assert_int_equal(c.prefix, 8);
	assert_int_equal(c.gateway.s_addr, 0);
	c = parse_ok("10.1.2.3/32");
	assert_int_equal(c.prefix, 32);
	c = parse_ok("10.1.2.3:::0.0.0.0");
	assert_int_equal(c.prefix, 0);
}

static void dashed_mac_and_uppercase(void **state)
{
	struct kdk_ip_config c = parse_ok("10.0.2.15:::255.255.255.0::52-54-00-AB-cd-EF:none");
	char mac[18];
	(void)state;
	assert_int_equal(c.device_kind, KDK_IP_DEVICE_MAC);
	kdk_ip_format_mac(c.mac, mac);
	assert_string_equal(mac, "52:54:00:ab:cd:ef");
	c = parse_ok("10.0.2.15:::255.255.255.0::52:54:00:AB:CD:EF");
	assert_int_equal(c.device_kind, KDK_IP_DEVICE_MAC);
	assert_int_equal(c.mac[5], 0xef);
}

static void dhcp_forms(void **state)
{
	static const char *const forms[] = { "dhcp", "on", "any", ":::::eth1:dhcp", "::::::on",
					     ":::::52:54:00:12:34:56:any", "", };
	size_t i;
	(void)state;
	for (i = 0; forms[i][0]; i++)
		assert_int_equal(parse_ok(forms[i]).mode, KDK_IP_DHCP);
	assert_string_equal(parse_ok(":::::eth1:dhcp").device, "eth1");
	assert_int_equal(parse_ok(":::::52:54:00:12:34:56:any").device_kind, KDK_IP_DEVICE_MAC);
	/* no address and no autoconf: DHCP (the kernel's default too) */
	assert_int_equal(parse_ok(":::::eth0").mode, KDK_IP_DHCP);
}

static void off_forms(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("off").mode, KDK_IP_OFF);
	assert_int_equal(parse_ok("none").mode, KDK_IP_OFF);
}

static void bad_addresses_name_their_field(void **state)
{
	(void)state;
	assert_string_equal(parse_err("10.0.2.300:::255.255.255.0:::none"),
			    "ip= field 1 (client-ip) \"10.0.2.300\": not a dotted IPv4 address");
	assert_string_equal(parse_err("10.0.2.15:x:10.0.2.2:255.255.255.0:::none"),
			    "ip= field 2 (server-ip) \"x\": not a dotted IPv4 address");
	assert_string_equal(parse_err("10.0.2.15::10.0.2:255.255.255.0:::none"),
			    "ip= field 3 (gw-ip) \"10.0.2\": not a dotted IPv4 address");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0:::none:1.2.3"),
			    "ip= field 8 (dns0-ip) \"1.2.3\": not a dotted IPv4 address");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0:::none:1.2.3.4:dns"),
			    "ip= field 9 (dns1-ip) \"dns\": not a dotted IPv4 address");
}

static void bad_netmasks_and_prefixes(void **state)
{
	(void)state;
	assert_string_equal(parse_err("10.0.2.15:::255.0.255.0:::none"),
			    "ip= field 4 (netmask) \"255.0.255.0\": the netmask's ones are not contiguous");
	assert_string_equal(parse_err("10.0.2.15:::/24:::none"),
			    "ip= field 4 (netmask) \"/24\": not a dotted netmask (255.255.255.0)");
	assert_string_equal(parse_err("10.0.2.15/16:::255.255.255.0:::none"),
			    "ip= field 4 (netmask) \"255.255.255.0\": contradicts the /16 of client-ip");
	assert_string_equal(parse_err("10.0.2.15/33:::::none"),
			    "ip= field 1 (client-ip) \"10.0.2.15/33\": the prefix after '/' must be 0–32");
	assert_string_equal(parse_err("10.0.2.15/:::::none"),
			    "ip= field 1 (client-ip) \"10.0.2.15/\": the prefix after '/' must be 0–32");
	assert_string_equal(parse_err("10.0.2.15/2x:::::none"),
			    "ip= field 1 (client-ip) \"10.0.2.15/2x\": the prefix after '/' must be 0–32");
	assert_string_equal(parse_err("10.0.2.15::10.0.2.2::::none"),
			    "ip=10.0.2.15::10.0.2.2::::none: static address 10.0.2.15 without a netmask: "
			    "give field 4 (255.255.255.0) or write 10.0.2.15/24");
}

static void gateway_off_the_network(void **state)
{
	(void)state;
	assert_string_equal(parse_err("10.0.2.15::10.0.3.2:255.255.255.0:::none"),
			    "ip= field 3 (gw-ip) \"10.0.3.2\": not on the network of 10.0.2.15/24");
}

static void bad_hostname_device_autoconf(void **state)
{
	(void)state;
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0:bad_host::none"),
			    "ip= field 5 (hostname) \"bad_host\": a host name has only letters, digits, '-' and '.'");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0::averyveryverylongname:none"),
			    "ip= field 6 (device) \"averyveryverylongname\": interface names are at most 15 characters");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0::eth/0:none"),
			    "ip= field 6 (device) \"eth/0\": not an interface name or MAC address");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0:::static"),
			    "ip= field 7 (autoconf) \"static\": expected none, off, dhcp, on or any");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0:::rarp"),
			    "ip= field 7 (autoconf) \"rarp\": BOOTP and RARP are not supported (use dhcp or none)");
	assert_string_equal(parse_err("bootp"),
			    "ip=bootp: BOOTP and RARP are not supported (use ip=dhcp or a static address)");
	assert_string_equal(parse_err(":::255.255.255.0:::none"),
			    "ip=:::255.255.255.0:::none: autoconf none needs an address in field 1 (client-ip)");
}

static void bad_mac_and_too_many_fields(void **state)
{
	(void)state;
	/* five pairs are not a MAC, nor five fields */
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0::52:54:00:12:34:none"),
			    "ip= field 6 (device) \"52:54:00:12:34\": not a MAC address (six hex pairs, aa:bb:cc:dd:ee:ff)");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0::52-54-00-12-34-5g:none"),
			    "ip= field 6 (device) \"52-54-00-12-34-5g\": not a MAC address (aa-bb-cc-dd-ee-ff)");
	assert_string_equal(parse_err("1:2:3:4:5:6:7:8:9:10"),
			    "ip= has more than 9 fields (client-ip:server-ip:gw-ip:netmask:hostname:device:"
			    "autoconf:dns0-ip:dns1-ip)");
	assert_string_equal(parse_err("10.0.2.15:::255.255.255.0::52:54:00:12:34:56:none:1.1.1.1:2.2.2.2:3.3.3.3"),
			    "ip= has more than 9 fields (client-ip:server-ip:gw-ip:netmask:hostname:device:"
			    "autoconf:dns0-ip:dns1-ip)");
	assert_string_equal(parse_err(""),
			    "ip= is empty (expected dhcp, none or client-ip:server-ip:gw-ip:netmask:hostname:device:autoconf)");
}

static void error_leaves_config_untouched(void **state)
{
	struct kdk_ip_config cfg;
	struct kdk_err err = { 0 };
	(void)state;
	memset(&cfg, 0x5a, sizeof(cfg));
	assert_int_equal(kdk_ip_config_parse("10.0.2.15:::255.0.255.0", &cfg, &err), -EINVAL);
	assert_int_equal(cfg.prefix, 0x5a5a5a5a);
}

static void prefix_netmask(void **state)
{
	(void)state;
	assert_string_equal(addr(kdk_ip_prefix_netmask(24)), "255.255.255.0");
	assert_string_equal(addr(kdk_ip_prefix_netmask(0)), "0.0.0.0");
	assert_string_equal(addr(kdk_ip_prefix_netmask(32)), "255.255.255.255");
	assert_string_equal(addr(kdk_ip_prefix_netmask(17)), "255.255.128.0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(static_full_form_with_mac),
		cmocka_unit_test(static_with_name_hostname_server_and_dns),
		cmocka_unit_test(prefix_in_client_ip),
		cmocka_unit_test(dashed_mac_and_uppercase),
		cmocka_unit_test(dhcp_forms),
		cmocka_unit_test(off_forms),
		cmocka_unit_test(bad_addresses_name_their_field),
		cmocka_unit_test(bad_netmasks_and_prefixes),
		cmocka_unit_test(gateway_off_the_network),
		cmocka_unit_test(bad_hostname_device_autoconf),
		cmocka_unit_test(bad_mac_and_too_many_fields),
		cmocka_unit_test(error_leaves_config_untouched),
		cmocka_unit_test(prefix_netmask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
