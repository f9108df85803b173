/* slub.c — SLUB caches counted from the dump (mm/slub.c, mm/slab.h of each series): totals from
 * kmem_cache_node's nr_slabs/total_objects; free objects from the node partial lists, each CPU's
 * slab (kmem_cache_cpu: 5.x-6.x) with its lockless freelist, the CPU partial list, or the per-CPU
 * sheaves that replaced kmem_cache_cpu (7.x). Which of these exist is read from BTF. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpus.h"
#include "kexpr/kexpr.h"
#include "list_guard.h"
#include "slub.h"
#include "tasks.h"
#include "x86_64_vtop.h"

#define MAX_SLABS (1u << 24)

struct field {
	uint64_t bits;
	unsigned width;
	bool have;
};

struct layout {
	/* struct kmem_cache */
	struct field size, object_size, offset, oo, name, list, random, node, per_node, cpu_slab,
		     cpu_sheaves;
	uint64_t per_node_stride, per_node_node;
	/* struct kmem_cache_node */
	struct field nr_slabs, total_objects, partial;
	/* struct kmem_cache_cpu (until 7.x) */
	struct field c_freelist, c_slab, c_partial;
	/* struct slub_percpu_sheaves and slab_sheaf (7.x) */
	struct field pcs_main, pcs_spare, sheaf_size;
	/* struct slab (5.17+) or struct page */
	struct field slab_list, slab_cache, freelist, inuse, objects, next;
	uint32_t nr_node_ids, nr_cpus;
};

static struct field field_of(struct session *s, const char *type_name, const char *path)
{
	struct field f = { 0 };
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, type_name), type = 0;
	char part[64];
	const char *p = path;

	if (!id)
		return f;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		uint64_t bits;
		unsigned width;

		snprintf(part, sizeof(part), "%.*s", (int)len, p);
		if (!kexpr_member(&s->btf, id, part, &bits, &type, &width))
			return (struct field){ 0 };
		f.bits += bits;
		f.width = width;
		id = kdk_btf_resolve(&s->btf, type);
		p += len + (dot ? 1 : 0);
	}
	f.have = true;
	return f;
}

static int load_layout(struct session *s, struct layout *l, struct kdk_err *err)
{
	const char *slab = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, "slab") &&
			   field_of(s, "slab", "slab_cache").have ? "slab" : "page";
	uint32_t pn;
	uint64_t addr;
	int rc;

	memset(l, 0, sizeof(*l));
	l->size = field_of(s, "kmem_cache", "size");
	l->object_size = field_of(s, "kmem_cache", "object_size");
	l->offset = field_of(s, "kmem_cache", "offset");
	l->oo = field_of(s, "kmem_cache", "oo");
	l->name = field_of(s, "kmem_cache", "name");
	l->list = field_of(s, "kmem_cache", "list");
	l->random = field_of(s, "kmem_cache", "random");
	l->node = field_of(s, "kmem_cache", "node");
	l->per_node = field_of(s, "kmem_cache", "per_node");
	l->cpu_slab = field_of(s, "kmem_cache", "cpu_slab");
	l->cpu_sheaves = field_of(s, "kmem_cache", "cpu_sheaves");
	if (l->per_node.have && (pn = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, "kmem_cache_per_node_ptrs"))) {
		struct field n = field_of(s, "kmem_cache_per_node_ptrs", "node");

		l->per_node_stride = kdk_btf_size(&s->btf, pn);
		l->per_node_node = n.bits / 8;
		l->per_node.have = n.have;
	}
	l->nr_slabs = field_of(s, "kmem_cache_node", "nr_slabs");
	l->total_objects = field_of(s, "kmem_cache_node", "total_objects");
	l->partial = field_of(s, "kmem_cache_node", "partial");
	l->c_freelist = field_of(s, "kmem_cache_cpu", "freelist");
	l->c_slab = field_of(s, "kmem_cache_cpu", "slab");
	if (!l->c_slab.have)
		l->c_slab = field_of(s, "kmem_cache_cpu", "page");
	l->c_partial = field_of(s, "kmem_cache_cpu", "partial");
	l->pcs_main = field_of(s, "slub_percpu_sheaves", "main");
	l->pcs_spare = field_of(s, "slub_percpu_sheaves", "spare");
	l->sheaf_size = field_of(s, "slab_sheaf", "size");
	l->slab_list = field_of(s, slab, "slab_list");
	if (!l->slab_list.have)
		l->slab_list = field_of(s, slab, "lru");
	l->slab_cache = field_of(s, slab, "slab_cache");
	l->freelist = field_of(s, slab, "freelist");
	l->inuse = field_of(s, slab, "inuse");
	l->objects = field_of(s, slab, "objects");
	l->next = field_of(s, slab, "next");
	if (!l->size.have || !l->offset.have || !l->oo.have || !l->name.have || !l->list.have ||
	    (!l->node.have && !l->per_node.have) || !l->slab_cache.have)
		return kdk_err_set(err, ENOENT, "kmem: the kernel's BTF lacks SLUB's kmem_cache members "
						"(size, offset, oo, name, list, node or per_node; "
						"%s.slab_cache): not a SLUB kernel?", slab);
	if (!l->node.have) {
		l->node.bits = l->per_node.bits + l->per_node_node * 8;
	}
	if ((rc = session_symbol(s, "nr_node_ids", &addr, err)) ||
	    (rc = session_read(s, addr, &l->nr_node_ids, 4, err)))
		l->nr_node_ids = 1;     /* !CONFIG_NUMA: a macro, one node */
	kdk_err_clear(err);
	if (!l->nr_node_ids || l->nr_node_ids > 1024)
		return kdk_err_set(err, EINVAL, "kmem: nr_node_ids reads %u", l->nr_node_ids);
	return tasks_nr_cpus(s, &l->nr_cpus, err);
}

