/* kallsyms.c — decoding kallsyms from kernel memory (scripts/kallsyms.c writes it):
 *   kallsyms_num_syms      unsigned int
 *   kallsyms_names         per symbol: a length (one byte; two when its top bit is set, since
 *                          6.1: low 7 bits, then the next byte << 7), then that many token
 *                          indices; the expanded text is the type letter then the name
 *   kallsyms_token_table   256 NUL-terminated token strings, back to back
 *   kallsyms_token_index   256 u16: where each token starts in the table
 *   kallsyms_addresses     per symbol u64, the address itself (KALLSYMS_BASE_RELATIVE off), or
 *   kallsyms_offsets       per symbol s32, relative to kallsyms_relative_base (u64). With
 *                          KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP; 6.12 still) a non-negative
 *                          offset is an absolute value and a negative one is base - 1 - offset;
 *                          without it every offset is base + (u32)offset. Since 7.0
 *                          (a081b5789255) there is no relative base: each offset is relative
 *                          to its own place, &kallsyms_offsets[i] + offset.
 * Which encoding the dump uses follows from the keys VMCOREINFO has, then from the one that puts
 * _stext where VMCOREINFO's SYMBOL(_stext) says (docs/formats/kallsyms.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

#define CHUNK 65536

/* Sequential reads of kernel memory through a buffer. */
struct virt_stream {
	kdk_read_virt_fn read;
	void *ctx;
	uint64_t addr;             /* address of buf[0] */
	size_t len, pos;
	unsigned char buf[CHUNK];
};

static int stream_byte(struct virt_stream *s, unsigned char *out, struct kdk_err *err)
{
	int rc;

	if (s->pos == s->len) {
		s->addr += s->len;
		if ((rc = s->read(s->ctx, s->addr, s->buf, CHUNK, err)) < 0)
			return rc;
		s->len = CHUNK;
		s->pos = 0;
	}
	*out = s->buf[s->pos++];
	return 0;
}

static int symbol_of(const struct kdk_vmcoreinfo *vi, const char *name, uint64_t *value,
		     struct kdk_err *err)
{
	if (kdk_vmcoreinfo_symbol(vi, name, value))
		return kdk_err_set(err, ENOENT, "VMCOREINFO has no SYMBOL(%s) (kernel older than 6.0, "
						"or a dump without VMCOREINFO): give a vmlinux or System.map",
				   name);
	return 0;
}

struct decoded {
	char *names;               /* type letter + name + NUL, back to back */
	size_t names_len;
	size_t *name_at;           /* per symbol: offset in names */
	int32_t *offsets;          /* kallsyms_offsets, or */
	uint64_t *addresses;       /* kallsyms_addresses */
	uint64_t offsets_addr;     /* kernel address of offsets[0] */
	uint64_t base;             /* kallsyms_relative_base's value, where it exists */
	uint32_t count;
};

/* Make room for `more` bytes after names_len, doubling as often as it takes (a token of a
 * damaged table can be longer than everything decoded so far). */
static int names_room(struct decoded *d, size_t *cap, size_t more, struct kdk_err *err)
{
	size_t want = *cap;
	char *grown;

	while (d->names_len + more + 1 > want) {
		if (want > SIZE_MAX / 2)
			return kdk_err_set(err, ENOMEM, "kallsyms: names do not fit in memory");
		want *= 2;
	}
	if (want == *cap)
		return 0;
	if (!(grown = realloc(d->names, want)))
		return kdk_err_set(err, ENOMEM, "kallsyms: out of memory for %zu bytes of names", want);
	d->names = grown;
	*cap = want;
	return 0;
}

static int decode_names(const struct kdk_vmcoreinfo *vi, kdk_read_virt_fn read, void *ctx,
			struct decoded *d, struct kdk_err *err)
{
	uint64_t names_addr, table_addr, index_addr;
	uint16_t token_index[256];
	char *table = NULL;
	size_t cap = (size_t)d->count * 24 + 4096;
	struct virt_stream *s = NULL;
	uint32_t i;
	int rc;

