#!/usr/bin/env python3
"""tcp-listener.py PORTFILE LOG — a host-side stand-in for the ssh target in lab tests: listens on
a free 127.0.0.1 port (written to PORTFILE), and for each connection logs one line
"connection N: <first bytes received, repr>" to LOG, reading until EOF, a newline or 3 s, then
closes it. Runs until killed."""
import socket
import sys

portfile, logname = sys.argv[1], sys.argv[2]
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % srv.getsockname()[1])
import os
os.rename(portfile + ".tmp", portfile)
n = 0
with open(logname, "a", buffering=1) as log:
    while True:
        conn, _ = srv.accept()
        n += 1
        conn.settimeout(3)
        data = b""
        try:
            while len(data) < 4096 and b"\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except (socket.timeout, OSError):
            pass
        log.write("connection %d: %r\n" % (n, data[:100]))
        conn.close()
