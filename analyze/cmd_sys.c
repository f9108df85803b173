/* cmd_sys.c — `sys`, in crash's layout. Sources: VMCOREINFO (OSRELEASE, CRASHTIME,
 * SYMBOL(init_uts_ns), OFFSET(uts_namespace.name)), the new_utsname ABI (six 65-byte strings),
 * avenrun[3] (fixed point, FSHIFT 11), nr_threads, the dump's NT_PRSTATUS notes and page ranges,
 * the kernel log (the panic message, as crash picks it) and the timekeeper (uptime). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "cpus.h"
#include "kclock.h"
#include "machine.h"
#include "printk_ring.h"
#include "tasks.h"

#define UTS_FIELD MACHINE_UTS_FIELD
#define FSHIFT 11

/* The PANIC line as crash chooses it (crash 9's task.c, its markers "arranged by the severity of
 * the panic events"): the first marker of this list found anywhere in the log gives its whole
 * line — sysrq crashes, the panic string, BUG(), page faults, traps, hardware errors, then an
 * oops. crash 8.0.x searched traps and oopses before the panic string; the newer order is the one
 * kept here. After crash's markers, the texts today's kernels print that crash's miss:
 * arch/x86/mm/fault.c "BUG: kernel NULL pointer dereference" (no "unable to handle" since 5.1),
 * traps.c "general protection fault, probably for non-canonical address" (no ": "),
 * kernel/watchdog.c "watchdog: ", kernel/hung_task.c "INFO: task ". */
static const char *const panic_markers[] = {
	"SysRq : Crash", "SysRq : Trigger a crash", "SysRq : Netdump", "Kernel panic: ",
	"Kernel panic - ", "Kernel BUG at", "kernel BUG at", "Unable to handle kernel paging request",
	"Unable to handle kernel NULL pointer dereference", "BUG: unable to handle kernel ",
	"general protection fault: ", "double fault: ", "divide error: ", "stack segment: ",
	"[Hardware Error]: ", "Bad mode in ", "Oops: ",
	"BUG: ", "general protection fault", "watchdog: ", "INFO: task ",
};
#define NR_MARKERS (sizeof(panic_markers) / sizeof(panic_markers[0]))

struct log_facts {
	uint64_t last_ts;
	char panic[NR_MARKERS][256];   /* the first line holding each marker */
};

static int scan_log(void *ctx, const struct kdk_printk_record *r)
{
	struct log_facts *f = ctx;
	size_t m;

	f->last_ts = r->ts_nsec;
	for (m = 0; m < NR_MARKERS; m++) {
		const char *hit = f->panic[m][0] ? NULL :
				  memmem(r->text, r->text_len, panic_markers[m], strlen(panic_markers[m]));
		const char *line, *end = r->text + r->text_len, *nl;

		if (!hit)
			continue;
		/* The whole line of a record that holds several. */
		for (line = hit; line > r->text && line[-1] != '\n'; line--)
			;
		if ((nl = memchr(hit, '\n', (size_t)(end - hit))))
			end = nl;
		snprintf(f->panic[m], sizeof(f->panic[m]), "%.*s", (int)(end - line), line);
	}
	return 0;
}

static const char *panic_line(const struct log_facts *f)
{
	size_t m;

	for (m = 0; m < NR_MARKERS; m++)
		if (f->panic[m][0])
			return f->panic[m];
	return NULL;
}

/* CPUS as crash counts them (analyze/machine.c); returns how many are present. */
static unsigned print_cpus(struct session *s)
{
	unsigned present, offline;
	char text[48];

	machine_cpu_counts(s, &present, &offline);
	machine_format_cpus(s, text, sizeof(text));
	fprintf(s->out, "        CPUS: %s\n", text);
	return present;
}

