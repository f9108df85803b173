/* kdk_kmem.h — kernel virtual memory as lib/'s walkers read it (printk ring, mem_map, task
 * lists): one callback, so a walker does not care whether the bytes come from a dump through
 * page tables or from a test's fake memory; and kdk_kmem, the dump-backed implementation. */
#ifndef KDK_KMEM_H
#define KDK_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"
#include "kdk_layout.h"

/* Read len bytes at kernel virtual address vaddr; 0 or -errno with err set. */
typedef int (*kdk_read_virt_fn)(void *ctx, uint64_t vaddr, void *buf, size_t len,
				struct kdk_err *err);

struct kdk_dump;

/* A dump's kernel memory: x86_64 translation set up from the dump's own keys
 * (NUMBER(phys_base), SYMBOL(init_top_pgt), NUMBER(pgtable_l5_enabled), …). */
struct kdk_kmem {
	struct kdk_dump *dump;
	void *vtop;                  /* struct kdk_x86_64_vtop */
};

int kdk_kmem_init(struct kdk_kmem *km, struct kdk_dump *dump, kdk_layout_lookup_fn lookup,
		  void *lookup_ctx, struct kdk_err *err);

/* kdk_read_virt_fn over a struct kdk_kmem (pass the kmem as ctx). */
int kdk_kmem_read(void *kmem, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err);

/* From now on translate the direct map by arithmetic, as __pa() does (kdk_x86_64_vtop_set_direct_map):
 * its base read from the page_offset_base variable at var_addr (kernels that randomize it), or
 * with var_addr 0 the fixed base the page tables confirm. The map covers the physical memory the
 * dump describes. An error leaves every translation to the page tables. */
int kdk_kmem_set_direct_map(struct kdk_kmem *km, uint64_t var_addr, struct kdk_err *err);

/* The direct map's base once kdk_kmem_set_direct_map has set it: 0, or -ENOENT. */
int kdk_kmem_direct_map(const struct kdk_kmem *km, uint64_t *base);

/* The kernel image's physical extent (kdk_x86_64_kernel_image). */
int kdk_kmem_kernel_image(struct kdk_kmem *km, uint64_t *start, uint64_t *end, struct kdk_err *err);
void kdk_kmem_free(struct kdk_kmem *km);

#endif
