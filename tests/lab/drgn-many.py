#!/usr/bin/env python3
"""tests/lab/drgn-many.py — run several drgn oracle scripts (each a main(prog)) on one drgn program,
so the vmlinux's debug info is read once: drgn-many.py DUMP VMLINUX OUTDIR NAME... runs
tests/lab/drgn-NAME.py's main into OUTDIR/drgn-NAME.txt (a failure into OUTDIR/drgn-NAME.err)."""
import contextlib
import importlib.util
import os
import sys
import traceback

import drgn

prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
status = 0
for name in sys.argv[4:]:
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "drgn-%s.py" % name)
    spec = importlib.util.spec_from_file_location("drgn_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = os.path.join(sys.argv[3], "drgn-%s.txt" % name)
    try:
        with open(out, "w") as f, contextlib.redirect_stdout(f):
            module.main(prog)
    except Exception:
        with open(os.path.join(sys.argv[3], "drgn-%s.err" % name), "w") as f:
            traceback.print_exc(file=f)
        status = 1
sys.exit(status)
