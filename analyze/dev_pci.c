/* dev_pci.c — `dev -p`: the PCI buses and devices as crash lists them: each root bus on
 * pci_root_buses (struct pci_bus.node) with its domain (x86's struct pci_sysdata.domain, the
 * bus's sysdata) and number, the devices on its devices list (struct pci_dev.bus_list): address,
 * domain:bus:slot.function from devfn, class (pci_dev.class >> 8: base and sub class), vendor and
 * device IDs, and the PCI Express port type (pcie_flags_reg's type field, include/uapi/linux/
 * pci_regs.h PCI_EXP_FLAGS_TYPE; a conventional device reads 0, ENDPOINT, as crash shows it) with
 * [BRIDGE] for a bridge header (PCI_HEADER_TYPE_BRIDGE or _CARDBUS). Then each bus below it
 * (pci_bus.children, depth first), headed by its parent bus, its bridge (pci_bus.self) listed
 * first. Offsets through the fact chain. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "commands.h"
#include "list_guard.h"
#include "text_columns.h"

#define MAX_DEVICES 65536     /* per bus: a damaged list is not followed further */
#define MAX_DEPTH 32          /* buses below buses */

struct pci_layout {
	uint64_t bus_node, bus_devices, bus_children, bus_self, bus_number, bus_sysdata, bus_parent;
	uint64_t dev_bus_list, dev_devfn, dev_vendor, dev_device, dev_class, dev_hdr_type, dev_pcie_flags;
	uint64_t sysdata_domain;
	bool has_sysdata;
};

static int layout_load(struct session *s, struct pci_layout *l, struct kdk_err *err)
{
	static const struct kdk_layout_key keys[] = {
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_bus.node", struct pci_layout, bus_node),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_bus.devices", struct pci_layout, bus_devices),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_bus.children", struct pci_layout, bus_children),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_bus.self", struct pci_layout, bus_self),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_bus.number", struct pci_layout, bus_number),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_bus.sysdata", struct pci_layout, bus_sysdata),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_bus.parent", struct pci_layout, bus_parent),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_dev.bus_list", struct pci_layout, dev_bus_list),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_dev.devfn", struct pci_layout, dev_devfn),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_dev.vendor", struct pci_layout, dev_vendor),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_dev.device", struct pci_layout, dev_device),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_dev.class", struct pci_layout, dev_class),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_dev.hdr_type", struct pci_layout, dev_hdr_type),
		KDK_LAYOUT_KEY(KDK_KEY_OFFSET, "pci_dev.pcie_flags_reg", struct pci_layout, dev_pcie_flags),
		KDK_LAYOUT_OPTIONAL(KDK_KEY_OFFSET, "pci_sysdata.domain", struct pci_layout, sysdata_domain,
				    has_sysdata),
		{ 0 },
	};

	if (!session_kstructs(s, err))
		return -err->code;
	memset(l, 0, sizeof(*l));
	return kdk_facts_fill(&s->facts, keys, l, err);
}

