/* cmd_kmem.c — `kmem -i`: memory use as crash shows it. From the kernel's own counters:
 * _totalram_pages; vm_zone_stat[NR_FREE_PAGES]; vm_node_stat[NR_SHMEM, NR_FILE_PAGES,
 * NR_SWAPCACHE, NR_SLAB_RECLAIMABLE_B, NR_SLAB_UNRECLAIMABLE_B] (indices from BTF's enums);
 * buffers: the page cache of every block device inode (blockdev_superblock's inodes); hugetlb:
 * hstates[default_hstate_idx]; swap: total_swap_pages, nr_swap_pages; commit limit from
 * sysctl_overcommit_ratio/_kbytes; committed: vm_committed_as's count. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "commands.h"

#define MAX_INODES 1000000

static int read_long(struct session *s, const char *name, int64_t *value, struct kdk_err *err)
{
	uint64_t addr;
	int rc;

	if ((rc = session_symbol(s, name, &addr, err)))
		return rc;
	return session_read(s, addr, value, 8, err);
}

/* counters[index] of an atomic_long_t array such as vm_zone_stat; index from enum `item`. */
static int stat_item(struct session *s, const char *array, const char *item, int64_t *value,
		     struct kdk_err *err)
{
	uint64_t addr;
	int64_t index;
	int rc;

	if (kdk_btf_enum_value(&s->btf, item, &index))
		return kdk_err_set(err, ENOENT, "BTF has no enumerator %s", item);
	if ((rc = session_symbol(s, array, &addr, err)))
		return rc;
	return session_read(s, addr + 8 * (uint64_t)index, value, 8, err);
}

/* Pages in the page cache of block devices: what /proc/meminfo calls Buffers. */
static int64_t blockdev_pages(struct session *s, struct kdk_err *err)
{
	uint64_t sb_ptr, sb, head, node, s_inodes, i_sb_list, nrpages_off;
	int64_t total = 0, pages;
	unsigned guard = 0;

	if (session_symbol(s, "blockdev_superblock", &sb_ptr, err) || session_read(s, sb_ptr, &sb, 8, err) ||
	    kdk_btf_member(&s->btf, "super_block", "s_inodes", &s_inodes, NULL, err) ||
	    kdk_btf_member(&s->btf, "inode", "i_sb_list", &i_sb_list, NULL, err) ||
	    kdk_btf_member(&s->btf, "inode", "i_data.nrpages", &nrpages_off, NULL, err))
		return -1;
	head = sb + s_inodes;
	if (session_read(s, head, &node, 8, err))
		return -1;
	while (node != head && ++guard < MAX_INODES) {
		uint64_t inode = node - i_sb_list;

		if (session_read(s, inode + nrpages_off, &pages, 8, err) ||
		    session_read(s, node, &node, 8, err))
			return -1;
		total += pages;
	}
	return total;
}

/* crash's pages_to_size: "%.1f GB/MB" without ".0", whole KB below a megabyte, "0" for none. */
static void size_of(int64_t pages, char *buf, size_t size)
{
	double bytes = (double)pages * 4096;
	char *p;

	if (pages <= 0)
		snprintf(buf, size, "0");
	else if (bytes >= 1024.0 * 1024 * 1024)
		snprintf(buf, size, "%.1f GB", bytes / (1024.0 * 1024 * 1024));
	else if (bytes >= 1024.0 * 1024)
		snprintf(buf, size, "%.1f MB", bytes / (1024.0 * 1024));
	else
		snprintf(buf, size, "%" PRId64 " KB", (int64_t)(bytes / 1024));
	if ((p = strstr(buf, ".0 ")))
		memmove(p, p + 2, strlen(p + 2) + 1);
}

static void row(struct session *s, const char *label, int64_t pages, int64_t of, const char *of_name)
{
	char size[32];

	size_of(pages, size, sizeof(size));
	if (of_name)
		fprintf(s->out, "%13s %8" PRId64 " %12s %4" PRId64 "%% of %s\n", label, pages, size,
			of > 0 ? (int64_t)((__int128)pages * 100 / of) : 0, of_name);
	else
		fprintf(s->out, "%13s %8" PRId64 " %12s         ----\n", label, pages, size);
}

