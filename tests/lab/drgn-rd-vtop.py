#!/usr/bin/env python3
"""tests/lab/drgn-rd-vtop.py — memory as drgn (a reference peer, for tests only) reads it, for
kcrash's rd, vtop and ptov: for each request "v:ADDR" the 64 bytes at kernel virtual ADDR (drgn
translates through its own page-table walk), "p:ADDR" the 64 bytes at physical ADDR, "ptov:ADDR"
drgn's phys_to_virt of physical ADDR, one line each, "KIND ADDR HEX" ("KIND ADDR ERROR why" when
drgn cannot read it); "stack:TASK" a line "text SLOT VALUE" for each word of the task's stack
(task->stack, THREAD_SIZE 16 KiB: x86_64 without KASAN) that lies in [_stext, _etext), for
kcrash's bt -T; "scan:VALUE" a line "hit PADDR" for each 8-byte-aligned word of physical memory
(every page below max_pfn that drgn can read) equal to VALUE, for kcrash's search -p.
drgn-rd-vtop.py DUMP VMLINUX REQUEST..."""
import sys

import struct

import drgn
from drgn import Object
from drgn.helpers.linux.mm import phys_to_virt

THREAD_SIZE = 16384


def stack_text(prog, task):
    t = Object(prog, "struct task_struct *", value=task)
    base = t.stack.value_()
    lo, hi = prog.symbol("_stext").address, prog.symbol("_etext").address
    words = struct.unpack("<%dQ" % (THREAD_SIZE // 8), prog.read(base, THREAD_SIZE))
    for i, w in enumerate(words):
        if lo <= w < hi:
            print("text %x %x" % (base + 8 * i, w))


def scan(prog, value):
    needle = struct.pack("<Q", value)
    chunk = 1 << 21
    end = prog["max_pfn"].value_() << 12
    for base in range(0, end, chunk):
        try:
            blocks = [(base, prog.read(base, chunk, True))]
        except drgn.FaultError:
            blocks = []
            for page in range(base, base + chunk, 4096):
                try:
                    blocks.append((page, prog.read(page, 4096, True)))
                except drgn.FaultError:
                    pass
        for start, data in blocks:
            at = data.find(needle)
            while at >= 0:
                if at % 8 == 0:
                    print("hit %x" % (start + at))
                at = data.find(needle, at + 1)


def main():
    dump, vmlinux, requests = sys.argv[1], sys.argv[2], sys.argv[3:]
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux])
    for req in requests:
        kind, _, text = req.partition(":")
        addr = int(text, 16)
        try:
            if kind == "v":
                out = prog.read(addr, 64).hex()
            elif kind == "p":
                out = prog.read(addr, 64, True).hex()
            elif kind == "scan":
                scan(prog, addr)
                continue
            elif kind == "stack":
                stack_text(prog, addr)
                continue
            elif kind == "ptov":
                out = "%x" % phys_to_virt(prog, addr).value_()
            else:
                raise ValueError("unknown request %s" % req)
        except drgn.FaultError as e:
            out = "ERROR %s" % e
        print("%s %x %s" % (kind, addr, out))


if __name__ == "__main__":
    main()
