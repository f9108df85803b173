/* kdk_kmem.h — kernel virtual memory as lib/'s walkers read it (printk ring, mem_map, task
 * lists): one callback, so a walker does not care whether the bytes come from a dump through
 * page tables or from a test's fake memory. */
#ifndef KDK_KMEM_H
#define KDK_KMEM_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

/* Read len bytes at kernel virtual address vaddr; 0 or -errno with err set. */
typedef int (*kdk_read_virt_fn)(void *ctx, uint64_t vaddr, void *buf, size_t len,
				struct kdk_err *err);

#endif
