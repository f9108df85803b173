/* page_codec.c — one dump page through zlib-format deflate (libdeflate), lzo1x_1, zstd level 1 or
 * snappy, with per-context compressors, streams and work memory reused page after page. */
#include "page_codec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libdeflate.h>
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <snappy-c.h>

#include "diskdump_format.h"
#include "optional_lib.h"
#include "zstd_api.h"

/* Snappy is loaded at the first snappy page (lib/optional_lib.h): the host tools link no libsnappy,
 * whose libstdc++ would cost every start; the static builds for the capture /init cannot load it
 * (a C++ library: libstdc++ would come along into the crashkernel reservation). A snappy page is
 * the raw snappy format of the whole page (snappy_compress), as makedumpfile -p writes it. */
static const char *const snappy_symbols[] = {
	"snappy_compress", "snappy_uncompress", "snappy_uncompressed_length",
	"snappy_max_compressed_length", NULL,
};
static struct {
	typeof(snappy_compress) *compress;
	typeof(snappy_uncompress) *uncompress;
	typeof(snappy_uncompressed_length) *uncompressed_length;
	typeof(snappy_max_compressed_length) *max_compressed_length;
} snappy;
static void *snappy_functions[4];

static void take_snappy_functions(void)
{
	snappy.compress = (typeof(snappy.compress))snappy_functions[0];
	snappy.uncompress = (typeof(snappy.uncompress))snappy_functions[1];
	snappy.uncompressed_length = (typeof(snappy.uncompressed_length))snappy_functions[2];
	snappy.max_compressed_length = (typeof(snappy.max_compressed_length))snappy_functions[3];
}

static struct kdk_optional_lib snappy_lib = {
	.soname = "libsnappy.so.1", .symbols = snappy_symbols, .functions = snappy_functions,
	.loaded = take_snappy_functions,
};

/* Snappy's functions, loaded on the first call (from any thread); false in the static builds or
 * where libsnappy is not installed (why: in *why). */
static bool snappy_load(char *why, size_t why_size)
{
	struct kdk_err err = { 0 };

	if (!kdk_optional_lib_load) {
		snprintf(why, why_size, "this is the static build for the capture /init, which links "
			 "no snappy");
		return false;
	}
	if (kdk_optional_lib_load(&snappy_lib, &err) < 0) {
		snprintf(why, why_size, "%s", err.msg);
		return false;
	}
	return true;
}

#define ZLIB_DEFLATE_LEVEL 2

struct kdk_page_codec {
	enum kdk_codec codec;
	uint32_t page_size;
	size_t bound;
	struct libdeflate_compressor *deflate;  /* ZLIB: whole-buffer zlib streams */
	z_stream inflate;          /* made on the first zlib page read */
	bool inflate_ready;
	void *lzo_work;            /* LZO: LZO1X_1_MEM_COMPRESS bytes */
	ZSTD_CCtx *zstd_cctx;      /* ZSTD */
	ZSTD_DCtx *zstd_dctx;      /* made on the first zstd page read */
	unsigned char *zero_out;   /* a page of zeros as this context compresses it (NULL: not yet) */
	uint32_t zero_size, zero_flags;
};

static const char *const codec_names[] = {
	[KDK_CODEC_NONE] = "none",
	[KDK_CODEC_ZLIB] = "zlib",
	[KDK_CODEC_LZO] = "lzo",
	[KDK_CODEC_ZSTD] = "zstd",
	[KDK_CODEC_SNAPPY] = "snappy",
};

const char *kdk_codec_name(enum kdk_codec codec)
{
	if ((unsigned)codec < sizeof(codec_names) / sizeof(codec_names[0]))
		return codec_names[codec];
	return "unknown";
}

int kdk_codec_parse(const char *name, enum kdk_codec *codec, struct kdk_err *err)
{
	for (unsigned i = 0; i < sizeof(codec_names) / sizeof(codec_names[0]); i++) {
		if (strcmp(name, codec_names[i]) == 0) {
			*codec = (enum kdk_codec)i;
			return 0;
		}
	}
	return kdk_err_set(err, EINVAL, "unknown compression \"%s\" (none, zlib, lzo, zstd or snappy)",
			   name);
}

uint32_t kdk_codec_flag(enum kdk_codec codec)
{
	switch (codec) {
	case KDK_CODEC_ZLIB: return KDK_DH_COMPRESSED_ZLIB;
	case KDK_CODEC_LZO: return KDK_DH_COMPRESSED_LZO;
	case KDK_CODEC_ZSTD: return KDK_DH_COMPRESSED_ZSTD;
	case KDK_CODEC_SNAPPY: return KDK_DH_COMPRESSED_SNAPPY;
	case KDK_CODEC_NONE: break;
	}
	return 0;
}

