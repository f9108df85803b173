/* module-deps.c — print the load order lib/module_deps gives for some modules of a module
 * directory, one "name path" line each, then "builtin name" lines. Used by the lab tests. */
#include <stdio.h>

#include "module_deps.h"

int main(int argc, char **argv)
{
	struct kdk_module_set set;
	struct kdk_err err = { 0 };
	size_t i;
	int a;

	if (argc < 3) {
		fprintf(stderr, "usage: module-deps MODDIR MODULE...\n");
		return 2;
	}
	if (kdk_module_set_init(&set, argv[1], &err) < 0) {
		fprintf(stderr, "module-deps: %s\n", err.msg);
		return 1;
	}
	for (a = 2; a < argc; a++)
		if (kdk_module_set_add(&set, argv[a], &err) < 0) {
			fprintf(stderr, "module-deps: %s\n", err.msg);
			kdk_module_set_free(&set);
			return 1;
		}
	for (i = 0; i < set.load_order.len; i++) {
		const struct kdk_module_file *f = kdk_array_at(&set.load_order, i);
		printf("%s %s\n", f->name, f->path);
	}
	for (i = 0; i < set.builtin.len; i++)
		printf("builtin %s\n", *(char **)kdk_array_at(&set.builtin, i));
	kdk_module_set_free(&set);
	return 0;
}
