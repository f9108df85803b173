/* ksyms.c — the symbol table: a name pool, an address-sorted array and a name index. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

void kdk_symtab_init(struct kdk_symtab *tab, const char *source)
{
	memset(tab, 0, sizeof(*tab));
	kdk_array_init(&tab->syms, sizeof(struct kdk_ksym));
	tab->source = source;
}

int kdk_symtab_add(struct kdk_symtab *tab, const char *name, uint64_t addr, char type,
		   struct kdk_err *err)
{
	size_t len = strlen(name) + 1;
	struct kdk_ksym *sym;

	if (tab->pool_len + len > tab->pool_cap) {
		size_t cap = tab->pool_cap ? tab->pool_cap * 2 : 1 << 20;
		char *pool;

		while (cap < tab->pool_len + len)
			cap *= 2;
		if (cap > UINT32_MAX || !(pool = realloc(tab->pool, cap)))
			return kdk_err_set(err, ENOMEM, "symbol names");
		tab->pool = pool;
		tab->pool_cap = cap;
	}
	sym = kdk_array_push(&tab->syms, err);
	if (!sym)
		return -err->code;
	memcpy(tab->pool + tab->pool_len, name, len);
	sym->name = (uint32_t)tab->pool_len;
	sym->addr = addr;
	sym->type = type;
	tab->pool_len += len;
	return 0;
}

int kdk_symtab_add_module(struct kdk_symtab *tab, const char *name, uint64_t addr, char type,
			  const char *module, struct kdk_err *err)
{
	int rc = kdk_symtab_add(tab, name, addr, type, err);

	if (!rc)
		KDK_ARRAY_AT(&tab->syms, struct kdk_ksym, tab->syms.len - 1)->module = module;
	return rc;
}

static int by_addr(const void *a, const void *b)
{
	const struct kdk_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* FNV-1a: the name index is a hash table, built in one pass (sorting 200,000 names by strcmp
 * was most of a dump's opening time). */
