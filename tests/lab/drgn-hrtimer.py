#!/usr/bin/env python3
"""tests/lab/drgn-hrtimer.py — every queued hrtimer on each CPU's clock bases, walked by drgn (a
reference peer, for tests only): "CPU CLOCK BASE_ADDR TIMER SOFTEXPIRES EXPIRES FUNCTION" per timer,
CPUs and clock bases in order, each base's timers in its timerqueue's order (the red-black tree
walked in order). drgn-hrtimer.py DUMP VMLINUX"""
import sys

import drgn
from drgn import Object
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.rbtree import rbtree_inorder_for_each

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def timer_of(node):
    """The struct hrtimer around an rb_node: hrtimer.node is a timerqueue_node (its rb_node
    `node`) or, since 7.x, a timerqueue_linked_node (an rb_node_linked whose rb_node is `node`)."""
    hrtimer = prog.type("struct hrtimer")
    for member in ("node.node.node", "node.node"):
        try:
            offset = drgn.offsetof(hrtimer, member)
        except LookupError:
            continue
        return Object(prog, hrtimer, address=node.value_() - offset)
    raise LookupError("struct hrtimer has no node.node")


def main(program):
    global prog
    prog = program
    rows = []
    for cpu in for_each_present_cpu(prog):
        cpu_base = per_cpu(prog["hrtimer_bases"], cpu)
        for index in range(len(cpu_base.clock_base)):
            base = cpu_base.clock_base[index]
            for node in rbtree_inorder_for_each(base.active.rb_root.rb_root.address_of_()):
                timer = timer_of(node)
                rows.append("%d %d %x %x %d %d %x" % (cpu, index, base.address_of_().value_(), timer.address_,
                                                      timer._softexpires.value_(), timer.node.expires.value_(),
                                                      timer.function.value_()))
    print("\n".join(rows))


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
