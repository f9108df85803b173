/* dns_packet.h — DNS messages (RFC 1035) as the capture /init's resolver needs them: an A query to
 * build, a server's answer to read defensively (docs/formats/dns.md). Bytes only: resolve.c sends. */
#ifndef KDK_DNS_PACKET_H
#define KDK_DNS_PACKET_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

#define KDK_DNS_NAME_MAX 253      /* a name in dotted text, without the trailing dot */
#define KDK_DNS_UDP_MAX  512      /* what a server sends over UDP to a client without EDNS0 */

/* An A/IN query for name ("host" or "host.example."; a trailing dot is dropped) with recursion
 * desired, into out (size bytes). Returns its length, or -EINVAL for an empty label, a label over
 * 63 bytes or a name over 253 (err says which), -ENOSPC when out is too small. */
int kdk_dns_query_build(uint8_t *out, size_t size, uint16_t id, const char *name,
			struct kdk_err *err);

/* Read an answer to our query (id, name) and return its first IPv4 address of name, following
 * CNAMEs inside the answer (at most 16). Returns 0 with *addr;
 *   -EAGAIN   not an answer to this query (another id, a query, another question): keep waiting;
 *   -ENOENT   NXDOMAIN, or the name exists without an A record (err says which);
 *   -EIO      the server failed or refused (SERVFAIL, REFUSED, …: ask the next server);
 *   -EMSGSIZE truncated (TC) with no usable address in what came;
 *   -EINVAL   malformed: a name or record past the end, a compression pointer loop, a label
 *             over 63 bytes (err names the byte offset). */
int kdk_dns_answer_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
			 struct in_addr *addr, struct kdk_err *err);

#endif
