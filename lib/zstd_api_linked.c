/* zstd_api_linked.c — libzstd's functions as linked (lib/zstd_api.h). Only the links that name
 * -Wl,-u,kdk_zstd_linked_api take this file, and with it libzstd, out of libkdk.a. */
#include "zstd_api.h"

const struct kdk_zstd_api kdk_zstd_linked_api = {
#define KDK_ZSTD_API_LINKED(name) .name = name,
	KDK_ZSTD_FUNCTIONS(KDK_ZSTD_API_LINKED)
#undef KDK_ZSTD_API_LINKED
};
