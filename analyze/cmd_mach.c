/* cmd_mach.c — `mach [-m] [-c]`, crash's machine-specific data for x86_64: the machine type
 * (utsname), memory size, CPUs, hypervisor (x86_hyper_type, named by BTF's enum
 * x86_hypervisor_type; left out on bare metal and plain emulation, as crash does), clock (cpu_khz),
 * HZ, page size, the kernel address-space bases and the stacks: THREAD_SIZE, then each per-CPU
 * stack kind analyze/kstacks.c finds (the IRQ stacks, then cea_exception_stacks' members in their
 * order), each CPU's stack base; one that is not mapped (the VC stacks outside SEV-ES guests) is
 * marked [unavailable].
 *   -m  the physical memory map the kernel kept: *e820_table (struct e820_table: nr_entries, then
 *       struct e820_entry { addr, size, type }, packed), types named by BTF's enum e820_type
 *       without "TYPE_" (E820_TYPE_RAM → E820_RAM, as crash prints them).
 *   -c  each present CPU's struct cpuinfo_x86 (the per-CPU cpu_info), as `struct` prints it. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "commands.h"
#include "cpus.h"
#include "kclock.h"
#include "kstacks.h"
#include "machine.h"
#include "struct_show.h"
#include "tasks.h"

#define LABEL "%22s: "

/* crash's words for cea_exception_stacks' short member names. */
static const char *stack_kind_name(const char *kind)
{
	static const char *const long_names[][2] = {
		{ "DF", "DOUBLEFAULT" }, { "DB", "DEBUG" }, { "DB1", "DEBUG1" },
	};
	size_t i;

	for (i = 0; i < sizeof(long_names) / sizeof(long_names[0]); i++)
		if (!strcmp(kind, long_names[i][0]))
			return long_names[i][1];
	return kind;
}

static void print_machine_type(struct session *s)
{
	struct kdk_err err = { 0 };
	char uts[6 * MACHINE_UTS_FIELD];

	if (!machine_uts(s, uts, &err))
		fprintf(s->out, LABEL "%.*s\n", "MACHINE TYPE", MACHINE_UTS_FIELD, uts + 4 * MACHINE_UTS_FIELD);
	else
		fprintf(s->out, LABEL "x86_64\n", "MACHINE TYPE");
}

/* x86_hyper_type's enumerator without its X86_HYPER_ prefix; nothing for X86_HYPER_NATIVE. */
static void print_hypervisor(struct session *s)
{
	struct kdk_err err = { 0 };
	uint32_t id = kdk_btf_find(&s->btf, KDK_BTF_ENUM, "x86_hypervisor_type");
	uint64_t addr;
	uint32_t value;
	const char *name;

	if (!id || session_symbol(s, "x86_hyper_type", &addr, &err) || session_read(s, addr, &value, 4, &err) ||
	    !(name = kdk_btf_enum_name(&s->btf, id, value)) || !strcmp(name, "X86_HYPER_NATIVE"))
		return;
	if (!strncmp(name, "X86_HYPER_", 10))
		name += 10;
	fprintf(s->out, LABEL "%s\n", "HYPERVISOR", name);
}

static void print_stacks(struct session *s)
{
	struct kdk_stacks stacks;
	const struct kdk_stack_range *ranges;
	size_t i, j;

	kdk_stacks_init(&stacks);
	kstacks_per_cpu(s, &stacks);
	ranges = stacks.ranges.items;
	for (i = 0; i < stacks.ranges.len; i++) {
		char label[48];
		bool seen = false;

		/* Each kind once, where it first appears; the entry stacks are not crash's. */
		for (j = 0; j < i && !seen; j++)
			seen = !strcmp(ranges[j].kind, ranges[i].kind);
		if (seen || !strcmp(ranges[i].kind, "entry"))
			continue;
		snprintf(label, sizeof(label), "%s STACK SIZE", stack_kind_name(ranges[i].kind));
		fprintf(s->out, LABEL "%" PRIu64 "\n", label, ranges[i].hi - ranges[i].lo);
		snprintf(label, sizeof(label), "%s STACKS", stack_kind_name(ranges[i].kind));
		fprintf(s->out, "%22s:\n", label);
		for (j = i; j < stacks.ranges.len; j++) {
			struct kdk_err err = { 0 };
			uint64_t word;

			if (strcmp(ranges[j].kind, ranges[i].kind))
				continue;
			snprintf(label, sizeof(label), "CPU %d", ranges[j].cpu);
			fprintf(s->out, LABEL "%016" PRIx64 "%s\n", label, ranges[j].lo,
				session_read_u64(s, ranges[j].lo, &word, &err) ? " [unavailable]" : "");
		}
	}
	kdk_stacks_free(&stacks);
}

