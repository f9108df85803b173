#!/usr/bin/env python3
"""tests/lab/drgn-vmalloc.py — the vmalloc areas kcrash's kmem -v lists, as drgn (a reference peer,
for tests only) reads them: "va VMAP_AREA VM_STRUCT START END" for every busy vmap_area with a
vm_struct, in address order: from vmap_area_list where the kernel has it, else from each of the
nr_vmap_nodes vmap_nodes[] entries' busy list (6.9 and later).   Run through drgn-many.py."""
from drgn.helpers.linux.list import list_for_each_entry


def busy_areas(prog):
    try:
        head = prog["vmap_area_list"]
    except KeyError:
        nodes = prog["vmap_nodes"]
        for i in range(prog["nr_vmap_nodes"].value_()):
            yield from list_for_each_entry("struct vmap_area", nodes[i].busy.head.address_of_(), "list")
        return
    yield from list_for_each_entry("struct vmap_area", head.address_of_(), "list")


def main(prog):
    rows = []
    for va in busy_areas(prog):
        if va.vm:
            rows.append((va.va_start.value_(), "va %x %x %x %x" % (va.value_(), va.vm.value_(),
                                                                  va.va_start.value_(), va.va_end.value_())))
    for _, row in sorted(rows):
        print(row)
