/* ssh_ip.h — the capture kernel's address for an ssh target, as the kernel's ip= parameter
 * (Documentation/admin-guide/nfs/nfsroot.rst): ip=<client>::<gateway>:<netmask>::<device>:none,
 * the device named by its MAC address, since interface names differ in the capture kernel. */
#ifndef KDUMPCTL_SSH_IP_H
#define KDUMPCTL_SSH_IP_H

#include "ctl.h"

/* target: kdump.conf's "user@host" (host numeric or resolvable here). IPv4 only.
 * Reads <proc>/net/route and <sysfs>/class/net/IF/address; addresses from getifaddrs(3). */
int ssh_ip_param(const struct ctl *ctl, const char *target, char **out, struct kdk_err *err);

#endif
