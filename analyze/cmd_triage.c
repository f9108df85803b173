/* cmd_triage.c — `kcrash triage [--json] [-k VMLINUX] DUMP|DIR…` and the `triage` command: a
 * verdict per dump (lib/triage on the dump's own log, the dump for what the log lacks), grouped. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "backtrace.h"
#include "commands.h"
#include "json_out.h"
#include "modules.h"
#include "printk_ring.h"
#include "srclines.h"
#include "tasks.h"
#include "triage/triage.h"

/* A directory tree is searched this deep for dumps (kdump's <path>/<host>-<date>/vmcore is 1). */
#define MAX_DEPTH 4

struct verdict {
	char *path;
	struct kdk_triage t;
	char release[65];
	char source[600];          /* the culprit's source line (a DWARF vmlinux), or "" */
	const char *frames_from;   /* "log", "dump", or "" */
	int64_t when;              /* the crash time (VMCOREINFO CRASHTIME), else the file's mtime */
	bool when_from_dump;
	double cpu_seconds, wall_seconds;
	char error[KDK_ERR_MSG_MAX];
};

static int add_record(void *ctx, const struct kdk_printk_record *r)
{
	struct kdk_err err = { 0 };

	return kdk_triage_add_text(ctx, r->text, r->text_len, &err) ? -ENOMEM : 0;
}

/* The taint letters of a module (struct module.taints), named by the kernel's own taint_flags
 * table in the dump (kernel/panic.c: c_true per TAINT_* bit), so no letter table of ours. */
static void module_taint_from_dump(struct session *s, struct verdict *v)
{
	struct kdk_err err = { 0 };
	uint64_t taints_off, size, c_true_off, flags_addr, taints = 0;
	size_t i, n = 0;
	int bit;

	for (i = 0; i < s->modules.len; i++) {
		const struct kmodule *m = kdk_array_at(&s->modules, i);

		if (strcmp(m->name, v->t.culprit.module))
			continue;
		if (kdk_btf_member(&s->btf, "module", "taints", &taints_off, NULL, &err) ||
		    kdk_btf_member(&s->btf, "taint_flag", "c_true", &c_true_off, NULL, &err) ||
		    kdk_facts_lookup(&s->facts, KDK_KEY_SIZE, "taint_flag", &size) < 0 || !size ||
		    session_symbol(s, "taint_flags", &flags_addr, &err) ||
		    session_read(s, m->addr + taints_off, &taints, sizeof(taints), &err))
			return;
		for (bit = 0; bit < 64; bit++) {
			char letter;

			if (!(taints & (1ULL << bit)) ||
			    session_read(s, flags_addr + size * (uint64_t)bit + c_true_off, &letter, 1, &err))
				continue;
			if (letter >= 'A' && letter <= 'Z' && n + 1 < sizeof(v->t.module_taint))
				v->t.module_taint[n++] = letter;
		}
		v->t.module_taint[n] = '\0';
		return;
	}
}

/* The panic task's own stack, unwound, when the log printed no trace to read. */
static void frames_from_dump(struct session *s, struct verdict *v)
{
	struct kdk_err err = { 0 };
	struct bt_unwinder u;
	struct task_info task;
	struct kdk_array entries = KDK_ARRAY_INIT(struct bt_entry);
	struct kdk_array frames = KDK_ARRAY_INIT(struct kdk_triage_frame);
	uint64_t addr;
	size_t i;

	if (bt_panic_task(s, &addr, &err) || tasks_describe(s, addr, &task, &err))
		return;
	task.active = true;
	if (v->t.pid < 0) {
		v->t.pid = task.pid;
		snprintf(v->t.comm, sizeof(v->t.comm), "%s", task.comm);
	}
	if (bt_unwinder_open(&u, s, &err))
		return;
	if (!bt_unwind(&u, &task, &entries, &err)) {
		for (i = 0; i < entries.len; i++) {
			const struct bt_entry *e = kdk_array_at(&entries, i);
			struct kdk_triage_frame *f;
			const struct kdk_ksym *sym;
			uint64_t ip = e->kind == BT_EXCEPTION ? e->regs.ip : e->ip, off;
			bool ret = e->kind == BT_FRAME && e->return_address;

			if ((e->kind != BT_FRAME && e->kind != BT_EXCEPTION) ||
			    !(sym = kdk_symtab_by_addr(&s->syms, ip - ret, &off)) || !(ip >> 63) ||
			    !(f = kdk_array_push(&frames, &err)))
				continue;
			snprintf(f->function, sizeof(f->function), "%s", kdk_symtab_name(&s->syms, sym));
			snprintf(f->offset, sizeof(f->offset), "0x%" PRIx64 "/0x%" PRIx64, off + ret, sym->size);
			snprintf(f->module, sizeof(f->module), "%s", sym->module ? sym->module : "");
		}
		if (frames.len && !kdk_triage_set_frames(&v->t, frames.items, frames.len, &err))
			v->frames_from = "dump";
	}
	bt_unwinder_close(&u);
	kdk_array_free(&entries);
	kdk_array_free(&frames);
}

