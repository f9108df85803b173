/* test_dhcp_packet.c — DHCP messages: a DISCOVER and a REQUEST as RFC 2131 lays them out, and
 * replies read back: an OFFER/ACK with its options, another client's reply ignored, a
 * truncated option and a reply without a message type refused; name servers and domain kept. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "dhcp_packet.h"

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x4b, 0x44, 0x4b };

/* A server's reply as slirp sends it: yiaddr, then the options given as code,len,value… */
static size_t reply(uint8_t *out, uint32_t xid, const uint8_t *client, const uint8_t *options,
		    size_t options_len)
{
	memset(out, 0, 600);
	out[0] = 2;
	out[1] = 1;
	out[2] = 6;
	out[4] = (uint8_t)(xid >> 24); out[5] = (uint8_t)(xid >> 16);
	out[6] = (uint8_t)(xid >> 8); out[7] = (uint8_t)xid;
	out[16] = 10; out[17] = 0; out[18] = 2; out[19] = 15;
	memcpy(out + 28, client, 6);
	out[236] = 99; out[237] = 130; out[238] = 83; out[239] = 99;
	memcpy(out + 240, options, options_len);
	return 240 + options_len;
}

static void discover_layout(void **state)
{
	uint8_t msg[KDK_DHCP_MAX];
	size_t len = kdk_dhcp_build(msg, KDK_DHCP_DISCOVER, 0x01020304, mac, NULL, NULL);

	(void)state;
	assert_int_equal(len, 300);
	assert_int_equal(msg[0], 1);          /* BOOTREQUEST */
	assert_int_equal(msg[1], 1);
	assert_int_equal(msg[2], 6);
	assert_memory_equal(msg + 4, "\x01\x02\x03\x04", 4);
	assert_int_equal(msg[10], 0x80);      /* broadcast flag */
	assert_memory_equal(msg + 28, mac, 6);
	assert_memory_equal(msg + 236, "\x63\x82\x53\x63", 4);
	assert_memory_equal(msg + 240, "\x35\x01\x01", 3);   /* DHCPDISCOVER */
	/* parameters asked for: subnet, router, name servers, domain name */
	assert_memory_equal(msg + 243, "\x37\x04\x01\x03\x06\x0f\xff", 7);
}

static void request_carries_address_and_server(void **state)
{
	uint8_t msg[KDK_DHCP_MAX];
	struct in_addr want, server;

	(void)state;
	inet_pton(AF_INET, "10.0.2.15", &want);
	inet_pton(AF_INET, "10.0.2.2", &server);
	kdk_dhcp_build(msg, KDK_DHCP_REQUEST, 7, mac, &want, &server);
	assert_memory_equal(msg + 240, "\x35\x01\x03", 3);
	assert_memory_equal(msg + 243, "\x32\x04\x0a\x00\x02\x0f", 6);
	assert_memory_equal(msg + 249, "\x36\x04\x0a\x00\x02\x02", 6);
}

