/* fuzz_dhcp_packet.c — the DHCP reply parser (lib/dhcp_packet.c): any host on the capture
 * kernel's network segment can send these bytes. xid and MAC are the ones the seeds carry. */
#include "fuzz_common.h"
#include "dhcp_packet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x4b, 0x44, 0x4b };
	struct kdk_dhcp_lease lease;
	struct kdk_err err = { 0 };

	memset(&lease, 0, sizeof(lease));
	(void)kdk_dhcp_parse(data, size, 0x01020304u, mac, &lease, &err);
	return 0;
}
