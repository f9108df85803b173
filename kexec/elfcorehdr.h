/* elfcorehdr.h — the ELF core header a crash kernel finds at elfcorehdr=: the program headers
 * that /proc/vmcore is built from (docs/formats/elfcorehdr.md). */
#ifndef KEXEC_ELFCOREHDR_H
#define KEXEC_ELFCOREHDR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crash_memory.h"
#include "kdk_err.h"

/* Build it (heap buffer): one PT_NOTE per CPU's crash_notes, one for VMCOREINFO, one PT_LOAD for
 * the kernel text mapping, one PT_LOAD per System RAM crash range above the first 1 MiB (which
 * the capture kernel reuses; see elfcorehdr.c). */
int kexec_elfcorehdr_build(const struct kexec_crash_info *info, uint8_t **buf, size_t *size,
			   struct kdk_err *err);

/* -d: one line per program header. */
void kexec_elfcorehdr_print(const uint8_t *buf, size_t size, FILE *out);

#endif