static uint64_t name_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*name) {
		h ^= (unsigned char)*name++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static int sorted_by_addr(const struct kdk_ksym *syms, size_t from, size_t n)
{
	for (size_t i = from + 1; i < n; i++)
		if (syms[i - 1].addr > syms[i].addr)
			return 0;
	return 1;
}

/* Sort by address. kallsyms and a module's symbols usually come in address order already, and
 * the symbols added since the last finish (a dump's modules, after the kernel's) usually all lie
 * above the kernel's: check before sorting, and sort only the new part when that is enough
 * (sorting 200,000 sorted symbols was a third of `kcrash triage`'s time). `old`: how many were
 * sorted before (0: none). 1 when the whole table was sorted again. */
static int sort_by_addr(struct kdk_symtab *tab, size_t old)
{
	struct kdk_ksym *syms = tab->syms.items;
	size_t n = tab->syms.len;

	if (sorted_by_addr(syms, 0, n))
		return 0;
	if (old >= n)
		old = 0;
	if (old && !sorted_by_addr(syms, old, n))
		qsort(syms + old, n - old, sizeof(*syms), by_addr);
	if (old && syms[old - 1].addr <= syms[old].addr)
		return 0;
	kdk_array_sort(&tab->syms, by_addr);
	return 1;
}

/* Put syms[from..n) in the name index; of several symbols sharing a name, the first (in address
 * order) keeps the slot. */
static void index_names(struct kdk_symtab *tab, size_t from, size_t n)
{
	const struct kdk_ksym *syms = tab->syms.items;

	for (size_t i = from; i < n; i++) {
		const char *name = tab->pool + syms[i].name;
		size_t slot = name_hash(name) & (tab->by_name_slots - 1);

		while (tab->by_name[slot] && strcmp(tab->pool + syms[tab->by_name[slot] - 1].name, name))
			slot = (slot + 1) & (tab->by_name_slots - 1);
		if (!tab->by_name[slot])
			tab->by_name[slot] = (uint32_t)i + 1;
	}
}

int kdk_symtab_finish(struct kdk_symtab *tab, struct kdk_err *err)
{
	struct kdk_ksym *syms;
	size_t i, next, n = tab->syms.len, kept = tab->sorted <= n ? tab->sorted : 0;

	/* The symbols added since the last finish all sorted above the earlier ones: the name
	 * index stays, and takes only the new ones while it has room. */
	if (sort_by_addr(tab, kept))
		kept = 0;
	tab->sorted = n;
	syms = tab->syms.items;
	/* Backwards, so that symbols sharing an address cost one step each (a damaged table can
	 * put millions at one address): `next` is the first symbol above syms[i]'s address. */
	for (i = n, next = n; i-- > 0;) {
		if (i + 1 < n && syms[i + 1].addr != syms[i].addr)
			next = i + 1;
		/* Up to the next symbol, unless that is far away (the end of a region, like the
		 * per-CPU area's last symbol before kernel text): then unknown. */
		syms[i].size = next < n && syms[next].addr - syms[i].addr <= (16u << 20) ?
				       syms[next].addr - syms[i].addr : 0;
	}
	if (tab->by_name && kept && tab->by_name_slots >= 2 * n) {
		index_names(tab, kept, n);
		return 0;
	}
	free(tab->by_name);
	for (tab->by_name_slots = 16; tab->by_name_slots < 2 * n; tab->by_name_slots *= 2)
		;
	tab->by_name = calloc(tab->by_name_slots, sizeof(*tab->by_name));
	if (!tab->by_name)
		return kdk_err_set(err, ENOMEM, "symbol index");
	index_names(tab, 0, n);
	return 0;
}

void kdk_symtab_free(struct kdk_symtab *tab)
{
	kdk_array_free(&tab->syms);
	free(tab->pool);
	free(tab->by_name);
	memset(tab, 0, sizeof(*tab));
}

const char *kdk_symtab_name(const struct kdk_symtab *tab, const struct kdk_ksym *sym)
{
	return tab->pool + sym->name;
}

const struct kdk_ksym *kdk_symtab_by_name(const struct kdk_symtab *tab, const char *name)
{
	const struct kdk_ksym *syms = tab->syms.items;
	size_t slot;

	if (!tab->by_name)
		return NULL;
	for (slot = name_hash(name) & (tab->by_name_slots - 1); tab->by_name[slot];
	     slot = (slot + 1) & (tab->by_name_slots - 1))
		if (!strcmp(tab->pool + syms[tab->by_name[slot] - 1].name, name))
			return &syms[tab->by_name[slot] - 1];
	return NULL;
}

const struct kdk_ksym *kdk_symtab_by_addr(const struct kdk_symtab *tab, uint64_t addr,
					  uint64_t *offset)
{
	const struct kdk_ksym *syms = tab->syms.items;
	size_t lo = 0, hi = tab->syms.len;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* Of several symbols at one address, the first (aliases sort stably after it). */
	while (lo > 1 && syms[lo - 2].addr == syms[lo - 1].addr)
		lo--;
	if (offset)
		*offset = addr - syms[lo - 1].addr;
	return &syms[lo - 1];
}

bool kdk_ksym_is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

int kdk_symtab_load_map(struct kdk_symtab *tab, const char *path, struct kdk_err *err)
{
	char line[1024];
	unsigned lineno = 0;
	FILE *in = fopen(path, "re");
	int rc = 0;

	if (!in)
		return kdk_err_sys(err, errno, "%s", path);
	while (fgets(line, sizeof(line), in)) {
		unsigned long long addr;
		char type, name[512];

		lineno++;
		if (sscanf(line, "%llx %c %511s", &addr, &type, name) != 3) {
			rc = kdk_err_set(err, EINVAL, "%s:%u: not \"ADDRESS TYPE NAME\"", path, lineno);
			break;
		}
		if ((rc = kdk_symtab_add(tab, name, addr, type, err)))
			break;
	}
	fclose(in);
	return rc ? rc : kdk_symtab_finish(tab, err);
}
