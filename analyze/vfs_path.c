/* vfs_path.c — dentry paths through the mount tree, and inode types, read from the dump
 * (include/linux/dcache.h, fs/mount.h, include/linux/path.h, include/linux/fs.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "vfs_path.h"

#define PATH_STEPS 4096      /* PATH_MAX: no path has more components */

int vfs_layout_load(struct session *s, struct vfs_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "path.mnt", struct vfs_layout, path_mnt),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "path.dentry", struct vfs_layout, path_dentry),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "dentry.d_parent", struct vfs_layout, dentry_parent),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "dentry.d_name", struct vfs_layout, dentry_name),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "dentry.d_inode", struct vfs_layout, dentry_inode),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "qstr.len", struct vfs_layout, qstr_len),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "qstr.name", struct vfs_layout, qstr_name),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mount.mnt", struct vfs_layout, mount_mnt),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mount.mnt_parent", struct vfs_layout, mount_parent),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mount.mnt_mountpoint", struct vfs_layout, mount_mountpoint),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "file.f_path", struct vfs_layout, file_path),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "inode.i_mode", struct vfs_layout, inode_mode),
		KDK_LAYOUT_KEY(KDK_KEY_SIZE, "inode.i_mode", struct vfs_layout, inode_mode_size),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "inode.i_op", struct vfs_layout, inode_op),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.fs", struct vfs_layout, task_fs),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.files", struct vfs_layout, task_files),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "fs_struct.root", struct vfs_layout, fs_root),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "fs_struct.pwd", struct vfs_layout, fs_pwd),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "files_struct.fdt", struct vfs_layout, files_fdt),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "fdtable.max_fds", struct vfs_layout, fdt_max_fds),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "fdtable.fd", struct vfs_layout, fdt_fd),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "fdtable.open_fds", struct vfs_layout, fdt_open_fds),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

/* crash's get_pathname_component join: "name/rest" unless name is the root "/" or rest already
 * starts with '/'. */
static void prepend(char *buf, size_t size, const char *name, size_t name_len)
{
	size_t rest = strlen(buf);
	bool slash = (name_len > 1 || strcmp(name, "/")) && buf[0] != '/';
	size_t add = name_len + (slash ? 1 : 0);

	if (rest + add + 1 > size)
		return;    /* longer than PATH_MAX: the tail is kept */
	memmove(buf + add, buf, rest + 1);
	memcpy(buf, name, name_len);
	if (slash)
		buf[name_len] = '/';
}

int vfs_d_path(struct session *s, const struct vfs_layout *l, uint64_t dentry, uint64_t vfsmnt,
	       char *buf, size_t size, struct kdk_err *err)
{
	uint64_t d = dentry, mnt = vfsmnt;
	unsigned steps;
	int rc;

	buf[0] = '\0';
	for (steps = 0; steps < PATH_STEPS && d; steps++) {
		uint64_t name_ptr, parent;
		uint32_t len;
		char name[256];

		if ((rc = session_read(s, d + l->dentry_name + l->qstr_len, &len, 4, err)) ||
		    (rc = session_read_u64(s, d + l->dentry_name + l->qstr_name, &name_ptr, err)) ||
		    (rc = session_read_u64(s, d + l->dentry_parent, &parent, err)))
			return kdk_err_prefix(err, "dentry %" PRIx64 ": ", d);
		if (!len || !name_ptr)
			break;
		if (len >= sizeof(name))
			return kdk_err_set(err, EINVAL, "dentry %" PRIx64 ": a %u-byte name", d, len);
		if ((rc = session_read(s, name_ptr, name, len, err)))
			return kdk_err_prefix(err, "dentry %" PRIx64 " name: ", d);
		name[len] = '\0';
		if (strlen(name) != len)
			break;     /* as crash: a name whose length disagrees ends the path */
		if (d == dentry)
			snprintf(buf, size, "%s", name);
		else
			prepend(buf, size, name, len);
		if (parent != d) {
			d = parent;
			continue;
		}
		/* the root of a file system: on from where its mount is mounted */
		if (!mnt)
			break;
		{
			uint64_t mount = mnt - l->mount_mnt, mount_parent;

			if (!strncmp(buf, "//", 2))
				memmove(buf, buf + 1, strlen(buf));
			if ((rc = session_read_u64(s, mount + l->mount_mountpoint, &d, err)) ||
			    (rc = session_read_u64(s, mount + l->mount_parent, &mount_parent, err)))
				return kdk_err_prefix(err, "mount %" PRIx64 ": ", mount);
			if (mount_parent == mount)
				break;
			mnt = mount_parent + l->mount_mnt;
		}
	}
	if (steps == PATH_STEPS)
		return kdk_err_set(err, ELOOP, "dentry %" PRIx64 ": no root within %d steps", dentry, PATH_STEPS);
	{
		size_t n = strlen(buf);

		if (n > 1 && buf[n - 1] == '/')
			buf[n - 1] = '\0';
	}
	return 0;
}

int vfs_inode_type(struct session *s, const struct vfs_layout *l, uint64_t inode, char *path,
		   const char **type, struct kdk_err *err)
{
	uint32_t mode = 0;
	int rc;

	if ((rc = session_read(s, inode + l->inode_mode, &mode,
			       l->inode_mode_size < 4 ? l->inode_mode_size : 4, err)))
		return kdk_err_prefix(err, "inode %" PRIx64 ": ", inode);
	*type = "UNKN";
	if (S_ISREG(mode))
		*type = "REG ";
	else if (S_ISLNK(mode))
		*type = "LNK ";
	else if (S_ISDIR(mode))
		*type = "DIR ";
	else if (S_ISCHR(mode))
		*type = "CHR ";
	else if (S_ISBLK(mode))
		*type = "BLK ";
	else if (S_ISFIFO(mode)) {
		uint64_t pipe_ops, i_op;
		struct kdk_err ignored = { 0 };

		*type = "FIFO";
		/* crash calls a FIFO whose i_op is pipe_inode_operations (kernels that have the
		 * symbol) a PIPE, without a path */
		if (!session_symbol(s, "pipe_inode_operations", &pipe_ops, &ignored) &&
		    !session_read_u64(s, inode + l->inode_op, &i_op, &ignored) && i_op == pipe_ops) {
			*type = "PIPE";
			path[0] = '\0';
		}
	} else if (S_ISSOCK(mode)) {
		*type = "SOCK";
		if (!strcmp(path, "/"))
			path[0] = '\0';
	}
	return 0;
}
