/* dump_formats.c — the dump formats kdk_dump_open tries, in probe order. */
#include "kdk_dump.h"

#include "diskdump_read.h"
#include "elf_vmcore.h"
#include "flattened.h"

const struct kdk_dump_format *const kdk_dump_formats[] = {
	&kdk_format_elf,
	&kdk_format_diskdump,
	&kdk_format_flattened,
	NULL,
};