/* The CPU a task (a hung task, named by the log) last ran on. */
static void cpu_of_pid(struct session *s, struct verdict *v)
{
	struct kdk_err err = { 0 };
	struct kdk_array tasks;
	size_t i;

	if (!tasks_collect(s, &tasks, &err))
		for (i = 0; i < tasks.len; i++) {
			const struct task_info *t = kdk_array_at(&tasks, i);

			if (t->pid == v->t.pid) {
				v->t.cpu = (int32_t)t->cpu;
				break;
			}
		}
	kdk_array_free(&tasks);
}

static void source_line(struct session *s, struct verdict *v)
{
	struct source_lines lines;
	struct kdk_err err = { 0 };
	const struct kdk_ksym *sym;

	if (v->t.culprit.module[0] || !v->t.culprit.function[0] ||
	    !(sym = kdk_symtab_by_name(&s->syms, v->t.culprit.function)) ||
	    srclines_open(s, &lines, "triage", &err))
		return;
	/* A return address's line is the call's (the byte before it), as the kernel's %pB names it. */
	if (!srclines_find(&lines, sym->addr + strtoull(v->t.culprit.offset, NULL, 16) - v->t.culprit_is_return,
			   v->source, sizeof(v->source)))
		v->source[0] = '\0';
	srclines_close(&lines);
}

/* Everything the verdict needs from one open dump: its log first (VMCOREINFO and kernel memory
 * only), then the symbols and BTF only for what the log left unsaid. */
static int verdict_from_session(struct session *s, struct verdict *v, struct kdk_err *err)
{
	struct kdk_printk_layout layout;
	const char *release = kdk_vmcoreinfo_string(&s->vi, "OSRELEASE");
	const char *crashtime = kdk_vmcoreinfo_string(&s->vi, "CRASHTIME");
	uint64_t addr;
	int32_t cpu;
	int rc;

	if ((rc = kdk_printk_layout_fill(&layout, kdk_vmcoreinfo_layout_lookup, &s->vi, err)) ||
	    (rc = kdk_printk_walk(&layout, s->read_virt, s->read_ctx, add_record, &v->t, NULL, err)))
		return kdk_err_prefix(err, "the kernel log: ");
	if ((rc = kdk_triage_analyse(&v->t, err)))
		return rc;
	v->frames_from = v->t.frames.len || v->t.culprit.function[0] ? "log" : "";
	snprintf(v->release, sizeof(v->release), "%s", release ? release : v->t.release);
	if (crashtime) {
		v->when = strtoll(crashtime, NULL, 10);
		v->when_from_dump = true;
	}
	if (v->t.cpu < 0 && v->t.cls != KDK_CRASH_HUNG_TASK && !session_symbol(s, "panic_cpu", &addr, err) &&
	    !session_read(s, addr, &cpu, sizeof(cpu), err) && cpu >= 0)
		v->t.cpu = cpu;
	kdk_err_clear(err);
	/* The rest needs the structures (BTF): read only when the log left a gap. */
	if ((!v->t.culprit.function[0] || (v->t.cls == KDK_CRASH_HUNG_TASK && v->t.cpu < 0 && v->t.pid >= 0) ||
	     (v->t.culprit.module[0] && !v->t.module_taint[0])) &&
	    session_kstructs(s, err)) {
		if (!v->t.culprit.function[0] && v->t.cls != KDK_CRASH_UNKNOWN)
			frames_from_dump(s, v);
		if (v->t.cls == KDK_CRASH_HUNG_TASK && v->t.cpu < 0 && v->t.pid >= 0)
			cpu_of_pid(s, v);
		if (v->t.culprit.module[0] && !v->t.module_taint[0])
			module_taint_from_dump(s, v);
	}
	kdk_err_clear(err);
	if (s->symbols_path)
		source_line(s, v);
	return 0;
}

