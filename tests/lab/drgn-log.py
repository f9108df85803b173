#!/usr/bin/env python3
"""tests/lab/drgn-log.py — print a dump's kernel log as "[ssss.uuuuuu] text" lines, read by drgn
(a reference peer, for tests only).   drgn-log.py DUMP VMLINUX [-m] [-c WIDTH]
A record of several lines prints its timestamp once and indents the lines after the first by the
timestamp's width, as crash's `log` and util-linux's dmesg print them. -m puts the record's level
after the timestamp ("<6>"), -c its caller before that ("[  T123] ", in WIDTH columns), as crash's
log -m and -c do."""
import sys

import drgn
from drgn.helpers.linux.printk import get_printk_records

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
levels = "-m" in sys.argv[3:]
width = int(sys.argv[sys.argv.index("-c") + 1]) if "-c" in sys.argv[3:] else 0
for record in get_printk_records(prog):
    seconds, nanoseconds = divmod(record.timestamp, 1000000000)
    stamp = "[%5d.%06d] " % (seconds, nanoseconds // 1000)
    if width:
        caller = "C%d" % record.caller_cpu if record.caller_cpu is not None else "T%d" % record.caller_tid
        stamp += "[%*s] " % (width, caller)
    if levels:
        stamp += "<%x>" % record.level
    for number, line in enumerate(record.text.decode(errors="replace").split("\n")):
        print((stamp if number == 0 else " " * len(stamp)) + line)
