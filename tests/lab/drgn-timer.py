#!/usr/bin/env python3
"""tests/lab/drgn-timer.py — every pending timer_list on each CPU's timer wheel bases, walked by drgn
(a reference peer, for tests only): "CPU BASE_INDEX BASE_ADDR TIMER EXPIRES FUNCTION" per timer, sorted.
drgn-timer.py DUMP VMLINUX"""
import sys

import drgn
from drgn import container_of
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.list import hlist_for_each
from drgn.helpers.linux.percpu import per_cpu

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def main(program):
    global prog
    prog = program
    rows = []
    for cpu in for_each_present_cpu(prog):
        bases = per_cpu(prog["timer_bases"], cpu)
        for b in range(len(bases)):
            base = bases[b]
            for vector in base.vectors:
                for node in hlist_for_each(vector.address_of_()):
                    timer = container_of(node, "struct timer_list", "entry")
                    rows.append("%d %d %x %x %d %x" % (cpu, b, base.address_of_().value_(), timer.value_(),
                                                       timer.expires.value_(), timer.function.value_()))
    print("\n".join(sorted(rows)))


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
