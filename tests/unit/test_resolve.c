/* test_resolve.c — the capture /init's resolver: A queries as RFC 1035 lays them out, canned
 * answers read (compression, CNAME chains, NXDOMAIN, SERVFAIL, truncation, pointer loops), and the
 * client against a forked UDP server on 127.0.0.1 (a lost reply, search domain, hosts fallback). */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "net/dns_packet.h"
#include "net/resolve.h"
#include "test_tmpdir.h"

/* ---- canned answers ---------------------------------------------------------------------- */

struct msg {
	uint8_t b[1024];
	size_t n;
};

static void put(struct msg *m, const void *data, size_t len)
{
	memcpy(m->b + m->n, data, len);
	m->n += len;
}

static void put16(struct msg *m, unsigned v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(m, b, 2);
}

static void put_name(struct msg *m, const char *name)
{
	while (*name) {
		size_t len = strcspn(name, ".");
		uint8_t l = (uint8_t)len;
		put(m, &l, 1);
		put(m, name, len);
		name += len + (name[len] == '.');
	}
	put(m, "", 1);
}

/* header + the question (name, A, IN) at byte 12 */
static void header(struct msg *m, uint16_t id, unsigned flags, unsigned ancount, const char *qname)
{
	m->n = 0;
	put16(m, id);
	put16(m, flags);
	put16(m, 1);
	put16(m, ancount);
	put16(m, 0);
	put16(m, 0);
	put_name(m, qname);
	put16(m, 1);
	put16(m, 1);
}

/* a record whose owner is a pointer to byte `owner` */
static void record(struct msg *m, unsigned owner, unsigned type, const void *rdata, size_t rdlen)
{
	put16(m, 0xc000 | owner);
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 300);
	put16(m, (unsigned)rdlen);
	put(m, rdata, rdlen);
}

#define ANSWER 0x8180   /* QR, RD, RA, NOERROR */

static void query_layout(void **state)
{
	uint8_t out[512];
	struct kdk_err err = { 0 };
	static const uint8_t want[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
					3, 'w', 'e', 'b', 3, 'l', 'a', 'b', 0, 0, 1, 0, 1 };

	(void)state;
	assert_int_equal(kdk_dns_query_build(out, sizeof(out), 0x1234, "web.lab.", &err), sizeof(want));
	assert_memory_equal(out, want, sizeof(want));
	assert_int_equal(kdk_dns_query_build(out, sizeof(out), 1, "a..b", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "an empty label at character 2"));
	assert_int_equal(kdk_dns_query_build(out, sizeof(out), 1,
		"a234567890123456789012345678901234567890123456789012345678901234.b", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "64+ character label"));
	assert_int_equal(kdk_dns_query_build(out, 20, 1, "web.lab", &err), -ENOSPC);
}

static void answer_with_cname_chain(void **state)
{
	struct msg m, target;
	struct in_addr addr;
	struct kdk_err err = { 0 };
	static const uint8_t a[4] = { 10, 0, 2, 100 };
	size_t alias_at;

	(void)state;
	/* web.lab CNAME dump.lab; dump.lab A 10.0.2.100 — the A record before the CNAME, as
	 * some servers order them, and names in upper case (RFC 4343: case does not matter) */
	header(&m, 7, ANSWER, 2, "web.lab");
	alias_at = m.n + 16 + 12;   /* the CNAME's rdata: after the 16-byte A record and its own 12 */
	target.n = 0;
	put_name(&target, "DUMP.lab");
	record(&m, (unsigned)alias_at, 1, a, 4);
	record(&m, 12, 5, target.b, target.n);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 7, "WEB.LAB.", &addr, &err), 0);
	assert_string_equal(inet_ntoa(addr), "10.0.2.100");
	/* another id or another question: not ours, keep waiting */
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 8, "web.lab", &addr, &err), -EAGAIN);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 7, "mail.lab", &addr, &err), -EAGAIN);
	/* a query (QR clear) is not an answer */
	m.b[2] = 0x01;
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 7, "web.lab", &addr, &err), -EAGAIN);
}

