/* ssh_api_linked.c — libssh2's functions as linked into a static build (lib/ssh_api.h). Only the
 * links that name -Wl,-u,kdk_ssh_linked_api take this file out of libkdk.a. */
#include "ssh_api.h"

const struct kdk_ssh_api kdk_ssh_linked_api = {
#define KDK_SSH_API_LINKED(name) .name = libssh2_##name,
	KDK_SSH_FUNCTIONS(KDK_SSH_API_LINKED)
#undef KDK_SSH_API_LINKED
#define KDK_SSH_API_CRYPTO_LINKED(name) .name = name,
	KDK_SSH_CRYPTO_FUNCTIONS(KDK_SSH_API_CRYPTO_LINKED)
#undef KDK_SSH_API_CRYPTO_LINKED
};
