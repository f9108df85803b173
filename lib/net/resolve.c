/* resolve.c — the capture /init's resolver: numeric, DNS over UDP (one connected socket per
 * server, retransmission with backoff inside one time limit), then a hosts(5) file. */
#include "net/resolve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kdk_clock.h"

/* name into a KDK_DNS_NAME_MAX + 1 buffer (the query builder has checked its length). */
static void copy_name(char *out, const char *name)
{
	size_t len = strnlen(name, KDK_DNS_NAME_MAX);

	memcpy(out, name, len);
	out[len] = '\0';
}

static double now_ms(void)
{
	return kdk_monotonic_seconds() * 1000.0;
}

/* Query ids are random (RFC 5452): getrandom without blocking, else the clock. */
static uint16_t query_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != sizeof(id))
		id = (uint16_t)(now_ms() * 1000.0) ^ (uint16_t)getpid();
	return id;
}

int kdk_hosts_lookup(const char *path, const char *host, struct in_addr *addr,
		     struct kdk_err *err)
{
	char line[1024];
	FILE *in = fopen(path, "re");

	if (!in)
		return kdk_err_sys(err, errno, "%s", path);
	while (fgets(line, sizeof(line), in)) {
		char *save = NULL, *word, *address;

		line[strcspn(line, "#")] = '\0';
		address = strtok_r(line, " \t\n", &save);
		if (!address || inet_pton(AF_INET, address, addr) != 1)
			continue;
		while ((word = strtok_r(NULL, " \t\n", &save)))
			if (!strcasecmp(word, host)) {
				fclose(in);
				return 0;
			}
	}
	fclose(in);
	return kdk_err_set(err, ENOENT, "%s has no IPv4 line for %s", path, host);
}

/* One query to one server: send, wait for our answer until wait_ms (or deadline), ignoring
 * other datagrams. 0, -ETIMEDOUT, or the parser's code. */
static int ask(int sock, const uint8_t *query, size_t query_len, uint16_t id, const char *name,
	       double until, struct in_addr *addr, struct kdk_err *err)
{
	if (send(sock, query, query_len, 0) < 0)
		return kdk_err_sys(err, errno, "DNS: send");
	for (;;) {
		uint8_t answer[4096];
		struct pollfd pfd = { .fd = sock, .events = POLLIN };
		double left = until - now_ms();
		ssize_t n;
		int rc;

		if (left <= 0)
			return -ETIMEDOUT;
		rc = poll(&pfd, 1, (int)left + 1);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			continue;
		n = recv(sock, answer, sizeof(answer), 0);
		if (n < 0) {
			/* ICMP port unreachable: nothing listens there */
			if (errno == ECONNREFUSED)
				return kdk_err_sys(err, errno, "DNS");
			continue;
		}
		rc = kdk_dns_answer_parse(answer, (size_t)n, id, name, addr, err);
		if (rc != -EAGAIN)
			return rc;
	}
}

/* name through every server, round after round, until an answer or the deadline. */
static int resolve_name(const char *name, const struct kdk_resolv_conf *conf, int *socks,
			double deadline, struct kdk_resolved *out, struct kdk_err *err)
{
	uint8_t query[KDK_DNS_UDP_MAX];
	unsigned attempts = conf->attempts ? conf->attempts : 3, round, i;
	bool answered[KDK_RESOLV_MAX_SERVERS] = { false };
	int rc = -ETIMEDOUT, len;
	struct kdk_err last = { 0 };

	for (round = 0; round < attempts; round++) {
		/* 1 s, 2 s, 4 s… per server, within what is left */
		double wait = 1000.0 * (1u << (round < 4 ? round : 4));

		for (i = 0; i < conf->n_servers; i++) {
			struct kdk_err one = { 0 };
			uint16_t id = query_id();
			double until = now_ms() + wait;

			if (socks[i] < 0 || answered[i])
				continue;
			if (now_ms() >= deadline)
				goto out;
			if ((len = kdk_dns_query_build(query, sizeof(query), id, name, err)) < 0)
				return len;
			rc = ask(socks[i], query, (size_t)len, id, name, until < deadline ? until : deadline,
				 &out->address, &one);
			if (rc == 0) {
				out->server = conf->servers[i];
				copy_name(out->name, name);
				return 0;
			}
			if (rc == -ENOENT)       /* the name does not exist: no other server is asked */
				return kdk_err_set(err, ENOENT, "%s", one.msg);
			if (rc != -ETIMEDOUT) {  /* this server cannot help (refused, failed, malformed) */
				answered[i] = true;
				kdk_err_set(&last, EIO, "%s: %s", inet_ntoa(conf->servers[i]), one.msg);
			}
		}
	}
out:
	if (last.code)
		return kdk_err_set(err, EIO, "%s", last.msg);
	return kdk_err_set(err, ETIMEDOUT, "DNS: no answer for %s", name);
}

