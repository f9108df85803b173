#!/usr/bin/env python3
"""tests/lab/drgn-runq-groups.py — the task groups and queued CFS tasks, read by drgn (a reference
peer, for tests only), for kcrash's runq -g:
  "group CPU TASK_GROUP CFS_RQ NAME THROTTLED" for every task group (root_task_group's tree through
      its children lists) on every present CPU: the group's cfs_rq there, its cgroup's name ("/"
      for the root's, "-" without a cgroup: an autogroup) and cfs_rq.throttled (0 or 1);
  "task CPU PID TASK CFS_RQ" for every task with on_rq set whose class is the fair one, with the
      cfs_rq its entity is queued on (se.cfs_rq), and for every task entity in any group's cfs_rq
      tree on any CPU (se.my_q NULL), whether the task list has it or not: an exiting task that
      reaped itself (EXIT_DEAD, gone from the task list) can still be queued, preempted before its
      last schedule (met in a 7.2 fixture on 2026-12-07).
drgn-runq-groups.py DUMP VMLINUX"""
import sys

import drgn
from drgn import TypeKind
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.percpu import per_cpu_ptr
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.rbtree import rbtree_inorder_for_each_entry
from drgn.helpers.linux.sched import task_cpu

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def groups(tg):
    yield tg
    for child in list_for_each_entry("struct task_group", tg.children.address_of_(), "siblings"):
        yield from groups(child)


def cfs_rq_of(tg, cpu):
    # an array of per-CPU pointers, or (7.x) a per-CPU pointer itself
    if tg.cfs_rq.type_.type.kind == TypeKind.POINTER:
        return tg.cfs_rq[cpu]
    return per_cpu_ptr(tg.cfs_rq, cpu)


def name_of(tg):
    cgroup = tg.css.cgroup
    if not cgroup:
        return "-"
    kn = cgroup.kn
    parent = kn.member_("__parent") if kn.type_.type.has_member("__parent") else kn.parent
    if not parent:
        return "/"
    return kn.name.string_().decode()


def main(program):
    global prog
    prog = program
    root = prog["root_task_group"].address_of_()
    cpus = list(for_each_present_cpu(prog))
    rows = set()
    for tg in groups(root):
        for cpu in cpus:
            cfs_rq = cfs_rq_of(tg, cpu)
            print("group %d %x %x %s %d" % (cpu, tg.value_(), cfs_rq.value_(), name_of(tg),
                                            1 if cfs_rq.throttled.value_() else 0))
            for se in rbtree_inorder_for_each_entry("struct sched_entity",
                                                    cfs_rq.tasks_timeline.rb_root.address_of_(),
                                                    "run_node"):
                if se.my_q:
                    continue
                task = drgn.container_of(se, "struct task_struct", "se")
                rows.add("task %d %d %x %x" % (cpu, task.pid.value_(), task.value_(), cfs_rq.value_()))
    fair = prog["fair_sched_class"].address_of_().value_()
    for task in for_each_task(prog):
        if task.on_rq.value_() and task.sched_class.value_() == fair:
            rows.add("task %d %d %x %x" % (task_cpu(task), task.pid.value_(), task.value_(),
                                           task.se.cfs_rq.value_()))
    print("\n".join(sorted(rows)))


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
