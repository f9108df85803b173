/* cmd_rd.c — `rd [-adDsSxNRpu] [-8|-16|-32|-64] [-o OFFS] [-e END] [-r FILE] ADDRESS [COUNT]`:
 * kernel (-p physical, -u the context task's user) memory as crash's rd shows it: COUNT entries of 8, 16, 32 or 64
 * bits, in hex with their ASCII, in decimal, as symbols (-s) and slab caches (-S), as a string
 * (-a), or copied raw into a file (-r). */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "expr_env.h"
#include "slub.h"
#include "user_space.h"
#include "x86_64_vtop.h"

enum rd_style { RD_HEX, RD_DECIMAL, RD_UDECIMAL };

struct rd_opts {
	unsigned size;             /* bytes per entry: 1, 2, 4, 8 */
	bool ascii;                /* -a: a string */
	enum rd_style style;
	unsigned symbolic;         /* -s 1, -S 2 (and slab names), -SS 3 (with the value) */
	bool no_ascii, net_endian, reverse, physical, user;
	uint64_t user_top;         /* -u: the context task's top page table */
	uint64_t offset;           /* -o */
	const char *end_text;      /* -e */
	const char *raw_file;      /* -r */
};

/* crash's rd: the end-of-line ASCII starts at this column, per entry size. */
static unsigned ascii_column(unsigned size)
{
	switch (size) {
	case 1: return 51 + 16;
	case 2: return 43 + 16;
	case 4: return 39 + 16;
	default: return 37 + 16;
	}
}

/* Numbers as crash reads them: hex when they say so (0x, or a hex letter), else decimal. */
static int parse_number(const char *text, uint64_t *v)
{
	char *end;
	int base = strspn(text, "0123456789") == strlen(text) ? 10 : 16;

	if (!*text)
		return -1;
	*v = strtoull(text, &end, base);
	return *end ? -1 : 0;
}

static int read_mem(struct session *s, const struct rd_opts *o, uint64_t addr, void *buf, size_t len,
		    struct kdk_err *err)
{
	int rc = o->physical ? kdk_dump_read_phys(s->dump, addr, buf, len, err)
		 : o->user   ? user_space_read(s, o->user_top, addr, buf, len, err)
			     : session_read(s, addr, buf, len, err);

	if (rc < 0)
		return kdk_err_prefix(err, "rd: read error: %s address %" PRIx64 ": ",
				      o->physical ? "physical" : o->user ? "user virtual" : "kernel virtual", addr);
	return 0;
}

static uint64_t entry_value(const unsigned char *p, const struct rd_opts *o)
{
	uint64_t v = 0;

	memcpy(&v, p, o->size);
	if (o->net_endian && o->size == 4)
		v = __builtin_bswap32((uint32_t)v);
	else if (o->net_endian && o->size == 2)
		v = __builtin_bswap16((uint16_t)v);
	return v;
}

/* One entry as crash prints it; returns the columns it counts for the ASCII's place. */
static unsigned print_entry(struct session *s, const struct rd_opts *o, const struct kdk_array *caches,
			    uint64_t v)
{
	char text[256];

	if (o->symbolic && (session_symbol_text(s, v, text, sizeof(text)) ||
			    (o->symbolic > 1 && slub_value_text(s, caches, v, o->symbolic > 2, text, sizeof(text))))) {
		fprintf(s->out, "%-16s ", text);
		return (unsigned)strlen(text) + 1;
	}
	if (o->style == RD_HEX) {
		fprintf(s->out, "%0*" PRIx64 " ", (int)o->size * 2, v);
		return o->size * 2 + 1;
	}
	switch (o->size) {
	case 8:
		if (o->style == RD_DECIMAL)
			fprintf(s->out, "%15" PRId64 " ", (int64_t)v);
		else
			fprintf(s->out, "%20" PRIu64 " ", v);
		break;
	case 4:
		if (o->style == RD_DECIMAL)
			fprintf(s->out, "%12d ", (int32_t)v);
		else
			fprintf(s->out, "%12u ", (uint32_t)v);
		break;
	case 2:
		fprintf(s->out, "%5u ", (unsigned)v);
		break;
	default:
		fprintf(s->out, "%3u ", (unsigned)v);
		break;
	}
	return 0;
}

