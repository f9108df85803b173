/* ssh_api.c — find libssh2's functions: the static link's table, else libssh2.so.1 loaded now. */
#include "ssh_api.h"

#include <errno.h>
#include <pthread.h>

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
static struct kdk_optional_lib libssh2 = {
	.soname = "libssh2.so.1", .symbols = symbol_names, .functions = functions,
};
static struct kdk_optional_lib libcrypto = {
	.soname = "libcrypto.so.3", .symbols = crypto_symbol_names, .functions = crypto_functions,
};
static struct kdk_ssh_api loaded;
static struct kdk_err load_err;
static int load_rc;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void)
{
	size_t i = 0, j = 0;

	if ((load_rc = kdk_optional_lib_load(&libssh2, &load_err)) < 0 ||
	    (load_rc = kdk_optional_lib_load(&libcrypto, &load_err)) < 0)
		return;
	/* The arrays are in the lists' order: each member takes its own, with its type. */
#define KDK_SSH_API_TAKE(name) loaded.name = (typeof(loaded.name))functions[i++];
	KDK_SSH_FUNCTIONS(KDK_SSH_API_TAKE)
#undef KDK_SSH_API_TAKE
#define KDK_SSH_API_CRYPTO_TAKE(name) loaded.name = (typeof(loaded.name))crypto_functions[j++];
	KDK_SSH_CRYPTO_FUNCTIONS(KDK_SSH_API_CRYPTO_TAKE)
#undef KDK_SSH_API_CRYPTO_TAKE
}

const struct kdk_ssh_api *kdk_ssh_api(struct kdk_err *err)
{
	if (&kdk_ssh_linked_api)
		return &kdk_ssh_linked_api;
	if (!kdk_optional_lib_load) {
		kdk_err_set(err, ENOTSUP, "this build has no SSH (the capture /init for local targets)");
		return NULL;
	}
	pthread_once(&load_once, load);
	if (load_rc < 0) {
		*err = load_err;
		return NULL;
	}
	return &loaded;
}
