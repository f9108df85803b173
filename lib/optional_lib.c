/* optional_lib.c — dlopen a library at its first use and look its functions up. */
#include "optional_lib.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

static int load(struct kdk_optional_lib *lib)
{
	void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!handle) {
		snprintf(lib->why, sizeof(lib->why), "cannot load %s: %s", lib->soname, dlerror());
		return -ENOENT;
	}
	for (i = 0; lib->symbols[i]; i++) {
		if (!(lib->functions[i] = dlsym(handle, lib->symbols[i]))) {
			snprintf(lib->why, sizeof(lib->why), "%s has no function %s", lib->soname,
				 lib->symbols[i]);
			dlclose(handle);
			return -ENOENT;
		}
	}
	return 1;       /* the handle stays open for the process's life */
}

int kdk_optional_lib_load(struct kdk_optional_lib *lib, struct kdk_err *err)
{
	int state = __atomic_load_n(&lib->state, __ATOMIC_ACQUIRE);

	if (state > 0)
		return 0;
	pthread_mutex_lock(&load_lock);
	if (!(state = lib->state)) {
		state = load(lib);
		if (state > 0 && lib->loaded)
			lib->loaded();
		__atomic_store_n(&lib->state, state, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&load_lock);
	if (state < 0)
		return kdk_err_set(err, -state, "%s", lib->why);
	return 0;
}