	if ((rc = symbol_of(vi, "kallsyms_names", &names_addr, err)) ||
	    (rc = symbol_of(vi, "kallsyms_token_table", &table_addr, err)) ||
	    (rc = symbol_of(vi, "kallsyms_token_index", &index_addr, err)) ||
	    (rc = read(ctx, index_addr, token_index, sizeof(token_index), err)))
		return rc;
	/* The token table ends with the last token; 64 KiB is far more than 256 tokens use, and
	 * any u16 index stays inside it. */
	table = malloc(CHUNK + 1);
	s = malloc(sizeof(*s));
	d->names = malloc(cap);
	d->name_at = malloc((size_t)d->count * sizeof(*d->name_at));
	if (!table || !s || !d->names || !d->name_at) {
		rc = kdk_err_set(err, ENOMEM, "kallsyms");
		goto out;
	}
	if ((rc = read(ctx, table_addr, table, CHUNK, err)))
		goto out;
	table[CHUNK] = '\0';
	s->read = read;
	s->ctx = ctx;
	s->addr = names_addr;
	s->len = s->pos = 0;
	if ((rc = read(ctx, names_addr, s->buf, CHUNK, err)))
		goto out;
	s->len = CHUNK;
	for (i = 0; i < d->count; i++) {
		unsigned char b, b2;
		unsigned len, k;

		if ((rc = stream_byte(s, &b, err)))
			goto out;
		len = b;
		if (b & 0x80) {
			if ((rc = stream_byte(s, &b2, err)))
				goto out;
			len = (b & 0x7f) | ((unsigned)b2 << 7);
		}
		d->name_at[i] = d->names_len;
		for (k = 0; k < len; k++) {
			const char *token;
			size_t tlen;

			if ((rc = stream_byte(s, &b, err)))
				goto out;
			token = table + token_index[b];
			tlen = strlen(token);
			if ((rc = names_room(d, &cap, tlen, err)))
				goto out;
			memcpy(d->names + d->names_len, token, tlen);
			d->names_len += tlen;
		}
		/* Every entry is a type letter, the name and a NUL. A damaged table can give an entry
		 * with no bytes at all: it gets type '?' so that the name after the letter is "". */
		if ((rc = names_room(d, &cap, 2, err)))
			goto out;
		if (d->names_len == d->name_at[i])
			d->names[d->names_len++] = '?';
		d->names[d->names_len++] = '\0';
	}
out:
	free(table);
	free(s);
	return rc;
}

/* How kallsyms_offsets (or kallsyms_addresses) give symbol i's address. */
enum encoding {
	ENC_ABSOLUTE,              /* kallsyms_addresses: u64 each (!KALLSYMS_BASE_RELATIVE) */
	ENC_BASE_RELATIVE,         /* relative_base + (u32)offset */
	ENC_ABSOLUTE_PERCPU,       /* offset >= 0: absolute; < 0: relative_base - 1 - offset */
	ENC_PLACE_RELATIVE,        /* &kallsyms_offsets[i] + (s32)offset (7.0+) */
};

static const char *const encoding_name[] = {
	[ENC_ABSOLUTE] = "absolute kallsyms_addresses",
	[ENC_BASE_RELATIVE] = "kallsyms_offsets + kallsyms_relative_base",
	[ENC_ABSOLUTE_PERCPU] = "kallsyms_offsets + kallsyms_relative_base, absolute per-CPU",
	[ENC_PLACE_RELATIVE] = "kallsyms_offsets relative to their own place",
};

static uint64_t address_of(const struct decoded *d, uint32_t i, enum encoding enc)
{
	int32_t off;

	if (enc == ENC_ABSOLUTE)
		return d->addresses[i];
	off = d->offsets[i];
	switch (enc) {
	case ENC_BASE_RELATIVE:
		return d->base + (uint32_t)off;
	case ENC_ABSOLUTE_PERCPU:
		return off >= 0 ? (uint64_t)off : d->base - 1 - (int64_t)off;
	default:
		return d->offsets_addr + 4ULL * i + (uint64_t)(int64_t)off;
	}
}

