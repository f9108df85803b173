/* fuzz_printk_legacy.c — the log_buf walker of kernels before the lockless ring
 * (lib/printk_legacy.c) over fake kernel memory taken from the input; the layout comes from a
 * 4.19-style VMCOREINFO through kdk_printk_layout_fill, as in the unit test. */
#include "fuzz_common.h"
#include "printk_ring.h"
#include "vmcoreinfo.h"

#define BASE 0xffffffff82000000ULL
#define MEM_SIZE 8192

static const char vmcoreinfo_4_19[] =
	"OSRELEASE=4.19.0-27-cloud-amd64\n"
	"SYMBOL(log_buf)=ffffffff82000000\n"
	"SYMBOL(log_buf_len)=ffffffff82000008\n"
	"SYMBOL(log_first_idx)=ffffffff82000010\n"
	"SYMBOL(clear_idx)=ffffffff82000014\n"
	"SYMBOL(log_next_idx)=ffffffff82000018\n"
	"SIZE(printk_log)=16\n"
	"OFFSET(printk_log.ts_nsec)=0\n"
	"OFFSET(printk_log.len)=8\n"
	"OFFSET(printk_log.text_len)=10\n"
	"OFFSET(printk_log.dict_len)=12\n";

static int on_record(void *ctx, const struct kdk_printk_record *record)
{
	(void)ctx;
	return kdk_printk_format(fuzz_null(), record) < 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kdk_printk_layout layout;
	static int ready;
	static uint8_t mem[MEM_SIZE];
	struct fuzz_mem m = { BASE, mem, sizeof(mem) };
	struct kdk_printk_walk_stats stats;
	struct kdk_err err = { 0 };

	if (!ready) {
		struct kdk_vmcoreinfo vi;

		memset(&vi, 0, sizeof(vi));
		if (kdk_vmcoreinfo_parse(vmcoreinfo_4_19, sizeof(vmcoreinfo_4_19) - 1, &vi, &err) ||
		    kdk_printk_layout_fill(&layout, kdk_vmcoreinfo_layout_lookup, &vi, &err) ||
		    layout.kind != KDK_PRINTK_LEGACY) {
			fprintf(stderr, "fuzz_printk_legacy: the 4.19 layout does not fill: %s\n", err.msg);
			abort();
		}
		kdk_vmcoreinfo_free(&vi);
		ready = 1;
	}
	memset(mem, 0, sizeof(mem));
	memcpy(mem, data, size < sizeof(mem) ? size : sizeof(mem));
	(void)kdk_printk_walk(&layout, fuzz_mem_read, &m, on_record, NULL, &stats, &err);
	return 0;
}
