#!/usr/bin/env python3
"""tests/lab/drgn-files-vm.py — kcrash's `files PID`, `vm PID`, `net` and `mount` rendered from drgn's view of
a dump (a reference peer, for tests only): files through drgn's d_path, VMAs by walking the maple
tree mm_mt with the kernel's own end-of-data rule (lib/maple_tree.c ma_data_end: the node
metadata), or the mmap list where mm_struct has no mm_mt.
    drgn-files-vm.py DUMP VMLINUX PID...    (prints files and vm for each PID, then net, mount and
                                             mount -n with the last PID)"""
import socket
import stat
import struct
import sys

import drgn
from drgn.helpers.linux.fs import d_path
from drgn.helpers.linux.list import list_for_each_entry
from drgn.helpers.linux.pid import find_task

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])


def header(t):
    print('PID: %-7d  TASK: %016x  CPU: %-3d  COMMAND: "%s"' % (
        t.pid.value_(), t.value_(), t.thread_info.cpu.value_() if has(t.thread_info, 'cpu') else t.cpu.value_(),
        t.comm.string_().decode()))


def has(obj, member):
    try:
        obj.member_(member)
        return True
    except (LookupError, AttributeError, TypeError):
        return False


def path_of(path):
    # crash prints no path for a dentry without a name (pipes, sockets: d_alloc_pseudo's ""),
    # where drgn's d_path names the pseudo file system ("[pipefs]")
    if path.dentry and not path.dentry.d_name.len:
        return ''
    try:
        return d_path(path).decode()
    except Exception as e:  # a pseudo file system without a mount drgn can walk
        return '?%s' % e


def ftype(inode, path):
    mode = inode.i_mode.value_()
    for test, name in ((stat.S_ISREG, 'REG '), (stat.S_ISLNK, 'LNK '), (stat.S_ISDIR, 'DIR '),
                       (stat.S_ISCHR, 'CHR '), (stat.S_ISBLK, 'BLK ')):
        if test(mode):
            return name, path
    if stat.S_ISFIFO(mode):
        return 'FIFO', path
    if stat.S_ISSOCK(mode):
        return 'SOCK', '' if path == '/' else path
    return 'UNKN', path


