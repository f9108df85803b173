/* purgatory_image.h — purgatory as kexec carries it (an ELF relocatable object built from
 * purgatory/), laid out into one segment buffer and relocated to the address it will run at. */
#ifndef KEXEC_PURGATORY_IMAGE_H
#define KEXEC_PURGATORY_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

struct kexec_purgatory {
	uint8_t *object;           /* a private copy of the .ro (libelf works on it) */
	size_t object_size;
	void *elf;                 /* Elf * */
	uint64_t *section_offset;  /* per section index: offset in buf, or UINT64_MAX if not loaded */
	size_t section_count;
	uint8_t *buf;              /* the segment: every SHF_ALLOC section, NOBITS as zeros */
	size_t size;
	uint64_t align;            /* largest section alignment */
	uint64_t load_addr;        /* set by kexec_purgatory_relocate */
};

/* Lay out the object (blob, as linked into kexec). */
int kexec_purgatory_open(struct kexec_purgatory *purg, const void *blob, size_t blob_size,
			 struct kdk_err *err);

/* Apply the relocations for running at load_addr (R_X86_64_64, PC32, PLT32, 32, 32S). */
int kexec_purgatory_relocate(struct kexec_purgatory *purg, uint64_t load_addr, struct kdk_err *err);

/* The run-time address of a global symbol; and writing `len` bytes into it in buf. */
int kexec_purgatory_symbol(const struct kexec_purgatory *purg, const char *name, uint64_t *addr,
			   size_t *size, struct kdk_err *err);
int kexec_purgatory_set(struct kexec_purgatory *purg, const char *name, const void *value,
			size_t len, struct kdk_err *err);

void kexec_purgatory_close(struct kexec_purgatory *purg);

/* The purgatory object linked into kexec (purgatory_blob.S). */
extern const uint8_t kdk_purgatory_blob[];
extern const uint64_t kdk_purgatory_blob_size;

#endif
