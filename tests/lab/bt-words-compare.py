#!/usr/bin/env python3
"""tests/lab/bt-words-compare.py — compare the stack words of `bt -f`/`-F`/`-FF` between crash's
output and kcrash's: bt-words-compare.py CRASH_OUT KCRASH_OUT. A frame's words are compared where
both traces have the frame (same stack address and function) and the same frame after it (crash's
unwinder also lists stale return addresses between real frames, which splits a frame's words;
kcrash's ORC unwinder does not). Prints what was compared; exits 1 on a difference, or when fewer
than 3 frames could be compared."""
import re
import sys

FRAME = re.compile(r"^ ?#\d+ \[([0-9a-f]+)\] (\S+) at ")
WORDS = re.compile(r"^    ([0-9a-f]{16}): (.*)$")


def frames(path):
    out = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            m = FRAME.match(line)
            if m:
                out.append([(m.group(1), m.group(2)), []])
                continue
            m = WORDS.match(line)
            if m and out:
                out[-1][1].append((m.group(1), m.group(2).split()))
    return out


def main():
    theirs, ours = frames(sys.argv[1]), frames(sys.argv[2])
    successor = {}
    for i, (key, words) in enumerate(theirs):
        successor[key] = (theirs[i + 1][0] if i + 1 < len(theirs) else None, words)
    compared, bad = [], []
    for i, (key, words) in enumerate(ours):
        if key not in successor or i + 1 >= len(ours):
            continue
        nxt, their_words = successor[key]
        if nxt != ours[i + 1][0]:
            continue
        compared.append(key[1])
        if words != their_words:
            bad.append("%s: crash %s, ours %s" % (key[1], their_words[:2], words[:2]))
    if bad:
        print("words differ: " + "; ".join(bad[:3]))
        return 1
    if len(compared) < 3:
        print("only %d frames in both traces (%s)" % (len(compared), " ".join(compared)))
        return 1
    print("%d frames' words equal crash's (%s; %d lines)" % (
        len(compared), " ".join(compared),
        sum(len(w) for k, w in ours if k[1] in compared)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