/* libzstd's table: linked in every build but the capture /init for targets without -z
 * (lib/zstd_api.h), where it is NULL. Every call below is made where zstd_linked() said yes. */
#define zstd (&kdk_zstd_linked_api)

static bool zstd_linked(char *why, size_t why_size)
{
	if (!zstd)
		snprintf(why, why_size, "zstd is not in this build (the capture /init for dumps without "
			 "-z; mkdumprd puts kdump-init-zstd in images whose core_collector has -z)");
	return zstd != NULL;
}

bool kdk_codec_available(enum kdk_codec codec, char *why, size_t why_size)
{
	if (codec == KDK_CODEC_SNAPPY)
		return snappy_load(why, why_size);
	if (codec == KDK_CODEC_ZSTD)
		return zstd_linked(why, why_size);
	if ((unsigned)codec <= KDK_CODEC_SNAPPY)
		return true;
	snprintf(why, why_size, "unknown compression %d", (int)codec);
	return false;
}

/* Worst-case output of lzo1x_1 for n input bytes (the bound LZO's documentation gives). */
static size_t lzo_bound(size_t n) { return n + n / 16 + 64 + 3; }

int kdk_page_codec_new(struct kdk_page_codec **out, enum kdk_codec codec, uint32_t page_size,
		       struct kdk_err *err)
{
	struct kdk_page_codec *c;
	char why[KDK_ERR_MSG_MAX];
	int rc;

	*out = NULL;
	if (page_size < 512 || (page_size & (page_size - 1)))
		return kdk_err_set(err, EINVAL, "page size %u is not a power of two ≥ 512", page_size);
	if ((unsigned)codec > KDK_CODEC_SNAPPY)
		return kdk_err_set(err, EINVAL, "unknown compression %d", (int)codec);
	if (!kdk_codec_available(codec, why, sizeof(why)))
		return kdk_err_set(err, ENOTSUP, "%s: %s", kdk_codec_name(codec), why);
	/* Every context may decompress lzo pages, so the library check is done for all. */
	if (lzo_init() != LZO_E_OK)
		return kdk_err_set(err, EINVAL, "lzo: lzo_init failed (library mismatch)");
	c = calloc(1, sizeof(*c));
	if (!c)
		return kdk_err_set(err, ENOMEM, "out of memory for a page codec");
	c->codec = codec;
	c->page_size = page_size;
	c->bound = page_size;
	switch (codec) {
	case KDK_CODEC_NONE:
		break;
	case KDK_CODEC_ZLIB:
		/* libdeflate's level 2, not 1: on dump pages its level 1 makes ~2 % more bytes than
		 * zlib's Z_BEST_SPEED (makedumpfile -c), level 2 ~1 % fewer, still ~2× faster. Any
		 * zlib reader (crash's uncompress(), makedumpfile -R, libkdumpfile) takes the stream. */
		c->deflate = libdeflate_alloc_compressor(ZLIB_DEFLATE_LEVEL);
		if (!c->deflate) {
			rc = kdk_err_set(err, ENOMEM, "zlib: out of memory for a libdeflate compressor");
			goto fail;
		}
		c->bound = libdeflate_zlib_compress_bound(c->deflate, page_size);
		if (c->bound < page_size)
			c->bound = page_size;
		break;
	case KDK_CODEC_LZO:
		c->lzo_work = malloc(LZO1X_1_MEM_COMPRESS);
		if (!c->lzo_work) {
			rc = kdk_err_set(err, ENOMEM, "out of memory for lzo work memory");
			goto fail;
		}
		c->bound = lzo_bound(page_size);
		break;
	case KDK_CODEC_ZSTD:
		c->zstd_cctx = zstd->ZSTD_createCCtx();
		if (!c->zstd_cctx) {
			rc = kdk_err_set(err, ENOMEM, "zstd: out of memory for a compression context");
			goto fail;
		}
		/* Level 1 set once (makedumpfile's level): ZSTD_compressCCtx would set the parameters
		 * again for every page, ~40 % of the time on 4 KiB inputs; the bytes are the same. */
		if (zstd->ZSTD_isError(zstd->ZSTD_CCtx_setParameter(c->zstd_cctx,
								    ZSTD_c_compressionLevel, 1))) {
			rc = kdk_err_set(err, EINVAL, "zstd: cannot set compression level 1");
			goto fail;
		}
		c->bound = zstd->ZSTD_compressBound(page_size);
		break;
	case KDK_CODEC_SNAPPY:
		c->bound = snappy.max_compressed_length(page_size);
		break;
	}
	*out = c;
	return 0;
fail:
	kdk_page_codec_free(c);
	return rc;
}

