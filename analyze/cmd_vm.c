/* cmd_vm.c — `vm [PID|TASK]`: a task's mm_struct, page directory, RSS and total size, then each
 * VMA (start, end, flags, file) in crash's shape. VMAs come from the maple tree mm_struct.mm_mt
 * (6.1+: lib/maple_tree) or, where mm_struct has no mm_mt, the list mm_struct.mmap → vm_next:
 * told apart by which members exist. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "maple_tree.h"
#include "task_pick.h"
#include "text_columns.h"
#include "vfs_path.h"

#define PATH_BUF 4096
#define MAX_VMAS (1u << 24)  /* a corrupt list stops here; the kernel's max_map_count is 65530 */

struct vm_layout {
	uint64_t mm_pgd, mm_mt, mm_mmap, vma_next;
	bool have_mt, have_mmap, have_next;
	uint64_t vma_start, vma_end, vma_flags, vma_flags_size, vma_file;
};

struct vm_walk {
	struct session *s;
	const struct vm_layout *l;
	const struct vfs_layout *vfs;
	unsigned count;
	bool only_one;             /* vm_print_vma_of: the VMA holding addr, and no other */
	uint64_t addr;
	unsigned shown;
};

static int vm_layout_load(struct session *s, struct vm_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mm_struct.pgd", struct vm_layout, mm_pgd),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "mm_struct.mm_mt", struct vm_layout, mm_mt, have_mt),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "mm_struct.mmap", struct vm_layout, mm_mmap, have_mmap),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "vm_area_struct.vm_next", struct vm_layout, vma_next,
				    have_next),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vm_area_struct.vm_start", struct vm_layout, vma_start),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vm_area_struct.vm_end", struct vm_layout, vma_end),
		/* 6.3 ("mm: introduce vma->vm_flags wrapper functions") put vm_flags in an anonymous
		 * union beside __vm_flags: the same offset, found either way */
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vm_area_struct.vm_flags", struct vm_layout, vma_flags),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "vm_area_struct.vm_flags", struct vm_layout, vma_flags_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vm_area_struct.vm_file", struct vm_layout, vma_file),
		{ 0 },
	};
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = kdk_facts_fill(&s->facts, keys, l, err)))
		return rc;
	if (!l->have_mt && !(l->have_mmap && l->have_next))
		return kdk_err_set(err, ENOENT, "mm_struct has neither mm_mt (a maple tree) nor mmap with "
						"vm_area_struct.vm_next (a list)");
	if (l->vma_flags_size != 2 && l->vma_flags_size != 4 && l->vma_flags_size != 8)
		return kdk_err_set(err, EINVAL, "SIZE(vm_area_struct.vm_flags) is %" PRIu64, l->vma_flags_size);
	return 0;
}

static int print_vma(struct vm_walk *w, uint64_t vma, struct kdk_err *err)
{
	struct session *s = w->s;
	const struct vm_layout *l = w->l;
	uint64_t start, end, flags = 0, file;
	char path[PATH_BUF] = "";
	int rc;

	if (++w->count > MAX_VMAS)
		return kdk_err_set(err, E2BIG, "more than %u VMAs: stopped", MAX_VMAS);
	if ((rc = session_read_u64(s, vma + l->vma_start, &start, err)) ||
	    (rc = session_read_u64(s, vma + l->vma_end, &end, err)) ||
	    (rc = session_read(s, vma + l->vma_flags, &flags, l->vma_flags_size, err)) ||
	    (rc = session_read_u64(s, vma + l->vma_file, &file, err)))
		return kdk_err_prefix(err, "vm_area_struct %" PRIx64 ": ", vma);
	if (w->only_one && (w->addr < start || w->addr >= end))
		return 0;
	w->shown++;
	if (file) {
		uint64_t dentry, mnt;

		if ((rc = session_read_u64(s, file + w->vfs->file_path + w->vfs->path_dentry, &dentry, err)) ||
		    (rc = session_read_u64(s, file + w->vfs->file_path + w->vfs->path_mnt, &mnt, err)) ||
		    (dentry && (rc = vfs_d_path(s, w->vfs, dentry, mnt, path, sizeof(path), err))))
			return kdk_err_prefix(err, "vm_area_struct %" PRIx64 " file %" PRIx64 ": ", vma, file);
	}
	/* crash's PRINT_VMA_DATA on x86_64: VMA in 16 columns, START and END right-aligned in 10
	 * (UVADDR_PRLEN), the flags in %6llx, then the file */
	fprintf(s->out, "%16" PRIx64 " %10" PRIx64 " %10" PRIx64 " %6" PRIx64 " %s\n", vma, start, end,
		flags, path);
	return 0;
}

