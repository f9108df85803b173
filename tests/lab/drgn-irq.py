#!/usr/bin/env python3
"""tests/lab/drgn-irq.py — "IRQ DESC ACTION NAME…" for each IRQ with a descriptor, walked by drgn (a
reference peer, for tests only): irq_desc_tree through drgn's radix_tree_for_each, sparse_irqs
(6.5+, which drgn 0.0.22 has no helper for) by a maple-tree walk written here from
include/linux/maple_tree.h's node encoding; then "stat IRQ COUNT…" per IRQ with an action, its
per-CPU kstat_irqs (an unsigned int, or struct irqstat's cnt since 6.10) on each present CPU.
drgn-irq.py DUMP VMLINUX"""
import sys

import drgn
from drgn import Object, cast
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.percpu import per_cpu_ptr

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def maple(entry, lo, hi, out):
    """Leaf entries of the maple node `entry` covering [lo, hi] into out {index: pointer}."""
    v = entry.value_()
    node = prog.object("struct maple_node", address=v & ~0xFF) if False else \
        Object(prog, "struct maple_node", address=v & ~0xFF)
    kind = (v >> 3) & 0xF            # enum maple_type: 1 leaf_64, 2 range_64, 3 arange_64
    part = node.ma64 if kind == 3 else node.mr64
    pivots, slots = part.pivot, part.slot
    first = lo
    for i in range(len(pivots) + 1):
        last = pivots[i].value_() if i < len(pivots) else hi
        if i and last == 0:
            break
        last = min(last, hi)
        slot = slots[i].value_()
        if slot:
            if kind == 1:
                out[first] = slot
            else:
                maple(Object(prog, "void *", value=slot), first, last, out)
        if last >= hi:
            break
        first = last + 1


def main(program):
    global prog
    prog = program
    descs = {}
    try:
        root = prog["sparse_irqs"].ma_root
        if (root.value_() & 3) == 2 and root.value_() > 4096:
            maple(root, 0, 2**64 - 1, descs)
        elif root.value_():
            descs[0] = root.value_()
    except KeyError:
        from drgn.helpers.linux.radixtree import radix_tree_for_each
        for index, entry in radix_tree_for_each(prog["irq_desc_tree"].address_of_()):
            descs[index] = entry.value_()

    for irq in sorted(descs):
        desc = Object(prog, "struct irq_desc *", value=descs[irq])
        names = []
        action = desc.action
        while action:
            names.append("%x \"%s\"" % (action.value_(), action.name.string_().decode()))
            action = action.next
        print("%d %x %s" % (irq, descs[irq], " ".join(names) if names else "(unused)"))

    for irq in sorted(descs):
        desc = Object(prog, "struct irq_desc *", value=descs[irq])
        if not desc.action:
            continue
        counts = []
        for cpu in for_each_present_cpu(prog):
            stat = per_cpu_ptr(desc.kstat_irqs, cpu)[0]
            try:
                counts.append(str(int(stat.cnt)))
            except (AttributeError, LookupError, TypeError):
                counts.append(str(int(stat)))
        print("stat %d %s" % (irq, " ".join(counts)))

if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
