#!/usr/bin/env python3
"""tests/lab/kexec-check.py — read what a t/60-kexec guest printed on its serial console.

  kexec-check.py section SERIAL LABEL     lines between "KDK-LAB: LABEL begin" and "... end rc=N"
  kexec-check.py rc SERIAL LABEL          that section's exit status
  kexec-check.py iomem-dump SERIAL [LABEL] System RAM minus "Crash kernel" minus the first 1 MiB,
                                          from the recorded /proc/iomem (section LABEL, default
                                          iomem), one "start-end" (inclusive, hex) per line
  kexec-check.py vmcore-loads SERIAL      the capture kernel's /proc/vmcore PT_LOADs outside the
                                          kernel text mapping, merged where adjacent, same format
  kexec-check.py vmcore-summary SERIAL    "prstatus=N vmcoreinfo=0|1 loads=N size=BYTES": the CPU
                                          notes, the VMCOREINFO note, PT_LOADs, where the file ends
"""
import base64, gzip, re, struct, sys

def lines(path):
    with open(path, 'rb') as f:
        return f.read().decode('utf-8', 'replace').splitlines()

def section(path, label):
    out, inside, rc = [], False, None
    for line in lines(path):
        if line.startswith('KDK-LAB: %s begin' % label):
            inside, out = True, []
            continue
        m = re.match(r'KDK-LAB: %s end rc=(\d+)' % re.escape(label), line)
        if m and inside:
            return out, int(m.group(1))
        if inside and not line.startswith('['):
            out.append(line)
    raise SystemExit('no complete "%s" section in %s' % (label, path))

def iomem_dump(path, label='iomem'):
    entries = []
    for line in section(path, label)[0]:
        m = re.match(r'^( *)([0-9a-f]+)-([0-9a-f]+) : (.*)$', line)
        if m:
            entries.append((int(m.group(2), 16), int(m.group(3), 16), m.group(4)))
    ram = [[s, e] for s, e, name in entries if name.startswith('System RAM')]
    for cs, ce, name in entries:
        if name != 'Crash kernel':
            continue
        cut = []
        for s, e in ram:
            if e < cs or s > ce:
                cut.append([s, e])
                continue
            if s < cs:
                cut.append([s, cs - 1])
            if e > ce:
                cut.append([ce + 1, e])
        ram = cut
    # The first 1 MiB is the capture kernel's RAM (see t/60-kexec.sh): not part of the dump.
    ram = [[max(s, 0x100000), e] for s, e in ram if e >= 0x100000]
    return sorted(ram)

def vmcore_header(path):
    text, inside = [], False
    for line in lines(path):
        if 'KDK-LAB: vmcore header begin' in line:
            inside = True
        elif 'KDK-LAB: vmcore header end' in line:
            break
        elif inside and re.fullmatch(r'[A-Za-z0-9+/=]+', line):
            text.append(line)
    if not text:
        raise SystemExit('no vmcore header in %s' % path)
    return gzip.decompress(base64.b64decode(''.join(text)))

def phdrs(data):
    if data[:4] != b'\x7fELF' or data[4] != 2:
        raise SystemExit('/proc/vmcore does not start with an ELF64 header')
    phoff, = struct.unpack_from('<Q', data, 32)
    phentsize, phnum = struct.unpack_from('<HH', data, 54)
    out = []
    for i in range(phnum):
        out.append(struct.unpack_from('<IIQQQQQQ', data, phoff + i * phentsize))
    return out

def merge(ranges):
    out = []
    for s, e in sorted(ranges):
        if out and s == out[-1][1] + 1:
            out[-1][1] = e
        else:
            out.append([s, e])
    return out

def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == 'section':
        print('\n'.join(section(path, sys.argv[3])[0]))
    elif cmd == 'rc':
        print(section(path, sys.argv[3])[1])
    elif cmd == 'iomem-dump':
        for s, e in merge(iomem_dump(path, *sys.argv[3:4])):
            print('%x-%x' % (s, e))
    elif cmd == 'vmcore-loads':
        loads = [[p[4], p[4] + p[6] - 1] for p in phdrs(vmcore_header(path))
                 if p[0] == 1 and p[3] < 0xffffffff80000000]
        for s, e in merge(loads):
            print('%x-%x' % (s, e))
    elif cmd == 'vmcore-summary':
        ph = phdrs(vmcore_header(path))
        end = max(p[2] + p[5] for p in ph)
        data = vmcore_header(path)
        prstatus = vmcoreinfo = 0
        for p in ph:
            if p[0] != 4:
                continue
            at, stop = p[2], p[2] + p[5]
            while at + 12 <= stop:
                namesz, descsz, ntype = struct.unpack_from('<III', data, at)
                name = data[at + 12:at + 12 + namesz].rstrip(b'\0')
                if name == b'CORE' and ntype == 1:
                    prstatus += 1
                if name == b'VMCOREINFO':
                    vmcoreinfo = 1
                at += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
        print('prstatus=%d vmcoreinfo=%d loads=%d size=%d' % (prstatus, vmcoreinfo, sum(p[0] == 1 for p in ph), end))
    else:
        raise SystemExit(__doc__)

main()
