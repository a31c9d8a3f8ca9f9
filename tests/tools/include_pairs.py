#!/usr/bin/python3
"""Fail when two modules include each other (a.c includes b.h and b.c
includes a.h): each module's header is its interface, and a pair that
needs each other is one module, or a third one is missing.

    include_pairs.py DIR...
"""
import itertools
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([A-Za-z0-9_]+)\.h"', re.M)


def includes(path):
    with open(path, encoding="utf-8") as f:
        return set(INCLUDE.findall(f.read()))


def main(dirs):
    bad = 0
    for d in dirs:
        mods = {f[:-2]: includes(os.path.join(d, f))
                for f in sorted(os.listdir(d)) if f.endswith(".c")}
        for a, b in itertools.combinations(sorted(mods), 2):
            if b in mods[a] and a in mods[b]:
                print(f"{d}: {a}.c and {b}.c include each other",
                      file=sys.stderr)
                bad += 1
    print(f"include pairs: {bad} mutual in {', '.join(dirs)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["."]))
