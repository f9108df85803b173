/* cmd_mount.c — `mount [-n PID|TASK]`: the mounts of a mount namespace, as crash lists them:
 * each struct mount, its super_block, the file system type, the device name and the directory
 * it is mounted on. The namespace is PID 1's (crash's default; init_task's where no PID 1 is
 * found), or -n's task's (task->nsproxy->mnt_ns). Its mounts are found by what the kernel has
 * (fs/mount.h): a list through mount.mnt_list from mnt_namespace.list (up to 6.7), or a
 * red-black tree through mount.mnt_node from mnt_namespace.mounts (6.8 on). */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "commands.h"
#include "rbtree_walk.h"
#include "task_pick.h"
#include "vfs_path.h"

#define PATH_BUF   4096        /* PATH_MAX */
#define MAX_MOUNTS (1u << 20)  /* fs/namespace.c: sysctl_mount_max defaults to 100,000 */

struct mount_layout {
	uint64_t task_nsproxy, nsproxy_mnt_ns;
	uint64_t ns_list, mount_list;        /* the list (up to 6.7) */
	uint64_t ns_mounts, mount_node;      /* the rbtree (6.8 on) */
	bool have_list, have_mount_list, have_mounts, have_node;
	uint64_t mount_devname, vfsmount_sb, sb_type, fstype_name;
};

static int mount_layout_load(struct session *s, struct mount_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "task_struct.nsproxy", struct mount_layout, task_nsproxy),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "nsproxy.mnt_ns", struct mount_layout, nsproxy_mnt_ns),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "mnt_namespace.list", struct mount_layout, ns_list,
				    have_list),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "mount.mnt_list", struct mount_layout, mount_list,
				    have_mount_list),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "mnt_namespace.mounts", struct mount_layout, ns_mounts,
				    have_mounts),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "mount.mnt_node", struct mount_layout, mount_node,
				    have_node),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "mount.mnt_devname", struct mount_layout, mount_devname),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "vfsmount.mnt_sb", struct mount_layout, vfsmount_sb),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "super_block.s_type", struct mount_layout, sb_type),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "file_system_type.name", struct mount_layout, fstype_name),
		{ 0 },
	};
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = kdk_facts_fill(&s->facts, keys, l, err)))
		return rc;
	/* 6.1's mnt_namespace has a "mounts" too: a count. The tree is there when mount has
	 * mnt_node; the list when the namespace has list and mount mnt_list. */
	if (!(l->have_node && l->have_mounts) && !(l->have_list && l->have_mount_list))
		return kdk_err_set(err, ENOENT, "this kernel's mnt_namespace has neither a list of mounts "
					       "(list, mount.mnt_list) nor a tree (mounts, mount.mnt_node)");
	return 0;
}

/* The mount namespace of task (its nsproxy), else init_task's. */
static int namespace_of(struct session *s, const struct mount_layout *l, uint64_t task,
			uint64_t *ns, struct kdk_err *err)
{
	uint64_t nsproxy = 0;
	int rc;

	*ns = 0;
	if (task && (rc = session_read_u64(s, task + l->task_nsproxy, &nsproxy, err)))
		return kdk_err_prefix(err, "task %" PRIx64 ": nsproxy: ", task);
	if (!nsproxy) {
		uint64_t init_task;

		if ((rc = session_symbol(s, "init_task", &init_task, err)) ||
		    (rc = session_read_u64(s, init_task + l->task_nsproxy, &nsproxy, err)))
			return rc;
	}
	if ((rc = session_read_u64(s, nsproxy + l->nsproxy_mnt_ns, ns, err)))
		return kdk_err_prefix(err, "nsproxy %" PRIx64 ": ", nsproxy);
	if (!*ns)
		return kdk_err_set(err, ENOENT, "nsproxy %" PRIx64 " has no mount namespace", nsproxy);
	return 0;
}

