/* cmd_kmem_slab.c — `kmem -s` (every SLUB cache: CACHE OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME, as
 * crash prints them) and `kmem ADDRESS` (the page an address is in and, in a slab, its cache, slab
 * and object, allocated or free); --json for kmem -s from the same rows. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "expr_env.h"
#include "json_out.h"
#include "mem_map.h"
#include "slub.h"
#include "x86_64_vtop.h"

static void cache_header(struct session *s)
{
	fprintf(s->out, "CACHE             OBJSIZE  ALLOCATED     TOTAL  SLABS  SSIZE  NAME\n");
}

static void cache_row(struct session *s, const struct slub_cache *c)
{
	char allocated[24];

	if (c->counted)
		snprintf(allocated, sizeof(allocated), "%" PRIu64, c->total > c->free ? c->total - c->free : 0);
	else
		snprintf(allocated, sizeof(allocated), "?");
	/* crash's OBJSIZE is the object's payload (kmem_cache.object_size) */
	fprintf(s->out, "%016" PRIx64 " %8u %10s %9" PRIu64 " %6" PRIu64 " %5uk  %s\n", c->addr,
		c->object_size, allocated, c->total, c->slabs, 4u << c->order, c->name);
}

/* --json: the same rows, one object each (docs/formats/kcrash-json.md). */
static void caches_json(struct session *s, const struct kdk_array *caches)
{
	size_t i;

	fputc('[', s->out);
	for (i = 0; i < caches->len; i++) {
		const struct slub_cache *c = kdk_array_at(caches, i);

		fprintf(s->out, "%s{\"cache\":\"%016" PRIx64 "\",\"name\":", i ? "," : "", c->addr);
		json_write_string(s->out, c->name);
		fprintf(s->out, ",\"objsize\":%u,\"allocated\":", c->object_size);
		if (c->counted)
			fprintf(s->out, "%" PRIu64, c->total > c->free ? c->total - c->free : 0);
		else
			fputs("null", s->out);
		fprintf(s->out, ",\"total\":%" PRIu64 ",\"slabs\":%" PRIu64 ",\"ssize_kb\":%u,\"size\":%u}",
			c->total, c->slabs, 4u << c->order, c->size);
	}
	fputs("]\n", s->out);
}

int kmem_slabs(struct session *s, struct kdk_err *err)
{
	struct kdk_array caches = KDK_ARRAY_INIT(struct slub_cache);
	size_t i;
	int rc;

	if ((rc = slub_caches(s, &caches, err)))
		goto out;
	if (s->json) {
		caches_json(s, &caches);
		goto out;
	}
	cache_header(s);
	for (i = 0; i < caches.len; i++)
		cache_row(s, kdk_array_at(&caches, i));
out:
	kdk_array_free(&caches);
	return rc;
}

/* The set page flags by the names of BTF's enum pageflags (PG_slab → "slab"), bit by bit below
 * NR_PAGEFLAGS; the first enumerator of a value names it (aliases such as PG_checked follow). */
static void print_flag_names(struct session *s, uint64_t flags)
{
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_ENUM, "pageflags");
	int64_t nr, bit;
	const char *name;
	bool first = true;

	if (!id || (kdk_btf_enum_value(&s->btf, "__NR_PAGEFLAGS", &nr) &&
		    kdk_btf_enum_value(&s->btf, "NR_PAGEFLAGS", &nr)) || nr > 64)
		return;
	for (bit = 0; bit < nr; bit++) {
		if (!(flags >> bit & 1) || !(name = kdk_btf_enum_name(&s->btf, id, bit)))
			continue;
		fprintf(s->out, "%s%s", first ? " " : ",", strncmp(name, "PG_", 3) ? name : name + 3);
		first = false;
	}
}

int kmem_page_of(struct session *s, uint64_t pfn, uint64_t *page, struct kdk_err *err)
{
	/* set up once per session: its root and section caches then serve every later page */
	if (!s->mem_map_state) {
		struct kdk_mem_map_layout layout;
		int rc;

		memset(&layout, 0, sizeof(layout));
		rc = kdk_facts_fill(&s->facts, kdk_mem_map_layout_keys, &layout, err);
		if (!rc)
			rc = kdk_mem_map_init(&s->mem_map, &layout, 12, s->read_virt, s->read_ctx, err);
		if (rc)
			return rc;     /* asked again next time: the BTF may be loaded by then */
		s->mem_map_state = 1;
	}
	return kdk_mem_map_page_addr(&s->mem_map, pfn, page, err);
}

void kmem_print_page(struct session *s, uint64_t page, uint64_t paddr)
{
	uint64_t mapping = 0, index = 0, flags = 0, off;
	uint32_t count = 0;
	struct kdk_err err = { 0 };

	/* members as the fact chain gives them; crash prints INDEX in hex */
	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "page.mapping", &off) >= 0)
		session_read(s, page + off, &mapping, 8, &err);
	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "page.index", &off) >= 0)
		session_read(s, page + off, &index, 8, &err);
	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "page._refcount", &off) >= 0)
		session_read(s, page + off, &count, 4, &err);
	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "page.flags", &off) >= 0)
		session_read(s, page + off, &flags, 8, &err);
	fprintf(s->out, "      PAGE       PHYSICAL      MAPPING       INDEX CNT FLAGS\n");
	fprintf(s->out, "%016" PRIx64 " %8" PRIx64 " %16" PRIx64 " %8" PRIx64 " %2u %" PRIx64, page,
		paddr & ~(uint64_t)0xfff, mapping, index, count, flags);
	print_flag_names(s, flags);
	fputc('\n', s->out);
}

int kmem_address(struct session *s, const char *text, struct kdk_err *err)
{
	struct kdk_array caches = KDK_ARRAY_INIT(struct slub_cache);
	struct slub_where w;
	uint64_t addr, paddr, page;
	bool found;
	int rc;

	if ((rc = expr_address(s, text, &addr, err)))
		return rc;
	if ((rc = kdk_x86_64_vtop(s->kmem.vtop, addr, &paddr, err)))
		return kdk_err_prefix(err, "kmem: %" PRIx64 ": ", addr);
	if ((rc = kmem_page_of(s, paddr >> 12, &page, err)))
		return kdk_err_prefix(err, "kmem: %" PRIx64 ": no struct page: ", addr);
	if ((rc = slub_caches(s, &caches, err)) ||
	    (rc = slub_find(s, &caches, page, paddr >> 12, addr, &w, &found, err)))
		goto out;
	if (found) {
		cache_header(s);
		cache_row(s, w.cache);
		fprintf(s->out, "  SLAB              MEMORY            NODE  TOTAL  ALLOCATED  FREE\n");
		fprintf(s->out, "  %016" PRIx64 "  %016" PRIx64 "  %4u  %5u  %9u  %4u\n", w.slab, w.memory,
			w.node, w.objects, w.inuse, w.objects > w.inuse ? w.objects - w.inuse : 0);
		fprintf(s->out, "  FREE / [ALLOCATED]\n");
		if (!w.object)
			fprintf(s->out, "  (%" PRIx64 " lies past the slab's last object)\n", addr);
		else if (w.object_free)
			fprintf(s->out, "   %" PRIx64 "  (free)\n", w.object);
		else
			fprintf(s->out, "  [%" PRIx64 "]\n", w.object);
		/* an allocated task_struct: the task, as crash adds it */
		if (w.object && !w.object_free && !strcmp(w.cache->name, "task_struct") &&
		    print_task_context(s, w.object, err))
			kdk_err_clear(err);
	}
	kmem_print_page(s, page, paddr);
out:
	kdk_array_free(&caches);
	return rc;
}