static uint64_t get(const uint8_t *obj, const struct field *f, size_t size)
{
	uint64_t v = 0;

	if (!f->have)
		return 0;
	if (f->width) {
		memcpy(&v, obj + f->bits / 8, (f->bits % 8 + f->width + 7) / 8);
		return (v >> (f->bits % 8)) & ((1ULL << f->width) - 1);
	}
	memcpy(&v, obj + f->bits / 8, size);
	return v;
}

/* A slab's (or page's) inuse and objects counters, and its freelist. */
static int slab_counts(struct session *s, const struct layout *l, uint64_t slab, uint32_t *inuse,
		       uint32_t *objects, uint64_t *freelist, struct kdk_err *err)
{
	uint8_t buf[128] = { 0 };
	uint64_t end = l->objects.bits / 8 + 8;
	int rc;

	if (end < l->freelist.bits / 8 + 8)
		end = l->freelist.bits / 8 + 8;
	if (end > sizeof(buf))
		return kdk_err_set(err, EINVAL, "kmem: slab counters past 128 bytes");
	if ((rc = session_read(s, slab, buf, (size_t)end, err)))
		return rc;
	*inuse = (uint32_t)get(buf, &l->inuse, 4);
	*objects = (uint32_t)get(buf, &l->objects, 4);
	if (freelist)
		*freelist = get(buf, &l->freelist, 8);
	return 0;
}

/* Objects on a freelist (free pointers hardened with the cache's random key when it has one:
 * mm/slub.c freelist_ptr_decode, ptr ^ s->random ^ swab(address of the pointer)). */
static int freelist_length(struct session *s, const struct slub_cache *c, uint64_t object,
			   uint64_t limit, uint64_t *count, uint64_t **list, struct kdk_err *err)
{
	uint64_t n = 0, stored;
	int rc;

	while (object && n <= limit) {
		if (list)
			(*list)[n] = object;
		n++;
		if ((rc = session_read_u64(s, object + c->offset, &stored, err)))
			return rc;
		object = c->random ? stored ^ c->random ^ __builtin_bswap64(object + c->offset) : stored;
	}
	if (n > limit)
		return kdk_err_set(err, ELOOP, "kmem: %s: a freelist longer than a slab", c->name);
	*count = n;
	return 0;
}

