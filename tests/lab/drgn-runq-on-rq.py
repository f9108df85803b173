#!/usr/bin/env python3
"""tests/lab/drgn-runq-on-rq.py — every task whose on_rq is set, read by drgn (a reference peer, for
tests only): "CPU PRIO PID TASK" per task (each CPU's idle task included), by CPU, then PID, then
address: what kcrash's runq -d lists. drgn-runq-on-rq.py DUMP VMLINUX"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.sched import task_cpu

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def main(program):
    global prog
    prog = program
    tasks = {task.value_(): task for task in for_each_task(prog)}
    for cpu in for_each_present_cpu(prog):
        idle = per_cpu(prog["runqueues"], cpu).idle
        tasks[idle.value_()] = idle
    rows = sorted((task_cpu(task), task.pid.value_(), address, task.prio.value_())
                  for address, task in tasks.items() if task.on_rq.value_())
    print("\n".join("%d %d %d %x" % (cpu, prio, pid, address) for cpu, pid, address, prio in rows))


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
