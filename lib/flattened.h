/* flattened.h — makedumpfile's flattened stream (-F): a sink that turns positioned writes into
 * records, the reassembler (-R), and a reader row that reads a flattened kdump-compressed file. */
#ifndef KDK_FLATTENED_H
#define KDK_FLATTENED_H

#include <stdint.h>

#include "kdk_dump.h"
#include "kdk_err.h"
#include "kdk_out.h"

/* The stream starts with a KDK_FLAT_HEADER_SIZE-byte block holding struct kdk_flat_header,
 * then records: struct kdk_flat_record + size bytes to put at offset, ended by a record of
 * (-1, -1). Every integer is big-endian, whatever the machines (docs/formats/flattened.md). */
#define KDK_FLAT_SIGNATURE "makedumpfile"   /* NUL-padded to 16 bytes */
#define KDK_FLAT_SIG_LEN 16
#define KDK_FLAT_HEADER_SIZE 4096
#define KDK_FLAT_TYPE 1
#define KDK_FLAT_VERSION 1
#define KDK_FLAT_END (-1)

struct kdk_flat_header {
	char signature[KDK_FLAT_SIG_LEN];
	int64_t type;        /* big-endian KDK_FLAT_TYPE */
	int64_t version;     /* big-endian KDK_FLAT_VERSION */
};

struct kdk_flat_record {
	int64_t offset;      /* big-endian: where the data goes in the reassembled file */
	int64_t size;        /* big-endian: bytes of data following this header */
};

extern const struct kdk_dump_format kdk_format_flattened;

/* A sink writing the flattened stream to fd (stdout for SSH). The start block is written now;
 * each write becomes one record; kdk_out_finish writes the end marker. fd stays the caller's
 * (never closed here); name is for messages ("stdout"). */
int kdk_flat_out_open(struct kdk_out **out, int fd, const char *name, struct kdk_err *err);

/* The same over a sequential sink (writes in order; offsets ignored), which the flattened sink
 * then owns: its finish follows the end marker, its release follows ours. On error the stream
 * is released too. */
int kdk_flat_out_wrap(struct kdk_out **out, struct kdk_out *stream, struct kdk_err *err);

struct kdk_flat_stats {
	uint64_t records;    /* data records applied */
	uint64_t bytes;      /* data bytes applied */
};

/* Read a flattened stream from in_fd (a pipe is fine) and apply every record to out, as
 * `makedumpfile -R` does: the result is the file the writer meant. An end without the end
 * marker is an error after all complete records were applied. stats may be NULL. The caller
 * finishes and releases out. */
int kdk_flat_reassemble(int in_fd, const char *in_name, struct kdk_out *out,
			struct kdk_flat_stats *stats, struct kdk_err *err);

#endif