/* Free objects of the slabs on a list (node partial lists). */
static int list_free(struct session *s, const struct layout *l, uint64_t head, uint64_t *free,
		     struct kdk_err *err)
{
	struct list_guard guard;
	uint64_t node, off = l->slab_list.bits / 8;
	unsigned n = 0;
	int rc;

	list_guard_init(&guard, head);
	if ((rc = session_read_u64(s, head, &node, err)))
		return rc;
	while (node != head) {
		uint32_t inuse, objects;

		if ((rc = slab_counts(s, l, node - off, &inuse, &objects, NULL, err)))
			return rc;
		*free += objects > inuse ? objects - inuse : 0;
		if (++n > MAX_SLABS || (rc = session_read_u64(s, node, &node, err)))
			return rc ? rc : kdk_err_set(err, E2BIG, "kmem: a partial list without end");
		if (node != head && list_guard_loops(&guard, node))
			return kdk_err_set(err, ELOOP, "kmem: a partial list loops");
	}
	return 0;
}

static int count_cache(struct session *s, const struct layout *l, struct slub_cache *c,
		       const uint8_t *cache, struct kdk_err *err)
{
	uint8_t nodebuf[64];
	uint64_t node, pcpu, cpu_addr, v, count;
	uint32_t i, inuse, objects;
	int rc;

	for (i = 0; i < l->nr_node_ids; i++) {
		uint64_t at = l->node.bits / 8 + (l->node.have ? 8ULL * i : l->per_node_stride * i);

		if (at + 8 > 1u << 20 || (rc = session_read_u64(s, c->addr + at, &node, err)))
			return rc ? rc : kdk_err_set(err, EINVAL, "kmem: node %u past the cache", i);
		if (!node)
			continue;
		if ((rc = session_read(s, node, nodebuf, sizeof(nodebuf), err)))
			return rc;
		c->slabs += get(nodebuf, &l->nr_slabs, 8);
		c->total += get(nodebuf, &l->total_objects, 8);
		if (l->partial.have && (rc = list_free(s, l, node + l->partial.bits / 8, &c->free, err)))
			return rc;
	}
	if (l->cpu_slab.have) {
		pcpu = get(cache, &l->cpu_slab, 8);
		for (i = 0; i < l->nr_cpus; i++) {
			uint64_t slab, freelist, partial;

			if ((rc = cpus_per_cpu_addr(s, pcpu, i, &cpu_addr, err)))
				return rc;
			/* the CPU's lockless freelist, and what others freed into its slab */
			if ((rc = session_read_u64(s, cpu_addr + l->c_freelist.bits / 8, &v, err)) ||
			    (rc = freelist_length(s, c, v, c->objects_per_slab, &count, NULL, err)))
				return rc;
			c->free += count;
			if ((rc = session_read_u64(s, cpu_addr + l->c_slab.bits / 8, &slab, err)))
				return rc;
			if (slab) {
				if ((rc = slab_counts(s, l, slab, &inuse, &objects, &freelist, err)) ||
				    (rc = freelist_length(s, c, freelist, objects, &count, NULL, err)))
					return rc;
				c->free += count;
			}
			if (!l->c_partial.have || !l->next.have)
				continue;
			if ((rc = session_read_u64(s, cpu_addr + l->c_partial.bits / 8, &partial, err)))
				return rc;
			for (count = 0; partial && count < MAX_SLABS; count++) {
				if ((rc = slab_counts(s, l, partial, &inuse, &objects, NULL, err)))
					return rc;
				c->free += objects > inuse ? objects - inuse : 0;
				if ((rc = session_read_u64(s, partial + l->next.bits / 8, &partial, err)))
					return rc;
			}
		}
	} else if (l->cpu_sheaves.have && l->sheaf_size.have) {
		/* objects cached in a CPU's sheaves are free to allocate */
		pcpu = get(cache, &l->cpu_sheaves, 8);
		for (i = 0; i < l->nr_cpus && pcpu; i++) {
			const struct field *which[] = { &l->pcs_main, &l->pcs_spare };
			unsigned w;

			if ((rc = cpus_per_cpu_addr(s, pcpu, i, &cpu_addr, err)))
				return rc;
			for (w = 0; w < 2; w++) {
				uint64_t sheaf;
				uint32_t size = 0;

				if (!which[w]->have ||
				    (rc = session_read_u64(s, cpu_addr + which[w]->bits / 8, &sheaf, err)))
					return rc;
				if (!sheaf)
					continue;
				if ((rc = session_read(s, sheaf + l->sheaf_size.bits / 8, &size, 4, err)))
					return rc;
				c->free += size;
			}
		}
	}
	c->counted = true;
	return 0;
}