static void print_line_start(struct session *s, uint64_t addr)
{
	fprintf(s->out, "%16" PRIx64 ":  ", addr);
}

static int display_entries(struct session *s, const struct rd_opts *o, uint64_t addr, uint64_t count,
			   struct kdk_err *err)
{
	struct kdk_array caches = KDK_ARRAY_INIT(struct slub_cache);
	unsigned per_line = 16 / o->size, linelen = 0, hx = 0;
	bool endline_ascii = o->style == RD_HEX && !o->symbolic && !o->no_ascii;
	char hexchars[17];
	uint64_t i;
	int rc = 0;

	if (o->symbolic > 1 && slub_caches(s, &caches, err))
		kdk_err_clear(err);  /* no slab names then: symbols and values still print */
	for (i = 0; i < count; i++) {
		unsigned char raw[8];
		uint64_t v;
		unsigned k;

		if ((rc = read_mem(s, o, addr, raw, o->size, err)))
			break;
		if (i % per_line == 0) {
			if (i) {
				if (endline_ascii)
					fprintf(s->out, "  %s", hexchars);
				fputc('\n', s->out);
			}
			print_line_start(s, addr);
			hx = 0;
			memset(hexchars, 0, sizeof(hexchars));
			linelen = 16 + 3;
		}
		v = entry_value(raw, o);
		linelen += print_entry(s, o, &caches, v);
		if (o->style == RD_HEX)
			for (k = 0; k < o->size; k++) {
				unsigned char c = (unsigned char)(v >> (8 * k));
				hexchars[hx++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
			}
		addr += o->size;
	}
	if (endline_ascii && hx) {
		unsigned column = ascii_column(o->size);

		fprintf(s->out, "%*s  %s", column > linelen ? (int)(column - linelen) : 0, "", hexchars);
	}
	if (i)
		fputc('\n', s->out);
	kdk_array_free(&caches);
	return rc;
}

/* -a: printable characters, 60 to a line, each run after an unprintable one on a line of its own;
 * without a count up to the first unprintable character. */
static int display_ascii(struct session *s, const struct rd_opts *o, uint64_t addr, uint64_t count,
			 bool unlimited, struct kdk_err *err)
{
	uint64_t i, on_line = 0;
	bool shown = false;
	int rc = 0;

	for (i = 0; unlimited || i < count; i++, addr++) {
		unsigned char c;

		if ((rc = read_mem(s, o, addr, &c, 1, err)))
			break;
		if (!isprint(c)) {
			if (unlimited)
				break;
			on_line = 0;
			continue;
		}
		if (on_line % 60 == 0) {
			if (shown)
				fputc('\n', s->out);
			print_line_start(s, addr);
		}
		fputc(c, s->out);
		shown = true;
		on_line++;
	}
	if (shown)
		fputc('\n', s->out);
	return rc;
}

static int copy_raw(struct session *s, const struct rd_opts *o, uint64_t addr, uint64_t count,
		    struct kdk_err *err)
{
	unsigned char buf[4096];
	uint64_t done = 0;
	FILE *f = fopen(o->raw_file, "we");
	int rc = 0;

