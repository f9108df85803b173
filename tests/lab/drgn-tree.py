#!/usr/bin/env python3
"""tests/lab/drgn-tree.py — what kcrash's tree shows, as drgn (a reference peer, for tests only)
reads it (run through drgn-many.py):
  "rbroot ROOT" the vmalloc areas' red-black tree (vmap_area_root, or 6.9's vmap_nodes[0].busy.root),
  "rbnode NODE" its root rb_node, then for each vmap_area of that tree
  "pre POSITION AREA VA_START VA_END" in crash's order (a node, its left subtree, its right one)
      and "in POSITION AREA" in order (left, node, right), POSITION as crash spells it ("root/l/r");
  "xaroot XARRAY" init_pid_ns's IDR (an xarray on every kernel since 4.20), then
  "xa INDEX ENTRY" for each entry of it in index order (xa_for_each, zero entries left out)."""
from drgn import container_of
from drgn.helpers.linux.xarray import xa_for_each, xa_is_zero


def vmap_root(prog):
    try:
        return prog["vmap_area_root"].address_of_()
    except KeyError:
        return prog["vmap_nodes"][0].busy.root.address_of_()


def main(prog):
    root = vmap_root(prog)
    print("rbroot %x" % root.value_())
    print("rbnode %x" % root.rb_node.value_())
    pre, ino = [], []

    def walk(node, pos):
        if not node:
            return
        area = container_of(node, "struct vmap_area", "rb_node")
        pre.append("pre %s %x %d %d" % (pos, area.value_(), area.va_start.value_(), area.va_end.value_()))
        walk(node.rb_left, pos + "/l")
        ino.append("in %s %x" % (pos, area.value_()))
        walk(node.rb_right, pos + "/r")

    walk(root.rb_node, "root")
    print("\n".join(pre))
    print("\n".join(ino))
    idr = prog["init_pid_ns"].idr.idr_rt.address_of_()
    print("xaroot %x" % idr.value_())
    for index, entry in xa_for_each(idr):
        if not xa_is_zero(entry):
            print("xa %d %x" % (index, entry.value_()))