int slub_caches(struct session *s, struct kdk_array *caches, struct kdk_err *err)
{
	struct layout l;
	struct list_guard guard;
	uint64_t head, node, off;
	uint8_t *cache = NULL;
	uint32_t cache_size;
	unsigned n = 0;
	int rc;

	if (!session_kstructs(s, err))
		return -err->code;
	if ((rc = load_layout(s, &l, err)) || (rc = session_symbol(s, "slab_caches", &head, err)))
		return rc;
	/* the members read here all lie in the first part of struct kmem_cache */
	cache_size = (uint32_t)(l.node.bits / 8);
	if (!(cache = malloc(cache_size)))
		return kdk_err_set(err, ENOMEM, "kmem");
	off = l.list.bits / 8;
	list_guard_init(&guard, head);
	if ((rc = session_read_u64(s, head, &node, err)))
		goto out;
	while (node != head) {
		struct slub_cache c = { 0 };
		uint64_t name, oo;

		c.addr = node - off;
		if ((rc = session_read(s, c.addr, cache, cache_size, err)))
			goto out;
		c.size = (uint32_t)get(cache, &l.size, 4);
		c.object_size = (uint32_t)get(cache, &l.object_size, 4);
		c.offset = (uint32_t)get(cache, &l.offset, 4);
		oo = get(cache, &l.oo, 4);
		/* kmem_cache_order_objects: order above OO_SHIFT (16), objects below */
		c.order = (uint32_t)(oo >> 16);
		c.objects_per_slab = (uint32_t)(oo & 0xffff);
		c.random = get(cache, &l.random, 8);
		name = get(cache, &l.name, 8);
		if (session_read(s, name, c.name, sizeof(c.name) - 1, err)) {
			kdk_err_clear(err);
			snprintf(c.name, sizeof(c.name), "(unreadable name at %" PRIx64 ")", name);
		}
		if (count_cache(s, &l, &c, cache, err)) {
			/* one unreadable cache is shown with what is known */
			kdk_err_clear(err);
			c.counted = false;
		}
		{
			struct slub_cache *slot = kdk_array_push(caches, err);

			if (!slot) {
				rc = -err->code;
				goto out;
			}
			*slot = c;
		}
		if (++n > 1000000 || (rc = session_read_u64(s, node, &node, err))) {
			rc = rc ? rc : kdk_err_set(err, E2BIG, "kmem: slab_caches without end");
			goto out;
		}
		if (node != head && list_guard_loops(&guard, node)) {
			rc = kdk_err_set(err, ELOOP, "kmem: slab_caches loops");
			goto out;
		}
	}
out:
	free(cache);
	return rc;
}

static bool in_list(const uint64_t *list, uint64_t n, uint64_t object)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		if (list[i] == object)
			return true;
	return false;
}

