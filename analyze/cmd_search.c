/* cmd_search.c — `search [-k|-u|-p] [-s START] [-e END|-l LEN] [-m MASK] [-w|-h|-c] VALUE...`:
 * memory searched for values as crash's search does, one "ADDRESS: VALUE " line per hit in
 * address order. -k (the default) every page the kernel's page tables map (the direct map, the
 * kernel image, vmalloc and modules, vmemmap: what the dump holds of them), -u the context task's
 * user pages through its mm->pgd, -p physical memory; 64-bit words (-w 32-bit, -h 16-bit) at
 * their alignment, equal outside MASK's bits, or with -c a string at any byte ("ADDRESS: TEXT"). */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "expr_env.h"
#include "user_space.h"
#include "x86_64_vtop.h"

#define PAGE 4096ULL

enum search_mode { SEARCH_LONG, SEARCH_INT, SEARCH_SHORT, SEARCH_CHARS };

struct search {
	struct session *s;
	enum search_mode mode;
	unsigned width;            /* bytes per value */
	uint64_t mask;
	uint64_t *values;
	char **strings;
	int count;
	bool physical;
	unsigned char page[PAGE + 256];  /* a page and, for strings, the next one's start */
	uint64_t hits;
	uint64_t pages, max_pages;       /* pages looked at; the budget damaged tables cannot pass */
};

/* One page's bytes (plus, for strings, what the next page holds of a string that crosses it). */
static void search_page(struct search *sr, uint64_t addr, const unsigned char *p, size_t len, size_t tail)
{
	size_t i;
	int k;

	if (sr->mode == SEARCH_CHARS) {
		for (k = 0; k < sr->count; k++) {
			size_t n = strlen(sr->strings[k]);

			for (i = 0; i < len && n; i++) {
				if (i + n > len + tail || memcmp(p + i, sr->strings[k], n))
					continue;
				fprintf(sr->s->out, "%" PRIx64 ": %s\n", addr + i, sr->strings[k]);
				sr->hits++;
			}
		}
		return;
	}
	for (i = 0; i + sr->width <= len; i += sr->width) {
		uint64_t v = 0;

		memcpy(&v, p + i, sr->width);
		for (k = 0; k < sr->count; k++) {
			if ((v | sr->mask) != (sr->values[k] | sr->mask))
				continue;
			fprintf(sr->s->out, "%" PRIx64 ": %" PRIx64 " \n", addr + i, v);
			sr->hits++;
		}
	}
}

/* A run of memory: addr (what is printed) backed by physical paddr, size bytes. */
static int search_run(void *ctx, uint64_t addr, uint64_t paddr, uint64_t size)
{
	struct search *sr = ctx;
	struct kdk_err ignored = { 0 };
	uint64_t done = 0;

	while (done < size) {
		uint64_t off = (paddr + done) & (PAGE - 1), len = PAGE - off;
		size_t tail = 0;

		if (++sr->pages > sr->max_pages)
			return -E2BIG;

		if (len > size - done)
			len = size - done;
		if (!kdk_dump_describes(sr->s->dump, (paddr + done) / PAGE) ||
		    kdk_dump_read_phys(sr->s->dump, paddr + done, sr->page, (size_t)len, &ignored) < 0) {
			done += len;
			continue;
		}
		/* a string may run on into the next page of the same run */
		if (sr->mode == SEARCH_CHARS && done + len < size) {
			uint64_t more = size - done - len < 255 ? size - done - len : 255;

			if (kdk_dump_read_phys(sr->s->dump, paddr + done + len, sr->page + len, (size_t)more,
					       &ignored) == 0)
				tail = (size_t)more;
		}
		search_page(sr, addr + done, sr->page, (size_t)len, tail);
		done += len;
	}
	return 0;
}

/* -p: the physical pages the dump holds in [start, end). */
static void search_physical(struct search *sr, uint64_t start, uint64_t end)
{
	const struct kdk_array *ranges = &sr->s->dump->ranges;
	size_t i;

	for (i = 0; i < ranges->len; i++) {
		const struct kdk_pfn_range *r = kdk_array_at(ranges, i);
		uint64_t lo = r->start_pfn * PAGE, hi = r->end_pfn * PAGE;

		if (lo < start)
			lo = start;
		if (hi > end)
			hi = end;
		if (lo < hi)
			search_run(sr, lo, lo, hi - lo);
	}
}

static int parse_hex(const char *text, uint64_t *v)
{
	char *end;

	*v = strtoull(text, &end, 16);
	return *text && !*end ? 0 : -1;
}

