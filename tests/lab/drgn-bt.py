#!/usr/bin/env python3
"""tests/lab/drgn-bt.py — the crashed thread's stack, one function name per line, walked by drgn
(a reference peer, for tests only: it stands in for crash's bt where crash 8.0.2 cannot run).
   drgn-bt.py DUMP VMLINUX"""
import sys

import drgn

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
for frame in prog.crashed_thread().stack_trace():
    print(frame.name or hex(frame.pc))
