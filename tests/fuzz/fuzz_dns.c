/* fuzz_dns.c — the DNS answer parser (lib/net/dns_packet.c): whoever answers from a name server's
 * address can send these bytes. id 0x0001 and the name "web.lab" are the ones the seeds carry. */
#include "fuzz_common.h"
#include "net/dns_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr addr;
	struct kdk_err err = { 0 };

	(void)kdk_dns_answer_parse(data, size, 0x0001, "web.lab", &addr, &err);
	return 0;
}