static int visit_maple(void *ctx, uint64_t first, uint64_t last, uint64_t entry, struct kdk_err *err)
{
	(void)first;
	(void)last;
	return print_vma(ctx, entry, err);
}

static int kmem_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	return session_read(ctx, vaddr, buf, len, err);
}

static int print_vmas(struct session *s, const struct vm_layout *l, const struct vfs_layout *vfs,
		      uint64_t mm, struct vm_walk *filter, struct kdk_err *err)
{
	struct vm_walk local = { .s = s, .l = l, .vfs = vfs }, *wp = filter ? filter : &local;
	struct vm_walk w;
	uint64_t vma;
	int rc;

	w = *wp;
	w.s = s, w.l = l, w.vfs = vfs;

	if (l->have_mt) {
		struct kdk_maple_layout ml;

		if ((rc = kdk_maple_layout_fill(&ml, kdk_facts_lookup, &s->facts, err)))
			return rc;
		rc = kdk_maple_walk(&ml, mm + l->mm_mt, kmem_read, s, visit_maple, &w, err);
		wp->shown = w.shown;
		return rc;
	}
	if ((rc = session_read_u64(s, mm + l->mm_mmap, &vma, err)))
		return kdk_err_prefix(err, "mm_struct %" PRIx64 ": ", mm);
	while (vma) {
		if ((rc = print_vma(&w, vma, err)) || (rc = session_read_u64(s, vma + l->vma_next, &vma, err)))
			break;
	}
	wp->shown = w.shown;
	return rc;
}

int vm_print_vma_of(struct session *s, uint64_t mm, uint64_t addr, struct kdk_err *err)
{
	struct vm_layout l;
	struct vfs_layout vfs;
	struct vm_walk w = { .only_one = true, .addr = addr };
	int rc;

	if ((rc = vfs_layout_load(s, &vfs, err)) || (rc = vm_layout_load(s, &l, err)))
		return rc;
	fprintf(s->out, "      VMA          START      END     FLAGS FILE\n");
	if ((rc = print_vmas(s, &l, &vfs, mm, &w, err)))
		return rc;
	if (!w.shown)
		fprintf(s->out, "(no VMA holds %" PRIx64 ")\n", addr);
	return 0;
}

int cmd_vm(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct vm_layout l;
	struct vfs_layout vfs;
	struct task_info t;
	int rc, i, first = 1;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return kdk_err_set(err, EINVAL, "vm: option %s not supported (usage: vm [PID|TASK]...)",
					   argv[i]);
	if ((rc = vfs_layout_load(s, &vfs, err)) || (rc = vm_layout_load(s, &l, err)))
		return kdk_err_prefix(err, "vm: ");
	for (i = argc > 1 ? 1 : 0; i < argc; i++) {
		uint64_t pgd = 0;
		char rss[32], total[32], mm[32], pgd_text[32];

		if ((rc = task_pick(s, argc > 1 ? argv[i] : NULL, &t, err)))
			return kdk_err_prefix(err, "vm: ");
		if (!first)
			fputc('\n', s->out);
		first = 0;
		task_pick_header(s, &t);
		if (t.mm && (rc = session_read_u64(s, t.mm + l.mm_pgd, &pgd, err)))
			return kdk_err_prefix(err, "vm: PID %d: mm_struct %" PRIx64 ": ", t.pid, t.mm);
		/* crash's PRINT_VM_DATA: MM and PGD centred in 16, RSS in 6, TOTAL_VM in 8 */
		text_centre(s->out, "MM", 16, true);
		fputs("  ", s->out);
		text_centre(s->out, "PGD", 16, true);
		fputs("  ", s->out);
		text_centre(s->out, "RSS", 6, true);
		fputs("  ", s->out);
		text_centre(s->out, "TOTAL_VM", 8, true);
		fputc('\n', s->out);
		snprintf(mm, sizeof(mm), "%" PRIx64, t.mm);
		snprintf(pgd_text, sizeof(pgd_text), "%" PRIx64, pgd);
		snprintf(rss, sizeof(rss), "%" PRIu64 "k", t.rss_pages * 4);
		snprintf(total, sizeof(total), "%" PRIu64 "k", t.total_vm_pages * 4);
		text_centre(s->out, mm, 16, true);
		fputs("  ", s->out);
		text_centre(s->out, pgd_text, 16, true);
		fputs("  ", s->out);
		text_centre(s->out, rss, 6, true);
		fputs("  ", s->out);
		text_centre(s->out, total, 8, true);
		fputc('\n', s->out);
		if (!t.mm)
			continue;
		fprintf(s->out, "      VMA          START      END     FLAGS FILE\n");
		if ((rc = print_vmas(s, &l, &vfs, t.mm, NULL, err)))
			return kdk_err_prefix(err, "vm: PID %d: ", t.pid);
	}
	return 0;
}
