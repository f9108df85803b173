/* diskdump_format.h — the on-disk structures of the kdump-compressed ("diskdump") format, as
 * makedumpfile, QEMU and crash lay them out on x86_64 (docs/formats/kdump-compressed.md). */
#ifndef KDK_DISKDUMP_FORMAT_H
#define KDK_DISKDUMP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

/* The format is written in the dumped machine's byte order and with its C struct layout
 * (LP64: long and off_t are 8 bytes, struct timeval 16). kdumpkit reads and writes the
 * little-endian x86_64 layout; every offset below is pinned by a static assertion. */

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the kdump-compressed structures here are the little-endian x86_64 layout"
#endif

#define KDK_DISKDUMP_SIGNATURE "KDUMP   "   /* 8 bytes, no NUL */
#define KDK_DISKDUMP_SIG_LEN 8
#define KDK_DISKDUMP_HEADER_VERSION 6          /* version we write: 64-bit pfns in the sub-header */
#define KDK_DISKDUMP_HEADER_BLOCKS 1           /* the main header takes block 0 */

/* disk_dump_header.status bits, and page_desc.flags bits for the first, second and fourth. */
#define KDK_DH_COMPRESSED_ZLIB 0x1u
#define KDK_DH_COMPRESSED_LZO 0x2u
#define KDK_DH_COMPRESSED_SNAPPY 0x4u
#define KDK_DH_COMPRESSED_INCOMPLETE 0x8u      /* status only: the writer did not finish */
#define KDK_DH_EXCLUDED_VMEMMAP 0x10u          /* status only: unused vmemmap pages excluded */
#define KDK_DH_COMPRESSED_ZSTD 0x20u
#define KDK_DH_COMPRESSION_MASK \
	(KDK_DH_COMPRESSED_ZLIB | KDK_DH_COMPRESSED_LZO | KDK_DH_COMPRESSED_SNAPPY | \
	 KDK_DH_COMPRESSED_ZSTD)

/* Dump level bit 0 (makedumpfile -d 1): zero pages excluded. In a kdump-compressed file zero
 * pages stay in the second bitmap and share one data block; readers may zero-fill. */
#define KDK_DL_EXCLUDE_ZERO 0x1

/* The kernel's struct new_utsname: six NUL-padded 65-byte strings. */
#define KDK_UTS_LEN 65
struct kdk_new_utsname {
	char sysname[KDK_UTS_LEN];
	char nodename[KDK_UTS_LEN];
	char release[KDK_UTS_LEN];
	char version[KDK_UTS_LEN];
	char machine[KDK_UTS_LEN];
	char domainname[KDK_UTS_LEN];
};

/* Block 0 of the file. The C original has implicit padding (6 bytes before the 8-aligned
 * struct timeval) and ends in a zero-length task_struct pointer array; both are spelled out
 * here so the layout does not depend on the compiler. The rest of block 0 is zero. */
struct kdk_disk_dump_header {
	char signature[KDK_DISKDUMP_SIG_LEN];   /* "KDUMP   " */
	int32_t header_version;                 /* 6 from makedumpfile ≥ 1.5 and QEMU */
	struct kdk_new_utsname utsname;
	uint8_t pad_timestamp[6];
	int64_t timestamp_sec;                  /* struct timeval: crash time (makedumpfile: CRASHTIME) */
	int64_t timestamp_usec;
	uint32_t status;                        /* KDK_DH_* */
	int32_t block_size;                     /* bytes; the page size */
	int32_t sub_hdr_size;                   /* blocks taken by the sub-header area */
	uint32_t bitmap_blocks;                 /* blocks of both bitmaps together */
	uint32_t max_mapnr;                     /* pfn limit, truncated to 32 bits: use max_mapnr_64 */
	uint32_t total_ram_blocks;              /* the next four: diskdump remnants, written 0 */
	uint32_t device_blocks;
	uint32_t written_blocks;
	uint32_t current_cpu;
	int32_t nr_cpus;                        /* NT_PRSTATUS notes expected by crash */
};

_Static_assert(sizeof(struct kdk_new_utsname) == 390, "new_utsname is 6 x 65 bytes");
_Static_assert(offsetof(struct kdk_disk_dump_header, utsname) == 12, "utsname at 12");
_Static_assert(offsetof(struct kdk_disk_dump_header, timestamp_sec) == 408, "timeval at 408");
_Static_assert(offsetof(struct kdk_disk_dump_header, status) == 424, "status at 424");
_Static_assert(offsetof(struct kdk_disk_dump_header, nr_cpus) == 460, "nr_cpus at 460");
_Static_assert(sizeof(struct kdk_disk_dump_header) == 464, "main header is 464 bytes");

/* Block 1 of the file (KDK_DISKDUMP_HEADER_BLOCKS × block_size), followed in the same
 * sub_hdr_size blocks by the ELF notes and, when not inside them, the VMCOREINFO text. */
struct kdk_kdump_sub_header {
	uint64_t phys_base;          /* QEMU 7.2 writes this wrongly: trust NUMBER(phys_base) */
	int32_t dump_level;          /* header_version ≥ 1 */
	int32_t split;               /* ≥ 2: 1 if this file is one part of a split dump */
	uint64_t start_pfn;          /* ≥ 2, obsolete 32-bit copies of the 64-bit fields */
	uint64_t end_pfn;
	int64_t offset_vmcoreinfo;   /* ≥ 3: file offset of the VMCOREINFO text */
	uint64_t size_vmcoreinfo;
	int64_t offset_note;         /* ≥ 4: file offset of the raw ELF note bytes */
	uint64_t size_note;
	int64_t offset_eraseinfo;    /* ≥ 5: makedumpfile --config erase commands, after the data */
	uint64_t size_eraseinfo;
	uint64_t start_pfn_64;       /* ≥ 6: split range */
	uint64_t end_pfn_64;
	uint64_t max_mapnr_64;       /* ≥ 6: one past the highest pfn */
};

_Static_assert(offsetof(struct kdk_kdump_sub_header, offset_vmcoreinfo) == 32, "vmcoreinfo at 32");
_Static_assert(offsetof(struct kdk_kdump_sub_header, offset_note) == 48, "note at 48");
_Static_assert(offsetof(struct kdk_kdump_sub_header, max_mapnr_64) == 96, "max_mapnr_64 at 96");
_Static_assert(sizeof(struct kdk_kdump_sub_header) == 104, "sub-header is 104 bytes");

/* One per page set in the second bitmap, in pfn order, starting at block
 * 1 + sub_hdr_size + bitmap_blocks. */
struct kdk_page_desc {
	int64_t offset;              /* file offset of the page data; 0: never written (incomplete) */
	uint32_t size;               /* bytes stored, at most block_size */
	uint32_t flags;              /* KDK_DH_COMPRESSED_* of that page, 0 for a raw page */
	uint64_t page_flags;         /* unused, 0 */
};

_Static_assert(sizeof(struct kdk_page_desc) == 24, "page_desc is 24 bytes");

#endif
