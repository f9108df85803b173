/* cmd_sys.c — `sys`, in crash's layout. Sources: VMCOREINFO (OSRELEASE, CRASHTIME,
 * SYMBOL(init_uts_ns), OFFSET(uts_namespace.name)), the new_utsname ABI (six 65-byte strings),
 * avenrun[3] (fixed point, FSHIFT 11), nr_threads, the dump's NT_PRSTATUS notes and page ranges,
 * and the kernel log (uptime: its last timestamp; the panic message). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "cpus.h"
#include "printk_ring.h"
#include "tasks.h"

#define UTS_FIELD 65          /* __NEW_UTS_LEN + 1 */
#define FSHIFT 11

struct log_facts {
	uint64_t last_ts;
	char panic[256];
};

static int scan_log(void *ctx, const struct kdk_printk_record *r)
{
	struct log_facts *f = ctx;
	static const char marker[] = "Kernel panic - not syncing: ";
	const char *hit = memmem(r->text, r->text_len, marker, sizeof(marker) - 1);

	f->last_ts = r->ts_nsec;
	/* The first panic line: the "---[ end Kernel panic … ]---" trailer repeats it. */
	if (hit && !f->panic[0]) {
		size_t len = r->text_len - (size_t)(hit - r->text);
		const char *nl = memchr(hit, '\n', len);

		if (nl)
			len = (size_t)(nl - hit);
		snprintf(f->panic, sizeof(f->panic), "%.*s", (int)len, hit);
	}
	return 0;
}

/* CPUs as crash counts them: the present ones, and those of them not active (taken down by
 * hotplug; a panic's stop_this_cpu clears only the online bit) as OFFLINE. Without the masks:
 * nr_cpu_ids. */
static unsigned print_cpus(struct session *s, struct kdk_err *err)
{
	unsigned cpu, present = 0, offline = 0;

	if (!cpus_load(s, err)) {
		for (cpu = 0; cpu < s->cpus.len; cpu++) {
			const struct cpu_info *c = cpus_get(s, cpu);

			present += c->present;
			offline += c->present && !c->online;
		}
	}
	kdk_err_clear(err);
	if (offline)
		fprintf(s->out, "        CPUS: %u [OFFLINE: %u]\n", present, offline);
	else
		fprintf(s->out, "        CPUS: %u\n", present);
	return present;
}

static void print_uts(struct session *s)
{
	static const char *const labels[] = { NULL, "NODENAME", "RELEASE", "VERSION", "MACHINE" };
	char uts[UTS_FIELD * 6];
	uint64_t addr, name_off = 0;
	struct kdk_err err = { 0 };
	uint32_t khz = 0;
	int i;

	if (kdk_vmcoreinfo_symbol(&s->vi, "init_uts_ns", &addr) ||
	    kdk_vmcoreinfo_offset(&s->vi, "uts_namespace.name", &name_off) ||
	    session_read(s, addr + name_off, uts, sizeof(uts), &err)) {
		fprintf(s->out, "     RELEASE: %s\n", kdk_vmcoreinfo_string(&s->vi, "OSRELEASE") ?: "?");
		return;
	}
	for (i = 1; i <= 3; i++)
		fprintf(s->out, "%12s: %.*s\n", labels[i], UTS_FIELD, uts + i * UTS_FIELD);
	/* crash adds the clock rate (cpu_khz) to MACHINE. */
	if (!session_symbol(s, "cpu_khz", &addr, &err) && !session_read(s, addr, &khz, 4, &err) && khz)
		fprintf(s->out, "%12s: %.*s  (%u Mhz)\n", labels[4], UTS_FIELD, uts + 4 * UTS_FIELD,
			khz / 1000);
	else
		fprintf(s->out, "%12s: %.*s\n", labels[4], UTS_FIELD, uts + 4 * UTS_FIELD);
}

/* Physical memory as the kernel saw it: every node's spanned pages (node_data[] and the
 * pglist_data offsets are VMCOREINFO keys); else what the dump spans. */
static uint64_t memory_bytes(struct session *s)
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

/* crash's rounding: up to the next GiB when within 64 MiB of it; "%.1f GB" without ".0". */
static void format_memory(uint64_t bytes, char *buf, size_t size)
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