static void negative_answers(void **state)
{
	struct msg m;
	struct in_addr addr;
	struct kdk_err err = { 0 };
	static const uint8_t aaaa[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	(void)state;
	header(&m, 1, ANSWER | 3, 0, "gone.lab");
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "gone.lab", &addr, &err), -ENOENT);
	assert_string_equal(err.msg, "DNS: gone.lab does not exist (NXDOMAIN)");
	header(&m, 1, ANSWER, 1, "six.lab");
	record(&m, 12, 28, aaaa, 16);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "six.lab", &addr, &err), -ENOENT);
	assert_string_equal(err.msg, "DNS: six.lab has no IPv4 address (no A record)");
	header(&m, 1, ANSWER | 2, 0, "web.lab");
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "web.lab", &addr, &err), -EIO);
	assert_string_equal(err.msg, "DNS server answered SERVFAIL (2) for web.lab");
	header(&m, 1, ANSWER | 0x0200, 0, "big.lab");   /* TC, nothing usable */
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "big.lab", &addr, &err), -EMSGSIZE);
}

static void malformed_refused(void **state)
{
	struct msg m;
	struct in_addr addr;
	struct kdk_err err = { 0 };
	static const uint8_t a[4] = { 10, 0, 2, 100 };
	static const uint8_t long_a[6] = { 10, 0, 2, 100, 0, 0 };
	size_t full;

	(void)state;
	/* an owner name that points at itself */
	header(&m, 1, ANSWER, 1, "web.lab");
	full = m.n;
	record(&m, (unsigned)full, 1, a, 4);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "web.lab", &addr, &err), -EINVAL);
	assert_string_equal(err.msg, "DNS answer: name at byte 25: compression pointers loop");
	/* a pointer past the end */
	header(&m, 1, ANSWER, 1, "web.lab");
	record(&m, 1000, 1, a, 4);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "web.lab", &addr, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "runs past the end"));
	/* a record cut short */
	header(&m, 1, ANSWER, 1, "web.lab");
	record(&m, 12, 1, a, 4);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n - 2, 1, "web.lab", &addr, &err), -EINVAL);
	assert_string_equal(err.msg, "DNS answer: record at byte 25: 4 bytes of data run past the end (39 bytes)");
	/* ... unless the server said it truncated (TC): then it is the TC error */
	m.b[2] |= 0x02;
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n - 2, 1, "web.lab", &addr, &err), -EMSGSIZE);
	/* an A record of 6 bytes */
	header(&m, 1, ANSWER, 1, "web.lab");
	record(&m, 12, 1, long_a, 6);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "web.lab", &addr, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "has 6 bytes of data, not 4"));
	/* more answers announced than there are */
	header(&m, 1, ANSWER, 3, "web.lab");
	record(&m, 12, 1, a, 4);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 1, "web.lab", &addr, &err), -EINVAL);
	assert_string_equal(err.msg, "DNS answer: name at byte 41 runs past the end (41 bytes)");
}

static void cname_loop_refused(void **state)
{
	struct msg m, t1, t2;
	struct in_addr addr;
	struct kdk_err err = { 0 };

	(void)state;
	/* a.lab CNAME b.lab, b.lab CNAME a.lab: the chain is cut after 16 */
	t1.n = t2.n = 0;
	put_name(&t1, "b.lab");
	put_name(&t2, "a.lab");
	header(&m, 3, ANSWER, 2, "a.lab");
	record(&m, 12, 5, t1.b, t1.n);
	record(&m, (unsigned)(m.n - t1.n), 5, t2.b, t2.n);
	assert_int_equal(kdk_dns_answer_parse(m.b, m.n, 3, "a.lab", &addr, &err), -EINVAL);
	assert_string_equal(err.msg, "DNS answer for a.lab: more than 16 CNAMEs (a loop?)");
}

/* ---- the client against a forked server ----------------------------------------------------- */

/* Serve on sock: drop the first `drop` queries, then answer name `known` with 10.0.2.100 and
 * every other name with NXDOMAIN, until killed. */
