/* fuzz_common.h — what the libFuzzer harnesses share: the fuzz input as a file (memfd) for the
 * readers that open a path, and a flat fake kernel memory for the walkers of synthetic memory. */
#ifndef KDK_FUZZ_COMMON_H
#define KDK_FUZZ_COMMON_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kdk_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input in a fresh memfd; *path gets "/proc/self/fd/N". Returns the fd or -1. */
static inline int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t path_size)
{
	int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < size) {
		ssize_t n = write(fd, data + done, size - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	snprintf(path, path_size, "/proc/self/fd/%d", fd);
	return fd;
}

/* Fake kernel memory: [base, base + size) holds the input (zero-padded); anything else faults. */
struct fuzz_mem {
	uint64_t base;
	const uint8_t *bytes;
	size_t size;
};

static inline int fuzz_mem_read(void *ctx, uint64_t vaddr, void *buf, size_t len, struct kdk_err *err)
{
	const struct fuzz_mem *m = ctx;

	if (vaddr < m->base || vaddr - m->base > m->size || len > m->size - (vaddr - m->base))
		return kdk_err_set(err, EFAULT, "0x%llx (+%zu) is not in the fake memory",
				   (unsigned long long)vaddr, len);
	if (len)   /* a zero-length read may come with a NULL buffer */
		memcpy(buf, m->bytes + (vaddr - m->base), len);
	return 0;
}

/* A sink for formatted output, opened once. */
static inline FILE *fuzz_null(void)
{
	static FILE *null;

	if (!null)
		null = fopen("/dev/null", "w");
	return null;
}

#endif