static void format_time(int64_t when, char *buf, size_t size)
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static void culprit_text(const struct verdict *v, char *buf, size_t size)
{
	const struct kdk_triage *t = &v->t;

	if (!t->culprit.function[0]) {
		snprintf(buf, size, "(none named)");
		return;
	}
	snprintf(buf, size, "%s%s%s%s%s%s%s%s", t->culprit.function, t->culprit.offset[0] ? "+" : "",
		 t->culprit.offset, t->culprit.module[0] ? " [" : "", t->culprit.module,
		 t->module_taint[0] ? " (" : "", t->module_taint[0] ? t->module_taint : "",
		 t->module_taint[0] ? ")]" : t->culprit.module[0] ? "]" : "");
}

static void print_json(FILE *out, const struct verdict *v)
{
	const struct kdk_triage *t = &v->t;
	char when[32];
	size_t i;

	fputs("{\"dump\":", out);
	json_write_string(out, v->path);
	if (v->error[0]) {
		fputs(",\"error\":", out);
		json_write_string(out, v->error);
		fputc('}', out);
		return;
	}
	format_time(v->when, when, sizeof(when));
	fprintf(out, ",\"time\":\"%s\",\"time_from\":\"%s\",\"class\":\"%s\",\"headline\":", when,
		v->when_from_dump ? "CRASHTIME" : "mtime", kdk_crash_class_name(t->cls));
	json_write_string(out, t->headline);
	fputs(",\"panic_message\":", out);
	json_write_string(out, t->panic_message);
	fputs(",\"function\":", out);
	json_write_string(out, t->culprit.function);
	fputs(",\"offset\":", out);
	json_write_string(out, t->culprit.offset);
	fputs(",\"module\":", out);
	json_write_string(out, t->culprit.module);
	fputs(",\"module_taint\":", out);
	json_write_string(out, t->module_taint);
	fputs(",\"source\":", out);
	json_write_string(out, v->source);
	fputs(",\"taint\":", out);
	json_write_string(out, t->taint);
	fputs(",\"comm\":", out);
	json_write_string(out, t->comm);
	fprintf(out, ",\"pid\":%d,\"cpu\":%d,\"release\":", t->pid, t->cpu);
	json_write_string(out, v->release);
	fprintf(out, ",\"signature\":\"%s\",\"frames_from\":\"%s\",\"frames\":[", t->signature, v->frames_from);
	for (i = 0; i < t->frames.len; i++) {
		const struct kdk_triage_frame *f = kdk_array_at(&t->frames, i);

		fputs(i ? ",{\"function\":" : "{\"function\":", out);
		json_write_string(out, f->function);
		fputs(",\"module\":", out);
		json_write_string(out, f->module);
		fputc('}', out);
	}
	fprintf(out, "],\"cpu_seconds\":%.3f,\"wall_seconds\":%.3f}", v->cpu_seconds, v->wall_seconds);
}

