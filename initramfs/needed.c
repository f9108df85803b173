/* needed.c — shared-library closure of a program through libelf: PT_INTERP, DT_NEEDED,
 * DT_RUNPATH/DT_RPATH, then the multiarch library directories. */
#include "needed.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const system_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib",
	"/usr/lib",
};

static int have(const struct kdk_array *libs, const char *path)
{
	size_t i;
	for (i = 0; i < libs->len; i++)
		if (!strcmp(*(char **)kdk_array_at(libs, i), path))
			return 1;
	return 0;
}

static int push(struct kdk_array *libs, const char *path, struct kdk_err *err)
{
	char **slot;

	if (have(libs, path))
		return 0;
	slot = kdk_array_push(libs, err);
	if (!slot || !(*slot = strdup(path)))
		return kdk_err_set(err, ENOMEM, "out of memory");
	return 1;
}

/* Find a DT_NEEDED name in the runpath (colon-separated) or the system directories. */
static int resolve(const char *name, const char *runpath, char *out, size_t out_size)
{
	size_t i;

	if (strchr(name, '/')) {
		snprintf(out, out_size, "%s", name);
		return access(out, R_OK) == 0 ? 0 : -1;
	}
	while (runpath && *runpath) {
		size_t len = strcspn(runpath, ":");
		snprintf(out, out_size, "%.*s/%s", (int)len, runpath, name);
		if (access(out, R_OK) == 0)
			return 0;
		runpath += len + (runpath[len] == ':');
	}
	for (i = 0; i < sizeof(system_dirs) / sizeof(system_dirs[0]); i++) {
		snprintf(out, out_size, "%s/%s", system_dirs[i], name);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

static int scan(const char *path, struct kdk_array *libs, unsigned depth, struct kdk_err *err)
{
	struct kdk_array needed = KDK_ARRAY_INIT(char *);
	char *runpath = NULL;
	Elf *elf = NULL;
	size_t i, phnum;
	int fd, rc = 0;
	Elf_Scn *scn = NULL;

	if (depth > 32)
		return kdk_err_set(err, ELOOP, "%s: library dependencies nest too deep", path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kdk_err_sys(err, errno, "%s", path);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		/* A script: its interpreter is the administrator's business (extra_bins). */
		goto out;
	}
	if (elf_getphdrnum(elf, &phnum) == 0)
		for (i = 0; i < phnum; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_INTERP) {
				char interp[256] = "";
				if (ph.p_filesz < sizeof(interp) &&
				    pread(fd, interp, ph.p_filesz, (off_t)ph.p_offset) == (ssize_t)ph.p_filesz &&
				    interp[0] == '/')
					rc = push(libs, interp, err);
			}
		}
	while (rc >= 0 && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !(data = elf_getdata(scn, NULL)))
			continue;
		for (n = 0; n < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); n++) {
			GElf_Dyn dyn;
			const char *s;
			if (!gelf_getdyn(data, (int)n, &dyn))
				break;
			if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_RUNPATH && dyn.d_tag != DT_RPATH)
				continue;
			s = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val);
			if (!s)
				continue;
			if (dyn.d_tag == DT_NEEDED) {
				char **slot = kdk_array_push(&needed, err);
				if (!slot || !(*slot = strdup(s))) {
					rc = kdk_err_set(err, ENOMEM, "out of memory");
					break;
				}
			} else if (!runpath && !strstr(s, "$ORIGIN")) {
				runpath = strdup(s);
			}
		}
	}
	for (i = 0; rc >= 0 && i < needed.len; i++) {
		const char *name = *(char **)kdk_array_at(&needed, i);
		char found[4096];
		if (resolve(name, runpath, found, sizeof(found)) < 0) {
			rc = kdk_err_set(err, ENOENT, "%s needs %s, which is nowhere on this machine", path,
					 name);
			break;
		}
		rc = push(libs, found, err);
		if (rc > 0)
			rc = scan(found, libs, depth + 1, err);
	}
out:
	for (i = 0; i < needed.len; i++)
		free(*(char **)kdk_array_at(&needed, i));
	kdk_array_free(&needed);
	free(runpath);
	if (elf)
		elf_end(elf);
	close(fd);
	return rc < 0 ? rc : 0;
}

int rd_needed_libraries(const char *path, struct kdk_array *libs, struct kdk_err *err)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kdk_err_set(err, EINVAL, "libelf: %s", elf_errmsg(-1));
	return scan(path, libs, 0, err);
}
