/* page_codec.h — compress and decompress one dump page with zlib, lzo, zstd or snappy, flagged
 * the way a kdump-compressed page descriptor wants. One context per thread; contexts share
 * nothing. */
#ifndef KDK_PAGE_CODEC_H
#define KDK_PAGE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kdk_err.h"

enum kdk_codec {
	KDK_CODEC_NONE,   /* pages stored raw */
	KDK_CODEC_ZLIB,   /* makedumpfile -c */
	KDK_CODEC_LZO,    /* -l: lzo1x_1 */
	KDK_CODEC_ZSTD,   /* -z */
	KDK_CODEC_SNAPPY, /* -p: only where libsnappy can be loaded (kdk_codec_available) */
};

/* "none", "zlib", "lzo", "zstd", "snappy" ↔ the enum. kdk_codec_parse returns -EINVAL for other
 * names. */
const char *kdk_codec_name(enum kdk_codec codec);
int kdk_codec_parse(const char *name, enum kdk_codec *codec, struct kdk_err *err);

/* The KDK_DH_COMPRESSED_* bit of a codec (0 for NONE): both the header's status and the flags
 * of every page the codec managed to shrink. */
uint32_t kdk_codec_flag(enum kdk_codec codec);

/* Whether this binary can compress and decompress with the codec; if not, why (in why). Snappy is
 * loaded at its first use by the host tools (kcrash, dumpsave, kdumpctl: lib/optional_lib.h) and
 * not available in the static builds the capture /init carries: libsnappy is C++, and libstdc++
 * would come into the crashkernel reservation. */
bool kdk_codec_available(enum kdk_codec codec, char *why, size_t why_size);

struct kdk_page_codec;

/* A context that compresses with `codec` pages of page_size bytes (a power of two) and
 * decompresses pages of any kind this binary links. -ENOTSUP for a codec it does not link. Not to
 * be shared between threads. */
int kdk_page_codec_new(struct kdk_page_codec **out, enum kdk_codec codec, uint32_t page_size,
		       struct kdk_err *err);
void kdk_page_codec_free(struct kdk_page_codec *codec);

/* Bytes an output buffer of kdk_page_compress needs. */
size_t kdk_page_codec_bound(const struct kdk_page_codec *codec);

/* Compress one page into out (out_cap ≥ kdk_page_codec_bound). As makedumpfile: when the
 * compressed form is not smaller than the page, the page is stored raw — out gets the page,
 * *out_size = page_size, *flags = 0. Otherwise *flags is the codec's flag. */
int kdk_page_compress(struct kdk_page_codec *codec, const void *page, void *out, size_t out_cap,
		      uint32_t *out_size, uint32_t *flags, struct kdk_err *err);

/* kdk_page_compress of a page of zeros, compressed once per context and copied after that: the
 * same bytes, without compressing each zero page again (dump levels that keep zero pages). */
int kdk_page_compress_zero(struct kdk_page_codec *codec, void *out, size_t out_cap,
			   uint32_t *out_size, uint32_t *flags, struct kdk_err *err);

/* Restore one page (page_size bytes) from in_size bytes stored with page descriptor `flags`.
 * -EINVAL for a stream that does not decode to exactly one page, -ENOTSUP for snappy where it is
 * not linked, or for unknown flag bits. Messages say what failed; the caller prefixes pfn/offset. */
int kdk_page_decompress(struct kdk_page_codec *codec, uint32_t flags, const void *in,
			uint32_t in_size, void *page, struct kdk_err *err);

#endif
