#!/usr/bin/env python3
"""tests/lab/qmp.py — send QMP commands to a lab QEMU and print each reply (JSON, one per line).

    qmp.py SOCKET '{"execute": "dump-guest-memory", "arguments": {...}}' [more commands...]

Exits non-zero if QEMU answers a command with an error. Asynchronous events are skipped.
"""
import json
import socket
import sys


def read_message(stream):
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("qmp: connection closed by QEMU")
        msg = json.loads(line)
        if "event" not in msg:
            return msg


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sys.argv[1])
    stream = sock.makefile("rw")
    read_message(stream)  # the greeting
    failed = False
    for command in ["{\"execute\": \"qmp_capabilities\"}"] + sys.argv[2:]:
        stream.write(command + "\n")
        stream.flush()
        reply = read_message(stream)
        print(json.dumps(reply))
        if "error" in reply:
            print("qmp: %s -> %s" % (command, reply["error"].get("desc")), file=sys.stderr)
            failed = True
            break
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
