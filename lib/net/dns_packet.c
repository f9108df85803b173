/* dns_packet.c — an A query built and its answer read (RFC 1035 §4; CNAME chains, RFC 1034 §3.6.2).
 * Network input: every offset is checked, compression pointers are bounded and may not loop. */
#include "net/dns_packet.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HEADER_SIZE   12
#define TYPE_A        1
#define TYPE_CNAME    5
#define CLASS_IN      1
#define FLAG_QR       0x8000
#define FLAG_TC       0x0200
#define FLAG_RD       0x0100
#define OPCODE_MASK   0x7800
#define RCODE_MASK    0x000f
#define RCODE_NXDOMAIN 3
#define MAX_CNAMES    16
/* A name has at most 127 labels (253 bytes of text); more jumps than that means a loop. */
#define MAX_JUMPS     127

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int kdk_dns_query_build(uint8_t *out, size_t size, uint16_t id, const char *name,
			struct kdk_err *err)
{
	size_t name_len = strlen(name), n = HEADER_SIZE;
	const char *label = name;

	if (name_len && name[name_len - 1] == '.')
		name_len--;
	if (!name_len || name_len > KDK_DNS_NAME_MAX)
		return kdk_err_set(err, EINVAL, "DNS name \"%s\": %s", name,
				   name_len ? "longer than 253 characters" : "empty");
	/* header, labels (one length byte per label plus the text), root label, type, class */
	if (size < HEADER_SIZE + name_len + 2 + 4)
		return kdk_err_set(err, ENOSPC, "DNS query for %s: %zu-byte buffer too small", name, size);
	memset(out, 0, HEADER_SIZE);
	put16(out, id);
	put16(out + 2, FLAG_RD);
	put16(out + 4, 1);   /* QDCOUNT */
	while (label < name + name_len) {
		const char *dot = memchr(label, '.', (size_t)(name + name_len - label));
		size_t len = dot ? (size_t)(dot - label) : (size_t)(name + name_len - label);

		if (!len || len > 63)
			return kdk_err_set(err, EINVAL, "DNS name \"%s\": %s label at character %zu", name,
					   len ? "a 64+ character" : "an empty", (size_t)(label - name));
		out[n++] = (uint8_t)len;
		memcpy(out + n, label, len);
		n += len;
		label += len + 1;
	}
	out[n++] = 0;
	put16(out + n, TYPE_A);
	put16(out + n + 2, CLASS_IN);
	return (int)(n + 4);
}

/* The name at *off into text (dotted, no trailing dot, "" for the root), following compression
 * pointers; *off moves past the name as stored at *off. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *text, size_t text_size,
		     struct kdk_err *err)
{
	size_t pos = *off, used = 0, start = *off;
	unsigned jumps = 0;
	bool jumped = false;

	for (;;) {
		uint8_t label;

		if (pos >= len)
			return kdk_err_set(err, EINVAL, "DNS answer: name at byte %zu runs past the end "
					   "(%zu bytes)", start, len);
		label = msg[pos];
		if ((label & 0xc0) == 0xc0) {
			if (pos + 2 > len)
				return kdk_err_set(err, EINVAL, "DNS answer: compression pointer at byte %zu "
						   "cut off by the end", pos);
			if (++jumps > MAX_JUMPS)
				return kdk_err_set(err, EINVAL, "DNS answer: name at byte %zu: compression "
						   "pointers loop", start);
			if (!jumped)
				*off = pos + 2;
			jumped = true;
			pos = get16(msg + pos) & 0x3fff;
			continue;
		}
		if (label & 0xc0)   /* 0x40, 0x80: extended label types (RFC 6891 deprecated them) */
			return kdk_err_set(err, EINVAL, "DNS answer: byte %zu: label type 0x%02x", pos, label);
		if (!label) {
			if (!jumped)
				*off = pos + 1;
			break;
		}
		if (pos + 1 + label > len)
			return kdk_err_set(err, EINVAL, "DNS answer: label at byte %zu runs past the end", pos);
		if (used + (used ? 1 : 0) + label > KDK_DNS_NAME_MAX || used + 1 + label >= text_size)
			return kdk_err_set(err, EINVAL, "DNS answer: name at byte %zu longer than 253 "
					   "characters", start);
		if (used)
			text[used++] = '.';
		memcpy(text + used, msg + pos + 1, label);
		used += label;
		pos += 1 + (size_t)label;
	}
	text[used] = '\0';
	return 0;
}

/* Names compare without case (RFC 4343) and without a trailing dot. */
static bool same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la && a[la - 1] == '.')
		la--;
	if (lb && b[lb - 1] == '.')
		lb--;
	return la == lb && !strncasecmp(a, b, la);
}

struct record {
	char owner[KDK_DNS_NAME_MAX + 2];
	uint16_t type, class;
	size_t rdata, rdlength;
};

static int read_record(const uint8_t *msg, size_t len, size_t *off, struct record *r,
		       struct kdk_err *err)
{
	size_t at = *off;
	int rc;

