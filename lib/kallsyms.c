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
 * Where the tables are: VMCOREINFO's keys (6.0+), else their shape in the kernel image
 * (kallsyms_find.c). Which encoding the dump uses follows from what was found, then from the one
 * that puts _stext where VMCOREINFO's SYMBOL(_stext) says (docs/formats/kallsyms.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "kallsyms_find.h"

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

static int decode_names(const struct kdk_kallsyms_tables *t, kdk_read_virt_fn read, void *ctx,
			struct decoded *d, struct kdk_err *err)
{
	uint64_t names_addr = t->names, table_addr = t->token_table, index_addr = t->token_index;
	uint16_t token_index[256];
	char *table = NULL;
	size_t cap = (size_t)d->count * 24 + 4096;
	struct virt_stream *s = NULL;
	uint32_t i;
	int rc;

	if ((rc = read(ctx, index_addr, token_index, sizeof(token_index), err)))
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

/* The tables: VMCOREINFO's, or (a kernel before 6.0) found in the image from _stext. */
static int locate_tables(const struct kdk_vmcoreinfo *vi, uint64_t stext, kdk_read_virt_fn read_virt,
			 void *read_ctx, struct kdk_kallsyms_tables *t, struct kdk_err *err)
{
	uint64_t ignored;

	if (!kdk_vmcoreinfo_symbol(vi, "kallsyms_num_syms", &ignored))
		return kdk_kallsyms_tables_from_vmcoreinfo(vi, t, err);
	if (kdk_kallsyms_tables_find(stext, KDK_KALLSYMS_SCAN_BYTES, read_virt, read_ctx, t, err) < 0)
		return kdk_err_prefix(err, "VMCOREINFO has no SYMBOL(kallsyms_num_syms) (a kernel "
					   "older than 6.0) and the search for the tables failed (give "
					   "a vmlinux or System.map): ");
	return 0;
}

/* Read array `a` into d (offsets or addresses), replacing the one read before. */
static int read_array(const struct kdk_kallsyms_array *a, kdk_read_virt_fn read_virt, void *read_ctx,
		      struct decoded *d, struct kdk_err *err)
{
	size_t width = a->kind == KDK_KALLSYMS_ADDRESSES ? sizeof(uint64_t) : sizeof(int32_t);
	void *array = malloc((size_t)d->count * width);

	if (!array)
		return kdk_err_set(err, ENOMEM, "kallsyms offsets");
	free(d->offsets);
	free(d->addresses);
	d->offsets = NULL;
	d->addresses = NULL;
	if (a->kind == KDK_KALLSYMS_ADDRESSES)
		d->addresses = array;
	else
		d->offsets = array;
	d->offsets_addr = a->addr;
	return read_virt(read_ctx, a->addr, array, (size_t)d->count * width, err);
}

int kdk_kallsyms_read(const struct kdk_vmcoreinfo *vi, kdk_read_virt_fn read_virt, void *read_ctx,
		      struct kdk_symtab *tab, struct kdk_err *err)
{
	struct kdk_kallsyms_tables t;
	uint64_t stext;
	struct decoded d = { 0 };
	int chosen = -1, first_tried = -1;
	uint32_t i, stext_index = UINT32_MAX;
	size_t a, nr_tried = 0;
	int rc;

	kdk_symtab_init(tab, "kallsyms in the dump");
	if (kdk_vmcoreinfo_symbol(vi, "_stext", &stext))
		return kdk_err_set(err, ENOENT, "VMCOREINFO has no SYMBOL(_stext) (or the dump has no "
						"VMCOREINFO): give a vmlinux or System.map");
	if ((rc = locate_tables(vi, stext, read_virt, read_ctx, &t, err)) ||
	    (rc = read_virt(read_ctx, t.num_syms, &d.count, sizeof(d.count), err)))
		return rc;
	if (!d.count || d.count > 10000000)
		return kdk_err_set(err, EINVAL, "kallsyms_num_syms reads %u: not a symbol count", d.count);
	if ((rc = decode_names(&t, read_virt, read_ctx, &d, err)))
		goto out;
	for (i = 0; i < d.count && stext_index == UINT32_MAX; i++)
		if (!strcmp(d.names + d.name_at[i] + 1, "_stext"))
			stext_index = i;
	if (stext_index == UINT32_MAX) {
		rc = kdk_err_set(err, EINVAL, "kallsyms: no symbol _stext among %u: the kallsyms "
					      "tables in the dump are damaged", d.count);
		goto out;
	}
	if (t.have_relative_base &&
	    (rc = read_virt(read_ctx, t.relative_base, &d.base, sizeof(d.base), err)))
		goto out;
	/* Per array, the encodings it can hold, in the order tried; the first that puts _stext
	 * right wins. */
	for (a = 0; a < t.nr_arrays && chosen < 0; a++) {
		enum encoding candidates[3];
		size_t nr = 0, c;

		if (t.arrays[a].kind == KDK_KALLSYMS_ADDRESSES) {
			candidates[nr++] = ENC_ABSOLUTE;
		} else {
			if (t.have_relative_base) {
				candidates[nr++] = ENC_ABSOLUTE_PERCPU;
				candidates[nr++] = ENC_BASE_RELATIVE;
			}
			candidates[nr++] = ENC_PLACE_RELATIVE;
		}
		if ((rc = read_array(&t.arrays[a], read_virt, read_ctx, &d, err)))
			goto out;
		for (c = 0; c < nr && chosen < 0; c++, nr_tried++) {
			if (first_tried < 0)
				first_tried = (int)candidates[c];
			if (address_of(&d, stext_index, candidates[c]) == stext)
				chosen = (int)candidates[c];
		}
	}
	if (chosen < 0) {
		rc = kdk_err_set(err, EINVAL, "kallsyms: no decoding (%s%s) puts _stext at 0x%llx "
					      "(VMCOREINFO): the kallsyms tables in the dump are damaged",
				 first_tried < 0 ? "none" : encoding_name[first_tried], nr_tried > 1 ? ", …" : "",
				 (unsigned long long)stext);
		goto out;
	}
	tab->encoding = encoding_name[chosen];
	if (strcmp(t.found_by, "VMCOREINFO"))
		tab->source = "kallsyms found in the dump's kernel image";
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
