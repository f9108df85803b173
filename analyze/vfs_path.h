/* vfs_path.h — files in the dump: a dentry's path built by walking d_parent and the mounts
 * (mount.mnt_parent, mnt_mountpoint) as crash prints it, a file's dentry/inode/mount, an inode's
 * type; the VFS structure offsets they need, through the fact chain. */
#ifndef KCRASH_VFS_PATH_H
#define KCRASH_VFS_PATH_H

#include <stddef.h>
#include <stdint.h>

#include "session.h"

struct vfs_layout {
	uint64_t path_mnt, path_dentry;
	uint64_t dentry_parent, dentry_name, dentry_inode, qstr_len, qstr_name;
	uint64_t mount_mnt, mount_parent, mount_mountpoint;
	uint64_t file_path, inode_mode, inode_mode_size, inode_op;
	uint64_t task_fs, task_files, fs_root, fs_pwd;
	uint64_t files_fdt, fdt_max_fds, fdt_fd, fdt_open_fds;
};

int vfs_layout_load(struct session *s, struct vfs_layout *l, struct kdk_err *err);

/* The path of dentry under the mount vfsmnt (a struct vfsmount *, 0: the dentry's file system
 * alone), as crash's get_pathname composes it: names from the dentry up to its file system's
 * root, then on from each mount's mountpoint until the mount that is its own parent; "" when the
 * first name is empty (sockets, pipes). */
int vfs_d_path(struct session *s, const struct vfs_layout *l, uint64_t dentry, uint64_t vfsmnt,
	       char *buf, size_t size, struct kdk_err *err);

/* crash's four-letter type of an inode ("REG ", "DIR ", "CHR ", "BLK ", "LNK ", "FIFO", "PIPE",
 * "SOCK", "UNKN"); a PIPE or SOCK clears path (PIPE always, SOCK when it is "/"). */
int vfs_inode_type(struct session *s, const struct vfs_layout *l, uint64_t inode, char *path,
		   const char **type, struct kdk_err *err);

#endif