static void serve(int sock, unsigned drop, const char *known)
{
	for (;;) {
		uint8_t q[512];
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(sock, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
		struct msg m;
		char name[256] = "";
		size_t pos = 12, used = 0;
		static const uint8_t a[4] = { 10, 0, 2, 100 };

		if (n < 17)
			continue;
		if (drop) {
			drop--;
			continue;
		}
		while (pos < (size_t)n && q[pos]) {   /* the test's own queries: no compression */
			if (used)
				name[used++] = '.';
			memcpy(name + used, q + pos + 1, q[pos]);
			used += q[pos];
			pos += 1 + q[pos];
		}
		name[used] = '\0';
		header(&m, (uint16_t)(q[0] << 8 | q[1]), strcmp(name, known) ? ANSWER | 3 : ANSWER,
		       strcmp(name, known) ? 0 : 1, name);
		if (!strcmp(name, known))
			record(&m, 12, 1, a, 4);
		sendto(sock, m.b, m.n, 0, (struct sockaddr *)&from, fl);
	}
}

static pid_t start_server(unsigned drop, const char *known, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int sock = socket(AF_INET, SOCK_DGRAM, 0);
	pid_t pid;

	assert_true(sock >= 0);
	assert_int_equal(bind(sock, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(sock, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		serve(sock, drop, known);
		_exit(0);
	}
	close(sock);
	return pid;
}

static void stop_server(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void client_retries_and_search(void **state)
{
	struct kdk_resolv_conf conf = { .n_servers = 1, .timeout_ms = 5000 };
	struct kdk_resolved got;
	struct kdk_err err = { 0 };
	pid_t pid;

	(void)state;
	conf.servers[0].s_addr = htonl(INADDR_LOOPBACK);
	snprintf(conf.search, sizeof(conf.search), "lab.example");
	conf.hosts_file = tmp_path("no-hosts");
	/* the first query is lost: the second, 1 s later, is answered */
	pid = start_server(1, "dump.lab.example", &conf.port);
	assert_int_equal(kdk_resolve_ipv4("dump", &conf, &got, &err), 0);
	stop_server(pid);
	assert_int_equal(got.source, KDK_RESOLVED_DNS);
	assert_string_equal(inet_ntoa(got.address), "10.0.2.100");
	assert_string_equal(got.name, "dump.lab.example");
	assert_string_equal(inet_ntoa(got.server), "127.0.0.1");
	/* a dotted name is asked as it is first, then with the search domain */
	pid = start_server(0, "dump.sub.lab.example", &conf.port);
	assert_int_equal(kdk_resolve_ipv4("dump.sub", &conf, &got, &err), 0);
	stop_server(pid);
	assert_string_equal(got.name, "dump.sub.lab.example");
	/* numeric: no question asked */
	assert_int_equal(kdk_resolve_ipv4("10.0.2.7", &conf, &got, &err), 0);
	assert_int_equal(got.source, KDK_RESOLVED_NUMERIC);
}

static void hosts_fallback(void **state)
{
	struct kdk_resolv_conf conf = { .n_servers = 1, .timeout_ms = 3000 };
	struct kdk_resolved got;
	struct kdk_err err = { 0 };
	FILE *f = fopen(tmp_path("hosts"), "w");
	pid_t pid;

	(void)state;
	fputs("# mkdumprd\n127.0.0.1 localhost\n10.0.2.101 Dump.Lab other # comment\n", f);
	fclose(f);
	conf.hosts_file = tmp_path("hosts");
	conf.servers[0].s_addr = htonl(INADDR_LOOPBACK);
	/* NXDOMAIN from DNS: the hosts file answers, and why DNS did not is kept */
	pid = start_server(0, "something.else", &conf.port);
	assert_int_equal(kdk_resolve_ipv4("dump.lab", &conf, &got, &err), 0);
	stop_server(pid);
	assert_int_equal(got.source, KDK_RESOLVED_HOSTS);
	assert_string_equal(inet_ntoa(got.address), "10.0.2.101");
	assert_string_equal(got.dns_failure, "DNS: dump.lab does not exist (NXDOMAIN)");
	/* no server listening (the port is closed again): refused at once, the hosts file answers */
	assert_int_equal(kdk_resolve_ipv4("other", &conf, &got, &err), 0);
	assert_int_equal(got.source, KDK_RESOLVED_HOSTS);
	assert_non_null(strstr(got.dns_failure, "Connection refused"));
	/* no servers at all, a name nowhere */
	conf.n_servers = 0;
	assert_int_equal(kdk_resolve_ipv4("nowhere", &conf, &got, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "cannot resolve nowhere: no DNS server"));
	assert_non_null(strstr(err.msg, "has no IPv4 line for nowhere"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(query_layout),
		cmocka_unit_test(answer_with_cname_chain),
		cmocka_unit_test(negative_answers),
		cmocka_unit_test(malformed_refused),
		cmocka_unit_test(cname_loop_refused),
		cmocka_unit_test(client_retries_and_search),
		cmocka_unit_test(hosts_fallback),
	};
	return cmocka_run_group_tests_name("resolve", tests, tmpdir_setup, tmpdir_teardown);
}