static int resolve_dns(const char *host, const struct kdk_resolv_conf *conf,
		       struct kdk_resolved *out, struct kdk_err *err)
{
	/* room for host and search together: the query builder refuses what is over 253 */
	char candidates[2][2 * KDK_DNS_NAME_MAX + 4];
	int socks[KDK_RESOLV_MAX_SERVERS], rc = -ENOENT;
	unsigned n = 0, i, n_servers = conf->n_servers < KDK_RESOLV_MAX_SERVERS ? conf->n_servers
						   : KDK_RESOLV_MAX_SERVERS;
	size_t host_len = strlen(host);
	double deadline = now_ms() + (conf->timeout_ms ? conf->timeout_ms : 6000);
	bool absolute = host_len && host[host_len - 1] == '.';
	struct kdk_err reasons = { 0 };

	/* glibc's order with ndots:1: a name with a dot is tried as it is first */
	if (!absolute && conf->search[0] && !strchr(host, '.'))
		snprintf(candidates[n++], sizeof(candidates[0]), "%.*s.%s", (int)host_len, host, conf->search);
	snprintf(candidates[n++], sizeof(candidates[0]), "%s", host);
	if (!absolute && conf->search[0] && strchr(host, '.'))
		snprintf(candidates[n++], sizeof(candidates[0]), "%s.%s", host, conf->search);
	for (i = 0; i < n_servers; i++) {
		struct sockaddr_in to = { .sin_family = AF_INET,
					  .sin_port = htons(conf->port ? conf->port : 53),
					  .sin_addr = conf->servers[i] };

		/* connected: only datagrams from that server's address and port come back */
		socks[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (socks[i] >= 0 && connect(socks[i], (struct sockaddr *)&to, sizeof(to)) < 0) {
			close(socks[i]);
			socks[i] = -1;
		}
	}
	for (i = 0; i < n; i++) {
		struct kdk_err one = { 0 };

		rc = resolve_name(candidates[i], conf, socks, deadline, out, &one);
		if (rc == 0)
			break;
		if (reasons.code)
			kdk_err_prefix(&one, "%s; ", reasons.msg);
		reasons = one;
		if (rc == -EINVAL)
			break;
	}
	for (i = 0; i < n_servers; i++)
		if (socks[i] >= 0)
			close(socks[i]);
	if (rc)
		return kdk_err_set(err, -rc, "%s", reasons.msg);
	out->source = KDK_RESOLVED_DNS;
	return 0;
}

int kdk_resolve_ipv4(const char *host, const struct kdk_resolv_conf *conf,
		     struct kdk_resolved *out, struct kdk_err *err)
{
	const char *hosts = conf->hosts_file ? conf->hosts_file : "/etc/hosts";
	struct kdk_err dns_err = { 0 }, hosts_err = { 0 };
	char plain[KDK_DNS_NAME_MAX + 2];
	size_t len;

	memset(out, 0, sizeof(*out));
	if (strlen(host) > KDK_DNS_NAME_MAX + 1)
		return kdk_err_set(err, EINVAL, "cannot resolve %.40s…: longer than 253 characters", host);
	if (inet_pton(AF_INET, host, &out->address) == 1) {
		out->source = KDK_RESOLVED_NUMERIC;
		return 0;
	}
	if (conf->n_servers && resolve_dns(host, conf, out, &dns_err) == 0)
		return 0;
	memcpy(out->dns_failure, dns_err.msg, sizeof(out->dns_failure));
	/* hosts(5) names carry no trailing dot */
	len = strlen(host);
	if (len && host[len - 1] == '.')
		len--;
	memcpy(plain, host, len);
	plain[len] = '\0';
	if (kdk_hosts_lookup(hosts, plain, &out->address, &hosts_err) == 0) {
		out->source = KDK_RESOLVED_HOSTS;
		return 0;
	}
	return kdk_err_set(err, ENOENT, "cannot resolve %s: %s; %s", host,
			   conf->n_servers ? dns_err.msg : "no DNS server (none in the DHCP lease or ip=)",
			   hosts_err.msg);
}