int cmd_search(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct search *sr;
	enum { KERNEL, USER, PHYSICAL } space = KERNEL;
	uint64_t start = 0, end = 0, len = 0, top = 0;
	bool have_start = false, have_end = false, have_len = false;
	int i, rc = 0;

	if (!s->have_kmem)
		return kdk_err_set(err, ENOTSUP, "search: this dump's memory is not read through page tables");
	if (!(sr = calloc(1, sizeof(*sr))) || !(sr->values = calloc((size_t)argc, sizeof(*sr->values))) ||
	    !(sr->strings = calloc((size_t)argc, sizeof(*sr->strings)))) {
		rc = kdk_err_set(err, ENOMEM, "search");
		goto out;
	}
	sr->s = s;
	sr->mode = SEARCH_LONG;
	sr->width = 8;
	for (i = 1; i < argc && !rc; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-k")) {
			space = KERNEL;
		} else if (!strcmp(a, "-u")) {
			space = USER;
		} else if (!strcmp(a, "-p")) {
			space = PHYSICAL;
		} else if (!strcmp(a, "-w")) {
			sr->mode = SEARCH_INT, sr->width = 4;
		} else if (!strcmp(a, "-h")) {
			sr->mode = SEARCH_SHORT, sr->width = 2;
		} else if (!strcmp(a, "-c")) {
			sr->mode = SEARCH_CHARS, sr->width = 1;
		} else if ((!strcmp(a, "-s") || !strcmp(a, "-e") || !strcmp(a, "-l") || !strcmp(a, "-m")) && next) {
			uint64_t v;

			if (a[1] == 's' || a[1] == 'e') {
				if ((rc = expr_crash_address(s, next, &v, err)))
					break;
			} else if (parse_hex(next, &v)) {
				rc = kdk_err_set(err, EINVAL, "search: %s %s is not a hexadecimal number", a, next);
				break;
			}
			if (a[1] == 's')
				start = v, have_start = true;
			else if (a[1] == 'e')
				end = v, have_end = true;
			else if (a[1] == 'l')
				len = v, have_len = true;
			else
				sr->mask = v;
			i++;
		} else if (a[0] == '-' && a[1] && sr->mode != SEARCH_CHARS) {
			rc = kdk_err_set(err, EINVAL, "search: option %s is not supported (usage: search "
						      "[-k|-u|-p] [-s START] [-e END|-l LEN] [-m MASK] "
						      "[-w|-h|-c] VALUE...)", a);
		} else if (sr->mode == SEARCH_CHARS) {
			sr->strings[sr->count++] = argv[i];
		} else {
			uint64_t v;

			if ((rc = expr_crash_address(s, a, &v, err)))
				break;
			if (sr->width < 8 && v >> (8 * sr->width))
				rc = kdk_err_set(err, EINVAL, "search: value %s does not fit in %u bits", a,
						 8 * sr->width);
			sr->values[sr->count++] = v;
		}
	}
	if (rc)
		goto out;
	if (!sr->count) {
		rc = kdk_err_set(err, EINVAL, "search: no value to search for");
		goto out;
	}
	if (have_end && have_len) {
		rc = kdk_err_set(err, EINVAL, "search: -e and -l exclude one another");
		goto out;
	}
	if (sr->width < 8)
		sr->mask &= (1ULL << (8 * sr->width)) - 1;
	switch (space) {
	case KERNEL:
		if (!have_start)
			start = KDK_X86_64_KERNEL_HALF;
		break;
	case USER: {
		uint64_t pgd;

		if ((rc = user_space_top(s, NULL, &pgd, &top, err))) {
			kdk_err_prefix(err, "search -u: ");
			goto out;
		}
		break;
	}
	case PHYSICAL:
		break;
	}
	if (have_len)
		end = start + len;
	else if (!have_end && space == USER)   /* the user half: 47 bits, or 56 with 5 levels */
		end = 1ULL << (((struct kdk_x86_64_vtop *)s->kmem.vtop)->paging.levels == 5 ? 56 : 47);
	else if (!have_end)
		end = space == PHYSICAL ? s->dump->max_pfn * PAGE : UINT64_MAX;
	start &= ~(uint64_t)(sr->width - 1);
	/* every page mapped a few times over (direct map, vmalloc, the image, vmemmap), and more:
	 * past that the tables map what no kernel maps, and the search says where it stopped */
	sr->max_pages = 16 * s->dump->max_pfn + (1ULL << 20);
	if (space == PHYSICAL)
		search_physical(sr, start, end);
	else
		rc = kdk_x86_64_vtop_leaves(s->kmem.vtop, top, start, end, search_run, sr);
	if (rc == -E2BIG)
		rc = kdk_err_set(err, E2BIG, "search: stopped after %" PRIu64 " pages: the page tables map "
					     "far more than the dump's memory (damaged tables?)", sr->pages);
out:
	if (sr) {
		free(sr->values);
		free(sr->strings);
		free(sr);
	}
	return rc;
}