int cmd_kmem(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	int64_t total, free_pages, shmem = 0, file = 0, swapcache = 0, slab_r = 0, slab_u = 0, buffers;
	int64_t swap_total = 0, swap_free = 0, huge_total = 0, huge_free = 0, committed = 0, limit;
	int64_t ratio = 50, kbytes = 0, hstate_idx = 0;
	uint64_t hstates, nr_off, free_off, order_off, hsize, vca, count_off;
	uint32_t order = 0;
	int32_t ratio32 = 50;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "-s"))
		return kmem_slabs(s, err);
	if (argc == 2 && !strcmp(argv[1], "-V"))
		return kmem_vm_stat(s, err);
	if (argc == 2 && !strcmp(argv[1], "-z"))
		return kmem_zones(s, err);
	if (argc == 2 && !strcmp(argv[1], "-v"))
		return kmem_vmalloc(s, err);
	if (argc == 2 && argv[1][0] != '-')
		return kmem_address(s, argv[1], err);
	if (argc != 2 || strcmp(argv[1], "-i"))
		return kdk_err_set(err, EINVAL, "usage: kmem -i | -s | -V | -z | -v | ADDRESS");
	if (!session_kstructs(s, err))
		return -err->code;
	if ((rc = read_long(s, "_totalram_pages", &total, err)) ||
	    (rc = stat_item(s, "vm_zone_stat", "NR_FREE_PAGES", &free_pages, err)))
		return rc;
	stat_item(s, "vm_node_stat", "NR_SHMEM", &shmem, err);
	stat_item(s, "vm_node_stat", "NR_FILE_PAGES", &file, err);
	stat_item(s, "vm_node_stat", "NR_SWAPCACHE", &swapcache, err);
	stat_item(s, "vm_node_stat", "NR_SLAB_RECLAIMABLE_B", &slab_r, err);
	stat_item(s, "vm_node_stat", "NR_SLAB_UNRECLAIMABLE_B", &slab_u, err);
	read_long(s, "total_swap_pages", &swap_total, err);
	read_long(s, "nr_swap_pages", &swap_free, err);
	read_long(s, "sysctl_overcommit_kbytes", &kbytes, err);
	if (!session_symbol(s, "sysctl_overcommit_ratio", &hstates, err) &&
	    !session_read(s, hstates, &ratio32, 4, err))
		ratio = ratio32;
	if (!session_symbol(s, "default_hstate_idx", &hstates, err))
		session_read(s, hstates, &hstate_idx, 4, err);
	hstate_idx &= 0xffffffff;
	if (!session_symbol(s, "hstates", &hstates, err) &&
	    !kdk_btf_member(&s->btf, "hstate", "nr_huge_pages", &nr_off, NULL, err) &&
	    !kdk_btf_member(&s->btf, "hstate", "free_huge_pages", &free_off, NULL, err) &&
	    (hsize = kdk_btf_size(&s->btf, kdk_btf_find(&s->btf, KDK_BTF_STRUCT, "hstate")))) {
		session_read(s, hstates + hsize * (uint64_t)hstate_idx + nr_off, &huge_total, 8, err);
		session_read(s, hstates + hsize * (uint64_t)hstate_idx + free_off, &huge_free, 8, err);
		/* nr_huge_pages counts huge pages of 2^order base pages each (struct hstate.order,
		 * include/linux/hugetlb.h); crash shows base pages. */
		if (!kdk_btf_member(&s->btf, "hstate", "order", &order_off, NULL, err) &&
		    !session_read(s, hstates + hsize * (uint64_t)hstate_idx + order_off, &order, 4, err) &&
		    order < 31) {
			huge_total = (int64_t)((uint64_t)huge_total << order);
			huge_free = (int64_t)((uint64_t)huge_free << order);
		}
	}
	if (!session_symbol(s, "vm_committed_as", &vca, err) &&
	    !kdk_btf_member(&s->btf, "percpu_counter", "count", &count_off, NULL, err))
		session_read(s, vca + count_off, &committed, 8, err);
	kdk_err_clear(err);
	buffers = blockdev_pages(s, err);
	kdk_err_clear(err);
	if (buffers < 0)
		buffers = 0;
	limit = kbytes ? kbytes >> 2 : (total - huge_total) * ratio / 100 + swap_total;

	fprintf(s->out, "                 PAGES        TOTAL      PERCENTAGE\n");
	row(s, "TOTAL MEM", total, 0, NULL);
	row(s, "FREE", free_pages, total, "TOTAL MEM");
	row(s, "USED", total - free_pages, total, "TOTAL MEM");
	row(s, "SHARED", shmem, total, "TOTAL MEM");
	row(s, "BUFFERS", buffers, total, "TOTAL MEM");
	row(s, "CACHED", file - swapcache - buffers, total, "TOTAL MEM");
	row(s, "SLAB", slab_r + slab_u, total, "TOTAL MEM");
	fputc('\n', s->out);
	row(s, "TOTAL HUGE", huge_total, 0, NULL);
	row(s, "HUGE FREE", huge_free, huge_total, "TOTAL HUGE");
	fputc('\n', s->out);
	row(s, "TOTAL SWAP", swap_total, 0, NULL);
	row(s, "SWAP USED", swap_total - swap_free, swap_total, "TOTAL SWAP");
	row(s, "SWAP FREE", swap_free, swap_total, "TOTAL SWAP");
	fputc('\n', s->out);
	row(s, "COMMIT LIMIT", limit, 0, NULL);
	row(s, "COMMITTED", committed, limit, "TOTAL LIMIT");
	return 0;
}
