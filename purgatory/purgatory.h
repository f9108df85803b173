/* purgatory.h — what `kexec` writes into purgatory before loading it: the segments to check, their
 * digest, and where to jump. kexec finds these by symbol name in purgatory.ro (an ELF relocatable
 * object), so the names below are the interface; docs/formats/purgatory.md describes it. */
#ifndef KDK_PURGATORY_H
#define KDK_PURGATORY_H

#include <stdint.h>

/* kexec_load takes at most 16 segments (KEXEC_SEGMENT_MAX); purgatory's own is never hashed. */
#define KDK_PURGATORY_MAX_REGIONS 16

struct kdk_purgatory_region {
	uint64_t start;            /* physical address (purgatory runs identity-mapped) */
	uint64_t len;              /* bytes */
};

#define KDK_PURGATORY_SYM_REGIONS     "kdk_purgatory_regions"
#define KDK_PURGATORY_SYM_DIGEST      "kdk_purgatory_digest"
#define KDK_PURGATORY_SYM_BOOT_PARAMS "kdk_purgatory_boot_params"
#define KDK_PURGATORY_SYM_ENTRY       "kdk_purgatory_kernel_entry"
#define KDK_PURGATORY_SYM_SERIAL      "kdk_purgatory_serial_port"
#define KDK_PURGATORY_SYM_START       "purgatory_start"

#endif
