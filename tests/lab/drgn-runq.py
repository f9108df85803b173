#!/usr/bin/env python3
"""tests/lab/drgn-runq.py — each CPU's run queue walked by drgn (a reference peer, for tests only),
printed in crash's `runq` shape: CURRENT, RT lists by priority, CFS tree in order (group
entities' queues in their place).   drgn-runq.py DUMP VMLINUX"""
import sys

import drgn
from drgn import Object, container_of
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.rbtree import rbtree_inorder_for_each_entry

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def entry(prio, task):
    return "     [%3d] PID: %-5d  TASK: %x  COMMAND: \"%s\"" % (
        prio, task.pid, task.value_(), task.comm.string_().decode())


def has(obj, member):
    try:
        obj.member_(member)
        return True
    except LookupError:
        return False


def cfs(cfs_rq, out):
    if has(cfs_rq.curr, "my_q") and cfs_rq.curr and cfs_rq.curr.my_q:
        cfs(cfs_rq.curr.my_q, out)
    for se in rbtree_inorder_for_each_entry("struct sched_entity", cfs_rq.tasks_timeline.rb_root,
                                            "run_node"):
        if has(se, "my_q") and se.my_q:
            cfs(se.my_q, out)
            continue
        task = container_of(se, "struct task_struct", "se")
        out.append(entry(int(task.prio), task))


def rt(array, out):
    for prio in range(len(array.queue)):
        for rt_se in list_for_each_entry("struct sched_rt_entity", array.queue[prio].address_of_(),
                                         "run_list"):
            if has(rt_se, "my_q") and rt_se.my_q:
                rt(rt_se.my_q.active, out)
                continue
            out.append(entry(prio, container_of(rt_se, "struct task_struct", "rt")))


def main(program):
    global prog
    prog = program
    for i, cpu in enumerate(for_each_present_cpu(prog)):
        rq = per_cpu(prog["runqueues"], cpu)
        cur = rq.curr
        print("%sCPU %d RUNQUEUE: %x" % ("\n" if i else "", cpu, rq.address_of_().value_()))
        print("  CURRENT: PID: %-5d  TASK: %x  COMMAND: \"%s\"" % (
            cur.pid, cur.value_(), cur.comm.string_().decode()))
        print("  RT PRIO_ARRAY: %x" % rq.rt.active.address_of_().value_())
        out = []
        rt(rq.rt.active, out)
        print("\n".join(out) if out else "     [no tasks queued]")
        print("  CFS RB_ROOT: %x" % rq.cfs.tasks_timeline.rb_root.address_of_().value_())
        out = []
        cfs(rq.cfs, out)
        print("\n".join(out) if out else "     [no tasks queued]")


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
