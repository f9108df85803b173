/* slub.h — the SLUB allocator in a dump: every cache on slab_caches with its object and slab
 * counts, and which cache, slab and object an address lies in. Layout from BTF, by what exists. */
#ifndef KCRASH_SLUB_H
#define KCRASH_SLUB_H

#include <stdbool.h>
#include <stdint.h>

#include "kdk_array.h"
#include "session.h"

struct slub_cache {
	uint64_t addr;             /* the struct kmem_cache */
	char name[64];
	uint32_t size, object_size, offset;   /* object stride, payload, free pointer's offset */
	uint32_t order, objects_per_slab;     /* from kmem_cache.oo */
	uint64_t random;           /* CONFIG_SLAB_FREELIST_HARDENED's key (0: not hardened) */
	uint64_t total, slabs;     /* kmem_cache_node's total_objects and nr_slabs, all nodes */
	uint64_t free;             /* free objects: node partial slabs, CPU slabs and their
				    * freelists, CPU partial slabs, per-CPU sheaves */
	bool counted;              /* false: free could not be counted (why in the error) */
};

/* Every cache, in slab_caches order (newest first, as crash lists them). */
int slub_caches(struct session *s, struct kdk_array *caches, struct kdk_err *err);

/* Where addr is, when in a slab: its cache (an element of caches), the slab (struct slab or
 * page address), its memory, node, objects and in-use count, the object containing addr (0 when
 * past the last object) and whether that object is free. */
struct slub_where {
	const struct slub_cache *cache;
	uint64_t slab, memory, object;
	uint32_t node, objects, inuse;
	bool object_free;
};
/* 0 and *found true when addr's head page is a slab of one of caches; page_addr is the struct
 * page of addr's frame (the head found from it). */
int slub_find(struct session *s, const struct kdk_array *caches, uint64_t page_addr, uint64_t pfn,
	      uint64_t addr, struct slub_where *where, bool *found, struct kdk_err *err);

/* crash's rd -S / bt -F text for a value inside a slab object: "[cache]", or with_value
 * "[value:cache]" (rd -SS, bt -FF); false (buf untouched) when value is in no slab of caches. */
bool slub_value_text(struct session *s, const struct kdk_array *caches, uint64_t value, bool with_value,
		     char *buf, size_t size);

#endif
