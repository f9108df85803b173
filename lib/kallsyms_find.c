/* kallsyms_find.c — where a dump's kallsyms tables are: the addresses VMCOREINFO gives (6.0+), or
 * the tables found by their shape in the kernel image (docs/formats/kallsyms.md):
 *   - the token table: 256 non-empty NUL-terminated strings in which the characters that occur
 *     in symbol names are their own tokens, so the digits "0".."9" stand at indices 48..57 back to
 *     back; it starts 48 strings before "0" and is followed (aligned) by kallsyms_token_index, 256
 *     u16 that must be exactly where each string starts;
 *   - before the token table, kallsyms_markers: where every 256th symbol starts in the names, an
 *     increasing array of u32 (u64 on some kernels) from 0;
 *   - before the markers, kallsyms_names, whose length-prefixed entries must meet each marker
 *     and end at the markers; before the names, kallsyms_num_syms (a u32 whose value gives as
 *     many markers); before that kallsyms_relative_base and kallsyms_offsets (or, without
 *     KALLSYMS_BASE_RELATIVE, kallsyms_addresses), each table aligned to 8 bytes — the order
 *     scripts/kallsyms.c wrote them in until 6.0. */
#include "kallsyms_find.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* The image is searched in chunks of this size, overlapping by the pattern's length. */
#define SCAN_CHUNK (1u << 20)
#define PAGE_BYTES 4096u
/* This many chunks in a row with no page that reads: the kernel image's mapping has ended. */
#define DEAD_CHUNKS 8u
/* Bytes read around a candidate "0": the 48 tokens before it, and the table with its index after. */
#define TOKEN_WINDOW_BEFORE 4096u
#define TOKEN_WINDOW_AFTER 32768u
/* Bytes before the token table that hold the markers: 4096 of them of 8 bytes (a million symbols). */
#define MARKERS_WINDOW 32768u
/* A names entry: a one- or two-byte length, then a token per character at most (KSYM_NAME_LEN
 * is 512 since 6.1, 128 before). 256 entries — those between two markers — take at most this. */
#define MAX_LAST_GROUP (256u * (2u + 512u))
/* Names of more than this are not a kernel's (5.10 cloud: ~1.3 MB for 100,000 symbols). */
#define MAX_NAMES_BYTES (256u << 20)

static const unsigned char digit_tokens[] = "\0000\0001\0002\0003\0004\0005\0006\0007\0008\0009";
#define DIGIT_TOKENS_LEN (sizeof(digit_tokens))   /* the final NUL of "9" included */

static int key(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value,
	       struct kdk_err *err)
{
	if (kdk_vmcoreinfo_symbol(vi, name, value))
		return kdk_err_set(err, ENOENT, "VMCOREINFO has no SYMBOL(%s)", name);
	return 0;
}

int kdk_kallsyms_tables_from_vmcoreinfo(const struct kdk_vmcoreinfo *vi,
					 struct kdk_kallsyms_tables *t, struct kdk_err *err)
{
	uint64_t addr;
	int rc;

	memset(t, 0, sizeof(*t));
	t->found_by = "VMCOREINFO";
	if ((rc = key(vi, "kallsyms_num_syms", &t->num_syms, err)) ||
	    (rc = key(vi, "kallsyms_names", &t->names, err)) ||
	    (rc = key(vi, "kallsyms_token_table", &t->token_table, err)) ||
	    (rc = key(vi, "kallsyms_token_index", &t->token_index, err)))
		return rc;
	/* crash_core.c exports kallsyms_addresses instead of _offsets/_relative_base when
	 * KALLSYMS_BASE_RELATIVE is off. */
	if (!kdk_vmcoreinfo_symbol(vi, "kallsyms_addresses", &addr)) {
		t->arrays[t->nr_arrays++] = (struct kdk_kallsyms_array){ KDK_KALLSYMS_ADDRESSES, addr };
		return 0;
	}
	if ((rc = key(vi, "kallsyms_offsets", &addr, err)))
		return rc;
	t->arrays[t->nr_arrays++] = (struct kdk_kallsyms_array){ KDK_KALLSYMS_OFFSETS, addr };
	/* a081b5789255 ("kallsyms: Get rid of kallsyms relative base", 7.0) dropped the base. */
	t->have_relative_base = !kdk_vmcoreinfo_symbol(vi, "kallsyms_relative_base", &t->relative_base);
	return 0;
}

static uint16_t get_u16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get_word(const unsigned char *p, unsigned width)
{
	uint32_t v32;
	uint64_t v64;

	if (width == 4) {
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v64, p, sizeof(v64));
	return v64;
}

/* Is the "0" at window offset `zero` the token table's index 48? Then its start and the index's
 * address. The window holds [w_addr, w_addr + w_len). */
