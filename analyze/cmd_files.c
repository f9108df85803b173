/* cmd_files.c — `files [PID|TASK]`: a task's root and working directory, then each open file
 * descriptor (files_struct → fdtable: fd[], open_fds bitmap, max_fds) with its file, dentry,
 * inode, type and path, in crash's shape. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "task_pick.h"
#include "vfs_path.h"

#define PATH_BUF 4096        /* PATH_MAX */
#define MAX_FDS  (1u << 20)  /* fs/file.c: sysctl_nr_open's ceiling is 1 << 30; the default 1 << 20 */

/* "ROOT: / CWD: /" from task->fs (a struct path each). */
static int print_root_cwd(struct session *s, const struct vfs_layout *l, uint64_t task,
			  struct kdk_err *err)
{
	char root[PATH_BUF] = "", cwd[PATH_BUF] = "";
	uint64_t fs, dentry, mnt;
	int rc;

	if ((rc = session_read_u64(s, task + l->task_fs, &fs, err)))
		return rc;
	if (!fs)
		return 0;     /* an exiting task: crash prints nothing here either */
	if ((rc = session_read_u64(s, fs + l->fs_root + l->path_dentry, &dentry, err)) ||
	    (rc = session_read_u64(s, fs + l->fs_root + l->path_mnt, &mnt, err)) ||
	    (dentry && (rc = vfs_d_path(s, l, dentry, mnt, root, sizeof(root), err))) ||
	    (rc = session_read_u64(s, fs + l->fs_pwd + l->path_dentry, &dentry, err)) ||
	    (rc = session_read_u64(s, fs + l->fs_pwd + l->path_mnt, &mnt, err)) ||
	    (dentry && (rc = vfs_d_path(s, l, dentry, mnt, cwd, sizeof(cwd), err))))
		return kdk_err_prefix(err, "fs_struct %" PRIx64 ": ", fs);
	fprintf(s->out, "ROOT: %s    CWD: %s\n", root, cwd);
	return 0;
}

static int print_fd(struct session *s, const struct vfs_layout *l, unsigned fd, uint64_t file,
		    bool *header, struct kdk_err *err)
{
	char path[PATH_BUF];
	uint64_t dentry, mnt, inode = 0;
	const char *type;
	int rc;

	if (!*header) {
		fprintf(s->out, " FD       FILE            DENTRY           INODE       TYPE PATH\n");
		*header = true;
	}
	if ((rc = session_read_u64(s, file + l->file_path + l->path_dentry, &dentry, err)) ||
	    (rc = session_read_u64(s, file + l->file_path + l->path_mnt, &mnt, err)) ||
	    (dentry && (rc = session_read_u64(s, dentry + l->dentry_inode, &inode, err))))
		return kdk_err_prefix(err, "fd %u: file %" PRIx64 ": ", fd, file);
	if (!dentry || !inode) {
		/* crash's rows for a file without a dentry or inode: zeros and "?" */
		if (!dentry)
			fprintf(s->out, "%3u %16" PRIx64 " %016" PRIx64 "        ?         ?    ?\n", fd,
				file, dentry);
		else
			fprintf(s->out, "%3u %16" PRIx64 " %16" PRIx64 " %016" PRIx64 " ?    ?\n", fd, file,
				dentry, inode);
		return 0;
	}
	if ((rc = vfs_d_path(s, l, dentry, mnt, path, sizeof(path), err)) ||
	    (rc = vfs_inode_type(s, l, inode, path, &type, err)))
		return kdk_err_prefix(err, "fd %u: ", fd);
	fprintf(s->out, "%3u %16" PRIx64 " %16" PRIx64 " %16" PRIx64 " %s %s\n", fd, file, dentry, inode,
		type, path);
	return 0;
}

static int print_fds(struct session *s, const struct vfs_layout *l, uint64_t task, struct kdk_err *err)
{
	uint64_t files, fdt, fd_array, open_fds, *bits = NULL;
	uint32_t max_fds;
	bool header = false;
	size_t words, w;
	int rc;

	if ((rc = session_read_u64(s, task + l->task_files, &files, err)))
		return rc;
	if (!files) {
		fprintf(s->out, "No open files\n");
		return 0;
	}
	if ((rc = session_read_u64(s, files + l->files_fdt, &fdt, err)))
		return kdk_err_prefix(err, "files_struct %" PRIx64 ": ", files);
	if (!fdt) {
		fprintf(s->out, "No open files\n");
		return 0;
	}
	if ((rc = session_read(s, fdt + l->fdt_max_fds, &max_fds, 4, err)) ||
	    (rc = session_read_u64(s, fdt + l->fdt_fd, &fd_array, err)) ||
	    (rc = session_read_u64(s, fdt + l->fdt_open_fds, &open_fds, err)))
		return kdk_err_prefix(err, "fdtable %" PRIx64 ": ", fdt);
	if (!max_fds || !fd_array || !open_fds) {
		fprintf(s->out, "No open files\n");
		return 0;
	}
	if (max_fds > MAX_FDS)
		return kdk_err_set(err, EINVAL, "fdtable %" PRIx64 ": max_fds %u is more than %u", fdt,
				   max_fds, MAX_FDS);
	words = (max_fds + 63) / 64;
	if (!(bits = malloc(words * 8)))
		return kdk_err_set(err, ENOMEM, "files");
	if ((rc = session_read(s, open_fds, bits, words * 8, err))) {
		free(bits);
		return kdk_err_prefix(err, "fdtable %" PRIx64 " open_fds: ", fdt);
	}
	for (w = 0; w < words && !rc; w++) {
		unsigned b;

		for (b = 0; b < 64 && !rc; b++) {
			unsigned fd = (unsigned)(w * 64 + b);
			uint64_t file;

			if (fd >= max_fds || !(bits[w] >> b & 1))
				continue;
			if ((rc = session_read_u64(s, fd_array + 8ull * fd, &file, err)))
				break;
			if (file)
				rc = print_fd(s, l, fd, file, &header, err);
		}
	}
	free(bits);
	if (!rc && !header)
		fprintf(s->out, "No open files\n");
	return rc;
}

int cmd_files(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct vfs_layout l;
	struct task_info t;
	int rc, i, first = 1;

	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return kdk_err_set(err, EINVAL, "files: option %s not supported (usage: files [PID|TASK]...)",
					   argv[i]);
	if ((rc = vfs_layout_load(s, &l, err)))
		return kdk_err_prefix(err, "files: ");
	for (i = argc > 1 ? 1 : 0; i < argc; i++) {
		if ((rc = task_pick(s, argc > 1 ? argv[i] : NULL, &t, err)))
			return kdk_err_prefix(err, "files: ");
		if (!first)
			fputc('\n', s->out);
		first = 0;
		task_pick_header(s, &t);
		if ((rc = print_root_cwd(s, &l, t.task, err)) || (rc = print_fds(s, &l, t.task, err)))
			return kdk_err_prefix(err, "files: PID %d: ", t.pid);
	}
	return 0;
}
