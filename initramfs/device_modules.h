/* device_modules.h — the kernel driver modules under a device, read from sysfs on this machine:
 * the device's own driver and each parent's (the PCI function of a virtio disk or NIC, an HBA…).
 * Used for the dump target's disk and for the NIC on the route to an ssh target. */
#ifndef MKDUMPRD_DEVICE_MODULES_H
#define MKDUMPRD_DEVICE_MODULES_H

#include "kdk_array.h"
#include "module_deps.h"

/* Walk from the sysfs device directory `device` (a /sys/devices/… path) up to /sys/devices,
 * adding each driver's module to set; returns how many drivers gave one. Problems become
 * warnings (char *, malloc'd). */
int rd_sysfs_device_modules(struct kdk_module_set *set, const char *device,
			    struct kdk_array *warnings);

/* The block device kdump.conf names (/dev/…, UUID=, LABEL=, PARTUUID=, PARTLABEL=). A device not
 * on this machine is a warning: the admin adds its driver with extra_modules. */
void rd_block_device_modules(struct kdk_module_set *set, const char *device,
			     struct kdk_array *warnings);

/* The NIC this machine routes to `host` through. No route here (an image built on another
 * machine), or an interface without a device (bridge, bond, VLAN): a warning. */
void rd_network_device_modules(struct kdk_module_set *set, const char *host,
			       struct kdk_array *warnings);

/* Append one formatted warning (allocation failures lose it, nothing else). */
void rd_warn(struct kdk_array *warnings, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
