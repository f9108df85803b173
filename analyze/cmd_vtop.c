/* cmd_vtop.c — `vtop [-u|-k] [-c PID|TASK] ADDRESS...`: an address's physical address and the
 * page-table entries that map it, then its page (crash's layout: kernel addresses through the
 * kernel's top table, user ones through the context task's mm->pgd); and `ptov PHYSICAL...` /
 * `ptov OFFSET:CPUS`: the direct-map address of a physical one, or a per-CPU offset on CPUs. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "cpu_list.h"
#include "cpus.h"
#include "task_pick.h"
#include "tasks.h"
#include "text_columns.h"
#include "user_space.h"
#include "x86_64_vtop.h"

#define PTE_PRESENT 0x1ULL
#define PTE_LARGE 0x80ULL
#define PTE_ADDR_MASK UINT64_C(0x000ffffffffff000)


/* crash's translation of one entry: PTE, its page's physical address, the flags set. */
static void print_entry_flags(struct session *s, uint64_t pte)
{
	static const struct { uint64_t bit; const char *name; } flags[] = {
		{ 1ULL << 0, "PRESENT" }, { 1ULL << 1, "RW" }, { 1ULL << 2, "USER" },
		{ 1ULL << 3, "PWT" }, { 1ULL << 4, "PCD" }, { 1ULL << 5, "ACCESSED" },
		{ 1ULL << 6, "DIRTY" }, { 1ULL << 7, "PSE" }, { 1ULL << 8, "GLOBAL" },
		{ 1ULL << 63, "NX" },
	};
	char pte_text[24], phys_text[24];
	int pte_w, phys_w, others = 0;
	size_t i;

	snprintf(pte_text, sizeof(pte_text), "%" PRIx64, pte);
	snprintf(phys_text, sizeof(phys_text), "%" PRIx64, pte & PTE_ADDR_MASK);
	pte_w = strlen(pte_text) > 3 ? (int)strlen(pte_text) : 3;
	phys_w = strlen(phys_text) > 8 ? (int)strlen(phys_text) : 8;
	text_centre(s->out, "PTE", pte_w, true);
	fputs("  ", s->out);
	text_centre(s->out, "PHYSICAL", phys_w, true);
	fputs("  FLAGS\n", s->out);
	fprintf(s->out, "%*s  %*s  (", pte_w, pte_text, phys_w, phys_text);
	for (i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
		/* PSE is a page size only in a present entry (else it is PROTNONE, not shown) */
		if (!(pte & flags[i].bit) || (flags[i].bit == PTE_LARGE && !(pte & PTE_PRESENT)))
			continue;
		fprintf(s->out, "%s%s", others++ ? "|" : "", flags[i].name);
	}
	fputs(pte ? ")\n" : "no mapping)\n", s->out);
}

/* The walk as crash prints it: the top entry (kernel: "PGD DIRECTORY" and "PAGE DIRECTORY";
 * user: "PGD: entry => value"), each lower entry, the page, the last entry's flags. */
static void print_walk(struct session *s, const struct kdk_vtop_trace *t, bool user, uint64_t pgd_vaddr)
{
	static const char *const names[] = { "PTE", "PMD", "PUD", "P4D", "PGD" };
	struct kdk_x86_64_vtop *vt = s->kmem.vtop;
	unsigned i;

	for (i = 0; i < t->count; i++) {
		const struct kdk_vtop_step *st = &t->steps[i];
		uint64_t entry = st->entry & ~vt->paging.sme_mask;

		if (i == 0 && !user) {
			fprintf(s->out, "PGD DIRECTORY: %" PRIx64 "\n", pgd_vaddr);
			fprintf(s->out, "PAGE DIRECTORY: %" PRIx64 "\n", entry);
		} else {
			fprintf(s->out, "   %s: %" PRIx64 " => %" PRIx64 "\n",
				i == 0 ? "PGD" : names[st->level - 1], st->entry_paddr, entry);
		}
	}
	if (!t->page_size) {
		/* a PTE that is not present but not empty (swapped, PROTNONE): its bits */
		if (t->count && t->steps[t->count - 1].level == 1 && t->steps[t->count - 1].entry) {
			fputc('\n', s->out);
			print_entry_flags(s, t->steps[t->count - 1].entry);
		}
		return;
	}
	if (t->page_size == (1ULL << 30))
		fprintf(s->out, "  PAGE: %" PRIx64 "  (1GB)\n\n", t->paddr & ~(t->page_size - 1));
	else if (t->page_size == (1ULL << 21))
		fprintf(s->out, "  PAGE: %" PRIx64 "  (2MB)\n\n", t->paddr & ~(t->page_size - 1));
	else
		fprintf(s->out, user ? "  PAGE: %" PRIx64 "  \n\n" : "  PAGE: %" PRIx64 "\n\n",
			t->paddr & ~(t->page_size - 1));
	print_entry_flags(s, t->steps[t->count - 1].entry & ~vt->paging.sme_mask);
}

