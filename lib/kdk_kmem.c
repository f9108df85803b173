/* kdk_kmem.c — kernel memory of a dump: x86_64 paging parameters from the dump's VMCOREINFO
 * keys, then reads through lib/x86_64_vtop. */
#include "kdk_kmem.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "x86_64_vtop.h"

struct paging_keys {
	uint64_t phys_base, init_top_pgt, swapper_pg_dir, l5, image_size, sme_mask;
	bool have_init_top_pgt, have_swapper_pg_dir, have_l5, have_image_size, have_sme_mask;
};

#define KEY(kind, name, field) \
	KDK_LAYOUT_KEY(KDK_KEY_##kind, name, struct paging_keys, field)
#define OPT(kind, name, field) \
	KDK_LAYOUT_OPTIONAL(KDK_KEY_##kind, name, struct paging_keys, field, have_##field)
static const struct kdk_layout_key paging_keys[] = {
	KEY(NUMBER, "phys_base", phys_base),
	OPT(SYMBOL, "init_top_pgt", init_top_pgt),
	OPT(SYMBOL, "swapper_pg_dir", swapper_pg_dir),
	OPT(NUMBER, "pgtable_l5_enabled", l5),
	{ KDK_KEY_NUMBER, "KERNEL_IMAGE_SIZE", offsetof(struct paging_keys, image_size),
	  offsetof(struct paging_keys, have_image_size) },
	OPT(NUMBER, "sme_mask", sme_mask),
	{ 0, NULL, 0, 0 },
};
#undef KEY
#undef OPT

int kdk_kmem_init(struct kdk_kmem *km, struct kdk_dump *dump, kdk_layout_lookup_fn lookup,
		  void *lookup_ctx, struct kdk_err *err)
{
	struct kdk_x86_64_paging paging;
	struct kdk_x86_64_vtop *vt;
	struct paging_keys k = { 0 };
	int rc;

	km->dump = dump;
	km->vtop = NULL;
	if ((rc = kdk_layout_fill(paging_keys, &k, lookup, lookup_ctx, err)) < 0)
		return rc;
	/* init_top_pgt since 4.13 (swapper_pg_dir aliases it on x86_64 4-level kernels before). */
	if (!k.have_init_top_pgt && !k.have_swapper_pg_dir)
		return kdk_err_set(err, ENOENT, "VMCOREINFO has no SYMBOL(init_top_pgt) nor SYMBOL(swapper_pg_dir)");
	paging.phys_base = k.phys_base;
	paging.top_pgt_vaddr = k.have_init_top_pgt ? k.init_top_pgt : k.swapper_pg_dir;
	paging.levels = k.have_l5 && k.l5 ? 5 : 4;
	paging.kernel_image_size = k.have_image_size ? k.image_size : 0;
	paging.sme_mask = k.have_sme_mask ? k.sme_mask : 0;
	if (!(vt = malloc(sizeof(*vt))))
		return kdk_err_set(err, ENOMEM, "out of memory");
	if ((rc = kdk_x86_64_vtop_init(vt, dump, &paging, err)) < 0) {
		free(vt);
		return rc;
	}
	km->vtop = vt;
	return 0;
}

int kdk_kmem_read(void *kmem, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	struct kdk_kmem *km = kmem;
	return kdk_x86_64_read_virt(km->vtop, vaddr, buf, len, err);
}

int kdk_kmem_set_direct_map(struct kdk_kmem *km, uint64_t var_addr, struct kdk_err *err)
{
	struct kdk_x86_64_vtop *vt = km->vtop;
	uint64_t base = 0;
	int rc;

	if (var_addr) {
		if ((rc = kdk_x86_64_read_virt(vt, var_addr, &base, sizeof(base), err)) < 0)
			return kdk_err_prefix(err, "page_offset_base: ");
	} else if ((rc = kdk_x86_64_vtop_find_direct_map(vt, &base, err)) < 0) {
		return rc;
	}
	return kdk_x86_64_vtop_set_direct_map(vt, base, km->dump->max_pfn * km->dump->page_size, err);
}

int kdk_kmem_direct_map(const struct kdk_kmem *km, uint64_t *base)
{
	const struct kdk_x86_64_vtop *vt = km->vtop;

	if (!vt || !vt->direct_map_size)
		return -ENOENT;
	*base = vt->direct_map_base;
	return 0;
}

int kdk_kmem_kernel_image(struct kdk_kmem *km, uint64_t *start, uint64_t *end, struct kdk_err *err)
{
	return kdk_x86_64_kernel_image(km->vtop, start, end, err);
}

void kdk_kmem_free(struct kdk_kmem *km)
{
	free(km->vtop);
	km->vtop = NULL;
}