int cmd_triage(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct verdict v;
	char culprit[512], when[32];
	int rc;

	(void)argc;
	(void)argv;
	memset(&v, 0, sizeof(v));
	v.path = (char *)s->dump_path;
	kdk_triage_init(&v.t);
	if ((rc = verdict_from_session(s, &v, err))) {
		kdk_triage_free(&v.t);
		return rc;
	}
	if (s->json) {
		print_json(s->out, &v);
		fputc('\n', s->out);
	} else {
		culprit_text(&v, culprit, sizeof(culprit));
		format_time(v.when, when, sizeof(when));
		fprintf(s->out, "    CLASS: %s\n HEADLINE: %s\n  CULPRIT: %s\n", kdk_crash_class_name(v.t.cls),
			v.t.headline, culprit);
		if (v.source[0])
			fprintf(s->out, "   SOURCE: %s\n", v.source);
		fprintf(s->out, "  PROCESS: %s (pid %d)\n      CPU: %d\n    TAINT: %s\n  RELEASE: %s\n     TIME: %s\n"
			"SIGNATURE: %s\n", v.t.comm[0] ? v.t.comm : "?", v.t.pid, v.t.cpu,
			v.t.taint_known ? (v.t.taint[0] ? v.t.taint : "not tainted") : "?", v.release,
			v.when_from_dump ? when : "?", v.t.signature);
	}
	kdk_triage_free(&v.t);
	return 0;
}

/* ---- kcrash triage DUMP|DIR… ---- */

static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A directory's files that may be dumps: not the logs and dmesg texts kdump leaves beside them. */
static bool dump_candidate(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && strncmp(name, "vmcore-dmesg", 12) && !(len > 4 && !strcmp(name + len - 4, ".txt")) &&
	       !(len > 4 && !strcmp(name + len - 4, ".log")) && strcmp(name, "info") && strcmp(name, "serial.log");
}

