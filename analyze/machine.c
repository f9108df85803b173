/* machine.c — see machine.h. x86_64's fixed bases are arch/x86/include/asm/page_64_types.h's and
 * pgtable_64_types.h's (__PAGE_OFFSET_BASE_L4/L5, __VMALLOC_BASE_L4/L5, __VMEMMAP_BASE_L4/L5,
 * __START_KERNEL_map); with CONFIG_RANDOMIZE_MEMORY the kernel keeps the bases it chose in
 * page_offset_base, vmalloc_base and vmemmap_base. MODULES_VADDR is __START_KERNEL_map +
 * KERNEL_IMAGE_SIZE, which VMCOREINFO gives as NUMBER(KERNEL_IMAGE_SIZE). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cpus.h"
#include "machine.h"
#include "x86_64_vtop.h"

#define DEFAULT_THREAD_SIZE (16 * 1024ULL)

void machine_cpu_counts(struct session *s, unsigned *present, unsigned *offline)
{
	struct kdk_err err = { 0 };
	unsigned cpu;

	*present = *offline = 0;
	if (cpus_load(s, &err))
		return;
	for (cpu = 0; cpu < s->cpus.len; cpu++) {
		const struct cpu_info *c = cpus_get(s, cpu);

		*present += c->present;
		*offline += c->present && !c->online_bit;
	}
}

void machine_format_cpus(struct session *s, char *buf, size_t size)
{
	unsigned present, offline;

	machine_cpu_counts(s, &present, &offline);
	if (offline)
		snprintf(buf, size, "%u [OFFLINE: %u]", present, offline);
	else
		snprintf(buf, size, "%u", present);
}

int machine_uts(struct session *s, char uts[6 * MACHINE_UTS_FIELD], struct kdk_err *err)
{
	uint64_t addr, name_off;

	if (kdk_vmcoreinfo_symbol(&s->vi, "init_uts_ns", &addr) ||
	    kdk_vmcoreinfo_offset(&s->vi, "uts_namespace.name", &name_off))
		return kdk_err_set(err, ENOENT, "VMCOREINFO has no SYMBOL(init_uts_ns) or OFFSET(uts_namespace.name)");
	return session_read(s, addr + name_off, uts, 6 * MACHINE_UTS_FIELD, err);
}

uint64_t machine_memory_bytes(struct session *s)
{
	uint64_t node_data, nodes, spanned_off, pgdat, spanned, total = 0, i;
	struct kdk_err err = { 0 };

	if (kdk_vmcoreinfo_symbol(&s->vi, "node_data", &node_data) ||
	    kdk_vmcoreinfo_length(&s->vi, "node_data", &nodes) ||
	    kdk_vmcoreinfo_offset(&s->vi, "pglist_data.node_spanned_pages", &spanned_off))
		return s->dump->max_pfn * (uint64_t)s->dump->page_size;
	for (i = 0; i < nodes && i < 4096; i++) {
		if (session_read(s, node_data + 8 * i, &pgdat, 8, &err) || !pgdat)
			continue;
		if (!session_read(s, pgdat + spanned_off, &spanned, 8, &err))
			total += spanned;
	}
	return total ? total * s->dump->page_size : s->dump->max_pfn * (uint64_t)s->dump->page_size;
}

void machine_format_memory(uint64_t bytes, char *buf, size_t size)
{
	const uint64_t gib = 1ULL << 30;
	uint64_t next = (bytes + gib - 1) / gib * gib;
	char *p;

	if (next - bytes <= 64ULL << 20)
		bytes = next;
	if (bytes >= gib)
		snprintf(buf, size, "%.1f GB", (double)bytes / (double)gib);
	else
		snprintf(buf, size, "%.1f MB", (double)bytes / (double)(1 << 20));
	if ((p = strstr(buf, ".0 ")))
		memmove(p, p + 2, strlen(p + 2) + 1);
}

uint32_t machine_cpu_khz(struct session *s)
{
	struct kdk_err err = { 0 };
	uint64_t addr;
	uint32_t khz = 0;

	if (session_symbol(s, "cpu_khz", &addr, &err) || session_read(s, addr, &khz, 4, &err))
		return 0;
	return khz;
}

/* A randomized base's variable, or the fixed base for the paging depth. */
static uint64_t base_of(struct session *s, const char *var, uint64_t l4, uint64_t l5, bool five_level)
{
	struct kdk_err err = { 0 };
	uint64_t addr, value;

	if (!session_symbol(s, var, &addr, &err) && !session_read_u64(s, addr, &value, &err) && value)
		return value;
	return five_level ? l5 : l4;
}

int machine_layout(struct session *s, struct machine_layout *l, struct kdk_err *err)
{
	int64_t l5 = 0, image_size;
	bool five;

	/* pgtable_l5_enabled is a VMCOREINFO number since 4.14; without it, 4-level. */
	kdk_vmcoreinfo_number(&s->vi, "pgtable_l5_enabled", &l5);
	five = l5 != 0;
	/* The direct map as kmem translates by it (the variable, or the fixed base the page tables
	 * confirm: lib/x86_64_vtop); 0 where neither answers. */
	if (session_direct_map(s, &l->direct_map, err)) {
		kdk_err_clear(err);
		l->direct_map = 0;
	}
	l->vmalloc = base_of(s, "vmalloc_base", 0xffffc90000000000ULL, 0xffa0000000000000ULL, five);
	l->vmemmap = base_of(s, "vmemmap_base", 0xffffea0000000000ULL, 0xffd4000000000000ULL, five);
	l->kernel_map = KDK_X86_64_START_KERNEL_MAP;
	/* NUMBER(KERNEL_IMAGE_SIZE) is in VMCOREINFO since 4.14; without it the base is unknown (0). */
	l->modules = 0;
	if (!kdk_vmcoreinfo_number(&s->vi, "KERNEL_IMAGE_SIZE", &image_size) && image_size > 0)
		l->modules = KDK_X86_64_START_KERNEL_MAP + (uint64_t)image_size;
	return 0;
}

uint64_t machine_thread_size(struct session *s)
{
	static const char *const bounds[][2] = {
		{ "init_stack", "__end_init_task" },
		{ "__start_init_stack", "__end_init_stack" },
	};
	struct kdk_err err = { 0 };
	uint64_t lo, hi;
	size_t i;

	/* Asked once per task by bt, foreach and the stack searches: looked up once. */
	if (s->thread_size)
		return s->thread_size;
	s->thread_size = DEFAULT_THREAD_SIZE;
	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		if (!session_symbol(s, bounds[i][0], &lo, &err) && !session_symbol(s, bounds[i][1], &hi, &err) &&
		    hi > lo && hi - lo <= (1 << 20)) {
			s->thread_size = hi - lo;
			break;
		}
		kdk_err_clear(&err);
	}
	return s->thread_size;
}