/* The PCI Express port types by the capability's type field (pci_regs.h PCI_EXP_TYPE_*). */
static const char *pcie_type_name(unsigned type)
{
	static const char *const names[] = {
		[0x0] = "ENDPOINT", [0x1] = "LEG_END", [0x4] = "ROOT_PORT", [0x5] = "UPSTREAM",
		[0x6] = "DOWNSTREAM", [0x7] = "PCI_BRIDGE", [0x8] = "PCIE_BRIDGE", [0x9] = "RC_END",
		[0xa] = "RC_EC",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

static int bus_domain(struct session *s, const struct pci_layout *l, uint64_t bus, uint32_t *domain,
		      struct kdk_err *err)
{
	uint64_t sysdata;
	int rc;

	*domain = 0;
	if (!l->has_sysdata)
		return 0;
	if ((rc = session_read_u64(s, bus + l->bus_sysdata, &sysdata, err)))
		return rc;
	return sysdata ? session_read(s, sysdata + l->sysdata_domain, domain, 4, err) : 0;
}

static int print_device(struct session *s, const struct pci_layout *l, uint64_t dev, uint32_t domain,
			uint8_t bus_number, struct kdk_err *err)
{
	uint32_t devfn = 0, class = 0;
	uint16_t vendor = 0, device = 0, flags = 0;
	uint8_t hdr_type = 0;
	char where[24], class_text[8], id[16], type[32];
	const char *name;
	int rc;

	if ((rc = session_read(s, dev + l->dev_devfn, &devfn, 4, err)) ||
	    (rc = session_read(s, dev + l->dev_vendor, &vendor, 2, err)) ||
	    (rc = session_read(s, dev + l->dev_device, &device, 2, err)) ||
	    (rc = session_read(s, dev + l->dev_class, &class, 4, err)) ||
	    (rc = session_read(s, dev + l->dev_hdr_type, &hdr_type, 1, err)) ||
	    (rc = session_read(s, dev + l->dev_pcie_flags, &flags, 2, err)))
		return kdk_err_prefix(err, "the pci_dev at %" PRIx64 ": ", dev);
	snprintf(where, sizeof(where), "%04x:%02x:%02x.%x", domain, bus_number, (devfn >> 3) & 0x1f, devfn & 7);
	snprintf(class_text, sizeof(class_text), "%04x", (class >> 8) & 0xffff);
	snprintf(id, sizeof(id), "%04x:%04x", vendor, device);
	name = pcie_type_name((flags & 0x00f0) >> 4);
	if (name)
		snprintf(type, sizeof(type), "%s", name);
	else
		snprintf(type, sizeof(type), "%x", (flags & 0x00f0) >> 4);
	if ((hdr_type & 0x7f) == 1 || (hdr_type & 0x7f) == 2)
		snprintf(type + strlen(type), sizeof(type) - strlen(type), " [BRIDGE]");
	fprintf(s->out, "  %016" PRIx64 " ", dev);
	text_centre(s->out, where, 12, true);
	fputc(' ', s->out);
	text_centre(s->out, class_text, 6, true);
	fputc(' ', s->out);
	text_centre(s->out, id, 9, true);
	fputc(' ', s->out);
	text_centre(s->out, type, 10, true);
	fputc('\n', s->out);
	return 0;
}

static void devices_header(struct session *s)
{
	fputs("  ", s->out);
	text_centre(s->out, "PCI DEV", 16, true);
	fputc(' ', s->out);
	text_centre(s->out, "DO:BU:SL.FN", 12, true);
	fputc(' ', s->out);
	text_centre(s->out, "CLASS", 6, true);
	fputc(' ', s->out);
	text_centre(s->out, "PCI_ID", 9, true);
	fputc(' ', s->out);
	text_centre(s->out, "TYPE", 10, true);
	fputc('\n', s->out);
}

/* A bus's devices (its bridge first, for a bus below another), then the buses below it. */
static int print_bus(struct session *s, const struct pci_layout *l, uint64_t bus, unsigned depth, struct kdk_err *err)
{
	uint64_t head = bus + l->bus_devices, node, self, parent;
	struct list_guard guard;
	uint32_t domain;
	uint8_t number = 0;
	unsigned n = 0;
	int rc;

	if (depth > MAX_DEPTH)
		return kdk_err_set(err, ELOOP, "PCI buses nested deeper than %d at %" PRIx64, MAX_DEPTH, bus);
	if ((rc = bus_domain(s, l, bus, &domain, err)) ||
	    (rc = session_read(s, bus + l->bus_number, &number, 1, err)) ||
	    (rc = session_read_u64(s, bus + l->bus_self, &self, err)) ||
	    (rc = session_read_u64(s, bus + l->bus_parent, &parent, err)))
		return kdk_err_prefix(err, "the pci_bus at %" PRIx64 ": ", bus);
	if (!depth) {
		text_centre(s->out, "ROOT BUS", 16, true);
		fprintf(s->out, " BUSNAME\n%016" PRIx64 " %04x:%02x\n", bus, domain, number);
	} else {
		fputs("  ", s->out);
		text_centre(s->out, "PCI BUS", 16, true);
		fputc(' ', s->out);
		text_centre(s->out, "PARENT BUS", 16, true);
		fprintf(s->out, "\n  %016" PRIx64 " %016" PRIx64 "\n", bus, parent);
	}
	devices_header(s);
	if (self && depth) {
		uint8_t parent_number = 0;
		uint32_t parent_domain = domain;

		if (parent && (rc = session_read(s, parent + l->bus_number, &parent_number, 1, err)))
			return rc;
		if (parent && (rc = bus_domain(s, l, parent, &parent_domain, err)))
			return rc;
		if ((rc = print_device(s, l, self, parent_domain, parent_number, err)))
			return rc;
	}
	if ((rc = session_read_u64(s, head, &node, err)))
		return rc;
	list_guard_init(&guard, head);
	while (node && node != head && n++ < MAX_DEVICES) {
		if ((rc = print_device(s, l, node - l->dev_bus_list, domain, number, err)) ||
		    (rc = session_read_u64(s, node, &node, err)))
			return rc;
		if (node != head && list_guard_loops(&guard, node))
			return kdk_err_set(err, ELOOP, "the device list of the pci_bus at %" PRIx64 " loops", bus);
	}
	fputc('\n', s->out);
	head = bus + l->bus_children;
	if ((rc = session_read_u64(s, head, &node, err)))
		return rc;
	list_guard_init(&guard, head);
	n = 0;
	while (node && node != head && n++ < MAX_DEVICES) {
		if ((rc = print_bus(s, l, node - l->bus_node, depth + 1, err)) ||
		    (rc = session_read_u64(s, node, &node, err)))
			return rc;
		if (node != head && list_guard_loops(&guard, node))
			return kdk_err_set(err, ELOOP, "the child list of the pci_bus at %" PRIx64 " loops", bus);
	}
	return 0;
}

int dev_pci(struct session *s, struct kdk_err *err)
{
	struct pci_layout l;
	struct list_guard guard;
	uint64_t head, node;
	unsigned n = 0;
	int rc;

	if ((rc = layout_load(s, &l, err)) || (rc = session_symbol(s, "pci_root_buses", &head, err)) ||
	    (rc = session_read_u64(s, head, &node, err)))
		return kdk_err_prefix(err, "dev -p: ");
	if (node == head) {
		fprintf(s->out, "(no PCI bus: pci_root_buses is empty)\n");
		return 0;
	}
	list_guard_init(&guard, head);
	while (node && node != head && n++ < MAX_DEVICES) {
		if ((rc = print_bus(s, &l, node - l.bus_node, 0, err)) || (rc = session_read_u64(s, node, &node, err)))
			return kdk_err_prefix(err, "dev -p: ");
		if (node != head && list_guard_loops(&guard, node))
			return kdk_err_set(err, ELOOP, "dev -p: pci_root_buses loops");
	}
	return 0;
}
