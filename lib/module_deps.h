/* module_deps.h — kernel modules a capture initramfs needs, in load order: names (or aliases)
 * resolved against one kernel's module directory with libkmod, dependencies and pre-softdeps
 * before the modules that need them, built-in modules noted and skipped. */
#ifndef KDK_MODULE_DEPS_H
#define KDK_MODULE_DEPS_H

#include "kdk_array.h"
#include "kdk_err.h"

struct kdk_module_file {
	char *name;          /* module name (virtio_blk) */
	char *path;          /* absolute path of the .ko / .ko.xz / .ko.zst */
};

struct kdk_module_set {
	char *moddir;                  /* /lib/modules/<release> */
	struct kdk_array load_order;   /* struct kdk_module_file, dependencies first */
	struct kdk_array builtin;      /* char *: requested modules built into the kernel */
	void *kmod_ctx;
};

/* Start a set for the modules of moddir (which must hold modules.dep: run depmod first). */
int kdk_module_set_init(struct kdk_module_set *set, const char *moddir, struct kdk_err *err);

/* Add a module (name or alias) and everything it depends on. Unknown names are an error. */
int kdk_module_set_add(struct kdk_module_set *set, const char *name, struct kdk_err *err);

void kdk_module_set_free(struct kdk_module_set *set);

#endif