static bool token_table_at(const unsigned char *w, uint64_t w_addr, size_t w_len, size_t zero,
			   uint64_t *table, uint64_t *index)
{
	static const unsigned aligns[] = { 2, 4, 8 };
	uint16_t starts[256];
	size_t t = zero, q, len;
	unsigned k, a;

	for (k = 0; k < 48; k++) {          /* back to index 0, one non-empty string at a time */
		if (t < 2 || w[t - 1] != 0 || w[t - 2] == 0)
			return false;
		for (t -= 2; t > 0 && w[t - 1] != 0; t--)
			;
		if (t == 0)
			return false;               /* the window's edge, not a string's start */
	}
	for (k = 0, q = t; k < 256; k++) {
		if (q - t > UINT16_MAX || q >= w_len)
			return false;
		starts[k] = (uint16_t)(q - t);
		len = strnlen((const char *)w + q, w_len - q);
		if (len == 0 || q + len >= w_len)
			return false;
		q += len + 1;
	}
	for (a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
		uint64_t at = (w_addr + q + aligns[a] - 1) & ~(uint64_t)(aligns[a] - 1);
		size_t off = (size_t)(at - w_addr);

		if (off + sizeof(starts) > w_len)
			return false;
		for (k = 0; k < 256 && get_u16(w + off + 2 * k) == starts[k]; k++)
			;
		if (k == 256) {
			*table = w_addr + t;
			*index = at;
			return true;
		}
	}
	return false;
}

/* The markers that end at the token table (after up to 7 bytes of padding): into *markers
 * (malloc'd, in order), their count and start. */
static bool markers_before(const unsigned char *w, uint64_t w_addr, size_t w_len, unsigned width,
			   uint64_t **markers, size_t *count, uint64_t *start)
{
	size_t p = w_len, k = 0, i;
	uint64_t prev = UINT64_MAX, v, *out;

	while (p >= width && w_len - p < 8 && get_word(w + p - width, width) == 0)
		p -= width;                         /* alignment padding */
	for (i = p; i >= width; i -= width) {
		v = get_word(w + i - width, width);
		/* Each step holds 256 entries of 2 to 514 bytes. */
		if (v >= prev || (prev != UINT64_MAX && (prev - v < 512 || prev - v > MAX_LAST_GROUP)))
			return false;
		prev = v;
		k++;
		if (v == 0)
			break;
	}
	if (prev != 0 || k < 2)
		return false;
	if (!(out = malloc(k * sizeof(*out))))
		return false;
	for (i = 0; i < k; i++)
		out[i] = get_word(w + p - (k - i) * width, width);
	*markers = out;
	*count = k;
	*start = w_addr + p - k * width;
	return true;
}

/* Do `count` names entries from `names` meet every marker and end just before names_end? */
static bool names_fit(const unsigned char *buf, uint64_t buf_addr, size_t buf_len, uint64_t names,
		      uint32_t count, const uint64_t *markers, uint64_t names_end)
{
	size_t pos = (size_t)(names - buf_addr), first = pos;
	uint32_t i;
	unsigned len;

	for (i = 0; i < count; i++) {
		if (i % 256 == 0 && pos != first + markers[i / 256])
			return false;
		if (pos >= buf_len)
			return false;
		len = buf[pos++];
		if (len & 0x80) {
			if (pos >= buf_len)
				return false;
			len = (len & 0x7f) | ((unsigned)buf[pos++] << 7);
		}
		if (len == 0)
			return false;               /* every entry has at least its type letter */
		pos += len;
	}
	return buf_addr + pos <= names_end && names_end - (buf_addr + pos) < 8;
}

/* Given the markers, the symbol count and names before them, and where the address array can be. */
static bool tables_before_markers(kdk_read_virt_fn read, void *ctx, const uint64_t *markers,
				  size_t nr_markers, uint64_t markers_start,
				  struct kdk_kallsyms_tables *t)
{
	uint64_t last = markers[nr_markers - 1], lo, a, names;
	struct kdk_err ignored = { 0 };
	unsigned char *buf;
	size_t len;
	bool found = false;

	if (last > MAX_NAMES_BYTES || markers_start < last + MAX_LAST_GROUP + 16)
		return false;
	lo = markers_start - last - MAX_LAST_GROUP - 16;
	len = (size_t)(markers_start - lo);
	if (!(buf = malloc(len)))
		return false;
	if (read(ctx, lo, buf, len, &ignored) < 0) {
		free(buf);
		return false;
	}
	/* kallsyms_num_syms: a u32, 4-aligned at least, somewhere in the last group's reach. */
	for (a = (markers_start - last - 4) & ~(uint64_t)3; a >= lo && !found; a -= 4) {
		uint32_t n;
		unsigned s;

		memcpy(&n, buf + (a - lo), sizeof(n));
		if (n <= 256 * (nr_markers - 1) || n > 256 * nr_markers)
			continue;
		for (s = 0; s < 2 && !found; s++) {
			names = s == 0 ? a + 4 : (a + 4 + 7) & ~(uint64_t)7;
			if (s == 1 && names == a + 4)
				break;
			/* Cheap first: the entries after the last marker, at 2 to 514 bytes each,
			 * must fill what is left before the markers. */
			{
				uint64_t rest = markers_start - (names + last), after = n - 256ULL * (nr_markers - 1);

				if (names + last >= markers_start || rest < 2 * after || rest > 514 * after + 7)
					continue;
			}
			if (!names_fit(buf, lo, len, names, n, markers, markers_start))
				continue;
			found = true;
			t->num_syms = a;
			t->names = names;
			/* Until 6.0: kallsyms_offsets (or _addresses), kallsyms_relative_base, then
			 * kallsyms_num_syms, each 8-aligned. */
			t->have_relative_base = a >= 8;
			t->relative_base = a - 8;
			t->nr_arrays = 0;
			if (a >= 8 + 4ULL * n) {
				uint64_t end = a - 8 - 4ULL * n;

				t->arrays[t->nr_arrays++] = (struct kdk_kallsyms_array){ KDK_KALLSYMS_OFFSETS,
											   end & ~(uint64_t)7 };
				if (end & 7)
					t->arrays[t->nr_arrays++] =
						(struct kdk_kallsyms_array){ KDK_KALLSYMS_OFFSETS, end };
			}
			if (a >= 8ULL * n)
				t->arrays[t->nr_arrays++] = (struct kdk_kallsyms_array){
					KDK_KALLSYMS_ADDRESSES, (a - 8ULL * n) & ~(uint64_t)7 };
		}
		if (a < 4)
			break;
	}
	free(buf);
	return found && t->nr_arrays > 0;
}

