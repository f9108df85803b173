/* kallsyms.c — decoding kallsyms from kernel memory (scripts/kallsyms.c writes it):
 *   kallsyms_num_syms      unsigned int
 *   kallsyms_names         per symbol: a length (one byte; two when its top bit is set, since
 *                          6.1: low 7 bits, then the next byte << 7), then that many token
 *                          indices; the expanded text is the type letter then the name
 *   kallsyms_token_table   256 NUL-terminated token strings, back to back
 *   kallsyms_token_index   256 u16: where each token starts in the table
 *   kallsyms_offsets       per symbol s32, relative to kallsyms_relative_base (u64). With
 *                          KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP before 6.11) a non-negative
 *                          offset is an absolute value and a negative one is base - 1 - offset;
 *                          without it every offset is base + (u32)offset. Which encoding the
 *                          dump uses is decided by the one that puts _stext where VMCOREINFO's
 *                          SYMBOL(_stext) says. */
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
	int32_t *offsets;
	uint32_t count;
};

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
			if (d->names_len + tlen + 2 > cap) {
				char *grown = realloc(d->names, cap * 2);

				if (!grown) {
					rc = kdk_err_set(err, ENOMEM, "kallsyms");
					goto out;
				}
				d->names = grown;
				cap *= 2;
			}
			memcpy(d->names + d->names_len, token, tlen);
			d->names_len += tlen;
		}
		d->names[d->names_len++] = '\0';
	}
out:
	free(table);
	free(s);
	return rc;
}

/* The address of symbol i under one of the two offset encodings. */
static uint64_t address_of(const struct decoded *d, uint32_t i, uint64_t base, int absolute_percpu)
{
	int32_t off = d->offsets[i];

	if (!absolute_percpu)
		return base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : base - 1 - (int64_t)off;
}

int kdk_kallsyms_read(const struct kdk_vmcoreinfo *vi, kdk_read_virt_fn read_virt, void *read_ctx,
		      struct kdk_symtab *tab, struct kdk_err *err)
{
	uint64_t num_addr, offsets_addr, base_addr, base, stext;
	struct decoded d = { 0 };
	int absolute_percpu = -1;
	uint32_t i;
	int rc;

	kdk_symtab_init(tab, "kallsyms in the dump");
	if ((rc = symbol_of(vi, "kallsyms_num_syms", &num_addr, err)) ||
	    (rc = symbol_of(vi, "kallsyms_offsets", &offsets_addr, err)) ||
	    (rc = symbol_of(vi, "kallsyms_relative_base", &base_addr, err)) ||
	    (rc = symbol_of(vi, "_stext", &stext, err)) ||
	    (rc = read_virt(read_ctx, num_addr, &d.count, sizeof(d.count), err)) ||
	    (rc = read_virt(read_ctx, base_addr, &base, sizeof(base), err)))
		return rc;
	if (!d.count || d.count > 10000000)
		return kdk_err_set(err, EINVAL, "kallsyms_num_syms reads %u: not a symbol count", d.count);
	d.offsets = malloc((size_t)d.count * sizeof(*d.offsets));
	if (!d.offsets)
		return kdk_err_set(err, ENOMEM, "kallsyms offsets");
	if ((rc = read_virt(read_ctx, offsets_addr, d.offsets, (size_t)d.count * sizeof(*d.offsets),
			    err)) ||
	    (rc = decode_names(vi, read_virt, read_ctx, &d, err)))
		goto out;
	for (i = 0; i < d.count && absolute_percpu < 0; i++) {
		if (strcmp(d.names + d.name_at[i] + 1, "_stext"))
			continue;
		if (address_of(&d, i, base, 1) == stext)
			absolute_percpu = 1;
		else if (address_of(&d, i, base, 0) == stext)
			absolute_percpu = 0;
	}
	if (absolute_percpu < 0) {
		rc = kdk_err_set(err, EINVAL, "kallsyms: no decoding puts _stext at 0x%llx "
					      "(VMCOREINFO): the kallsyms tables in the dump are damaged",
				 (unsigned long long)stext);
		goto out;
	}
	for (i = 0; i < d.count && !rc; i++) {
		const char *entry = d.names + d.name_at[i];

		rc = kdk_symtab_add(tab, entry + 1, address_of(&d, i, base, absolute_percpu), entry[0],
				    err);
	}
	if (!rc)
		rc = kdk_symtab_finish(tab, err);
out:
	free(d.offsets);
	free(d.names);
	free(d.name_at);
	if (rc)
		kdk_symtab_free(tab);
	return rc;
}
