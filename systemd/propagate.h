/* propagate.h — kdumpctl propagate: the SSH key the capture kernel authenticates with, its public
 * half installed on the ssh target, and the target's host key recorded beside the key. */
#ifndef KDUMPCTL_PROPAGATE_H
#define KDUMPCTL_PROPAGATE_H

#include "ctl.h"

int propagate_ssh_key(const struct ctl *ctl, const struct kdk_kdump_conf *conf, struct kdk_err *err);

#endif
