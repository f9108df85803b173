#!/usr/bin/env python3
"""tests/lab/vmcoreinfo-edit.py — rename a key in an ELF core's VMCOREINFO note in place, with a
same-length byte edit (a dump whose VMCOREINFO lacks a key).   vmcoreinfo-edit.py CORE OLD NEW
Only the PT_NOTE segments are edited: the guest's own vmcoreinfo_data page in a PT_LOAD stays."""
import struct
import sys

path, old, new = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
if len(old) != len(new):
    sys.exit("vmcoreinfo-edit: %s and %s differ in length" % (sys.argv[2], sys.argv[3]))
with open(path, "r+b") as f:
    ehdr = f.read(64)
    if ehdr[:4] != b"\x7fELF" or ehdr[4] != 2:
        sys.exit("vmcoreinfo-edit: %s is not a 64-bit ELF file" % path)
    phoff, = struct.unpack_from("<Q", ehdr, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", ehdr, 0x36)
    done = 0
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        p_type, _, p_offset, _, _, p_filesz = struct.unpack("<IIQQQQ", f.read(40))
        if p_type != 4:  # PT_NOTE
            continue
        f.seek(p_offset)
        notes = bytearray(f.read(p_filesz))
        at = notes.find(b"\n" + old + b"=")
        if at < 0:
            continue
        notes[at + 1:at + 1 + len(old)] = new
        f.seek(p_offset)
        f.write(notes)
        done += 1
    if not done:
        sys.exit("vmcoreinfo-edit: no PT_NOTE of %s holds the key %s" % (path, sys.argv[2]))
print("%s: %s renamed %s in %d note segment(s)" % (path, sys.argv[2], sys.argv[3], done))