	if ((rc = read_name(msg, len, off, r->owner, sizeof(r->owner), err)) < 0)
		return rc;
	if (*off + 10 > len)
		return kdk_err_set(err, EINVAL, "DNS answer: record at byte %zu cut off by the end "
				   "(%zu bytes)", at, len);
	r->type = get16(msg + *off);
	r->class = get16(msg + *off + 2);
	r->rdlength = get16(msg + *off + 8);
	r->rdata = *off + 10;
	if (r->rdata + r->rdlength > len)
		return kdk_err_set(err, EINVAL, "DNS answer: record at byte %zu: %zu bytes of data run "
				   "past the end (%zu bytes)", at, r->rdlength, len);
	*off = r->rdata + r->rdlength;
	return 0;
}

static const char *rcode_name(unsigned rcode)
{
	switch (rcode) {
	case 1: return "FORMERR";
	case 2: return "SERVFAIL";
	case 4: return "NOTIMP";
	case 5: return "REFUSED";
	default: return "an error";
	}
}

int kdk_dns_answer_parse(const uint8_t *msg, size_t len, uint16_t id, const char *name,
			 struct in_addr *addr, struct kdk_err *err)
{
	char qname[KDK_DNS_NAME_MAX + 2], want[KDK_DNS_NAME_MAX + 2];
	uint16_t flags, qdcount, ancount;
	size_t off = HEADER_SIZE, answers;
	unsigned rcode, cnames = 0;
	bool truncated;
	int rc;

	if (len < HEADER_SIZE || get16(msg) != id)
		return -EAGAIN;
	flags = get16(msg + 2);
	qdcount = get16(msg + 4);
	ancount = get16(msg + 6);
	if (!(flags & FLAG_QR) || (flags & OPCODE_MASK))
		return -EAGAIN;
	rcode = flags & RCODE_MASK;
	truncated = flags & FLAG_TC;
	/* The question must be ours (RFC 5452 §9.1: id and question both, against spoofed replies).
	 * Servers echo it; a FORMERR reply may come without one. */
	if (qdcount != 1) {
		if (rcode && !qdcount)
			return kdk_err_set(err, EIO, "DNS server answered %s (%u) to %s", rcode_name(rcode),
					   rcode, name);
		return -EAGAIN;
	}
	if (read_name(msg, len, &off, qname, sizeof(qname), NULL) < 0 || off + 4 > len) {
		if (truncated)
			return kdk_err_set(err, EMSGSIZE, "DNS answer for %s truncated (TC) before the "
					   "question ends", name);
		return -EAGAIN;
	}
	if (!same_name(qname, name) || get16(msg + off) != TYPE_A || get16(msg + off + 2) != CLASS_IN)
		return -EAGAIN;
	off += 4;
	if (rcode == RCODE_NXDOMAIN)
		return kdk_err_set(err, ENOENT, "DNS: %s does not exist (NXDOMAIN)", name);
	if (rcode)
		return kdk_err_set(err, EIO, "DNS server answered %s (%u) for %s", rcode_name(rcode),
				   rcode, name);

	/* The answer section's records, each checked once; then the chain name → CNAME… → A. */
	answers = off;
	for (uint16_t i = 0; i < ancount; i++) {
		struct record r;

		if ((rc = read_record(msg, len, &off, &r, err)) < 0) {
			if (truncated)   /* what came before the cut is still checked and usable */
				break;
			return rc;
		}
	}
	snprintf(want, sizeof(want), "%s", name);
	for (;;) {
		bool followed = false;
		size_t pos = answers;

		for (uint16_t i = 0; i < get16(msg + 6); i++) {
			struct record r;

			if (read_record(msg, len, &pos, &r, NULL) < 0)
				break;
			if (r.class != CLASS_IN || !same_name(r.owner, want))
				continue;
			if (r.type == TYPE_A) {
				if (r.rdlength != 4)
					return kdk_err_set(err, EINVAL, "DNS answer: A record of %s at byte %zu "
							   "has %zu bytes of data, not 4", want, r.rdata, r.rdlength);
				memcpy(&addr->s_addr, msg + r.rdata, 4);
				return 0;
			}
			if (r.type == TYPE_CNAME && !followed) {
				size_t target = r.rdata;
				char alias[KDK_DNS_NAME_MAX + 2];

				if ((rc = read_name(msg, r.rdata + r.rdlength, &target, alias, sizeof(alias),
						    err)) < 0)
					return rc;
				if (++cnames > MAX_CNAMES)
					return kdk_err_set(err, EINVAL, "DNS answer for %s: more than %u CNAMEs "
							   "(a loop?)", name, MAX_CNAMES);
				snprintf(want, sizeof(want), "%s", alias);
				followed = true;
			}
		}
		if (!followed)
			break;
	}
	if (truncated)
		return kdk_err_set(err, EMSGSIZE, "DNS answer for %s truncated (TC) without an address "
				   "(no TCP fallback)", name);
	if (same_name(want, name))
		return kdk_err_set(err, ENOENT, "DNS: %s has no IPv4 address (no A record)", name);
	return kdk_err_set(err, ENOENT, "DNS: %s is an alias of %s, which has no A record here", name,
			   want);
}
