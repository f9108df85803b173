/* cpu_list.h — crash's CPU lists for per-CPU commands (`runq -c 0,2-3`, `timer -C 1`): "a", "all",
 * numbers and ranges, parsed into a byte per CPU below nr_cpu_ids. */
#ifndef KCRASH_CPU_LIST_H
#define KCRASH_CPU_LIST_H

#include <stdint.h>

#include "kdk_err.h"

/* set[0..nr) = 1 for each CPU text names; EINVAL naming what is malformed or past nr-1 (cmd is
 * the command, for the message). */
int cpu_list_parse(const char *cmd, const char *text, uint8_t *set, uint32_t nr, struct kdk_err *err);

#endif
