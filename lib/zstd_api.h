/* zstd_api.h — the libzstd functions page_codec.c calls, as one table. Not a public header: only
 * lib/page_codec.c uses it.
 *
 * libzstd is ~650 KB of a static build (its compressor brings every strategy in through its
 * dispatch table, level 1 uses one). The capture /init for targets whose core_collector has no -z
 * (kdump-init) leaves it out: its link does not name -Wl,-u,kdk_zstd_linked_api (Makefile),
 * so lib/zstd_api_linked.c, the one object that refers to libzstd, stays in libkdk.a, and the
 * weak reference below is NULL. Every other link (the host tools, the static dumpsave,
 * kdump-init-zstd and kdump-init-ssh) names it. Each function is named once, in KDK_ZSTD_FUNCTIONS. */
#ifndef KDK_ZSTD_API_H
#define KDK_ZSTD_API_H

#include <zstd.h>

#define KDK_ZSTD_FUNCTIONS(X)                                                                   \
	X(ZSTD_isError) X(ZSTD_getErrorName) X(ZSTD_compressBound)                                \
	X(ZSTD_createCCtx) X(ZSTD_CCtx_setParameter) X(ZSTD_compress2) X(ZSTD_freeCCtx)           \
	X(ZSTD_createDCtx) X(ZSTD_decompressDCtx) X(ZSTD_freeDCtx)

struct kdk_zstd_api {
#define KDK_ZSTD_API_MEMBER(name) typeof(name) *name;
	KDK_ZSTD_FUNCTIONS(KDK_ZSTD_API_MEMBER)
#undef KDK_ZSTD_API_MEMBER
};

/* The linked table (lib/zstd_api_linked.c), where the link asked for it; else NULL. */
extern const struct kdk_zstd_api kdk_zstd_linked_api __attribute__((weak));

#endif