/* The page line of paddr when the dump has a struct page for it. */
static void print_page_of(struct session *s, uint64_t paddr)
{
	struct kdk_err ignored = { 0 };
	uint64_t page;

	if (!kdk_dump_describes(s->dump, paddr >> 12) || kmem_page_of(s, paddr >> 12, &page, &ignored))
		return;
	kmem_print_page(s, page, paddr);
}

static int vtop_one(struct session *s, uint64_t vaddr, bool user, const char *task_arg,
		    struct kdk_err *err)
{
	struct kdk_x86_64_vtop *vt = s->kmem.vtop;
	struct kdk_vtop_trace t;
	struct kdk_err why = { 0 };
	uint64_t paddr = 0, pgd = vt->paging.top_pgt_vaddr, top = 0, mm = 0;
	bool mapped;
	int rc, walked;

	if (user && (rc = user_space_top_mm(s, task_arg, &mm, &pgd, &top, err)))
		return rc;
	walked = kdk_x86_64_vtop_trace(vt, top, vaddr, &t, &why);
	/* kernel addresses as crash translates them: the image and the direct map by arithmetic,
	 * the rest through the tables; user ones through the task's tables */
	if (user) {
		mapped = !walked && t.page_size;
		paddr = t.paddr;
	} else {
		struct kdk_err ignored = { 0 };

		mapped = !kdk_x86_64_vtop(vt, vaddr, &paddr, &ignored);
	}
	/* crash's columns: user addresses in UVADDR_PRLEN (10), kernel ones in 16 */
	fprintf(s->out, "%-*s  %-16s\n", user ? 10 : 16, "VIRTUAL", "PHYSICAL");
	if (mapped)
		fprintf(s->out, "%-*" PRIx64 "  %-16" PRIx64 "\n\n", user ? 10 : 16, vaddr, paddr);
	else
		fprintf(s->out, "%-*" PRIx64 "  (not mapped)\n\n", user ? 10 : 16, vaddr);
	if (walked < 0)
		fprintf(s->out, "(the page tables cannot be read: %s)\n", why.msg);
	else
		print_walk(s, &t, user, pgd);
	fputc('\n', s->out);
	/* a user address: the VMA that holds it, as crash shows it after the walk */
	if (user) {
		struct kdk_err why = { 0 };

		if (vm_print_vma_of(s, mm, vaddr, &why))
			fprintf(s->out, "(its VMA cannot be read: %s)\n", why.msg);
		fputc('\n', s->out);
	}
	if (mapped)
		print_page_of(s, paddr);
	return 0;
}

