/* arch_x86_64.c — what x86_64 defines at build time and older VMCOREINFO does not export, as a
 * table keyed by what the dump states (its paging mode), never by kernel version. */
#include "kfacts/kfacts.h"

#include <errno.h>
#include <string.h>

/* arch/x86/include/asm/sparsemem.h (torvalds/linux), x86_64 branch:
 *   # define SECTION_SIZE_BITS  27
 *   # define MAX_PHYSMEM_BITS   (pgtable_l5_enabled() ? 52 : 46)
 * read in the current tree (the one with numa_fill_memblks()) and in the tree where 5-level paging
 * first became a boot-time choice (there `pgtable_l5_enabled ? 52 : 46`, a variable). Older trees
 * had 46 (or 52 with CONFIG_X86_5LEVEL at build time: such a dump, without the key below, gets 46,
 * and mem_map then refuses the layout — the level is lowered, never wrong).
 * The paging mode is VMCOREINFO's NUMBER(pgtable_l5_enabled), exported by
 * arch_crash_save_vmcoreinfo() in arch/x86/kernel/machine_kexec_64.c; a dump without it is read
 * as 4-level, as kdk_kmem reads it. */
static const struct arch_fact {
	const char *name;        /* NUMBER(name) */
	int paging_levels;       /* 0: any */
	uint64_t value;
} x86_64_facts[] = {
	{ "SECTION_SIZE_BITS", 0, 27 },
	{ "MAX_PHYSMEM_BITS", 4, 46 },
	{ "MAX_PHYSMEM_BITS", 5, 52 },
};

static int x86_64_lookup(void *ctx, enum kdk_layout_kind kind, const char *name, uint64_t *value)
{
	struct kdk_facts *f = ctx;
	uint64_t l5 = 0;
	int levels = 0;
	size_t i;

	if (kind != KDK_KEY_NUMBER)
		return -ENOENT;
	for (i = 0; i < sizeof(x86_64_facts) / sizeof(x86_64_facts[0]); i++) {
		const struct arch_fact *fact = &x86_64_facts[i];

		if (strcmp(fact->name, name))
			continue;
		if (fact->paging_levels && !levels) {
			const char *answered_by = f->answered_by;

			if (kdk_facts_lookup_ready(f, KDK_KEY_NUMBER, "pgtable_l5_enabled", &l5) < 0)
				l5 = 0;
			f->answered_by = answered_by;
			levels = l5 ? 5 : 4;
		}
		if (!fact->paging_levels || fact->paging_levels == levels) {
			*value = fact->value;
			return 0;
		}
	}
	return -ENOENT;
}

int kdk_facts_add_x86_64(struct kdk_facts *f, struct kdk_err *err)
{
	struct kdk_facts_source src = {
		.name = "x86_64's definitions (asm/sparsemem.h)", .lookup = x86_64_lookup, .ctx = f,
	};

	return kdk_facts_add(f, &src, err);
}
