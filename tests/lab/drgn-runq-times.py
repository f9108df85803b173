#!/usr/bin/env python3
"""tests/lab/drgn-runq-times.py — what crash's `runq -m` and `runq -T` print, read by drgn (a reference
peer, for tests only): per present CPU how long its current task has run (rq.clock minus the
task's sched_info.last_arrival, "[DAYS HH:MM:SS.MSEC]"), then each CPU's rq.clock behind the
latest, in seconds.   drgn-runq-times.py DUMP VMLINUX"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.percpu import per_cpu


def main(prog):
    clocks = []
    for cpu in for_each_present_cpu(prog):
        rq = per_cpu(prog["runqueues"], cpu)
        cur = rq.curr
        clock = int(rq.clock)
        clocks.append((cpu, clock))
        ms = max(clock - int(cur.sched_info.last_arrival), 0) // 1000000
        print(" " * (cpu < 10) + "CPU %d: [%d %02d:%02d:%02d.%03d]  PID: %-6d TASK: %x  COMMAND: \"%s\"" % (
            cpu, ms // 86400000, ms // 3600000 % 24, ms // 60000 % 60, ms // 1000 % 60, ms % 1000,
            cur.pid, cur.value_(), cur.comm.string_().decode()))
    print("--")
    latest = max(c for _, c in clocks)
    # the least behind first, equal ones in CPU order: crash's runq -T order
    for cpu, clock in sorted(clocks, key=lambda c: (-c[1], c[0])):
        print("  CPU %d: %.2f secs" % (cpu, (latest - clock) / 1e9))


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
