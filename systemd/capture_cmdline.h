/* capture_cmdline.h — the capture kernel's command line: the running kernel's (or
 * KDUMP_COMMANDLINE) without what must not carry over, plus KDUMP_COMMANDLINE_APPEND, plus ip=
 * for an ssh target. */
#ifndef KDUMPCTL_CAPTURE_CMDLINE_H
#define KDUMPCTL_CAPTURE_CMDLINE_H

#include "ctl.h"

/* *out: a new string. conf decides whether ip= is needed (ssh target). cpus above 1 replace the
 * appended nr_cpus= and maxcpus= with nr_cpus=cpus; 1 leaves them as they are. disable_apicid,
 * when not negative, is added as disable_cpu_apicid= (capture_cpus.h) unless the command line
 * names that parameter already. */
int capture_cmdline_build(const struct ctl *ctl, const struct kdk_kdump_conf *conf, unsigned cpus,
			  long disable_apicid, char **out, struct kdk_err *err);

#endif