static int print_mount(struct session *s, const struct mount_layout *ml, const struct vfs_layout *vl,
		       uint64_t mount, struct kdk_err *err)
{
	char type[64] = "", devname[PATH_BUF] = "", dir[PATH_BUF] = "";
	uint64_t sb = 0, fstype = 0, name = 0, devname_ptr = 0, mountpoint = 0, parent = 0;
	int rc;

	if ((rc = session_read_u64(s, mount + vl->mount_mnt + ml->vfsmount_sb, &sb, err)) ||
	    (rc = session_read_u64(s, mount + ml->mount_devname, &devname_ptr, err)) ||
	    (rc = session_read_u64(s, mount + vl->mount_mountpoint, &mountpoint, err)) ||
	    (rc = session_read_u64(s, mount + vl->mount_parent, &parent, err)))
		return kdk_err_prefix(err, "mount %" PRIx64 ": ", mount);
	if (sb && !session_read_u64(s, sb + ml->sb_type, &fstype, err) && fstype &&
	    !session_read_u64(s, fstype + ml->fstype_name, &name, err) && name)
		session_read_string(s, name, type, sizeof(type));
	kdk_err_clear(err);
	if (devname_ptr)
		session_read_string(s, devname_ptr, devname, sizeof(devname));
	/* where it is mounted: its mountpoint in the parent mount; "/" for the namespace's root */
	if (parent == mount || !parent || !mountpoint)
		snprintf(dir, sizeof(dir), "/");
	else if ((rc = vfs_d_path(s, vl, mountpoint, parent + vl->mount_mnt, dir, sizeof(dir), err)))
		return kdk_err_prefix(err, "mount %" PRIx64 ": ", mount);
	/* crash's columns: TYPE from column 34, DEVNAME from 41, DIRNAME from 51, each at least
	 * one space after what came before it (a long type moves DEVNAME on, not DIRNAME) */
	{
		int col = fprintf(s->out, "%016" PRIx64 " %016" PRIx64 " %s", mount, sb,
				  type[0] ? type : "?");

		col += fprintf(s->out, "%*s%s", col < 41 ? 41 - col : 1, "",
			       devname[0] ? devname : "none");
		fprintf(s->out, "%*s%s\n", col < 51 ? 51 - col : 1, "", dir);
	}
	return 0;
}

/* Each mount of ns in the kernel's order: the list from its head, or the tree in order. */
static int print_namespace(struct session *s, const struct mount_layout *ml,
			   const struct vfs_layout *vl, uint64_t ns, struct kdk_err *err)
{
	unsigned count = 0;
	int rc;

	fprintf(s->out, "     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME\n");
	if (ml->have_node && ml->have_mounts) {
		struct rb_walk_layout rb;
		uint64_t root, node;

		if ((rc = rb_walk_layout_fill(s, &rb, err)) ||
		    (rc = session_read_u64(s, ns + ml->ns_mounts, &root, err)) ||
		    (rc = rb_walk_leftmost(s, &rb, root, &node, err)))
			return kdk_err_prefix(err, "mnt_namespace %" PRIx64 ": ", ns);
		for (; node; count++) {
			if (count >= MAX_MOUNTS)
				return kdk_err_set(err, ELOOP, "mnt_namespace %" PRIx64 ": more than %u mounts",
						   ns, MAX_MOUNTS);
			if ((rc = print_mount(s, ml, vl, node - ml->mount_node, err)) ||
			    (rc = rb_walk_next(s, &rb, node, &node, err)))
				return rc;
		}
		return 0;
	}
	{
		uint64_t head = ns + ml->ns_list, next;

		if ((rc = session_read_u64(s, head, &next, err)))
			return kdk_err_prefix(err, "mnt_namespace %" PRIx64 ": ", ns);
		for (; next && next != head; count++) {
			if (count >= MAX_MOUNTS)
				return kdk_err_set(err, ELOOP, "mnt_namespace %" PRIx64 ": more than %u mounts "
							      "(a loop?)", ns, MAX_MOUNTS);
			if ((rc = print_mount(s, ml, vl, next - ml->mount_list, err)) ||
			    (rc = session_read_u64(s, next, &next, err)))
				return rc;
		}
	}
	return 0;
}

int cmd_mount(struct session *s, int argc, char **argv, struct kdk_err *err)
{
	struct mount_layout ml;
	struct vfs_layout vl;
	struct task_info t;
	uint64_t ns, task = 0;
	int rc;

	if (argc > 3 || (argc > 1 && strcmp(argv[1], "-n")) || (argc == 2))
		return kdk_err_set(err, EINVAL, "mount: %s not supported (usage: mount [-n PID|TASK])",
				   argc == 2 && !strcmp(argv[1], "-n") ? "-n without a task" : argv[1]);
	if ((rc = vfs_layout_load(s, &vl, err)) || (rc = mount_layout_load(s, &ml, err)))
		return kdk_err_prefix(err, "mount: ");
	if (argc == 3) {
		if ((rc = task_pick(s, argv[2], &t, err)))
			return kdk_err_prefix(err, "mount: ");
		task = t.task;
	} else {
		struct kdk_err none = { 0 };

		/* PID 1's namespace, as crash shows by default; init_task's if there is none */
		if (!task_pick(s, "1", &t, &none))
			task = t.task;
	}
	if ((rc = namespace_of(s, &ml, task, &ns, err)) ||
	    (rc = print_namespace(s, &ml, &vl, ns, err)))
		return kdk_err_prefix(err, "mount: ");
	return 0;
}