int slub_find(struct session *s, const struct kdk_array *caches, uint64_t page_addr, uint64_t pfn,
	      uint64_t addr, struct slub_where *w, bool *found, struct kdk_err *err)
{
	struct layout l;
	uint64_t cache_addr, freelist, count, base, page_size, head = page_addr, word, head_pfn;
	uint64_t *list = NULL, compound_off, cpu_addr, pcpu, v;
	uint32_t i;
	size_t k;
	int rc;

	*found = false;
	memset(w, 0, sizeof(*w));
	if ((rc = load_layout(s, &l, err)))
		return rc;
	if (kdk_facts_lookup(&s->facts, KDK_KEY_SIZE, "page", &page_size) < 0)
		return kdk_err_set(err, ENOENT, "kmem: no SIZE(page)");
	/* a tail page's compound_head (compound_info from 7.1) names its head: an address, or a
	 * mask of the tail's own address when the vmemmap is optimised (lib/page_class.c) */
	if (kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "page.compound_info", &compound_off) < 0 &&
	    kdk_facts_lookup(&s->facts, KDK_KEY_OFFSET, "page.compound_head", &compound_off) < 0)
		return kdk_err_set(err, ENOENT, "kmem: no OFFSET(page.compound_head)");
	if ((rc = session_read_u64(s, page_addr + compound_off, &word, err)))
		return rc;
	if (word & 1) {
		uint64_t rest = word & ~1ULL, low = ~rest;

		head = rest && !(low & (low + 1)) ? page_addr & rest : rest;
	}
	if (head > page_addr || (page_addr - head) / page_size > pfn)
		return 0;
	head_pfn = pfn - (page_addr - head) / page_size;
	if ((rc = session_read_u64(s, head + l.slab_cache.bits / 8, &cache_addr, err)))
		return rc;
	for (k = 0; k < caches->len; k++) {
		const struct slub_cache *c = kdk_array_at(caches, k);

		if (c->addr == cache_addr)
			w->cache = c;
	}
	if (!w->cache)
		return 0;
	*found = true;
	w->slab = head;
	if ((rc = session_direct_map(s, &base, err)))
		return rc;
	w->memory = base + (head_pfn << 12);
	if ((rc = slab_counts(s, &l, head, &w->inuse, &w->objects, &freelist, err)))
		return rc;
	w->node = 0;
	if (addr >= w->memory && w->cache->size &&
	    (addr - w->memory) / w->cache->size < w->objects)
		w->object = w->memory + (addr - w->memory) / w->cache->size * w->cache->size;
	if (!w->object)
		return 0;
	/* free: on the slab's freelist, or on the freelist of a CPU this slab is the slab of */
	if (!(list = calloc((size_t)w->objects + 1, sizeof(*list))))
		return kdk_err_set(err, ENOMEM, "kmem");
	if ((rc = freelist_length(s, w->cache, freelist, w->objects, &count, &list, err)))
		goto out;
	w->object_free = in_list(list, count, w->object);
	if (l.cpu_slab.have && !w->object_free) {
		uint8_t cache_buf[8];

		if ((rc = session_read(s, w->cache->addr + l.cpu_slab.bits / 8, cache_buf, 8, err)))
			goto out;
		memcpy(&pcpu, cache_buf, 8);
		for (i = 0; i < l.nr_cpus && !w->object_free; i++) {
			if ((rc = cpus_per_cpu_addr(s, pcpu, i, &cpu_addr, err)) ||
			    (rc = session_read_u64(s, cpu_addr + l.c_slab.bits / 8, &v, err)))
				goto out;
			if (v != head)
				continue;
			if ((rc = session_read_u64(s, cpu_addr + l.c_freelist.bits / 8, &v, err)) ||
			    (rc = freelist_length(s, w->cache, v, w->objects, &count, &list, err)))
				goto out;
			w->object_free = in_list(list, count, w->object);
		}
	}
out:
	free(list);
	return rc;
}

bool slub_value_text(struct session *s, const struct kdk_array *caches, uint64_t value, bool with_value,
		     char *buf, size_t size)
{
	struct kdk_err ignored = { 0 };
	struct slub_where w;
	uint64_t paddr, page;
	bool found = false;

	if (!caches || !caches->len || !(value >> 63) || !s->have_kmem ||
	    kdk_x86_64_vtop(s->kmem.vtop, value, &paddr, &ignored) ||
	    !kdk_dump_describes(s->dump, paddr >> 12) ||
	    kmem_page_of(s, paddr >> 12, &page, &ignored) ||
	    slub_find(s, caches, page, paddr >> 12, value, &w, &found, &ignored) || !found)
		return false;
	if (with_value)
		snprintf(buf, size, "[%" PRIx64 ":%s]", value, w.cache->name);
	else
		snprintf(buf, size, "[%s]", w.cache->name);
	return true;
}