void kdk_page_codec_free(struct kdk_page_codec *c)
{
	if (!c)
		return;
	if (c->deflate)
		libdeflate_free_compressor(c->deflate);
	if (c->inflate_ready)
		inflateEnd(&c->inflate);
	free(c->lzo_work);
	free(c->zero_out);
	if (zstd) {
		zstd->ZSTD_freeCCtx(c->zstd_cctx);
		zstd->ZSTD_freeDCtx(c->zstd_dctx);
	}
	free(c);
}

size_t kdk_page_codec_bound(const struct kdk_page_codec *c) { return c->bound; }

int kdk_page_compress(struct kdk_page_codec *c, const void *page, void *out, size_t out_cap,
		      uint32_t *out_size, uint32_t *flags, struct kdk_err *err)
{
	size_t size = 0;

	if (out_cap < c->bound)
		return kdk_err_set(err, EINVAL, "compression buffer of %zu bytes, %zu needed", out_cap,
				   c->bound);
	switch (c->codec) {
	case KDK_CODEC_NONE:
		break;
	case KDK_CODEC_ZLIB:
		size = libdeflate_zlib_compress(c->deflate, page, c->page_size, out, out_cap);
		break;
	case KDK_CODEC_LZO: {
		lzo_uint lzo_size = 0;
		if (lzo1x_1_compress(page, c->page_size, out, &lzo_size, c->lzo_work) == LZO_E_OK)
			size = lzo_size;
		break;
	}
	case KDK_CODEC_ZSTD: {
		size_t zsize = zstd->ZSTD_compress2(c->zstd_cctx, out, out_cap, page, c->page_size);
		if (!zstd->ZSTD_isError(zsize))
			size = zsize;
		break;
	}
	case KDK_CODEC_SNAPPY: {
		size_t ssize = out_cap;
		if (snappy.compress(page, c->page_size, out, &ssize) == SNAPPY_OK)
			size = ssize;
		break;
	}
	}
	/* A codec that failed or did not shrink the page: store it raw (makedumpfile's rule). */
	if (size == 0 || size >= c->page_size) {
		memcpy(out, page, c->page_size);
		*out_size = c->page_size;
		*flags = 0;
		return 0;
	}
	*out_size = (uint32_t)size;
	*flags = kdk_codec_flag(c->codec);
	return 0;
}

int kdk_page_compress_zero(struct kdk_page_codec *c, void *out, size_t out_cap, uint32_t *out_size,
			   uint32_t *flags, struct kdk_err *err)
{
	if (out_cap < c->bound)
		return kdk_err_set(err, EINVAL, "compression buffer of %zu bytes, %zu needed", out_cap,
				   c->bound);
	if (!c->zero_out) {
		unsigned char *zeros = calloc(1, c->page_size), *made = malloc(c->bound);
		int rc;

		if (!zeros || !made) {
			free(zeros);
			free(made);
			return kdk_err_set(err, ENOMEM, "out of memory for the compressed zero page");
		}
		rc = kdk_page_compress(c, zeros, made, c->bound, &c->zero_size, &c->zero_flags, err);
		free(zeros);
		if (rc < 0) {
			free(made);
			return rc;
		}
		c->zero_out = made;
	}
	memcpy(out, c->zero_out, c->zero_size);
	*out_size = c->zero_size;
	*flags = c->zero_flags;
	return 0;
}

static int zlib_decompress(struct kdk_page_codec *c, const void *in, uint32_t in_size, void *page,
			   struct kdk_err *err)
{
	z_stream *z = &c->inflate;
	int zrc;

	if (!c->inflate_ready) {
		if (inflateInit(z) != Z_OK)
			return kdk_err_set(err, ENOMEM, "zlib: inflateInit failed");
		c->inflate_ready = true;
	} else if (inflateReset(z) != Z_OK) {
		return kdk_err_set(err, EINVAL, "zlib: inflateReset failed");
	}
	z->next_in = (Bytef *)in;
	z->avail_in = in_size;
	z->next_out = page;
	z->avail_out = c->page_size;
	zrc = inflate(z, Z_FINISH);
	if (zrc != Z_STREAM_END)
		return kdk_err_set(err, EINVAL, "zlib data of %u bytes does not decompress to one page (%s)",
				   in_size, z->msg ? z->msg : zError(zrc));
	if (z->total_out != c->page_size)
		return kdk_err_set(err, EINVAL, "zlib data of %u bytes decompresses to %lu bytes, not %u",
				   in_size, (unsigned long)z->total_out, c->page_size);
	return 0;
}