	if (!f)
		return kdk_err_sys(err, errno, "rd: %s", o->raw_file);
	while (done < count && !rc) {
		size_t n = count - done < sizeof(buf) ? (size_t)(count - done) : sizeof(buf);

		if (!(rc = read_mem(s, o, addr + done, buf, n, err))) {
			if (fwrite(buf, 1, n, f) != n)
				rc = kdk_err_sys(err, errno, "rd: %s", o->raw_file);
			done += n;
		}
	}
	if (fclose(f) && !rc)
		rc = kdk_err_sys(err, errno, "rd: %s", o->raw_file);
	if (!rc)
		fprintf(s->out, "%" PRIu64 " bytes copied from 0x%" PRIx64 " to %s\n", count, addr,
			o->raw_file);
	return rc;
}

/* The options of one argument ("-sx", "-16", "-e" with its value in this argument or the next). */
static int parse_option(struct rd_opts *o, int argc, char **argv, int *i, struct kdk_err *err)
{
	const char *p = argv[*i] + 1;

	while (*p) {
		char c = *p++;
		const char **value = NULL;

		switch (c) {
		case 'a': o->ascii = true; break;
		case 'x': o->no_ascii = true; break;
		case 'd': o->style = RD_DECIMAL; break;
		case 'D': o->style = RD_UDECIMAL; break;
		case 'N': o->net_endian = true; break;
		case 'R': o->reverse = true; break;
		case 'p': o->physical = true; break;
		case 's': if (!o->symbolic) o->symbolic = 1; break;
		case 'S': o->symbolic = o->symbolic >= 2 ? 3 : 2; break;
		case '8': o->size = 1; o->ascii = false; break;
		case '1': case '3': case '6': {
			const char *want = c == '1' ? "6" : c == '3' ? "2" : "4";

			if (strncmp(p, want, 1))
				return kdk_err_set(err, EINVAL, "rd: invalid option: -%c%s", c, p);
			p++;
			o->size = c == '1' ? 2 : c == '3' ? 4 : 8;
			o->ascii = false;
			break;
		}
		case 'e': value = &o->end_text; break;
		case 'r': value = &o->raw_file; break;
		case 'o': {
			const char *text = *p ? p : *i + 1 < argc ? argv[++*i] : NULL;

			if (!text || parse_number(text, &o->offset))
				return kdk_err_set(err, EINVAL, "rd: -o needs an offset");
			p = "";
			break;
		}
		case 'u': o->user = true; break;
		default:
			return kdk_err_set(err, EINVAL, "rd: invalid option -%c", c);
		}
		if (value) {
			*value = *p ? p : *i + 1 < argc ? argv[++*i] : NULL;
			if (!*value)
				return kdk_err_set(err, EINVAL, "rd: -%c needs a value", c);
			p = "";
		}
	}
	return 0;
}

int cmd_rd(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct rd_opts o = { .size = 8, .style = RD_HEX };
	const char *addr_text = NULL, *count_text = NULL;
	uint64_t addr, count = 0, end;
	bool have_count = false, unlimited = false;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && argv[i][1] && !addr_text) {
			if ((rc = parse_option(&o, argc, argv, &i, err)))
				return rc;
		} else if (!addr_text) {
			addr_text = argv[i];
		} else if (!count_text) {
			count_text = argv[i];
		} else {
			return kdk_err_set(err, EINVAL, "rd: unexpected argument %s", argv[i]);
		}
	}
	if (!addr_text)
		return kdk_err_set(err, EINVAL, "usage: rd [-adDsSxNRp][-8|-16|-32|-64][-o offs][-e addr]"
						"[-r file] address|symbol [count]");
	if (o.symbolic && o.size != 8)
		return kdk_err_set(err, EINVAL, "rd: -s option is only allowed with 64-bit display");
	if (o.ascii)
		o.size = 1;
	if (o.user && o.physical)
		return kdk_err_set(err, EINVAL, "rd: -u and -p exclude one another");
	if (o.user) {
		uint64_t pgd;

		if ((rc = user_space_top(s, NULL, &pgd, &o.user_top, err)))
			return kdk_err_prefix(err, "rd -u: ");
	}
	if ((rc = expr_crash_address(s, addr_text, &addr, err)))
		return rc;
	addr += o.offset;
	if (count_text) {
		if (parse_number(count_text, &count) || !count)
			return kdk_err_set(err, EINVAL, "rd: count %s is not a positive number", count_text);
		have_count = true;
		if (o.end_text)
			fprintf(stderr, "rd: WARNING: ending address ignored when count is specified\n");
	} else if (o.end_text) {
		if (expr_crash_address(s, o.end_text, &end, err))
			return kdk_err_prefix(err, "rd: -e: ");
		if (end <= addr)
			return kdk_err_set(err, EINVAL, "rd: invalid ending address: %" PRIx64, end);
		count = (end - addr) / o.size;
		if (!count)
			count = 1;
		have_count = true;
	}
	if (o.raw_file) {
		if (!have_count)
			return kdk_err_set(err, EINVAL, "rd: -r option requires either a count argument or "
							"the -e option");
		return copy_raw(s, &o, addr, o.end_text && !count_text ? end - addr : count, err);
	}
	if (!have_count) {
		count = 1;
		unlimited = o.ascii;
	}
	if (o.reverse && count > 1)
		addr -= (count - 1) * o.size;
	if (o.ascii)
		return display_ascii(s, &o, addr, count, unlimited, err);
	return display_entries(s, &o, addr, count, err);
}
