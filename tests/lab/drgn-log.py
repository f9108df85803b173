#!/usr/bin/env python3
"""tests/lab/drgn-log.py — print a dump's kernel log as "[ssss.uuuuuu] text" lines, read by drgn
(a reference peer, for tests only).   drgn-log.py DUMP VMLINUX
A record of several lines prints its timestamp once and indents the lines after the first by the
timestamp's width, as crash's `log` and util-linux's dmesg print them."""
import sys

import drgn
from drgn.helpers.linux.printk import get_printk_records

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
for record in get_printk_records(prog):
    seconds, nanoseconds = divmod(record.timestamp, 1000000000)
    stamp = "[%5d.%06d] " % (seconds, nanoseconds // 1000)
    for number, line in enumerate(record.text.decode(errors="replace").split("\n")):
        print((stamp if number == 0 else " " * len(stamp)) + line)
