#!/usr/bin/env python3
"""tests/lab/drgn-vmstat.py — the kernel's VM counters read by drgn (a reference peer, for tests
only): "SECTION NAME VALUE" for vm_zone_stat (VM_ZONE_STAT), vm_node_stat (VM_NODE_STAT) and the
per-CPU vm_event_states summed over every possible CPU (VM_EVENT_STATES), each item named by its
enum's enumerator of that value (the last one where several share it): what kcrash's kmem -V
prints; then per zone of every node (node_data[], else contig_page_data) "zone NODE INDEX ADDRESS
NAME SPANNED PRESENT MIN LOW HIGH" (watermarks _watermark[] plus watermark_boost, as
min_wmark_pages() computes them) and "zstat NODE INDEX NAME VALUE" for its vm_stat[]: kmem -z.
drgn-vmstat.py DUMP VMLINUX"""
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
    try:
        pgdats = [prog["node_data"][i] for i in range(len(prog["node_data"]))]
        pgdats = [p for p in pgdats if p.value_()]
    except KeyError:
        pgdats = [prog["contig_page_data"].address_of_()]
    zone_items = names("zone_stat_item", "NR_VM_ZONE_STAT_ITEMS")
    for pgdat in pgdats:
        node = pgdat.node_id.value_()
        for i in range(len(pgdat.node_zones)):
            zone = pgdat.node_zones[i]
            boost = zone.watermark_boost.value_()
            marks = [zone._watermark[prog[w]].value_() + boost for w in ("WMARK_MIN", "WMARK_LOW", "WMARK_HIGH")]
            print("zone %d %d %x %s %d %d %d %d %d" % (node, i, zone.address_, zone.name.string_().decode(),
                                                       zone.spanned_pages, zone.present_pages, *marks))
            if zone.present_pages:
                for j, name in enumerate(zone_items):
                    print("zstat %d %d %s %d" % (node, i, name, zone.vm_stat[j].counter.value_()))


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
