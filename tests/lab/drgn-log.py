#!/usr/bin/env python3
"""tests/lab/drgn-log.py — print a dump's kernel log as "[ssss.uuuuuu] text" lines, read by drgn
(a reference peer, for tests only).   drgn-log.py DUMP VMLINUX"""
import sys

import drgn
from drgn.helpers.linux.printk import get_printk_records

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
for record in get_printk_records(prog):
    seconds, nanoseconds = divmod(record.timestamp, 1000000000)
    for line in record.text.decode(errors="replace").split("\n"):
        print("[%5d.%06d] %s" % (seconds, nanoseconds // 1000, line))
