#!/usr/bin/env python3
"""tests/lab/drgn-vmstat.py — the kernel's VM counters read by drgn (a reference peer, for tests
only): "SECTION NAME VALUE" for vm_zone_stat (VM_ZONE_STAT), vm_node_stat (VM_NODE_STAT) and the
per-CPU vm_event_states summed over every possible CPU (VM_EVENT_STATES), each item named by its
enum's enumerator of that value (the last one where several share it): what kcrash's kmem -V
prints. drgn-vmstat.py DUMP VMLINUX"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_possible_cpu
from drgn.helpers.linux.percpu import per_cpu

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def names(enum_name, count_name):
    enum = prog.type("enum " + enum_name)
    count = prog[count_name].value_()
    table = {}
    for name, value in enum.enumerators:
        if 0 <= value < count:
            table[value] = name
    return [table.get(i, "(item %d)" % i) for i in range(count)]


def main(program):
    global prog
    prog = program
    for title, symbol, enum, count in (("VM_ZONE_STAT", "vm_zone_stat", "zone_stat_item", "NR_VM_ZONE_STAT_ITEMS"),
                                       ("VM_NODE_STAT", "vm_node_stat", "node_stat_item", "NR_VM_NODE_STAT_ITEMS")):
        array = prog[symbol]
        for i, name in enumerate(names(enum, count)):
            print(title, name, array[i].counter.value_())
    events = names("vm_event_item", "NR_VM_EVENT_ITEMS")
    sums = [0] * len(events)
    for cpu in for_each_possible_cpu(prog):
        state = per_cpu(prog["vm_event_states"], cpu)
        for i in range(len(events)):
            sums[i] += state.event[i].value_()
    for name, value in zip(events, sums):
        print("VM_EVENT_STATES", name, value)


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
