#!/usr/bin/env python3
"""tests/lab/drgn-dev.py — character and block device majors walked by drgn (a reference peer, for
tests only): "chr MAJOR NAME CDEV OPS" per char_device_struct (cdev from the struct, else
cdev_map's probe for its first minor), "blk MAJOR NAME GENDISK OPS" per blk_major_name with the
gendisk of that major among block_class's devices (drgn's for_each_disk; from 6.4, which dropped
struct class.p, the class's subsys_private found on class_kset, as drivers/base/class.c does); OPS
as an address, "(none)" for both when none.   drgn-dev.py DUMP VMLINUX"""
import sys

import drgn
from drgn import Object, container_of
from drgn.helpers.linux.block import for_each_disk
from drgn.helpers.linux.list import list_for_each_entry

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def cdev_of(cd):
    if cd.cdev:
        return cd.cdev
    probe = prog["cdev_map"].probes[int(cd.major) % len(prog["cdev_map"].probes)]
    while probe:
        if int(probe.dev) >> 20 == int(cd.major) and int(probe.dev) & 0xFFFFF == int(cd.baseminor):
            return Object(prog, "struct cdev *", value=probe.data.value_())
        probe = probe.next
    return None


def row(kind, major, name, obj, ops):
    if not ops:
        return "%s %d %s (none)" % (kind, major, name)
    return "%s %d %s %x %x" % (kind, major, name, obj, ops)


def block_disks():
    try:
        return list(for_each_disk(prog))
    except AttributeError:
        pass
    block_class = prog["block_class"].address_of_()
    for kobj in list_for_each_entry("struct kobject", prog["class_kset"].list.address_of_(), "entry"):
        sp = container_of(kobj, "struct subsys_private", "subsys.kobj")
        if sp.member_("class") != block_class:
            continue
        out = []
        for node in list_for_each_entry("struct klist_node", sp.klist_devices.k_list.address_of_(), "n_node"):
            dev = container_of(node, "struct device_private", "knode_class").device
            if dev.type == prog["disk_type"].address_of_():
                out.append(container_of(dev, "struct block_device", "bd_device").bd_disk)
        return out
    return []


def main(program):
    global prog
    prog = program
    for head in prog["chrdevs"]:
        cd = head
        while cd:
            cdev = cdev_of(cd)
            ops = cdev.ops.value_() if cdev else 0
            print(row("chr", int(cd.major), cd.name.string_().decode(), cdev.value_() if ops else 0, ops))
            cd = cd.next
    disks = {}
    for disk in block_disks():
        disks.setdefault(int(disk.major), disk)
    for head in prog["major_names"]:
        bm = head
        while bm:
            disk = disks.get(int(bm.major))
            print(row("blk", int(bm.major), bm.name.string_().decode() or "(unknown)",
                      disk.value_() if disk else 0, disk.fops.value_() if disk else 0))
            bm = bm.next


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
