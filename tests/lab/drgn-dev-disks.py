#!/usr/bin/env python3
"""tests/lab/drgn-dev-disks.py — each disk's requests in flight, walked by drgn (a reference peer, for
tests only), one line per disk of block_class in its order (drgn-dev.py's block_disks; ram* and
loop* left out as crash leaves them): "dio MAJOR GENDISK NAME QUEUE TOTAL READS WRITES".
blk-mq queues: every hardware context's tags (reserved, then the rest), a set bit not cleared is an
allocated tag; its request counts when it is this queue's and MQ_RQ_IN_FLIGHT, a write when the
op's low bit is set. Bio-based queues: part0's per-CPU disk_stats.in_flight.
   drgn-dev-disks.py DUMP VMLINUX"""
import importlib.util
import os
import sys

import drgn
from drgn import cast
from drgn.helpers.linux.cpumask import for_each_possible_cpu
from drgn.helpers.linux.percpu import per_cpu_ptr
from drgn.helpers.linux.xarray import xa_for_each

prog = None   # main(program) sets it (drgn-many.py runs several scripts on one program)


def has_member(obj, name):
    try:
        obj.member_(name)
        return True
    except LookupError:
        return False


def hw_contexts(q):
    if has_member(q, "hctx_table"):
        return [cast("struct blk_mq_hw_ctx *", entry) for _, entry in xa_for_each(q.hctx_table.address_of_())]
    return [q.queue_hw_ctx[i] for i in range(int(q.nr_hw_queues))]


def allocated_tags(sbq):
    sb = sbq.sb
    shift, map_nr, depth = int(sb.shift), int(sb.map_nr), int(sb.depth)
    for i in range(map_nr):
        w = sb.map[i]
        word = int(w.word) & ~(int(w.cleared) if has_member(w, "cleared") else 0)
        if has_member(w, "depth"):
            bits = int(w.depth)
        else:
            bits = depth - (i << shift) if i == map_nr - 1 else 1 << shift
        for bit in range(bits):
            if word >> bit & 1:
                yield (i << shift) + bit


def count_mq(q):
    in_flight = prog.constant("MQ_RQ_IN_FLIGHT").value_()
    reads = writes = 0
    for hctx in hw_contexts(q):
        tags = hctx.tags
        reserved = int(tags.nr_reserved_tags)
        maps = [(tags.breserved_tags, 0)] if reserved else []
        maps.append((tags.bitmap_tags, reserved))
        for sbq, first in maps:
            if sbq.type_.kind == drgn.TypeKind.POINTER:
                sbq = sbq[0]
            for tag in allocated_tags(sbq):
                rq = tags.rqs[first + tag]
                if not rq or rq.q.value_() != q.value_() or rq.state.value_() != in_flight:
                    continue
                if int(rq.cmd_flags) & 1:
                    writes += 1
                else:
                    reads += 1
    return reads, writes


def count_bio(disk):
    stats = disk.part0.bd_stats if has_member(disk.part0, "bd_stats") else disk.part0.dkstats
    reads = writes = 0
    for cpu in for_each_possible_cpu(prog):
        s = per_cpu_ptr(stats, cpu)
        reads += s.in_flight[0].a.counter.value_()
        writes += s.in_flight[1].a.counter.value_()
    return reads, writes


def main(program):
    global prog
    prog = program
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drgn-dev.py")
    spec = importlib.util.spec_from_file_location("drgn_dev", path)
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    dev.prog = prog
    for disk in dev.block_disks():
        name = disk.disk_name.string_().decode()
        if name.startswith("ram") or name.startswith("loop"):
            continue
        q = disk.queue
        reads, writes = count_mq(q) if q.mq_ops else count_bio(disk)
        print("dio %d %x %s %x %d %d %d" % (int(disk.major), disk.value_(), name, q.value_(), reads + writes,
                                             reads, writes))


if __name__ == "__main__":
    p = drgn.Program()
    p.set_core_dump(sys.argv[1])
    p.load_debug_info([sys.argv[2]])
    main(p)
