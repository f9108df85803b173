/* kmem_vmstat.c — `kmem -V`: the kernel's VM counters as crash shows them, each array named by
 * its enum in BTF, so every kernel's own items print whatever they are:
 *   VM_ZONE_STAT     vm_zone_stat[NR_VM_ZONE_STAT_ITEMS]       (atomic_long_t), enum zone_stat_item
 *   VM_NODE_STAT     vm_node_stat[NR_VM_NODE_STAT_ITEMS]       (atomic_long_t), enum node_stat_item
 *   VM_EVENT_STATES  per-CPU vm_event_states.event[NR_VM_EVENT_ITEMS] (unsigned long), enum
 *                    vm_event_item, summed over every CPU below nr_cpu_ids as all_vm_events()
 *                    sums them (a CPU taken down folded its counts into a live one)
 * An item's name is the last enumerator of its value (NR_ZONE_INACTIVE_ANON, not its alias
 * NR_ZONE_LRU_BASE), right-aligned to the longest name: one width for the two stat arrays, one
 * for the events. A section whose symbol or enum the kernel lacks is left out. vm_numa_event is
 * not shown (nor by crash): it is folded from each zone's per-CPU counts only when read through
 * /proc, so in a dump it is mostly zero. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpus.h"
#include "tasks.h"

struct vm_section {
	const char *title, *symbol, *enum_name, *count_name;
	bool per_cpu;
};

static const struct vm_section sections[] = {
	{ "VM_ZONE_STAT", "vm_zone_stat", "zone_stat_item", "NR_VM_ZONE_STAT_ITEMS", false },
	{ "VM_NODE_STAT", "vm_node_stat", "node_stat_item", "NR_VM_NODE_STAT_ITEMS", false },
	{ "VM_EVENT_STATES", "vm_event_states", "vm_event_item", "NR_VM_EVENT_ITEMS", true },
};
#define NR_SECTIONS (sizeof(sections) / sizeof(sections[0]))

/* One section's item names (names[i] for value i) and values, or n = 0 when it is not there. */
struct vm_counts {
	const char **names;
	int64_t *values;
	uint32_t n;
	int width;                 /* the longest name */
};

static int load_section(struct session *s, const struct vm_section *sec, uint32_t nr_cpus, struct vm_counts *c,
			struct kdk_err *err)
{
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_ENUM, sec->enum_name);
	uint64_t addr, base;
	int64_t count;
	uint32_t cpu, i;

	memset(c, 0, sizeof(*c));
	if (!id || kdk_btf_enum_value(&s->btf, sec->count_name, &count) || count <= 0 || count > 4096 ||
	    session_symbol(s, sec->symbol, &base, err)) {
		kdk_err_clear(err);
		return 0;
	}
	c->n = (uint32_t)count;
	if (!(c->names = calloc(c->n, sizeof(*c->names))) || !(c->values = calloc(c->n, sizeof(*c->values))))
		return kdk_err_set(err, ENOMEM, "kmem -V: %s", sec->title);
	c->width = (int)kdk_btf_enum_names(&s->btf, id, c->names, c->n);
	for (cpu = 0; cpu < (sec->per_cpu ? nr_cpus : 1); cpu++) {
		if (sec->per_cpu && cpus_per_cpu_addr(s, base, cpu, &addr, err)) {
			kdk_err_clear(err);
			continue;
		}
		for (i = 0; i < c->n; i++) {
			int64_t v;

			if (session_read(s, (sec->per_cpu ? addr : base) + 8ULL * i, &v, 8, err))
				return kdk_err_prefix(err, "kmem -V: %s[%u]: ", sec->symbol, i);
			c->values[i] += v;
		}
	}
	return 0;
}

int kmem_vm_stat(struct session *s, struct kdk_err *err)
{
	struct vm_counts counts[NR_SECTIONS];
	int width[2] = { 0, 0 };
	uint32_t nr_cpus = 1, i;
	size_t k;
	int rc = 0;

	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "kmem -V: ");
	if (tasks_nr_cpus(s, &nr_cpus, err))
		kdk_err_clear(err);
	memset(counts, 0, sizeof(counts));
	for (k = 0; k < NR_SECTIONS && !rc; k++) {
		rc = load_section(s, &sections[k], nr_cpus, &counts[k], err);
		if (counts[k].width > width[sections[k].per_cpu])
			width[sections[k].per_cpu] = counts[k].width;
	}
	for (k = 0; k < NR_SECTIONS && !rc; k++) {
		if (!counts[k].n)
			continue;
		fprintf(s->out, "\n  %s:\n", sections[k].title);
		for (i = 0; i < counts[k].n; i++) {
			char unnamed[24];

			snprintf(unnamed, sizeof(unnamed), "(item %u)", i);
			fprintf(s->out, "%*s: %" PRId64 "\n", width[sections[k].per_cpu],
				counts[k].names[i] ? counts[k].names[i] : unnamed, counts[k].values[i]);
		}
	}
	if (!rc && !counts[0].n && !counts[1].n && !counts[2].n)
		rc = kdk_err_set(err, ENOENT, "kmem -V: the dump names none of vm_zone_stat, vm_node_stat, "
					      "vm_event_states with their enums");
	for (k = 0; k < NR_SECTIONS; k++) {
		free(counts[k].names);
		free(counts[k].values);
	}
	return rc;
}