int kdk_kallsyms_read(const struct kdk_vmcoreinfo *vi, kdk_read_virt_fn read_virt, void *read_ctx,
		      struct kdk_symtab *tab, struct kdk_err *err)
{
	uint64_t num_addr, array_addr, base_addr, stext;
	struct decoded d = { 0 };
	/* Candidates in the order tried; the first that puts _stext right wins. */
	enum encoding candidates[3];
	size_t nr_candidates = 0, c;
	int chosen = -1;
	size_t width;
	uint32_t i, stext_index = UINT32_MAX;
	int rc;

	kdk_symtab_init(tab, "kallsyms in the dump");
	if ((rc = symbol_of(vi, "kallsyms_num_syms", &num_addr, err)) ||
	    (rc = symbol_of(vi, "_stext", &stext, err)) ||
	    (rc = read_virt(read_ctx, num_addr, &d.count, sizeof(d.count), err)))
		return rc;
	if (!kdk_vmcoreinfo_symbol(vi, "kallsyms_addresses", &array_addr)) {
		/* crash_core.c exports kallsyms_addresses instead of _offsets/_relative_base when
		 * KALLSYMS_BASE_RELATIVE is off. */
		candidates[nr_candidates++] = ENC_ABSOLUTE;
		width = sizeof(uint64_t);
	} else {
		if ((rc = symbol_of(vi, "kallsyms_offsets", &array_addr, err)))
			return rc;
		width = sizeof(int32_t);
		d.offsets_addr = array_addr;
		/* a081b5789255 ("kallsyms: Get rid of kallsyms relative base", 7.0) dropped
		 * kallsyms_relative_base, and VMCOREINFO's SYMBOL of it with it. */
		if (!kdk_vmcoreinfo_symbol(vi, "kallsyms_relative_base", &base_addr)) {
			if ((rc = read_virt(read_ctx, base_addr, &d.base, sizeof(d.base), err)))
				return rc;
			candidates[nr_candidates++] = ENC_ABSOLUTE_PERCPU;
			candidates[nr_candidates++] = ENC_BASE_RELATIVE;
		}
		candidates[nr_candidates++] = ENC_PLACE_RELATIVE;
	}
	if (!d.count || d.count > 10000000)
		return kdk_err_set(err, EINVAL, "kallsyms_num_syms reads %u: not a symbol count", d.count);
	if (width == sizeof(uint64_t))
		d.addresses = malloc((size_t)d.count * width);
	else
		d.offsets = malloc((size_t)d.count * width);
	if (!d.addresses && !d.offsets)
		return kdk_err_set(err, ENOMEM, "kallsyms offsets");
	if ((rc = read_virt(read_ctx, array_addr, d.addresses ? (void *)d.addresses : (void *)d.offsets,
			    (size_t)d.count * width, err)) ||
	    (rc = decode_names(vi, read_virt, read_ctx, &d, err)))
		goto out;
	for (i = 0; i < d.count && stext_index == UINT32_MAX; i++)
		if (!strcmp(d.names + d.name_at[i] + 1, "_stext"))
			stext_index = i;
	if (stext_index == UINT32_MAX) {
		rc = kdk_err_set(err, EINVAL, "kallsyms: no symbol _stext among %u: the kallsyms "
					      "tables in the dump are damaged", d.count);
		goto out;
	}
	for (c = 0; c < nr_candidates && chosen < 0; c++)
		if (address_of(&d, stext_index, candidates[c]) == stext)
			chosen = (int)candidates[c];
	if (chosen < 0) {
		rc = kdk_err_set(err, EINVAL, "kallsyms: no decoding (%s%s) puts _stext at 0x%llx "
					      "(VMCOREINFO): the kallsyms tables in the dump are damaged",
				 encoding_name[candidates[0]], nr_candidates > 1 ? ", …" : "",
				 (unsigned long long)stext);
		goto out;
	}
	tab->encoding = encoding_name[chosen];
	for (i = 0; i < d.count && !rc; i++) {
		const char *entry = d.names + d.name_at[i];

		rc = kdk_symtab_add(tab, entry + 1, address_of(&d, i, (enum encoding)chosen), entry[0],
				    err);
	}
	if (!rc)
		rc = kdk_symtab_finish(tab, err);
out:
	free(d.offsets);
	free(d.addresses);
	free(d.names);
	free(d.name_at);
	if (rc)
		kdk_symtab_free(tab);
	return rc;
}