static const char *state_long_name(const char *code)
{
	static const char *const names[][2] = {
		{ "RU", "TASK_RUNNING" }, { "IN", "TASK_INTERRUPTIBLE" },
		{ "UN", "TASK_UNINTERRUPTIBLE" }, { "ID", "TASK_IDLE" }, { "ST", "TASK_STOPPED" },
		{ "TR", "TASK_TRACED" }, { "ZO", "EXIT_ZOMBIE" }, { "DE", "EXIT_DEAD" },
		{ "PA", "TASK_PARKED" }, { "WA", "TASK_WAKING" }, { "NE", "TASK_NEW" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(code, names[i][0]))
			return names[i][1];
	return "?";
}

/* The task that panicked: the current task of panic_cpu. Needs the structure offsets (BTF);
 * without them these lines are left out and the reason is said once. */
static void print_panic_task(struct session *s, struct kdk_err *err)
{
	struct task_info t;
	uint64_t addr, task;
	int32_t cpu;

	if (session_symbol(s, "panic_cpu", &addr, err) || session_read(s, addr, &cpu, 4, err) ||
	    cpu < 0 || tasks_cpu_current(s, (uint32_t)cpu, &task, err) ||
	    tasks_describe(s, task, &t, err)) {
		fprintf(s->out, "        (panic task unknown: %s)\n", err->msg);
		kdk_err_clear(err);
		return;
	}
	fprintf(s->out, "         PID: %d\n", t.pid);
	fprintf(s->out, "     COMMAND: \"%s\"\n", t.comm);
	fprintf(s->out, "        TASK: %016" PRIx64 "  [THREAD_INFO: %016" PRIx64 "]\n", t.task, t.task);
	fprintf(s->out, "         CPU: %d\n", cpu);
	fprintf(s->out, "       STATE: %s (PANIC)\n", state_long_name(task_state_name(&t)));
}

int cmd_sys(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct kdk_printk_layout layout;
	struct log_facts facts = { 0, "" };
	const char *crashtime = kdk_vmcoreinfo_string(&s->vi, "CRASHTIME");
	uint64_t addr, avenrun[3], uptime;
	int32_t nr_threads = -1;
	unsigned cpus = 0, i;
	char memory[32];

	(void)argc;
	(void)argv;
	if (!kdk_printk_layout_fill(&layout, kdk_vmcoreinfo_layout_lookup, &s->vi,
			     NULL))
		kdk_printk_walk(&layout, kdk_kmem_read, &s->kmem, scan_log, &facts, NULL, NULL);
	kdk_err_clear(err);

	if (s->symbols_path)
		fprintf(s->out, "      KERNEL: %s\n", s->symbols_path);
	else
		fprintf(s->out, "      KERNEL: (none: symbols from the dump's kallsyms, %s)\n",
			s->syms.encoding ? s->syms.encoding : "encoding unknown");
	fprintf(s->out, "    DUMPFILE: %s\n", s->dump_path);
	cpus = print_cpus(s, err);
	if (crashtime) {
		time_t when = (time_t)strtoll(crashtime, NULL, 10);
		struct tm tm;
		char date[64];

		gmtime_r(&when, &tm);
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S UTC %Y", &tm);
		fprintf(s->out, "        DATE: %s\n", date);
	}
	uptime = facts.last_ts / 1000000000ULL;
	fprintf(s->out, "      UPTIME: %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 "\n", uptime / 3600,
		uptime / 60 % 60, uptime % 60);
	if (!session_symbol(s, "avenrun", &addr, err) &&
	    !session_read(s, addr, avenrun, sizeof(avenrun), err)) {
		fprintf(s->out, "LOAD AVERAGE: ");
		/* As /proc/loadavg: rounded to two decimals by adding FIXED_1/200 first. */
		for (i = 0; i < 3; i++) {
			uint64_t load = avenrun[i] + (1 << FSHIFT) / 200;

			fprintf(s->out, "%s%" PRIu64 ".%02" PRIu64, i ? ", " : "", load >> FSHIFT,
				((load & ((1 << FSHIFT) - 1)) * 100) >> FSHIFT);
		}
		fputc('\n', s->out);
	}
	kdk_err_clear(err);
	/* nr_threads counts every thread but the per-CPU idle tasks (one per present CPU), which crash
	 * counts too. */
	if (!session_symbol(s, "nr_threads", &addr, err) &&
	    !session_read(s, addr, &nr_threads, sizeof(nr_threads), err))
		fprintf(s->out, "       TASKS: %d\n", nr_threads + (int32_t)cpus);
	kdk_err_clear(err);
	print_uts(s);
	format_memory(memory_bytes(s), memory, sizeof(memory));
	fprintf(s->out, "      MEMORY: %s\n", memory);
	if (facts.panic[0])
		fprintf(s->out, "       PANIC: \"%s\"\n", facts.panic);
	print_panic_task(s, err);
	return 0;
}
