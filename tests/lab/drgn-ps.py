#!/usr/bin/env python3
"""tests/lab/drgn-ps.py — what kcrash's ps options show, as drgn (a reference peer, for tests only)
reads it: "task TASK PID TGID CPU LAST_ARRIVAL PARENT KTHREAD" per task of for_each_task (PARENT:
real_parent's task_struct; KTHREAD 1 when it has no mm), "clock CPU RQ_CLOCK" per possible CPU
(runqueues' rq.clock).   drgn-ps.py DUMP VMLINUX
With --args instead: ps -a's text for every task of for_each_task, "== TASK" before each block
(drgn's cmdline() and environ(): the task's user memory through its page tables; "ps: no user
stack" for a task without an mm).   drgn-ps.py DUMP VMLINUX --args
With --rlimits: "rlimit TASK INDEX CUR MAX" for each entry of each task's signal->rlim.
    drgn-ps.py DUMP VMLINUX --rlimits
With --times: "times TASK START_TIME UTIME STIME" per task, then "jiffies JIFFIES_64".
    drgn-ps.py DUMP VMLINUX --times
With --signals: "sig TASK" then "signal SIGNAL_STRUCT NR_THREADS", "action N K_SIGACTION HANDLER
MASK FLAGS" for each sighand->action[] entry, "sets BLOCKED PRIVATE SHARED" and "queued N" (entries on
the private and shared queues), per task.   drgn-ps.py DUMP VMLINUX --signals"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_possible_cpu
from drgn.helpers.linux.list import list_for_each
from drgn.helpers.linux.mm import cmdline, environ
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.sched import task_cpu


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[1])
    prog.load_debug_info([sys.argv[2]])
    if sys.argv[3:] == ["--args"]:
        out = sys.stdout.buffer
        for t in for_each_task(prog):
            out.write(b"== %x\n" % t.value_())
            if not t.mm:
                out.write(b"ps: no user stack\n")
                continue
            out.write(b"ARG: " + b"".join(a + b" " for a in cmdline(t)) + b"\n")
            env = [e for e in environ(t) if e]
            for i, e in enumerate(env):
                out.write((b"ENV: " if i == 0 else b"     ") + e + b"\n")
        return
    if sys.argv[3:] == ["--times"]:
        for t in for_each_task(prog):
            print("times %x %d %d %d" % (t.value_(), t.start_time, t.utime, t.stime))
        print("jiffies %d" % prog["jiffies_64"].value_())
        return
    if sys.argv[3:] == ["--signals"]:
        for t in for_each_task(prog):
            if not t.signal or not t.sighand:
                continue
            print("sig %x" % t.value_())
            print("signal %x %d" % (t.signal.value_(), t.signal.nr_threads))
            actions = t.sighand.action
            for i in range(len(actions)):
                sa = actions[i].sa
                print("action %d %x %x %x %x" % (i + 1, actions[i].address_, sa.sa_handler.value_(),
                                                 sa.sa_mask.sig[0], sa.sa_flags))
            queued = len(list(list_for_each(t.pending.list.address_of_()))) + \
                len(list(list_for_each(t.signal.shared_pending.list.address_of_())))
            print("sets %x %x %x" % (t.blocked.sig[0], t.pending.signal.sig[0],
                                     t.signal.shared_pending.signal.sig[0]))
            print("queued %d" % queued)
        return
    if sys.argv[3:] == ["--rlimits"]:
        for t in for_each_task(prog):
            rlim = t.signal.rlim
            for i in range(len(rlim)):
                print("rlimit %x %d %d %d" % (t.value_(), i, rlim[i].rlim_cur, rlim[i].rlim_max))
        return
    for t in for_each_task(prog):
        print("task %x %d %d %d %d %x %d" % (t.value_(), t.pid, t.tgid, task_cpu(t),
                                             t.sched_info.last_arrival, t.real_parent.value_(),
                                             0 if t.mm else 1))
    for cpu in for_each_possible_cpu(prog):
        print("clock %d %d" % (cpu, per_cpu(prog["runqueues"], cpu).clock))


if __name__ == "__main__":
    main()
