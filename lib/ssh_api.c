/* ssh_api.c — find libssh2's functions: the static link's table, else libssh2.so.1 loaded now. */
#include "ssh_api.h"

#include <errno.h>

#include "optional_lib.h"

static const char *const symbol_names[] = {
#define KDK_SSH_API_NAME(name) "libssh2_" #name,
	KDK_SSH_FUNCTIONS(KDK_SSH_API_NAME)
#undef KDK_SSH_API_NAME
	NULL,
};
static const char *const crypto_symbol_names[] = {
#define KDK_SSH_API_CRYPTO_NAME(name) #name,
	KDK_SSH_CRYPTO_FUNCTIONS(KDK_SSH_API_CRYPTO_NAME)
#undef KDK_SSH_API_CRYPTO_NAME
	NULL,
};

static void *functions[sizeof(symbol_names) / sizeof(symbol_names[0]) - 1];
static void *crypto_functions[sizeof(crypto_symbol_names) / sizeof(crypto_symbol_names[0]) - 1];
static struct kdk_ssh_api loaded;

/* The arrays are in the lists' order: each member takes its own, with its type. */
static void take_ssh_functions(void)
{
	size_t i = 0;

#define KDK_SSH_API_TAKE(name) loaded.name = (typeof(loaded.name))functions[i++];
	KDK_SSH_FUNCTIONS(KDK_SSH_API_TAKE)
#undef KDK_SSH_API_TAKE
}

static void take_crypto_functions(void)
{
	size_t i = 0;

#define KDK_SSH_API_CRYPTO_TAKE(name) loaded.name = (typeof(loaded.name))crypto_functions[i++];
	KDK_SSH_CRYPTO_FUNCTIONS(KDK_SSH_API_CRYPTO_TAKE)
#undef KDK_SSH_API_CRYPTO_TAKE
}

static struct kdk_optional_lib libssh2 = {
	.soname = "libssh2.so.1", .symbols = symbol_names, .functions = functions,
	.loaded = take_ssh_functions,
};
static struct kdk_optional_lib libcrypto = {
	.soname = "libcrypto.so.3", .symbols = crypto_symbol_names, .functions = crypto_functions,
	.loaded = take_crypto_functions,
};

const struct kdk_ssh_api *kdk_ssh_api(struct kdk_err *err)
{
	if (&kdk_ssh_linked_api)
		return &kdk_ssh_linked_api;
	if (!kdk_optional_lib_load) {
		kdk_err_set(err, ENOTSUP, "this build has no SSH (the capture /init for local targets)");
		return NULL;
	}
	if (kdk_optional_lib_load(&libssh2, err) < 0 || kdk_optional_lib_load(&libcrypto, err) < 0)
		return NULL;
	return &loaded;
}
