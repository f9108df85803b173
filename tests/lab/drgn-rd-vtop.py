#!/usr/bin/env python3
"""tests/lab/drgn-rd-vtop.py — memory as drgn (a reference peer, for tests only) reads it, for
kcrash's rd, vtop and ptov: for each request "v:ADDR" the 64 bytes at kernel virtual ADDR (drgn
translates through its own page-table walk), "p:ADDR" the 64 bytes at physical ADDR, "ptov:ADDR"
drgn's phys_to_virt of physical ADDR; one line each, "KIND ADDR HEX" ("KIND ADDR ERROR why" when
drgn cannot read it).   drgn-rd-vtop.py DUMP VMLINUX REQUEST..."""
import sys

import drgn
from drgn.helpers.linux.mm import phys_to_virt


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
            elif kind == "ptov":
                out = "%x" % phys_to_virt(prog, addr).value_()
            else:
                raise ValueError("unknown request %s" % req)
        except drgn.FaultError as e:
            out = "ERROR %s" % e
        print("%s %x %s" % (kind, addr, out))


if __name__ == "__main__":
    main()
