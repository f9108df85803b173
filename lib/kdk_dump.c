/* kdk_dump.c — opening a dump of any format (probe table), reading physical memory across
 * pages, and the ELF note walk every format and the loader share. */
#include "kdk_dump.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Enough of the file's start for every format's signature. */
#define PROBE_BYTES 64

int kdk_dump_open(const char *path, struct kdk_dump **out, struct kdk_err *err)
{
	unsigned char head[PROBE_BYTES];
	const struct kdk_dump_format *const *f;
	struct kdk_dump *dump;
	struct stat st;
	ssize_t got;
	int rc;

	*out = NULL;
	if (!(dump = calloc(1, sizeof(*dump))))
		return kdk_err_set(err, ENOMEM, "out of memory");
	kdk_array_init(&dump->ranges, sizeof(struct kdk_pfn_range));
	kdk_array_init(&dump->note_index, sizeof(struct kdk_dump_note));
	dump->phys_page_pfn = UINT64_MAX;
	dump->fd = -1;
	if (!(dump->path = strdup(path))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	if ((dump->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(dump->fd, &st) < 0) {
		rc = kdk_err_sys(err, errno, "%s", path);
		goto fail;
	}
	dump->file_size = (uint64_t)st.st_size;
	got = pread(dump->fd, head, sizeof(head), 0);
	if (got < 0) {
		rc = kdk_err_sys(err, errno, "%s: reading its first bytes", path);
		goto fail;
	}
	for (f = kdk_dump_formats; *f; f++)
		if ((*f)->probe(head, (size_t)got))
			break;
	if (!*f) {
		rc = kdk_err_set(err, EINVAL, "%s: not a vmcore (no ELF, kdump-compressed or flattened signature)",
				 path);
		goto fail;
	}
	dump->format = *f;
	if ((rc = dump->format->open(dump, err)) < 0) {
		kdk_err_prefix(err, "%s: ", path);
		goto fail;
	}
	if (dump->page_size == 0 || (dump->page_size & (dump->page_size - 1)) || dump->page_size > (1u << 20)) {
		rc = kdk_err_set(err, EINVAL, "%s: page size %u is not a power of two", path,
				 dump->page_size);
		goto fail;
	}
	if (!(dump->phys_page = malloc(dump->page_size))) {
		rc = kdk_err_set(err, ENOMEM, "out of memory");
		goto fail;
	}
	*out = dump;
	return 0;
fail:
	kdk_dump_close(dump);
	return rc;
}

int kdk_dump_read_page(struct kdk_dump *dump, uint64_t pfn, void *buf, struct kdk_err *err)
{
	if (pfn >= dump->max_pfn)
		return kdk_err_set(err, ENOENT, "%s: pfn 0x%llx is past the dump's end (0x%llx)",
				   dump->path, (unsigned long long)pfn, (unsigned long long)dump->max_pfn);
	return dump->format->read_page(dump, pfn, buf, err);
}

bool kdk_dump_describes(const struct kdk_dump *dump, uint64_t pfn)
{
	size_t lo = 0, hi = dump->ranges.len;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kdk_pfn_range *r = KDK_ARRAY_AT(&dump->ranges, struct kdk_pfn_range, mid);

		if (pfn < r->start_pfn)
			hi = mid;
		else if (pfn >= r->end_pfn)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

int kdk_dump_read_pages(struct kdk_dump *dump, uint64_t pfn, uint64_t count, void *buf,
			struct kdk_err *err)
{
	unsigned char *out = buf;
	uint64_t i;
	int rc;

	if (dump->format->read_pages && count > 1) {
		rc = dump->format->read_pages(dump, pfn, count, buf, err);
		if (rc != -EAGAIN)
			return rc;
	}
	for (i = 0; i < count; i++)
		if ((rc = kdk_dump_read_page(dump, pfn + i, out + i * dump->page_size, err)) < 0)
			return rc;
	return 0;
}

int kdk_dump_read_phys(struct kdk_dump *dump, uint64_t paddr, void *buf, size_t len,
		       struct kdk_err *err)
{
	unsigned char *out = buf;

	while (len > 0) {
		uint64_t pfn = paddr / dump->page_size, off = paddr % dump->page_size;
		size_t chunk = dump->page_size - off;
		int rc;

		if (chunk > len)
			chunk = len;
		/* Whole pages go straight to the caller, as many as there are in one read: no
		 * second copy. */
		if (chunk == dump->page_size) {
			uint64_t count = len / dump->page_size;

			if ((rc = kdk_dump_read_pages(dump, pfn, count, out, err)) < 0)
				return kdk_err_prefix(err, "physical address 0x%llx: ",
						      (unsigned long long)paddr);
			out += count * dump->page_size;
			paddr += count * dump->page_size;
			len -= count * dump->page_size;
			continue;
		}
		if (pfn != dump->phys_page_pfn) {
			dump->phys_page_pfn = UINT64_MAX;
			if ((rc = kdk_dump_read_page(dump, pfn, dump->phys_page, err)) < 0)
				return kdk_err_prefix(err, "physical address 0x%llx: ",
						      (unsigned long long)paddr);
			dump->phys_page_pfn = pfn;
		}
		memcpy(out, dump->phys_page + off, chunk);
		out += chunk;
		paddr += chunk;
		len -= chunk;
	}
	return 0;
}

void kdk_dump_close(struct kdk_dump *dump)
{
	if (!dump)
		return;
	if (dump->format && dump->format->close)
		dump->format->close(dump);
	if (dump->fd >= 0)
		close(dump->fd);
	kdk_array_free(&dump->ranges);
	kdk_array_free(&dump->note_index);
	free(dump->notes);
	free(dump->vmcoreinfo);
	free(dump->phys_page);
	free(dump->path);
	free(dump);
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

int kdk_notes_parse(const void *notes, size_t len, struct kdk_array *out, struct kdk_err *err)
{
	const unsigned char *base = notes;
	size_t off = 0, n = 0;

	while (off < len) {
		Elf64_Nhdr nh;
		struct kdk_dump_note *note;
		size_t name_off, desc_off;

		/* Trailing padding (zeros shorter than a header) ends the notes. */
		if (len - off < sizeof(nh)) {
			size_t i;
			for (i = off; i < len; i++)
				if (base[i])
					return kdk_err_set(err, EINVAL, "note %zu at offset 0x%zx: %zu bytes left, too few for a note header",
							   n, off, len - off);
			break;
		}
		memcpy(&nh, base + off, sizeof(nh));
		if (nh.n_namesz == 0 && nh.n_descsz == 0 && nh.n_type == 0)
			break; /* zero padding */
		name_off = off + sizeof(nh);
		desc_off = name_off + align4(nh.n_namesz);
		if (nh.n_namesz > len - name_off || align4(nh.n_namesz) > len - name_off ||
		    nh.n_descsz > len - desc_off)
			return kdk_err_set(err, EINVAL, "note %zu at offset 0x%zx: name size %u and desc size %u run past the end of the notes (0x%zx bytes)",
					   n, off, nh.n_namesz, nh.n_descsz, len);
		if (nh.n_namesz && base[name_off + nh.n_namesz - 1] != '\0')
			return kdk_err_set(err, EINVAL, "note %zu at offset 0x%zx: name is not NUL-terminated",
					   n, off);
		if (!(note = kdk_array_push(out, err)))
			return -ENOMEM;
		note->type = nh.n_type;
		note->name = nh.n_namesz ? (const char *)base + name_off : "";
		note->desc = base + desc_off;
		note->desc_size = nh.n_descsz;
		off = desc_off + align4(nh.n_descsz);
		n++;
	}
	return 0;
}

int kdk_dump_take_vmcoreinfo(struct kdk_dump *dump, struct kdk_err *err)
{
	size_t i;

	for (i = 0; i < dump->note_index.len; i++) {
		const struct kdk_dump_note *n = kdk_array_at(&dump->note_index, i);
		if (strcmp(n->name, "VMCOREINFO"))
			continue;
		free(dump->vmcoreinfo);
		if (!(dump->vmcoreinfo = malloc((size_t)n->desc_size + 1)))
			return kdk_err_set(err, ENOMEM, "out of memory");
		memcpy(dump->vmcoreinfo, n->desc, n->desc_size);
		dump->vmcoreinfo[n->desc_size] = '\0';
		dump->vmcoreinfo_size = strlen(dump->vmcoreinfo);
		return 0;
	}
	return 0;
}
