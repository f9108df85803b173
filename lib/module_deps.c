/* module_deps.c — module dependency closure through libkmod (modules.dep, modules.builtin and
 * modprobe softdeps of one module directory), kept in load order without duplicates. */
#include "module_deps.h"

#include <errno.h>
#include <libkmod.h>
#include <stdlib.h>
#include <string.h>

/* Depth guard: module dependency chains are short; a loop in modules.dep must not recurse forever. */
#define MAX_DEPTH 64

int kdk_module_set_init(struct kdk_module_set *set, const char *moddir, struct kdk_err *err)
{
	static const char *const no_config[] = { NULL };

	memset(set, 0, sizeof(*set));
	kdk_array_init(&set->load_order, sizeof(struct kdk_module_file));
	kdk_array_init(&set->builtin, sizeof(char *));
	if (!(set->moddir = strdup(moddir)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	/* No modprobe.d: the capture initramfs must not depend on the host's blacklists. */
	set->kmod_ctx = kmod_new(moddir, (const char *const *)no_config);
	if (!set->kmod_ctx) {
		kdk_module_set_free(set);
		return kdk_err_set(err, EINVAL, "%s: not a kernel module directory", moddir);
	}
	if (kmod_load_resources(set->kmod_ctx) < 0) {
		kdk_module_set_free(set);
		return kdk_err_set(err, ENOENT, "%s: no modules.dep (run depmod)", moddir);
	}
	return 0;
}

static int have_module(const struct kdk_module_set *set, const char *name)
{
	size_t i;
	for (i = 0; i < set->load_order.len; i++)
		if (!strcmp(((struct kdk_module_file *)kdk_array_at(&set->load_order, i))->name, name))
			return 1;
	for (i = 0; i < set->builtin.len; i++)
		if (!strcmp(*(char **)kdk_array_at(&set->builtin, i), name))
			return 1;
	return 0;
}

static int add_module(struct kdk_module_set *set, struct kmod_module *mod, unsigned depth,
		      struct kdk_err *err);

static int add_list(struct kdk_module_set *set, struct kmod_list *list, unsigned depth,
		    struct kdk_err *err)
{
	struct kmod_list *it;
	int rc = 0;

	kmod_list_foreach(it, list) {
		struct kmod_module *dep = kmod_module_get_module(it);
		rc = add_module(set, dep, depth + 1, err);
		kmod_module_unref(dep);
		if (rc < 0)
			break;
	}
	return rc;
}

static int add_module(struct kdk_module_set *set, struct kmod_module *mod, unsigned depth,
		      struct kdk_err *err)
{
	const char *name = kmod_module_get_name(mod), *path = kmod_module_get_path(mod);
	struct kmod_list *deps, *pre = NULL, *post = NULL;
	struct kdk_module_file *file;
	int rc;

	if (depth > MAX_DEPTH)
		return kdk_err_set(err, ELOOP, "%s: module dependencies loop through %s", set->moddir,
				   name);
	if (have_module(set, name))
		return 0;
	if (!path) {
		/* Found in modules.builtin: nothing to load. */
		char **slot = kdk_array_push(&set->builtin, err);
		if (!slot || !(*slot = strdup(name)))
			return kdk_err_set(err, ENOMEM, "out of memory");
		return 0;
	}
	if (kmod_module_get_softdeps(mod, &pre, &post) == 0 && pre) {
		rc = add_list(set, pre, depth, err);
		kmod_module_unref_list(pre);
		kmod_module_unref_list(post);
		if (rc < 0)
			return rc;
	} else {
		kmod_module_unref_list(pre);
		kmod_module_unref_list(post);
	}
	deps = kmod_module_get_dependencies(mod);
	rc = add_list(set, deps, depth, err);
	kmod_module_unref_list(deps);
	if (rc < 0)
		return rc;
	if (have_module(set, name)) /* a softdep may have pulled it in */
		return 0;
	file = kdk_array_push(&set->load_order, err);
	if (!file)
		return -ENOMEM;
	file->name = strdup(name);
	file->path = strdup(path);
	if (!file->name || !file->path)
		return kdk_err_set(err, ENOMEM, "out of memory");
	return 0;
}

int kdk_module_set_add(struct kdk_module_set *set, const char *name, struct kdk_err *err)
{
	struct kmod_list *found = NULL, *it;
	int rc = 0;

	if (kmod_module_new_from_lookup(set->kmod_ctx, name, &found) < 0 || !found)
		return kdk_err_set(err, ENOENT, "module %s: not found in %s (not in modules.dep or modules.builtin)",
				   name, set->moddir);
	kmod_list_foreach(it, found) {
		struct kmod_module *mod = kmod_module_get_module(it);
		rc = add_module(set, mod, 0, err);
		kmod_module_unref(mod);
		if (rc < 0)
			break;
	}
	kmod_module_unref_list(found);
	return rc;
}

void kdk_module_set_free(struct kdk_module_set *set)
{
	size_t i;

	for (i = 0; i < set->load_order.len; i++) {
		struct kdk_module_file *f = kdk_array_at(&set->load_order, i);
		free(f->name);
		free(f->path);
	}
	for (i = 0; i < set->builtin.len; i++)
		free(*(char **)kdk_array_at(&set->builtin, i));
	kdk_array_free(&set->load_order);
	kdk_array_free(&set->builtin);
	if (set->kmod_ctx)
		kmod_unref(set->kmod_ctx);
	free(set->moddir);
	memset(set, 0, sizeof(*set));
}