int cmd_vtop(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	const char *task_arg = NULL;
	int i, user = -1, shown = 0, rc;

	if (!s->have_kmem)
		return kdk_err_set(err, ENOTSUP, "vtop: this dump's memory is not read through page tables");
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-u"))
			user = 1;
		else if (!strcmp(argv[i], "-k"))
			user = 0;
		else if (!strcmp(argv[i], "-c") && i + 1 < argc)
			task_arg = argv[++i];
		else
			return kdk_err_set(err, EINVAL, "vtop: invalid option %s (usage: vtop [-c PID|TASK] "
							"[-u|-k] ADDRESS...)", argv[i]);
	}
	if (i >= argc)
		return kdk_err_set(err, EINVAL, "usage: vtop [-c PID|TASK] [-u|-k] ADDRESS...");
	for (; i < argc; i++) {
		char *end;
		uint64_t vaddr = strtoull(argv[i], &end, 16);
		bool is_user = user >= 0 ? user == 1 : vaddr < KDK_X86_64_KERNEL_HALF;

		if (!*argv[i] || *end)
			return kdk_err_set(err, EINVAL, "vtop: %s is not a hexadecimal address", argv[i]);
		if (!is_user && vaddr < KDK_X86_64_KERNEL_HALF) {
			if (shown++)
				fputc('\n', s->out);
			fprintf(s->out, "%-16s  %-16s\n", "VIRTUAL", "PHYSICAL");
			fprintf(s->out, "%-8" PRIx64 "  (not a kernel virtual address)\n\n", vaddr);
			continue;
		}
		if (shown++)
			fputc('\n', s->out);
		if ((rc = vtop_one(s, vaddr, is_user, task_arg, err)))
			return kdk_err_prefix(err, "vtop: %" PRIx64 ": ", vaddr);
	}
	return 0;
}

/* `ptov OFFSET:CPUS`: the per-CPU offset on each CPU named. */
static int ptov_per_cpu(struct session *s, uint64_t offset, const char *cpu_text, bool first,
			struct kdk_err *err)
{
	uint32_t nr, cpu;
	uint8_t *set;
	char width_text[24], label[24];
	int width, rc;

	if ((rc = tasks_nr_cpus(s, &nr, err)))
		return rc;
	if (!(set = calloc(nr, 1)))
		return kdk_err_set(err, ENOMEM, "ptov");
	if (!*cpu_text) {      /* "OFFSET:": the context task's CPU */
		struct task_info t;

		if ((rc = task_pick(s, NULL, &t, err)))
			goto out;
		if (t.cpu < nr)
			set[t.cpu] = 1;
	} else if ((rc = cpu_list_parse("ptov", cpu_text, set, nr, err)) < 0) {
		goto out;
	}
	rc = 0;
	snprintf(width_text, sizeof(width_text), "[%u]", nr - 1);
	width = (int)strlen(width_text) + 2;
	fprintf(s->out, "%sPER-CPU OFFSET: %" PRIx64 "\n", first ? "" : "\n", offset);
	fprintf(s->out, "  %-*s  %-16s\n", width, "CPU", "VIRTUAL");
	for (cpu = 0; cpu < nr; cpu++) {
		uint64_t vaddr;

		if (!set[cpu])
			continue;
		if ((rc = cpus_per_cpu_addr(s, offset, cpu, &vaddr, err)))
			goto out;
		snprintf(label, sizeof(label), "[%u]", cpu);
		fprintf(s->out, "  %-*s%" PRIx64 "\n", width, label, vaddr);
	}
out:
	free(set);
	return rc;
}

int cmd_ptov(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	uint64_t base;
	int i, rc;

	if (argc < 2)
		return kdk_err_set(err, EINVAL, "usage: ptov PHYSICAL... | ptov OFFSET:CPUS");
	for (i = 1; i < argc; i++) {
		char *text = argv[i], *colon = strchr(text, ':'), *end;
		uint64_t value;

		if (colon)
			*colon = '\0';
		value = strtoull(text, &end, 16);
		if (!*text || *end)
			return kdk_err_set(err, EINVAL, "ptov: %s is not a hexadecimal address", text);
		if (colon) {
			if ((rc = cpus_load(s, err)) ||
			    (rc = ptov_per_cpu(s, value, colon + 1, i == 1, err)))
				return kdk_err_prefix(err, "ptov: ");
			continue;
		}
		if ((rc = session_direct_map(s, &base, err)))
			return kdk_err_prefix(err, "ptov: the direct map's base: ");
		fprintf(s->out, "%s%-16s  %-16s\n", i > 1 ? "\n" : "", "VIRTUAL", "PHYSICAL");
		fprintf(s->out, "%-16" PRIx64 "  %-16" PRIx64 "\n", base + value, value);
	}
	return 0;
}