def files(t):
    header(t)
    fs = t.fs
    if fs:
        print('ROOT: %s    CWD: %s' % (path_of(fs.root.address_of_()), path_of(fs.pwd.address_of_())))
    fdt = t.files.fdt if t.files else None
    rows = []
    if fdt:
        for fd in range(fdt.max_fds.value_()):
            if not (fdt.open_fds[fd // 64].value_() >> (fd % 64)) & 1:
                continue
            f = fdt.fd[fd]
            if not f:
                continue
            dentry = f.f_path.dentry
            inode = dentry.d_inode
            typ, path = ftype(inode, path_of(f.f_path.address_of_()))
            rows.append('%3d %016x %016x %016x %s %s' % (fd, f.value_(), dentry.value_(), inode.value_(), typ, path))
    if rows:
        print(' FD       FILE            DENTRY           INODE       TYPE PATH')
        print('\n'.join(rows))
    else:
        print('No open files')


def maple_entries(mt):
    types = {name: prog.constant(name).value_() for name in
             ('maple_leaf_64', 'maple_range_64', 'maple_arange_64')}
    out = []

    def is_node(e):
        return (e & 3) == 2 and e > 4096

    def walk(enode, lo, hi):
        node = drgn.Object(prog, 'struct maple_node *', enode & ~255)
        typ = (enode >> 3) & 0xF
        if typ == types['maple_arange_64']:
            n = node.ma64
            end = n.meta.end.value_()
        else:
            n = node.mr64
            npiv = len(n.pivot)
            last = n.pivot[npiv - 1].value_()
            end = n.meta.end.value_() if last == 0 else (npiv - 1 if last == hi else npiv)
        npiv = len(n.pivot)
        cur = lo
        for i in range(end + 1):
            piv = n.pivot[i].value_() if i < npiv else hi
            if piv == 0 and i:
                piv = hi
            slot = n.slot[i].value_()
            if typ == types['maple_leaf_64']:
                if slot and (slot & 3) != 2:
                    out.append(slot)
            elif slot:
                walk(slot, cur, piv)
            cur = piv + 1

    root = mt.ma_root.value_()
    if root and is_node(root):
        walk(root, 0, 2**64 - 1)
    elif root:
        out.append(root)
    return out


def vm(t):
    header(t)
    mm = t.mm
    print('       MM               PGD          RSS    TOTAL_VM')
    if not mm:
        print('       0                 0            0k       0k   ')
        return
    rss = 0
    for name in ('MM_FILEPAGES', 'MM_ANONPAGES', 'MM_SHMEMPAGES'):
        c = mm.rss_stat.count[prog.constant(name).value_()] if has(mm.rss_stat, 'count') else \
            mm.rss_stat[prog.constant(name).value_()]
        v = c.counter.value_() if has(c, 'counter') else c.count.value_()
        rss += max(v, 0)

    def centre(text, width):
        extra = max(width - len(text), 0)
        return ' ' * (extra // 2) + text + ' ' * (extra - extra // 2)
    print('%s  %s  %s  %s' % (centre('%x' % mm.value_(), 16), centre('%x' % mm.pgd.value_(), 16),
                              centre('%dk' % (rss * 4), 6), centre('%dk' % (mm.total_vm.value_() * 4), 8)))
    print('      VMA          START      END     FLAGS FILE')
    if has(mm, 'mm_mt'):
        vmas = [drgn.Object(prog, 'struct vm_area_struct *', v) for v in maple_entries(mm.mm_mt)]
    else:
        vmas, v = [], mm.mmap
        while v:
            vmas.append(v)
            v = v.vm_next
    for v in vmas:
        assert v.vm_mm.value_() == mm.value_(), 'VMA %x: vm_mm is not this mm' % v.value_()
        path = path_of(v.vm_file.f_path.address_of_()) if v.vm_file else ''
        print('%16x %10x %10x %6x %s' % (v.value_(), v.vm_start.value_(), v.vm_end.value_(),
                                         v.vm_flags.value_(), path))
    print('MAP_COUNT %d %d' % (len(vmas), mm.map_count.value_()))


def net():
    print('   NET_DEVICE     NAME   IP ADDRESS(ES)')
    init_net = prog['init_net']
    for dev in list_for_each_entry('struct net_device', init_net.dev_base_head.address_of_(), 'dev_list'):
        addrs = []
        in_dev = dev.ip_ptr
        ifa = in_dev.ifa_list if in_dev else None
        while ifa:
            addrs.append(socket.inet_ntoa(struct.pack('<I', ifa.ifa_address.value_())))
            ifa = ifa.ifa_next
        print('%16x  %-6s %s' % (dev.value_(), dev.name.string_().decode(), ', '.join(addrs)))


def mounts(ns):
    """crash's mount table: each struct mount of ns in the kernel's order (the list through
    mnt_list up to 6.7, the rbtree through mnt_node from 6.8), its super_block, type, device name
    and where it is mounted, by drgn's d_path of the mount point in the parent mount."""
    print('     MOUNT           SUPERBLK     TYPE   DEVNAME   DIRNAME')
    if has(ns, 'list'):
        mnts = list_for_each_entry('struct mount', ns.list.address_of_(), 'mnt_list')
    else:
        from drgn.helpers.linux.rbtree import rbtree_inorder_for_each_entry
        mnts = rbtree_inorder_for_each_entry('struct mount', ns.mounts.address_of_(), 'mnt_node')
    for m in mnts:
        sb = m.mnt.mnt_sb
        typ = sb.s_type.name.string_().decode() if sb and sb.s_type else '?'
        dev = m.mnt_devname.string_().decode() if m.mnt_devname else 'none'
        parent = m.mnt_parent
        if parent.value_() == m.value_() or not m.mnt_mountpoint:
            dst = '/'
        else:
            dst = d_path(parent.mnt.address_of_(), m.mnt_mountpoint).decode()
        # crash's columns: TYPE at 34, DEVNAME at 41, DIRNAME at 51, each at least one space on
        line = '%016x %016x %s' % (m.value_(), sb.value_(), typ)
        line += ' ' * max(41 - len(line), 1) + dev
        line += ' ' * max(51 - len(line), 1) + dst
        print(line)


for pid in sys.argv[3:]:
    task = find_task(prog, int(pid))
    print('== files %s' % pid)
    files(task)
    print('== vm %s' % pid)
    vm(task)
print('== net')
net()
print('== mount')
mounts(find_task(prog, 1).nsproxy.mnt_ns)
print('== mount -n %s' % sys.argv[-1])
mounts(find_task(prog, int(sys.argv[-1])).nsproxy.mnt_ns)
