#!/usr/bin/env python3
"""tests/lab/drgn-tasks.py — list "PID COMM" of every task in a dump, walked by drgn (a reference
peer, for tests only).   drgn-tasks.py DUMP VMLINUX"""
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
for task in for_each_task(prog):
    print(int(task.pid), task.comm.string_().decode(errors="replace"))