static void print_uts(struct session *s)
{
	static const char *const labels[] = { NULL, "NODENAME", "RELEASE", "VERSION", "MACHINE" };
	char uts[UTS_FIELD * 6];
	struct kdk_err err = { 0 };
	uint32_t khz = machine_cpu_khz(s);
	int i;

	if (machine_uts(s, uts, &err)) {
		fprintf(s->out, "     RELEASE: %s\n", kdk_vmcoreinfo_string(&s->vi, "OSRELEASE") ?: "?");
		return;
	}
	for (i = 1; i <= 3; i++)
		fprintf(s->out, "%12s: %.*s\n", labels[i], UTS_FIELD, uts + i * UTS_FIELD);
	/* crash adds the clock rate (cpu_khz) to MACHINE. */
	if (khz)
		fprintf(s->out, "%12s: %.*s  (%u Mhz)\n", labels[4], UTS_FIELD, uts + 4 * UTS_FIELD,
			khz / 1000);
	else
		fprintf(s->out, "%12s: %.*s\n", labels[4], UTS_FIELD, uts + 4 * UTS_FIELD);
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
	fprintf(s->out, "       STATE: %s (PANIC)\n", task_state_long_name(task_state_name(&t)));
}

int cmd_sys(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct kdk_printk_layout layout;
	struct log_facts facts;
	int64_t up, when = 0;
	bool have_date;
	const char *crashtime = kdk_vmcoreinfo_string(&s->vi, "CRASHTIME");
	uint64_t addr, avenrun[3], uptime;
	char duration[64];
	int32_t nr_threads = -1;
	unsigned cpus = 0, i;
	char memory[32];

	memset(&facts, 0, sizeof(facts));

	if (argc == 2 && !strcmp(argv[1], "-i"))
		return sys_dmi(s, err);
	if (argc != 1)
		return kdk_err_set(err, EINVAL, "usage: sys [-i]");
	if (!kdk_printk_layout_fill(&layout, kdk_vmcoreinfo_layout_lookup, &s->vi,
			     NULL))
		kdk_printk_walk(&layout, s->read_virt, s->read_ctx, scan_log, &facts, NULL, NULL);
	kdk_err_clear(err);

	if (s->symbols_path)
		fprintf(s->out, "      KERNEL: %s\n", s->symbols_path);
	else
		fprintf(s->out, "      KERNEL: (none: symbols from the dump's kallsyms%s, %s)\n",
			s->syms.source && strstr(s->syms.source, "kernel image") ?
				" (found in its kernel image: no VMCOREINFO keys before 6.0)" : "",
			s->syms.encoding ? s->syms.encoding : "encoding unknown");
	fprintf(s->out, "    DUMPFILE: %s\n", s->dump_path);
	cpus = print_cpus(s);
	/* The crash time the kernel recorded (kdump), else the timekeeper's wall clock — what crash
	 * prints for a dump QEMU or a hypervisor took, which has no CRASHTIME */
	if (crashtime)
		when = strtoll(crashtime, NULL, 10), have_date = true;
	else
		have_date = !kclock_wall_seconds(s, &when, err);
	kdk_err_clear(err);
	if (have_date) {
		time_t t = (time_t)when;
		struct tm tm;
		char date[64];

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%a %b %e %H:%M:%S UTC %Y", &tm);
		fprintf(s->out, "        DATE: %s\n", date);
	}
	/* The kernel's clock; the last log timestamp only where the timekeeper is unknown. */
	if (kclock_boot_seconds(s, &up, err) || up < 0)
		up = (int64_t)(facts.last_ts / 1000000000ULL);
	kdk_err_clear(err);
	uptime = (uint64_t)up;
	kclock_format_duration(uptime, duration, sizeof(duration));
	fprintf(s->out, "      UPTIME: %s\n", duration);
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
	machine_format_memory(machine_memory_bytes(s), memory, sizeof(memory));
	fprintf(s->out, "      MEMORY: %s\n", memory);
	if (panic_line(&facts))
		/* crash's shape: an oops line says where the rest is. */
		fprintf(s->out, "       PANIC: \"%s\"%s\n", panic_line(&facts),
			strstr(panic_line(&facts), "Oops: ") ? " (check log for details)" : "");
	print_panic_task(s, err);
	return 0;
}