static void offer_read_back(void **state)
{
	static const uint8_t options[] = { 53, 1, 2, 0, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 2,
					   54, 4, 10, 0, 2, 2, 51, 4, 0, 1, 81, 128, 255 };
	uint8_t msg[600];
	size_t len = reply(msg, 42, mac, options, sizeof(options));
	struct kdk_dhcp_lease lease;
	struct kdk_err err = { 0 };
	char text[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(kdk_dhcp_parse(msg, len, 42, mac, &lease, &err), 0);
	assert_int_equal(lease.type, KDK_DHCP_OFFER);
	assert_string_equal(inet_ntop(AF_INET, &lease.address, text, sizeof(text)), "10.0.2.15");
	assert_string_equal(inet_ntop(AF_INET, &lease.netmask, text, sizeof(text)), "255.255.255.0");
	assert_string_equal(inet_ntop(AF_INET, &lease.router, text, sizeof(text)), "10.0.2.2");
	assert_string_equal(inet_ntop(AF_INET, &lease.server, text, sizeof(text)), "10.0.2.2");
	assert_int_equal(lease.lease_seconds, 86400);
}

/* Options 6 and 15: the first three name servers of four, the domain with the NUL some servers
 * add; a domain with a byte no host name holds is dropped; no option 6, no servers. */
static void dns_servers_and_domain(void **state)
{
	static const uint8_t options[] = { 53, 1, 5, 6, 16, 10, 0, 2, 3, 10, 0, 2, 4, 10, 0, 2, 5,
					   10, 0, 2, 6, 15, 12, 'l', 'a', 'b', '.', 'e', 'x', 'a', 'm',
					   'p', 'l', 'e', 0, 255 };
	static const uint8_t bad_domain[] = { 53, 1, 5, 6, 4, 10, 0, 2, 3, 15, 5, 'a', ' ', 'b', ';',
					      'c', 255 };
	static const uint8_t none[] = { 53, 1, 5, 255 };
	uint8_t msg[600];
	struct kdk_dhcp_lease lease;
	struct kdk_err err = { 0 };
	char text[INET_ADDRSTRLEN];
	size_t len;

	(void)state;
	len = reply(msg, 5, mac, options, sizeof(options));
	assert_int_equal(kdk_dhcp_parse(msg, len, 5, mac, &lease, &err), 0);
	assert_int_equal(lease.dns_count, 3);
	assert_string_equal(inet_ntop(AF_INET, &lease.dns[0], text, sizeof(text)), "10.0.2.3");
	assert_string_equal(inet_ntop(AF_INET, &lease.dns[2], text, sizeof(text)), "10.0.2.5");
	assert_string_equal(lease.domain, "lab.example");
	len = reply(msg, 5, mac, bad_domain, sizeof(bad_domain));
	assert_int_equal(kdk_dhcp_parse(msg, len, 5, mac, &lease, &err), 0);
	assert_int_equal(lease.dns_count, 1);
	assert_string_equal(lease.domain, "");
	len = reply(msg, 5, mac, none, sizeof(none));
	assert_int_equal(kdk_dhcp_parse(msg, len, 5, mac, &lease, &err), 0);
	assert_int_equal(lease.dns_count, 0);
	assert_string_equal(lease.domain, "");
}

static void others_replies_ignored(void **state)
{
	static const uint8_t options[] = { 53, 1, 5, 255 };
	static const uint8_t other[6] = { 2, 0, 0, 0, 0, 1 };
	uint8_t msg[600];
	struct kdk_dhcp_lease lease;
	struct kdk_err err = { 0 };
	size_t len;

	(void)state;
	len = reply(msg, 42, mac, options, sizeof(options));
	assert_int_equal(kdk_dhcp_parse(msg, len, 43, mac, &lease, &err), -EAGAIN);   /* xid */
	len = reply(msg, 42, other, options, sizeof(options));
	assert_int_equal(kdk_dhcp_parse(msg, len, 42, mac, &lease, &err), -EAGAIN);   /* MAC */
	len = reply(msg, 42, mac, options, sizeof(options));
	msg[0] = 1;                                                                   /* a request */
	assert_int_equal(kdk_dhcp_parse(msg, len, 42, mac, &lease, &err), -EAGAIN);
}

static void malformed_refused(void **state)
{
	static const uint8_t cut[] = { 53, 1, 2, 3, 4, 10, 0 };
	static const uint8_t no_type[] = { 1, 4, 255, 255, 255, 0, 255 };
	uint8_t msg[600];
	struct kdk_dhcp_lease lease;
	struct kdk_err err = { 0 };
	size_t len;

	(void)state;
	len = reply(msg, 9, mac, cut, sizeof(cut));
	assert_int_equal(kdk_dhcp_parse(msg, len, 9, mac, &lease, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "option 3 at byte 243 runs past the message"));
	len = reply(msg, 9, mac, no_type, sizeof(no_type));
	assert_int_equal(kdk_dhcp_parse(msg, len, 9, mac, &lease, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "without a message type"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(discover_layout),
		cmocka_unit_test(request_carries_address_and_server),
		cmocka_unit_test(offer_read_back),
		cmocka_unit_test(dns_servers_and_domain),
		cmocka_unit_test(others_replies_ignored),
		cmocka_unit_test(malformed_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