static int print_summary(struct session *s, struct kdk_err *err)
{
	struct machine_layout l;
	uint64_t hz;
	uint32_t khz = machine_cpu_khz(s);
	char text[48];
	int rc;

	print_machine_type(s);
	machine_format_memory(machine_memory_bytes(s), text, sizeof(text));
	fprintf(s->out, LABEL "%s\n", "MEMORY SIZE", text);
	machine_format_cpus(s, text, sizeof(text));
	fprintf(s->out, LABEL "%s\n", "CPUS", text);
	print_hypervisor(s);
	if (khz)
		fprintf(s->out, LABEL "%u Mhz\n", "PROCESSOR SPEED", khz / 1000);
	if (!kclock_hz(s, &hz, err))
		fprintf(s->out, LABEL "%" PRIu64 "\n", "HZ", hz);
	kdk_err_clear(err);
	fprintf(s->out, LABEL "%u\n", "PAGE SIZE", (unsigned)s->dump->page_size);
	if ((rc = machine_layout(s, &l, err)))
		return kdk_err_prefix(err, "mach: ");
	if (l.direct_map)
		fprintf(s->out, LABEL "%016" PRIx64 "\n", "KERNEL VIRTUAL BASE", l.direct_map);
	else
		fprintf(s->out, LABEL "(unknown: no page_offset_base, and the page tables confirm no fixed base)\n",
			"KERNEL VIRTUAL BASE");
	fprintf(s->out, LABEL "%016" PRIx64 "\n", "KERNEL VMALLOC BASE", l.vmalloc);
	fprintf(s->out, LABEL "%016" PRIx64 "\n", "KERNEL VMEMMAP BASE", l.vmemmap);
	fprintf(s->out, LABEL "%016" PRIx64 "\n", "KERNEL START MAP", l.kernel_map);
	if (l.modules)
		fprintf(s->out, LABEL "%016" PRIx64 "\n", "KERNEL MODULES BASE", l.modules);
	else
		fprintf(s->out, LABEL "(unknown: VMCOREINFO has no NUMBER(KERNEL_IMAGE_SIZE))\n",
			"KERNEL MODULES BASE");
	fprintf(s->out, LABEL "%" PRIu64 "\n", "KERNEL STACK SIZE", machine_thread_size(s));
	print_stacks(s);
	return 0;
}

static int print_memory_map(struct session *s, struct kdk_err *err)
{
	uint64_t table_ptr, table, nr_off, entries_off, addr_off, size_off, type_off, entry_size;
	uint32_t entry_id, type_enum, type_id, nr, i;
	int rc;

	if ((rc = session_symbol(s, "e820_table", &table_ptr, err)) ||
	    (rc = session_read_u64(s, table_ptr, &table, err)) ||
	    (rc = kdk_btf_member(&s->btf, "e820_table", "nr_entries", &nr_off, NULL, err)) ||
	    (rc = kdk_btf_member(&s->btf, "e820_table", "entries", &entries_off, NULL, err)) ||
	    (rc = kdk_btf_member(&s->btf, "e820_entry", "addr", &addr_off, NULL, err)) ||
	    (rc = kdk_btf_member(&s->btf, "e820_entry", "size", &size_off, NULL, err)) ||
	    (rc = kdk_btf_member(&s->btf, "e820_entry", "type", &type_off, &type_id, err)) ||
	    (rc = session_read(s, table + nr_off, &nr, 4, err)))
		return kdk_err_prefix(err, "mach -m: ");
	entry_id = kdk_btf_find(&s->btf, KDK_BTF_STRUCT, "e820_entry");
	entry_size = kdk_btf_size(&s->btf, entry_id);
	type_enum = kdk_btf_resolve(&s->btf, type_id);
	if (!entry_size)
		return kdk_err_set(err, ENOENT, "mach -m: BTF has no size for struct e820_entry");
	fprintf(s->out, "      PHYSICAL ADDRESS RANGE         TYPE\n");
	for (i = 0; i < nr; i++) {
		uint64_t entry = table + entries_off + i * entry_size, start, size;
		uint32_t type;
		const char *name;
		char buf[32];

		if ((rc = session_read_u64(s, entry + addr_off, &start, err)) ||
		    (rc = session_read_u64(s, entry + size_off, &size, err)) ||
		    (rc = session_read(s, entry + type_off, &type, 4, err)))
			return kdk_err_prefix(err, "mach -m: entry %u of %u: ", i, nr);
		if ((name = kdk_btf_enum_name(&s->btf, type_enum, type)) && !strncmp(name, "E820_TYPE_", 10))
			snprintf(buf, sizeof(buf), "E820_%s", name + 10);
		else if (name)
			snprintf(buf, sizeof(buf), "%s", name);
		else
			snprintf(buf, sizeof(buf), "type %u", type);
		fprintf(s->out, "%016" PRIx64 " - %016" PRIx64 "  %s\n", start, start + size, buf);
	}
	return 0;
}

static int print_cpuinfo(struct session *s, struct kdk_err *err)
{
	uint64_t var, addr;
	uint32_t cpu;
	int rc;

	if ((rc = session_symbol(s, "cpu_info", &var, err)) || (rc = cpus_load(s, err)))
		return kdk_err_prefix(err, "mach -c: ");
	for (cpu = 0; cpu < s->cpus.len; cpu++) {
		if (!cpus_get(s, cpu)->present)
			continue;
		if ((rc = cpus_per_cpu_addr(s, var, cpu, &addr, err)))
			return kdk_err_prefix(err, "mach -c: CPU %u: ", cpu);
		fprintf(s->out, "CPU %u:\n", cpu);
		if ((rc = struct_show(s, "mach -c", "cpuinfo_x86", addr, 0, err)))
			return rc;
	}
	return 0;
}

int cmd_mach(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	/* The structure offsets (BTF) first: the stacks, e820 and cpuinfo_x86 are read by them. */
	if (!session_kstructs(s, err))
		return kdk_err_prefix(err, "mach: ");
	if (argc == 1)
		return print_summary(s, err);
	if (argc == 2 && !strcmp(argv[1], "-m"))
		return print_memory_map(s, err);
	if (argc == 2 && !strcmp(argv[1], "-c"))
		return print_cpuinfo(s, err);
	return kdk_err_set(err, EINVAL, "usage: mach [-m|-c]");
}
