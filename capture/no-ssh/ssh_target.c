/* no-ssh/ssh_target.c — the SSH connection in the kdump-init built for local targets: there is
 * none. mkdumprd puts kdump-init-ssh in the image when kdump.conf names an ssh target, so this
 * is met only with a hand-built image. */
#include <errno.h>

#include "../save.h"

int capture_open_ssh(const struct capture_target *target, const struct kdk_save_options *opts,
		     struct kdk_save_dest **dest, struct kdk_err *err)
{
	(void)opts;
	*dest = NULL;
	return kdk_err_set(err, ENOTSUP, "ssh %s: this kdump-init was built without SSH; build the "
					 "image with mkdumprd, which takes kdump-init-ssh for ssh targets",
			   target->ssh);
}
