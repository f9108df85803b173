#!/usr/bin/env python3
"""serial-times.py — host timestamps of a guest's console: when each marker first appears in a
growing serial log, and when QEMU exits. The guest's own clocks cannot time a crash cycle (the
capture kernel's printk clock starts again at 0), so the host watches.

  serial-times.py LOG PID_FILE TIMEOUT NAME=REGEX [NAME=REGEX...]

Markers are looked for in order, each only in lines after the previous one's (so 'Linux version'
after the panic is the capture kernel's banner). Prints one line per marker, 'NAME SECONDS', the
seconds since the first marker, then 'exit SECONDS' when the process in PID_FILE has ended.
Exit 1 when TIMEOUT seconds pass first, or when the process ends before every marker appeared
(what was seen is printed all the same)."""
import os
import re
import sys
import time


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    log, pid_file, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    markers = [(n, re.compile(r)) for n, r in (a.split("=", 1) for a in sys.argv[4:])]
    start = time.monotonic()
    while not os.path.exists(pid_file) and time.monotonic() - start < timeout:
        time.sleep(0.01)
    with open(pid_file) as f:
        pid = int(f.read().strip())
    seen, first, pending, offset = [], None, b"", 0
    while True:
        now = time.monotonic()
        try:
            with open(log, "rb") as f:
                f.seek(offset)
                chunk = f.read()
        except FileNotFoundError:
            chunk = b""
        offset += len(chunk)
        lines = (pending + chunk).split(b"\n")
        pending = lines.pop()
        for line in lines:
            if len(seen) < len(markers):
                name, regex = markers[len(seen)]
                if regex.search(line.decode("utf-8", "replace")):
                    first = now if first is None else first
                    seen.append(name)
                    print(f"{name} {now - first:.2f}", flush=True)
        running = alive(pid)
        if not running:
            end = time.monotonic()
            if first is not None:
                print(f"exit {end - first:.2f}", flush=True)
            sys.exit(0 if len(seen) == len(markers) else 1)
        if now - start > timeout:
            sys.exit(1)
        time.sleep(0.01)


main()
