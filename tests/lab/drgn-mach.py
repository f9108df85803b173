#!/usr/bin/env python3
"""tests/lab/drgn-mach.py — what kcrash's mach prints, read by drgn (a reference peer, for tests
only): "key value" lines — the address-space bases (page_offset_base, vmalloc_base, vmemmap_base),
cpu_khz, each present CPU's IRQ stack top (hardirq_stack_ptr + 8: THREAD_SIZE, its size, is not in
DWARF; the test takes it from the kernel's config) and each cea_exception_stacks *_stack member's address and
size, the e820 table's entries (start end type-name), each present CPU's cpuinfo_x86
loops_per_jiffy and x86_model_id, and each DMI string the kernel kept ("dmi NAME: VALUE", named by
enum dmi_field), and each PCI device below pci_root_buses, buses depth first ("pci DEVICE
DOMAIN:BUS:SLOT.FN CLASS VENDOR:DEVICE PCIE-TYPE BRIDGE"). drgn-mach.py DUMP VMLINUX"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.percpu import per_cpu

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def per_cpu_value(name, member, cpu):
    """A per-CPU variable, or (7.x, 6.8+) the member of pcpu_hot that took its place."""
    try:
        return per_cpu(prog[name], cpu)
    except KeyError:
        return getattr(per_cpu(prog["pcpu_hot"], cpu), member)


def pci_bus(bus, depth):
    """Each device of bus (its bridge first below the root), then the buses below it."""
    from drgn.helpers.linux.list import list_for_each_entry
    domain = drgn.cast("struct pci_sysdata *", bus.sysdata).domain.value_() if bus.sysdata else 0
    devices = []
    if depth and bus.self:
        parent = bus.parent
        pdom = drgn.cast("struct pci_sysdata *", parent.sysdata).domain.value_() if parent.sysdata else 0
        devices.append((bus.self, pdom, parent.number.value_()))
    for dev in list_for_each_entry("struct pci_dev", bus.devices.address_of_(), "bus_list"):
        devices.append((dev, domain, bus.number.value_()))
    for dev, dom, number in devices:
        devfn = dev.devfn.value_()
        print("pci %x %04x:%02x:%02x.%x %04x %04x:%04x %d %d" % (
            dev.value_(), dom, number, (devfn >> 3) & 0x1f, devfn & 7, (dev.member_("class").value_() >> 8) & 0xffff,
            dev.vendor.value_(), dev.device.value_(), (dev.pcie_flags_reg.value_() & 0xf0) >> 4,
            1 if dev.hdr_type.value_() & 0x7f in (1, 2) else 0))
    for child in list_for_each_entry("struct pci_bus", bus.children.address_of_(), "node"):
        pci_bus(child, depth + 1)


def main(program):
    global prog
    prog = program
    for name in ("page_offset_base", "vmalloc_base", "vmemmap_base"):
        print("%s %x" % (name, prog[name].value_()))
    print("cpu_khz %d" % prog["cpu_khz"].value_())
    estacks_type = prog.type("struct cea_exception_stacks")
    for cpu in for_each_present_cpu(prog):
        top = per_cpu_value("hardirq_stack_ptr", "hardirq_stack_ptr", cpu).value_()
        print("irqtop %d %x" % (cpu, top + 8))
        estacks = per_cpu(prog["cea_exception_stacks"], cpu)
        for member in estacks_type.members:
            if member.name.endswith("_stack"):
                field = getattr(estacks, member.name)
                print("stack %s %d %x %d" % (member.name[:-6], cpu, field.address_, drgn.sizeof(field)))
    table = prog["e820_table"]
    type_enum = prog.type("enum e820_type")
    names = {value: name for name, value in type_enum.enumerators}
    for i in range(table.nr_entries.value_()):
        entry = table.entries[i]
        start, size, kind = entry.addr.value_(), entry.size.value_(), entry.type.value_()
        name = names.get(kind, "type %d" % kind).replace("E820_TYPE_", "E820_")
        print("e820 %016x %016x %s" % (start, start + size, name))
    for cpu in for_each_present_cpu(prog):
        info = per_cpu(prog["cpu_info"], cpu)
        print("cpuinfo %d loops_per_jiffy %d model %s" % (
            cpu, info.loops_per_jiffy.value_(), info.x86_model_id.string_().decode()))
    fields = {value: name for name, value in prog.type("enum dmi_field").enumerators}
    idents = prog["dmi_ident"]
    for i in range(len(idents)):
        if idents[i].value_():
            print("dmi %s: %s" % (fields.get(i, "DMI field %d" % i), idents[i].string_().decode()))
    from drgn.helpers.linux.list import list_for_each_entry
    for bus in list_for_each_entry("struct pci_bus", prog["pci_root_buses"].address_of_(), "node"):
        pci_bus(bus, 0)


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
