/* elf_vmcore.h — the ELF vmcore row of the dump-format table (/proc/vmcore, its copies, QEMU's
 * dump-guest-memory), and its PT_LOAD segments for tools that want them. */
#ifndef KDK_ELF_VMCORE_H
#define KDK_ELF_VMCORE_H

#include <stdint.h>

#include "kdk_dump.h"

extern const struct kdk_dump_format kdk_format_elf;

struct kdk_elf_segment {
	uint64_t paddr, vaddr;
	uint64_t offset;          /* in the file */
	uint64_t filesz, memsz;   /* memsz > filesz: the tail reads as zeros */
};

/* The PT_LOADs of an ELF dump, sorted by paddr (NULL and 0 for other formats). */
const struct kdk_elf_segment *kdk_elf_segments(const struct kdk_dump *dump, size_t *count);

#endif