/* The candidate "0" at `zero`: the token table, then what stands before it. */
static bool tables_at(kdk_read_virt_fn read, void *ctx, uint64_t zero, struct kdk_kallsyms_tables *t)
{
	static const unsigned widths[] = { 4, 8 };
	unsigned char *w = NULL;
	struct kdk_err ignored = { 0 };
	uint64_t w_addr = zero - TOKEN_WINDOW_BEFORE, table, index, markers_start;
	uint64_t *markers = NULL;
	size_t w_len = TOKEN_WINDOW_BEFORE + TOKEN_WINDOW_AFTER, nr_markers;
	bool found = false;
	unsigned i;

	if (zero < MARKERS_WINDOW + TOKEN_WINDOW_BEFORE || !(w = malloc(w_len)))
		goto out;
	if (read(ctx, w_addr, w, w_len, &ignored) < 0 ||
	    !token_table_at(w, w_addr, w_len, TOKEN_WINDOW_BEFORE, &table, &index))
		goto out;
	free(w);
	if (!(w = malloc(MARKERS_WINDOW)) || read(ctx, table - MARKERS_WINDOW, w, MARKERS_WINDOW, &ignored) < 0)
		goto out;
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]) && !found; i++) {
		if (!markers_before(w, table - MARKERS_WINDOW, MARKERS_WINDOW, widths[i], &markers,
				    &nr_markers, &markers_start))
			continue;
		found = tables_before_markers(read, ctx, markers, nr_markers, markers_start, t);
		free(markers);
		markers = NULL;
	}
	if (found) {
		t->token_table = table;
		t->token_index = index;
	}
out:
	free(w);
	return found;
}

int kdk_kallsyms_tables_find(uint64_t stext, uint64_t scan_bytes, kdk_read_virt_fn read,
			     void *ctx, struct kdk_kallsyms_tables *t, struct kdk_err *err)
{
	unsigned char *chunk = malloc(SCAN_CHUNK + DIGIT_TOKENS_LEN);
	uint64_t at, scanned = 0;
	unsigned dead_chunks = 0;
	struct kdk_err why = { 0 };
	int rc = 0;

	memset(t, 0, sizeof(*t));
	t->found_by = "the kernel image";
	if (!chunk)
		return kdk_err_set(err, ENOMEM, "kallsyms: out of memory");
	for (at = stext; at - stext < scan_bytes; at += SCAN_CHUNK) {
		const unsigned char *p, *end;
		size_t len = SCAN_CHUNK + DIGIT_TOKENS_LEN, off, n, readable = 0;

		if (read(ctx, at, chunk, len, &why) < 0) {
			/* A hole — pages a filtered dump left out, such as the gap between text and
			 * read-only data that the kernel frees at boot — or the end of the mapping:
			 * a page at a time, what does not read searched as zeros. */
			for (off = 0; off < len; off += n) {
				n = len - off < PAGE_BYTES ? len - off : PAGE_BYTES;
				if (read(ctx, at + off, chunk + off, n, &why) == 0)
					readable++;
				else
					memset(chunk + off, 0, n);
			}
			if (!readable) {
				if (++dead_chunks == DEAD_CHUNKS)
					break;      /* past the image's end */
				continue;
			}
		}
		dead_chunks = 0;
		scanned = at + SCAN_CHUNK - stext;
		for (p = chunk, end = chunk + len;
		     (p = memmem(p, (size_t)(end - p), digit_tokens, DIGIT_TOKENS_LEN)); p++)
			if (tables_at(read, ctx, at + (uint64_t)(p - chunk) + 1, t))
				goto out;
	}
	rc = kdk_err_set(err, ENOENT, "no kallsyms tables in the %llu KiB of the kernel image from "
				      "_stext (0x%llx)%s%s",
			 (unsigned long long)(scanned >> 10), (unsigned long long)stext,
			 why.code ? "; the last page that did not read: " : "", why.code ? why.msg : "");
out:
	free(chunk);
	return rc;
}