static int collect(const char *path, int depth, struct kdk_array *paths, struct kdk_err *err)
{
	struct stat st;
	struct dirent **names;
	char **slot, child[4096];
	int n, i, rc = 0;

	if (stat(path, &st))
		return kdk_err_sys(err, errno, "%s", path);
	if (!S_ISDIR(st.st_mode)) {
		if (!(slot = kdk_array_push(paths, err)) || !(*slot = strdup(path)))
			return kdk_err_set(err, ENOMEM, "%s", path);
		return 0;
	}
	if (depth >= MAX_DEPTH)
		return 0;
	if ((n = scandir(path, &names, NULL, alphasort)) < 0)
		return kdk_err_sys(err, errno, "%s", path);
	for (i = 0; i < n; i++) {
		snprintf(child, sizeof(child), "%s/%s", path, names[i]->d_name);
		if (!rc && dump_candidate(names[i]->d_name) && !stat(child, &st) &&
		    (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			rc = collect(child, depth + 1, paths, err);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* The vmlinux for a dump's release: -k FILE as given; -k DIR as DIR/<release>/vmlinux or
 * DIR/vmlinux-<release>; else beside the dump (vmlinux-<release>, vmlinux) or where Debian's -dbg
 * packages put it. The release is VMCOREINFO's, read without the symbols. A vmlinux of another
 * build is refused by the session (build IDs) and the dump triaged without it. */
static bool find_vmlinux(const char *dump_path, const char *given, char *out, size_t size)
{
	struct kdk_dump *dump = NULL;
	struct kdk_vmcoreinfo vi;
	struct kdk_err err = { 0 };
	struct stat st;
	const char *release;
	char dir[2048], *slash;
	bool found = false;
	int i;

	if (given && !stat(given, &st) && !S_ISDIR(st.st_mode)) {
		snprintf(out, size, "%s", given);
		return true;
	}
	if (kdk_dump_open(dump_path, &dump, &err) || !dump->vmcoreinfo) {
		if (dump)
			kdk_dump_close(dump);
		return false;
	}
	memset(&vi, 0, sizeof(vi));
	if (!kdk_vmcoreinfo_parse(dump->vmcoreinfo, dump->vmcoreinfo_size, &vi, &err) &&
	    (release = kdk_vmcoreinfo_string(&vi, "OSRELEASE"))) {
		snprintf(dir, sizeof(dir), "%s", dump_path);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof(dir), ".");
		for (i = 0; i < 6 && !found; i++) {
			switch (i) {
			case 0: snprintf(out, size, "%s/%s/vmlinux", given ? given : "", release); break;
			case 1: snprintf(out, size, "%s/vmlinux-%s", given ? given : "", release); break;
			case 2: snprintf(out, size, "%s/vmlinux-%.64s", dir, release); break;
			case 3: snprintf(out, size, "%s/vmlinux", dir); break;
			case 4: snprintf(out, size, "/usr/lib/debug/boot/vmlinux-%s", release); break;
			case 5: snprintf(out, size, "/usr/lib/debug/lib/modules/%s/vmlinux", release); break;
			}
			found = (i > 1 || given) && !stat(out, &st) && S_ISREG(st.st_mode);
		}
	}
	kdk_vmcoreinfo_free(&vi);
	kdk_dump_close(dump);
	return found;
}

static void triage_path(const char *path, const char *given, struct verdict *v)
{
	char vmlinux_path[4096];
	const char *vmlinux;
	struct session s;
	struct kdk_err err = { 0 };
	struct stat st;
	double cpu0 = seconds(CLOCK_PROCESS_CPUTIME_ID), wall0 = seconds(CLOCK_MONOTONIC);
	int rc;

	kdk_triage_init(&v->t);
	if (!stat(path, &st))
		v->when = st.st_mtime;
	vmlinux = find_vmlinux(path, given, vmlinux_path, sizeof(vmlinux_path)) ? vmlinux_path : NULL;
	rc = session_open(&s, vmlinux, path, &err);
	if (rc && vmlinux) {
		/* Another kernel's vmlinux (a directory of several kernels' dumps): this dump
		 * without source lines. */
		session_close(&s);
		kdk_err_clear(&err);
		rc = session_open(&s, NULL, path, &err);
	}
	if (!rc)
		rc = verdict_from_session(&s, v, &err);
	if (rc)
		snprintf(v->error, sizeof(v->error), "%s", err.msg);
	session_close(&s);
	v->cpu_seconds = seconds(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
	v->wall_seconds = seconds(CLOCK_MONOTONIC) - wall0;
}

static int newest_first(const void *a, const void *b)
{
	const struct verdict *x = a, *y = b;

	if (!!x->error[0] != !!y->error[0])
		return x->error[0] ? 1 : -1;
	return x->when > y->when ? -1 : x->when < y->when ? 1 : strcmp(x->path, y->path);
}

static void print_groups(FILE *out, struct verdict *v, size_t n, bool json)
{
	bool *done = calloc(n ? n : 1, sizeof(*done));
	size_t i, j, problem = 0, count;
	char culprit[512], when[32];

	if (json)
		fputs("],\"problems\":[", out);
	else
		fprintf(out, "%-7s %-16s %5s  %-19s  %-14s %s\n", "PROBLEM", "SIGNATURE", "DUMPS", "NEWEST (UTC)",
			"CLASS", "CULPRIT");
	for (i = 0; done && i < n; i++) {
		if (done[i] || v[i].error[0])
			continue;
		for (count = 0, j = i; j < n; j++)
			if (!v[j].error[0] && !strcmp(v[j].t.signature, v[i].t.signature))
				count++;
		format_time(v[i].when, when, sizeof(when));
		culprit_text(&v[i], culprit, sizeof(culprit));
		problem++;
		if (json) {
			fprintf(out, "%s{\"signature\":\"%s\",\"count\":%zu,\"newest\":\"%s\",\"class\":\"%s\","
				"\"function\":", problem > 1 ? "," : "", v[i].t.signature, count, when,
				kdk_crash_class_name(v[i].t.cls));
			json_write_string(out, v[i].t.culprit.function);
			fputs(",\"module\":", out);
			json_write_string(out, v[i].t.culprit.module);
			fputs(",\"dumps\":[", out);
		} else {
			fprintf(out, "%-7zu %-16s %5zu  %-19s  %-14s %s\n", problem, v[i].t.signature, count, when,
				kdk_crash_class_name(v[i].t.cls), culprit);
			fprintf(out, "        %s\n", v[i].t.headline);
			if (v[i].source[0])
				fprintf(out, "        %s\n", v[i].source);
		}
		for (count = 0, j = i; j < n; j++) {
			if (v[j].error[0] || strcmp(v[j].t.signature, v[i].t.signature))
				continue;
			done[j] = true;
			if (json) {
				fputs(count++ ? "," : "", out);
				json_write_string(out, v[j].path);
				continue;
			}
			format_time(v[j].when, when, sizeof(when));
			fprintf(out, "          %s%s  %-28s CPU %-3d %s:%d  %s\n", when, v[j].when_from_dump ? " " : "*",
				v[j].release, v[j].t.cpu, v[j].t.comm[0] ? v[j].t.comm : "?", v[j].t.pid, v[j].path);
		}
		if (json)
			fputs("]}", out);
	}
	free(done);
}

int triage_main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "vmlinux", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kdk_array paths = KDK_ARRAY_INIT(char *);
	struct kdk_err err = { 0 };
	struct verdict *verdicts;
	const char *vmlinux = NULL;
	bool json = false;
	double wall0 = seconds(CLOCK_MONOTONIC), cpu_max = 0, wall_max = 0, cpu_sum = 0;
	size_t i, failed = 0;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "k:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'k': vmlinux = optarg; break;
		case 'h':
			printf("Usage: kcrash triage [--json] [-k|--vmlinux VMLINUX|DIR] DUMP|DIR...\n"
			       "A verdict per dump (crash class, culprit, module and taint, process, CPU, release,\n"
			       "signature), then the dumps grouped by signature, newest first. Directories are\n"
			       "searched %d levels deep. A vmlinux adds the culprit's source line: -k FILE, or\n"
			       "DIR/<release>/vmlinux or DIR/vmlinux-<release>, or vmlinux-<release>/vmlinux beside\n"
			       "the dump, or Debian's /usr/lib/debug ones.\n", MAX_DEPTH);
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "Usage: kcrash triage [--json] [-k VMLINUX] DUMP|DIR...\n");
		return 2;
	}
	for (; optind < argc; optind++)
		if (collect(argv[optind], 0, &paths, &err)) {
			fprintf(stderr, "kcrash: triage: %s\n", err.msg);
			kdk_err_clear(&err);
			failed++;
		}
	if (!(verdicts = calloc(paths.len ? paths.len : 1, sizeof(*verdicts)))) {
		fprintf(stderr, "kcrash: triage: out of memory\n");
		return 1;
	}
	for (i = 0; i < paths.len; i++) {
		verdicts[i].path = *KDK_ARRAY_AT(&paths, char *, i);
		triage_path(verdicts[i].path, vmlinux, &verdicts[i]);
		if (verdicts[i].error[0]) {
			fprintf(stderr, "kcrash: triage: %s: %s\n", verdicts[i].path, verdicts[i].error);
			failed++;
			continue;
		}
		cpu_sum += verdicts[i].cpu_seconds;
		if (verdicts[i].cpu_seconds > cpu_max)
			cpu_max = verdicts[i].cpu_seconds;
		if (verdicts[i].wall_seconds > wall_max)
			wall_max = verdicts[i].wall_seconds;
	}
	qsort(verdicts, paths.len, sizeof(*verdicts), newest_first);
	if (json) {
		fputs("{\"dumps\":[", stdout);
		for (i = 0; i < paths.len; i++) {
			fputs(i ? "," : "", stdout);
			print_json(stdout, &verdicts[i]);
		}
		print_groups(stdout, verdicts, paths.len, true);
		printf("],\"seconds\":%.3f,\"max_cpu_seconds\":%.3f,\"max_wall_seconds\":%.3f}\n",
		       seconds(CLOCK_MONOTONIC) - wall0, cpu_max, wall_max);
	} else {
		print_groups(stdout, verdicts, paths.len, false);
		printf("%zu dumps (%zu unreadable) in %.2f s; per dump at most %.3f s CPU, %.3f s wall, "
		       "%.3f s CPU on average (* time: the file's, the dump has no CRASHTIME)\n",
		       paths.len, failed, seconds(CLOCK_MONOTONIC) - wall0, cpu_max, wall_max,
		       paths.len > failed ? cpu_sum / (double)(paths.len - failed) : 0.0);
	}
	for (i = 0; i < paths.len; i++) {
		kdk_triage_free(&verdicts[i].t);
		free(verdicts[i].path);
	}
	free(verdicts);
	kdk_array_free(&paths);
	return failed ? 1 : 0;
}