static int lzo_decompress(struct kdk_page_codec *c, const void *in, uint32_t in_size, void *page,
			  struct kdk_err *err)
{
	lzo_uint size = c->page_size;
	int lrc;

	lrc = lzo1x_decompress_safe(in, in_size, page, &size, NULL);
	if (lrc != LZO_E_OK)
		return kdk_err_set(err, EINVAL, "lzo data of %u bytes does not decompress (lzo error %d)",
				   in_size, lrc);
	if (size != c->page_size)
		return kdk_err_set(err, EINVAL, "lzo data of %u bytes decompresses to %lu bytes, not %u",
				   in_size, (unsigned long)size, c->page_size);
	return 0;
}

static int zstd_decompress(struct kdk_page_codec *c, const void *in, uint32_t in_size, void *page,
			   struct kdk_err *err)
{
	char why[KDK_ERR_MSG_MAX];
	size_t size;

	if (!zstd_linked(why, sizeof(why)))
		return kdk_err_set(err, ENOTSUP, "zstd-compressed page: %s", why);
	if (!c->zstd_dctx && !(c->zstd_dctx = zstd->ZSTD_createDCtx()))
		return kdk_err_set(err, ENOMEM, "zstd: out of memory for a decompression context");
	size = zstd->ZSTD_decompressDCtx(c->zstd_dctx, page, c->page_size, in, in_size);
	if (zstd->ZSTD_isError(size))
		return kdk_err_set(err, EINVAL, "zstd data of %u bytes does not decompress to one page (%s)",
				   in_size, zstd->ZSTD_getErrorName(size));
	if (size != c->page_size)
		return kdk_err_set(err, EINVAL, "zstd data of %u bytes decompresses to %zu bytes, not %u",
				   in_size, size, c->page_size);
	return 0;
}

static int snappy_decompress(struct kdk_page_codec *c, const void *in, uint32_t in_size,
			     void *page, struct kdk_err *err)
{
	size_t size = 0;

	char why[KDK_ERR_MSG_MAX];

	if (!snappy_load(why, sizeof(why)))
		return kdk_err_set(err, ENOTSUP, "snappy-compressed page: %s (kcrash and dumpsave "
				   "on the host read it)", why);
	/* The length the stream announces first: a page, or the stream is not one of ours. */
	if (snappy.uncompressed_length(in, in_size, &size) != SNAPPY_OK)
		return kdk_err_set(err, EINVAL, "snappy data of %u bytes has no valid length", in_size);
	if (size != c->page_size)
		return kdk_err_set(err, EINVAL, "snappy data of %u bytes decompresses to %zu bytes, "
				   "not %u", in_size, size, c->page_size);
	if (snappy.uncompress(in, in_size, page, &size) != SNAPPY_OK || size != c->page_size)
		return kdk_err_set(err, EINVAL, "snappy data of %u bytes does not decompress to one page",
				   in_size);
	return 0;
}

int kdk_page_decompress(struct kdk_page_codec *c, uint32_t flags, const void *in, uint32_t in_size,
			void *page, struct kdk_err *err)
{
	uint32_t kind = flags & KDK_DH_COMPRESSION_MASK;

	if (flags & ~KDK_DH_COMPRESSION_MASK)
		return kdk_err_set(err, ENOTSUP, "unknown page flags 0x%x", flags);
	switch (kind) {
	case 0:
		if (in_size != c->page_size)
			return kdk_err_set(err, EINVAL, "raw page of %u bytes, not %u", in_size,
					   c->page_size);
		memcpy(page, in, c->page_size);
		return 0;
	case KDK_DH_COMPRESSED_ZLIB:
		return zlib_decompress(c, in, in_size, page, err);
	case KDK_DH_COMPRESSED_LZO:
		return lzo_decompress(c, in, in_size, page, err);
	case KDK_DH_COMPRESSED_ZSTD:
		return zstd_decompress(c, in, in_size, page, err);
	case KDK_DH_COMPRESSED_SNAPPY:
		return snappy_decompress(c, in, in_size, page, err);
	}
	return kdk_err_set(err, ENOTSUP, "page flags 0x%x name more than one compression", flags);
}
